/** Group commit: transactions waiting together share one COMMIT; each is undone alone, and told only once committed. */
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Database, DatabaseUnavailableError, sqlOf, type Tx } from '../../src/db/database.js';
import { sqliteFilePath } from '../../src/db/url.js';
import { freshDbUrl } from '../helpers/db.js';

let db: Database | undefined;
afterEach(async () => db?.close());

/** A recorded message, as the engine writes one per inbound message. */
function record(tx: Tx, id: string): void {
  sqlOf(tx).run('INSERT INTO "InboundMessage" ("channel", "externalId", "kind", "receivedAt", "recordedAt") VALUES (?, ?, ?, ?, ?)', 'terminal', id, 'text', new Date(), new Date());
}

async function open(): Promise<{ db: Database; url: string; commits: () => number }> {
  const url = freshDbUrl();
  let commits = 0;
  db = await Database.open(url, { onQuery: (e) => e.query === 'COMMIT' && commits++ });
  return { db, url, commits: () => commits };
}

describe('group commit', () => {
  it('twenty transactions waiting at once are committed together; the one that fails is undone alone', async () => {
    const { db, url, commits } = await open();
    const before = commits();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        db.tx(async (tx) => {
          record(tx, `m${i}`);
          if (i === 7) throw new Error('this one fails');
          return i;
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(Array.from({ length: 20 }, (_, i) => (i === 7 ? 'rejected' : 'fulfilled')));
    expect((outcomes[7] as PromiseRejectedResult).reason.message).toBe('this one fails');
    expect(outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<number>).value)).toEqual(Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 7));
    // One COMMIT for the group (two at most: the first may start alone).
    expect(commits() - before).toBeLessThanOrEqual(2);
    const other = new BetterSqlite3(sqliteFilePath(url), { readonly: true });
    const ids = (other.prepare('SELECT "externalId" FROM "InboundMessage" ORDER BY rowid').all() as { externalId: string }[]).map((r) => r.externalId);
    other.close();
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).filter((id) => id !== 'm7'));
  });

  it('the first of a group failing is undone alone too (it runs without a savepoint)', async () => {
    const { db } = await open();
    const outcomes = await Promise.allSettled(
      ['a', 'b', 'c'].map((id) =>
        db.tx(async (tx) => {
          record(tx, id);
          if (id === 'a') throw new Error('first fails');
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    const ids = await db.read((d) => d.inboundMessage.findMany({ select: { externalId: true }, orderBy: { externalId: 'asc' } }));
    expect(ids.map((r) => r.externalId)).toEqual(['b', 'c']);
  });

  it('a transaction is told it is done only once its writes are committed: another connection sees them then', async () => {
    const { db, url } = await open();
    const other = new BetterSqlite3(sqliteFilePath(url), { readonly: true });
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        db
          .tx(async (tx) => record(tx, `x${i}`))
          .then(() => seen.push((other.prepare('SELECT COUNT(*) AS n FROM "InboundMessage" WHERE "externalId" = ?').get(`x${i}`) as { n: number }).n)),
      ),
    );
    other.close();
    expect(seen).toEqual([1, 1, 1, 1, 1]);
  });

  it('a database that cannot even be opened is told to the one waiting (it retries later), never leaves it waiting', async () => {
    const { db } = await open();
    const inner = db as unknown as { statements: () => Promise<unknown> };
    const statements = inner.statements.bind(db);
    let failures = 1;
    inner.statements = async () => {
      if (failures-- > 0) throw new DatabaseUnavailableError('cannot be opened');
      return statements();
    };
    const outcomes = await Promise.allSettled([db.tx(async (tx) => record(tx, 'first')), db.tx(async (tx) => record(tx, 'second'))]);
    expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: expect.any(DatabaseUnavailableError) });
    expect(outcomes[1]).toMatchObject({ status: 'fulfilled' });
    await db.tx(async (tx) => record(tx, 'first'));
    expect(await db.read((d) => d.inboundMessage.count())).toBe(2);
  });

  it('one that makes SQLite end the transaction gets its own error; the others, undone with it, are told to retry', async () => {
    const { db } = await open();
    const outcomes = await Promise.allSettled([
      db.tx(async (tx) => record(tx, 'innocent')),
      db.tx(async (tx) => {
        record(tx, 'culprit');
        sqlOf(tx).run('ROLLBACK');
        throw new Error('interrupted');
      }),
    ]);
    expect((outcomes[0] as PromiseRejectedResult).reason).toBeInstanceOf(DatabaseUnavailableError);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toBe('interrupted');
    // Retried, the innocent one goes through; nothing of the group was kept.
    await db.tx(async (tx) => record(tx, 'innocent'));
    expect((await db.read((d) => d.inboundMessage.findMany())).map((r) => r.externalId)).toEqual(['innocent']);
  });

  it('Prisma queries and prepared statements of a member are undone together when it fails', async () => {
    const { db } = await open();
    const outcomes = await Promise.allSettled([
      db.tx(async (tx) => tx.contact.create({ data: { channel: 'terminal', address: 'kept', language: 'fr' } })),
      db.tx(async (tx) => {
        await tx.contact.create({ data: { channel: 'terminal', address: 'undone', language: 'fr' } });
        record(tx, 'undone');
        throw new Error('fails after writing');
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    expect((await db.read((d) => d.contact.findMany())).map((c) => c.address)).toEqual(['kept']);
    expect(await db.read((d) => d.inboundMessage.count())).toBe(0);
  });
});
