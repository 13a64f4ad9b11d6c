/**
 * Drain benchmark: a backlog of reminders on two paced fake channels (Telegram at its rate per second,
 * WhatsApp with a daily cap reached during the run), drained by the real dispatcher on a real SQLite
 * file with the real clock, while a person chats on Telegram and times each reply.
 *
 * Usage: npm run bench:drain [-- --telegram 1000 --whatsapp 300 --rate 25 --cap 100]
 * Prints sends per second per channel, the worst 1 s window, the drain rate against the configured
 * one, the reply latency during the backlog, and whether Telegram kept its pace once WhatsApp was capped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { singleTerritoryRouter } from '../src/alerts/alertRouter.js';
import type { ChannelAdapter } from '../src/channels/types.js';
import { loadConfig } from '../src/config.js';
import { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { loadLocales } from '../src/i18n/index.js';
import { enqueue } from '../src/outbox/outbox.js';

const { values: args } = parseArgs({
  options: { telegram: { type: 'string', default: '1000' }, whatsapp: { type: 'string', default: '300' }, rate: { type: 'string', default: '25' }, cap: { type: 'string', default: '100' } },
});
const backlog = { telegram: Number(args.telegram), whatsapp: Number(args.whatsapp) };
const rate = Number(args.rate);
const cap = Number(args.cap);

const dir = mkdtempSync(path.join(tmpdir(), 'icope-drain-'));
const url = `file:${path.join(dir, 'drain.db')}`;
await migrate(url);
const config = loadConfig({
  DATABASE_URL: url,
  QUIET_HOURS: 'off',
  CALLBACK_PHONE: 'never',
  TELEGRAM_MAX_PER_SECOND: String(rate),
  WHATSAPP_DAILY_CAP: String(cap),
  OUTBOX_POLL_MS: '200',
});
const db = await Database.open(config.DATABASE_URL);

/** A fake platform: each send takes `latencyMs`; the time each send started is kept. */
function fakeChannel(name: string, latencyMs: number, onSend: (address: string, at: number) => void): ChannelAdapter & { starts: number[] } {
  const starts: number[] = [];
  let n = 0;
  return {
    name,
    starts,
    start: async () => undefined,
    stop: async () => undefined,
    send: async (address) => {
      const at = performance.now();
      starts.push(at);
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
      onSend(address, at);
      return { externalId: String(++n) };
    },
    deleteMessage: async () => true,
  };
}

const replyWaiters = new Map<string, (at: number) => void>();
const onSend = (address: string, at: number) => {
  const wake = replyWaiters.get(address);
  replyWaiters.delete(address);
  wake?.(at);
};
const telegram = fakeChannel('telegram', 30, onSend);
const whatsapp = fakeChannel('whatsapp', 80, onSend);
const app = createApp({
  config,
  db,
  locales: loadLocales(),
  logger: pino({ level: 'silent' }),
  channels: [telegram, whatsapp],
  router: singleTerritoryRouter({ targets: [] }),
  listen: false,
});

// The backlog: re-screening reminders nobody is waiting for (priority 1), one chat each.
const now = new Date();
await db.tx(async (tx) => {
  for (const [channel, count] of Object.entries(backlog)) {
    for (let i = 0; i < count; i++) {
      await enqueue(tx, { key: `backlog:${channel}:${i}`, channel, address: `${channel}-chat-${i}`, audience: 'contact', message: { text: `reminder ${i}` }, notBefore: now, priority: 1 });
    }
  }
});

const started = performance.now();
app.dispatcher.start();

// Someone chatting on Telegram during the backlog: a message every 2 s, each reply timed.
const script = ['bonjour', 'oui', '1', 'Jeanne', '1947', '31000', 'ok', '22/11/2026', 'dimanche', 'non', '2', 'non', 'non', '65', 'non', 'non', 'non', 'non', 'fleur porte riz'];
const latencies: number[] = [];
let chatting = true;
const chat = (async () => {
  for (const [i, text] of script.entries()) {
    if (!chatting) return;
    const sent = performance.now();
    const replied = new Promise<number>((resolve) => replyWaiters.set('chatter', resolve));
    await app.engine.handle({ channel: 'telegram', address: 'chatter', externalId: `chatter-${i}`, receivedAt: new Date(), content: { kind: 'text', text } });
    latencies.push((await replied) - sent);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
})();

// Until the Telegram backlog is sent (WhatsApp stops at its cap) and the chat is over.
const expected = backlog.telegram + Math.min(cap, backlog.whatsapp);
while (telegram.starts.length + whatsapp.starts.length < expected + latencies.length && performance.now() - started < 600_000) {
  await new Promise((resolve) => setTimeout(resolve, 200));
}
chatting = false;
await chat;
await app.stop();
await db.close();
rmSync(dir, { recursive: true, force: true });

/** Sends per whole second since the start. */
function perSecond(starts: number[]): number[] {
  const counts: number[] = [];
  for (const t of starts) {
    const s = Math.floor((t - started) / 1000);
    counts[s] = (counts[s] ?? 0) + 1;
  }
  return Array.from(counts, (c) => c ?? 0);
}

/** The most sends in any window of one second (sliding). */
function worstWindow(starts: number[]): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++;
    worst = Math.max(worst, i - j + 1);
  }
  return worst;
}

const tgSeconds = perSecond(telegram.starts);
const drainSeconds = (Math.max(...telegram.starts) - Math.min(...telegram.starts)) / 1000;
const tgRate = (telegram.starts.length - 1) / drainSeconds;
const waCappedAt = whatsapp.starts.length >= cap ? [...whatsapp.starts].sort((a, b) => a - b)[cap - 1]! : undefined;
const afterCap = waCappedAt ? telegram.starts.filter((t) => t > waCappedAt + 1000) : [];
const afterCapRate = afterCap.length > 1 ? (afterCap.length - 1) / ((Math.max(...afterCap) - Math.min(...afterCap)) / 1000) : NaN;
latencies.sort((a, b) => a - b);
console.log(`backlog: telegram ${backlog.telegram} at ${rate}/s, whatsapp ${backlog.whatsapp} with a daily cap of ${cap}; one person chatting on Telegram`);
console.log(`telegram sends per second: ${tgSeconds.join(' ')}`);
console.log(`whatsapp sends per second: ${perSecond(whatsapp.starts).join(' ')}`);
console.log(`telegram: ${telegram.starts.length} sent in ${drainSeconds.toFixed(1)} s, ${tgRate.toFixed(2)} msg/s = ${((tgRate / rate) * 100).toFixed(1)} % of ${rate}/s; worst 1 s window: ${worstWindow(telegram.starts)}`);
console.log(`whatsapp: ${whatsapp.starts.length} sent (cap ${cap}); worst 1 s window: ${worstWindow(whatsapp.starts)}`);
console.log(`telegram after whatsapp reached its cap: ${Number.isNaN(afterCapRate) ? 'n/a' : `${afterCapRate.toFixed(2)} msg/s`}`);
console.log(`reply latency during the backlog (${latencies.length} replies): p50 ${latencies[Math.floor(latencies.length / 2)]!.toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms`);
