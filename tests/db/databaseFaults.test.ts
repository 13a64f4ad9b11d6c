/**
 * The database fails under the bot: locked by another process for longer than the busy timeout, or
 * a disk that fills in the middle of a screening and is then freed. Through the engine on SQLite and
 * through the Telegram path (a Bot API that keeps unconfirmed updates, as Telegram does): nothing is
 * lost, nothing is handled or sent twice, and the bot carries on by itself once the cause is gone.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { singleTerritoryRouter } from '../../src/alerts/alertRouter.js';
import { TelegramChannel } from '../../src/channels/telegram/telegramChannel.js';
import { loadConfig } from '../../src/config.js';
import { Database } from '../../src/db/database.js';
import { sqliteFilePath } from '../../src/db/url.js';
import { freshDbUrl } from '../helpers/db.js';
import { harnessPerTest, locales, type Harness } from '../helpers/harness.js';
import { lockDatabase } from '../helpers/lockDatabase.js';
import { OffsetTelegram } from '../helpers/offsetTelegram.js';
import { FR_NORMAL } from '../helpers/scripts.js';

const harness = harnessPerTest();

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

/** Everything a person received, and what was stored, for comparing a run under faults with a calm one. */
async function outcome(h: Harness, address: string) {
  const contact = await h.db.read((db) => db.contact.findFirstOrThrow({ where: { address } }));
  const count = (table: 'answer' | 'screening') =>
    table === 'answer'
      ? h.db.read((db) => db.answer.count({ where: { screening: { contactId: contact.id } } }))
      : h.db.read((db) => db.screening.count({ where: { contactId: contact.id, status: 'completed' } }));
  return { texts: h.channel.to(address).map((s) => s.message.text), answers: await count('answer'), completed: await count('screening') };
}

async function calmRun(): Promise<Awaited<ReturnType<typeof outcome>>> {
  const h = await harness();
  for (const line of FR_NORMAL) await h.say(line, 'p1');
  return outcome(h, 'p1');
}

/** Sends the lines of `address` without waiting: they are handled whenever the database lets them. */
function sendAll(h: Harness, address: string, lines: string[], recorded: string[]) {
  return lines.map((text, i) => {
    h.now = new Date(h.now.getTime() + 5000);
    return h.app.engine.handle(
      { channel: h.channel.name, address, externalId: `${address}-late-${i}`, receivedAt: h.now, content: { kind: 'text', text } },
      { recorded: () => recorded.push(text) },
    );
  });
}

describe('a database locked by another process for longer than the busy timeout', () => {
  it('keeps the answers waiting, in order, records and answers each once when the lock goes', async () => {
    const calm = await calmRun();
    const h = await harness();
    for (const line of FR_NORMAL.slice(0, 5)) await h.say(line, 'p1');
    const lock = await lockDatabase(h.url);
    const recorded: string[] = [];
    const waiting = sendAll(h, 'p1', FR_NORMAL.slice(5, 8), recorded);
    await until(() => !h.db.status().ok, 'the database seen as unavailable');
    expect(h.db.status().reason).toBe('locked by another process');
    expect(recorded).toEqual([]);
    await lock.release();
    expect(await Promise.all(waiting)).toEqual(['processed', 'processed', 'processed']);
    expect(recorded).toEqual(FR_NORMAL.slice(5, 8));
    expect(h.db.status().ok).toBe(true);
    await h.app.dispatcher.drain();
    for (const line of FR_NORMAL.slice(8)) await h.say(line, 'p1');
    expect(await outcome(h, 'p1')).toEqual(calm);
    // Nothing waits with its text any more.
    expect(await h.db.read((db) => db.inboundMessage.count({ where: { OR: [{ processedAt: null }, { payload: { not: null } }] } }))).toBe(0);
  }, 60_000);
});

/** A 3 MB tmpfs (needs root, as in CI): a disk that really fills, in the middle of a commit. */
function smallDisk(): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'icope-smalldisk-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir]).status === 0;
  if (!mounted) return undefined;
  afterAll(() => void spawnSync('umount', ['-l', dir]));
  return dir;
}

const disk = smallDisk();

describe.skipIf(!disk)('a disk that fills in the middle of a screening, then is freed', () => {
  it('never wedges: the answers wait, then are handled once each, and the screening ends as on a calm day', async () => {
    const calm = await calmRun();
    const dbDir = path.join(disk!, 'db');
    mkdirSync(dbDir, { recursive: true });
    const file = path.join(dbDir, 'test.db');
    copyFileSync(sqliteFilePath(freshDbUrl()), file);
    const h = await harness({ url: `file:${file}` });
    for (const line of FR_NORMAL.slice(0, 6)) await h.say(line, 'p1');
    // Fill what is left of the disk; the file stays open, as a runaway log would.
    const filler = path.join(disk!, 'filler');
    const fd = openSync(filler, 'w');
    try {
      for (;;) writeSync(fd, Buffer.alloc(16 * 1024, 1));
    } catch {
      /* full */
    }
    const recorded: string[] = [];
    const waiting = sendAll(h, 'p1', FR_NORMAL.slice(6, 10), recorded);
    await until(() => !h.db.status().ok, 'the database seen as unavailable');
    expect(h.db.status().reason).toMatch(/disk full/);
    // Writes that change nothing still commit on a full disk: they must not make it look healthy.
    await h.app.dispatcher.drain().catch(() => undefined);
    expect((await h.app.web.request('/health')).status).toBe(503);
    expect(h.db.status().ok).toBe(false);
    closeSync(fd);
    rmSync(filler);
    expect(await Promise.all(waiting)).toEqual(['processed', 'processed', 'processed', 'processed']);
    expect(recorded).toEqual(FR_NORMAL.slice(6, 10));
    await h.app.dispatcher.drain();
    for (const line of FR_NORMAL.slice(10)) await h.say(line, 'p1');
    expect(await outcome(h, 'p1')).toEqual(calm);
  }, 90_000);
});

describe('a message recorded but not handled', () => {
  it('delivered again while the bot runs (its first recording was reported as failed): handled then, once', async () => {
    const h = await harness();
    await h.say('bonjour', 'p1');
    const message = { channel: h.channel.name, address: 'p1', externalId: 'again-1', receivedAt: h.now, content: { kind: 'text' as const, text: 'oui' } };
    await h.db.write((sql) =>
      sql.run('INSERT INTO "InboundMessage" ("channel", "externalId", "kind", "receivedAt", "recordedAt", "payload") VALUES (?, ?, ?, ?, ?, ?)', message.channel, message.externalId, 'text', message.receivedAt, h.now, JSON.stringify(message)),
    );
    const before = h.channel.to('p1').length;
    expect(await h.app.engine.handle(message)).toBe('processed');
    expect(await h.app.engine.handle(message)).toBe('duplicate');
    await h.app.dispatcher.drain();
    expect(h.channel.to('p1').length).toBeGreaterThan(before);
    expect(h.channel.to('p1').slice(before).filter((m) => /Qui répond/.test(m.message.text))).toHaveLength(1);
  });
});

describe('Telegram updates and the database', () => {
  async function telegramApp(url: string, telegram: OffsetTelegram) {
    const config = loadConfig({ DATABASE_URL: url, CALLBACK_PHONE: 'never', QUIET_HOURS: 'off' });
    const db = await Database.open(config.DATABASE_URL);
    const channel = new TelegramChannel({ token: '123:offset-token-abcdef', commands: {}, logger: pino({ level: 'silent' }), bot: telegram.bot() });
    const app = createApp({ config, db, locales, logger: pino({ level: 'silent' }), channels: [channel], router: singleTerritoryRouter({ targets: [] }), listen: false });
    await app.start();
    return { app, db, async stop() { await app.stop(); await db.close(); } };
  }

  it('an update that could not be recorded is not confirmed: after a restart Telegram gives it again, and it is answered once', async () => {
    const url = freshDbUrl();
    const telegram = new OffsetTelegram();
    const first = await telegramApp(url, telegram);
    telegram.write(501, 'bonjour');
    await until(() => telegram.texts(501).length > 0, 'the first reply');
    const greeting = telegram.texts(501).length;
    const lock = await lockDatabase(url);
    const id = telegram.write(501, 'oui');
    await until(() => !first.db.status().ok, 'the database seen as unavailable');
    await first.stop();
    expect(telegram.pending.map((u) => u.update_id)).toContain(id);
    await lock.release();
    const second = await telegramApp(url, telegram);
    await until(() => telegram.texts(501).length > greeting, 'the answer to "oui"');
    await until(() => !telegram.pending.some((u) => u.update_id === id), 'the update confirmed');
    expect(telegram.deliveries.get(id)).toBeGreaterThanOrEqual(2);
    const answered = telegram.texts(501).length;
    // Telegram sends it once more (a confirmation lost on the way): ignored.
    telegram.redeliver({ update_id: id, message: { message_id: id, date: 1795399200 + id, chat: { id: 501, type: 'private', first_name: 'P' }, from: { id: 501, is_bot: false, first_name: 'P' }, text: 'oui' } as never });
    await until(() => telegram.pending.length === 0, 'the repeat confirmed');
    await second.app.engine.idle();
    await second.app.dispatcher.drain();
    expect(telegram.texts(501).length).toBe(answered);
    const inbound = await second.db.read((db) => db.inboundMessage.findMany({ where: { externalId: { startsWith: 'msg:501:' } } }));
    expect(inbound).toHaveLength(2);
    expect(inbound.every((m) => m.processedAt !== null && m.payload === null)).toBe(true);
    await second.stop();
  }, 60_000);

  it('handles chats concurrently: a chat whose handling is slow never holds back the others, and its own messages keep their order', async () => {
    const telegram = new OffsetTelegram();
    const channel = new TelegramChannel({ token: '123:offset-token-abcdef', commands: {}, logger: pino({ level: 'silent' }), bot: telegram.bot() });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    await channel.start(async (m, receipt) => {
      receipt?.recorded();
      if (m.address === '1') await gate;
      handled.push(`${m.address}:${(m.content as { text: string }).text}`);
      return 'processed';
    });
    telegram.write(1, 'a1');
    telegram.write(1, 'a2');
    telegram.write(2, 'b1');
    telegram.write(2, 'b2');
    await until(() => handled.length === 2, "the second chat's messages");
    expect(handled).toEqual(['2:b1', '2:b2']);
    // Every update was confirmed as soon as recorded, though the first chat's are still being handled.
    await until(() => telegram.pending.length === 0, 'all confirmed');
    release();
    await until(() => handled.length === 4, "the first chat's messages");
    expect(handled.filter((h) => h.startsWith('1:'))).toEqual(['1:a1', '1:a2']);
    await channel.stop();
  });
});
