/**
 * Engine benchmark, end to end: senders play whole screenings on a real migrated SQLite file, each
 * message timed from its arrival until its first reply is delivered by the outbox to a fake channel.
 * Then the same SQL statements, captured during the run, are replayed on the raw driver (prepared
 * once, one transaction per message) on a fresh copy of the database: the floor, in the same run.
 *
 * Usage: npm run bench [-- --concurrency 8 --messages 4000 --rate 0 --warmup 400]
 *   --concurrency  senders at once, each waiting for its reply before its next message (default 8)
 *   --messages     inbound messages timed (default 4000; a screening is 19 messages)
 *   --rate         arrival rate in messages a second over all senders (0: as fast as replies come)
 *   --warmup       messages played first by other contacts and not timed: the first ones after a start
 *                  compile code and prepare statements, once per process (default 400)
 * The last four lines are exactly: throughput, p99, floor, ratio to floor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { singleTerritoryRouter } from '../src/alerts/alertRouter.js';
import type { ChannelAdapter } from '../src/channels/types.js';
import { loadConfig } from '../src/config.js';
import { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { loadLocales } from '../src/i18n/index.js';

const { values: args } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '8' },
    messages: { type: 'string', default: '4000' },
    rate: { type: 'string', default: '0' },
    warmup: { type: 'string', default: '400' },
  },
});
const concurrency = Number(args.concurrency);
const total = Number(args.messages);
const rate = Number(args.rate);
const warmup = Number(args.warmup);
const script = ['bonjour', 'oui', '1', 'Jeanne', '1947', '31000', 'ok', '22/11/2026', 'dimanche', 'non', '2', 'non', 'non', '65', 'non', 'non', 'non', 'non', 'fleur porte riz'];

const dir = mkdtempSync(path.join(tmpdir(), 'icope-bench-'));
const url = `file:${path.join(dir, 'bench.db')}`;
await migrate(url);
/** The database as the timed run finds it (after the warm-up): the floor replays on a copy of it. */
const pristine = path.join(dir, 'pristine.db');

// Every statement Prisma runs, in order, with its parameters (for the count and the floor).
const statements: { sql: string; params: string | readonly unknown[] }[] = [];
let capturing = false;
const config = loadConfig({ DATABASE_URL: url, QUIET_HOURS: 'off', CALLBACK_PHONE: 'never', TELEGRAM_PER_CHAT_GAP_MS: '0' });
const db = await Database.open(config.DATABASE_URL, { checkpointThread: process.env.CKPT !== "0", onQuery: (e) => capturing && statements.push({ sql: e.query, params: e.values ?? e.params }) });

let rssPeak = 0;
/** Replies delivered: the first one to an address after it wrote wakes its sender. */
const waiting = new Map<string, () => void>();
let delivered = 0;
const channel: ChannelAdapter = {
  name: 'bench',
  start: async () => undefined,
  stop: async () => undefined,
  send: async (address) => {
    // Sampled here: the run may never yield to timers (the driver is synchronous).
    if (++delivered % 20 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    const wake = waiting.get(address);
    waiting.delete(address);
    wake?.();
    return { externalId: String(delivered) };
  },
  deleteMessage: async () => true,
};
const clock = new Date('2026-11-22T10:00:00Z');
const app = createApp({
  config,
  db,
  locales: loadLocales(),
  logger: pino({ level: 'silent' }),
  channels: [channel],
  router: singleTerritoryRouter({ targets: [{ channel: 'bench', address: 'coordinators' }] }),
  clock: () => clock,
  listen: false,
});
app.dispatcher.start();

const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 20);
let latencies: number[] = [];
let issued = 0;
let started = performance.now();

async function sender(s: number, phase: string, total: number): Promise<void> {
  for (let contact = 0; ; contact++) {
    const address = `${phase}${s}-c${contact}`;
    for (const [i, text] of script.entries()) {
      const n = issued++;
      if (n >= total) return;
      // Open loop: the message arrives at its scheduled time, and is timed from then.
      const due = rate > 0 ? started + (n / rate) * 1000 : performance.now();
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const replied = new Promise<void>((resolve) => waiting.set(address, resolve));
      await app.engine.handle({ channel: 'bench', address, externalId: `${address}-${i}`, receivedAt: clock, content: { kind: 'text', text } });
      await replied;
      latencies.push(performance.now() - due);
    }
  }
}

// Warm-up: other contacts, untimed, not captured.
await Promise.all(Array.from({ length: concurrency }, (_, s) => sender(s, 'w', warmup)));
await app.engine.idle();
// The last sends' settlement written (they are batched), then the copy the floor starts from: the same
// rows and ids, so that its statements find what they found here.
await new Promise((resolve) => setImmediate(resolve));
await db.write(() => undefined);
await db.read((d) => d.$executeRawUnsafe(`VACUUM INTO '${pristine.replace(/'/g, "''")}'`));
const completedBefore = await db.read((d) => d.screening.count({ where: { status: 'completed' } }));
const deliveredBefore = delivered;
latencies = [];
issued = 0;
started = performance.now();
capturing = true;
await Promise.all(Array.from({ length: concurrency }, (_, s) => sender(s, 's', total)));
const elapsed = (performance.now() - started) / 1000;
capturing = false;
clearInterval(sampler);
await app.stop();
const completed = (await db.read((d) => d.screening.count({ where: { status: 'completed' } }))) - completedBefore;
await db.close();

// The floor: the same statements on the raw driver, prepared once, one transaction per inbound message.
const raw = new BetterSqlite3(pristine);
raw.pragma('journal_mode = WAL');
raw.pragma('synchronous = NORMAL');
raw.pragma('foreign_keys = OFF');
const prepared = new Map<string, BetterSqlite3.Statement>();
const bind = (params: string | readonly unknown[]): unknown[] => {
  try {
    return (typeof params === 'string' ? (JSON.parse(params) as unknown[]) : params).map((v) => (typeof v === 'boolean' ? Number(v) : v === null || typeof v !== 'object' ? v : JSON.stringify(v)));
  } catch {
    return [];
  }
};
const work = statements.filter((s) => !/^\s*(BEGIN|COMMIT|ROLLBACK|PRAGMA|SAVEPOINT|RELEASE|--)/i.test(s.sql));
const perMessage = Math.max(1, Math.round(work.length / latencies.length));
let replayErrors = 0;
const replayStart = performance.now();
for (let i = 0; i < work.length; i += perMessage) {
  raw.exec('BEGIN');
  for (const s of work.slice(i, i + perMessage)) {
    try {
      let stmt = prepared.get(s.sql);
      if (!stmt) prepared.set(s.sql, (stmt = raw.prepare(s.sql)));
      if (stmt.reader) stmt.all(...bind(s.params));
      else stmt.run(...bind(s.params));
    } catch {
      replayErrors++;
    }
  }
  raw.exec('COMMIT');
}
const replaySeconds = (performance.now() - replayStart) / 1000;
raw.close();
rmSync(dir, { recursive: true, force: true });

latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
const throughput = latencies.length / elapsed;
const floor = latencies.length / replaySeconds;
console.log(`senders: ${concurrency}, arrival: ${rate > 0 ? `${rate} msg/s` : 'as fast as replies come'}, messages timed: ${latencies.length} (after ${warmup} untimed), screenings completed: ${completed}, messages delivered: ${delivered - deliveredBefore}`);
console.log(`latency from arrival to first reply delivered: p50 ${pct(50).toFixed(1)} ms, p95 ${pct(95).toFixed(1)} ms, max ${pct(100).toFixed(1)} ms`);
console.log(`statements per inbound message (engine and outbox): ${(statements.length / latencies.length).toFixed(1)}`);
console.log(`rss peak: ${(rssPeak / 2 ** 20).toFixed(0)} MiB`);
console.log(`floor replay: ${work.length} statements in ${replaySeconds.toFixed(2)} s on better-sqlite3 (${replayErrors} could not be replayed)`);
console.log(`throughput: ${throughput.toFixed(0)} msg/s`);
console.log(`p99: ${pct(99).toFixed(1)} ms`);
console.log(`floor: ${floor.toFixed(0)} msg/s`);
console.log(`ratio to floor: ${((throughput / floor) * 100).toFixed(1)} %`);
