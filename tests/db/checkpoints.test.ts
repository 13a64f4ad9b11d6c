/** WAL checkpoints on their own thread once the bot writes steadily; the connection takes over if the thread fails. */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';

async function freshDatabase(options: { checkpointThread?: boolean } = {}): Promise<{ db: Database; file: string }> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'icope-checkpoints-')), 'c.db');
  await migrate(`file:${file}`);
  return { db: await Database.open(`file:${file}`, options), file };
}

/** One inbound row per write, as the bot records messages. */
async function write(db: Database, count: number, from = 0): Promise<void> {
  for (let i = from; i < from + count; i++) {
    await db.write((sql) => sql.run('INSERT INTO "InboundMessage" ("channel", "externalId", "kind", "receivedAt", "recordedAt", "payload") VALUES (?, ?, ?, ?, ?, ?)', 'terminal', `m${i}`, 'text', new Date(), new Date(), 'x'.repeat(2000)));
  }
}

/** The bot's connection's own checkpoint threshold (0: off). */
async function autocheckpoint(db: Database): Promise<number> {
  const rows = await db.read((tx) => tx.$queryRawUnsafe<{ wal_autocheckpoint: bigint | number }[]>('PRAGMA wal_autocheckpoint'));
  return Number(rows[0]!.wal_autocheckpoint);
}

describe('WAL checkpoints', () => {
  it('a bot that barely writes keeps SQLite’s own checkpoints, and no thread', async () => {
    const { db } = await freshDatabase();
    await write(db, 20);
    expect(db.checkpoints()).toBe('connection');
    expect(await autocheckpoint(db)).toBe(1000);
    await db.close();
  });

  it('once it writes steadily, a thread copies the WAL into the database and the connection stops doing it in its commits', async () => {
    const { db, file } = await freshDatabase();
    await write(db, 150);
    await vi.waitFor(() => expect(db.checkpoints()).toBe('thread'), { timeout: 20_000, interval: 50 });
    // The connection's own checkpoints only past 10,000 pages now (a fallback if the thread falls behind).
    expect(await autocheckpoint(db)).toBe(10_000);
    const before = statSync(file).size;
    // About 600 KB of rows, far below the connection's own thresholds: only the thread
    // copies them from the WAL into the database file, which grows.
    await write(db, 300, 150);
    await vi.waitFor(() => expect(statSync(file).size - before).toBeGreaterThan(500_000), { timeout: 20_000, interval: 100 });
    const rows = await db.read((tx) => tx.inboundMessage.count());
    expect(rows).toBe(450);
    await db.close();
  });

  it('if the thread fails, the connection checkpoints again in its commits', async () => {
    const { db } = await freshDatabase();
    await write(db, 150);
    await vi.waitFor(() => expect(db.checkpoints()).toBe('thread'), { timeout: 20_000, interval: 50 });
    // The thread dies (out of memory, a bug): the bot must not be left with a WAL that only grows.
    const thread = (db as unknown as { checkpointer: { worker: { terminate(): Promise<number> } } }).checkpointer.worker;
    await thread.terminate();
    await vi.waitFor(() => expect(db.checkpoints()).toBe('connection'), { timeout: 10_000, interval: 20 });
    expect(await autocheckpoint(db)).toBe(1000);
    await write(db, 10, 150);
    await db.close();
  });

  it('can be turned off', async () => {
    const { db } = await freshDatabase({ checkpointThread: false });
    await write(db, 150);
    await new Promise((r) => setTimeout(r, 300));
    expect(db.checkpoints()).toBe('connection');
    await db.close();
  });
});
