/** The system refuses a thread (its limit on threads reached): the database checkpoints as without one, and every commit is still said to be committed. */
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:worker_threads')>();
  class Worker {
    constructor() {
      // What Node throws when the thread cannot be created (ulimit -u, a container's process limit).
      throw Object.assign(new Error('Worker initialization failure: EAGAIN'), { code: 'ERR_WORKER_INIT_FAILED' });
    }
  }
  return { ...real, Worker, default: { ...real, Worker } };
});

import { Database, sqlOf } from '../../src/db/database.js';
import { freshDbUrl } from '../helpers/db.js';

describe('no checkpoint thread to be had', () => {
  it('commits go on being committed and said so; the connection checkpoints', async () => {
    const db = await Database.open(freshDbUrl());
    const outcomes: string[] = [];
    for (let i = 0; i < 130; i++) {
      const insert = db.tx(async (tx) => {
        sqlOf(tx).run('INSERT INTO "InboundMessage" ("channel", "externalId", "kind", "receivedAt", "recordedAt") VALUES (?, ?, ?, ?, ?)', 'terminal', `m${i}`, 'text', new Date(), new Date());
      });
      outcomes.push(await insert.then(() => 'ok', (e: Error) => `failed: ${e.message}`));
    }
    expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
    expect(await db.read((tx) => tx.inboundMessage.count())).toBe(130);
    expect(db.checkpoints()).toBe('connection');
    await db.close();
  });
});
