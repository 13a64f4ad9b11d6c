/**
 * What is kept and for how long: the text of messages sent (or given up) is cleared once settled for
 * OUTBOX_RETENTION; the ids of processed inbound messages are kept INBOUND_RETENTION, as long as a
 * platform may deliver one again; the WAL is checkpointed and truncated.
 */
import { Duration } from 'luxon';
import type { Database } from './database.js';

export interface RetentionSettings {
  outbox: string;
  inbound: string;
}

export async function purge(db: Database, now: Date, keep: RetentionSettings): Promise<{ outboxCleared: number; inboundDeleted: number }> {
  const before = (iso: string) => new Date(now.getTime() - Duration.fromISO(iso).toMillis());
  const cleared = JSON.stringify({ text: '' });
  const outbox = await db.tx((tx) =>
    tx.outboxMessage.updateMany({
      where: { status: { in: ['sent', 'failed', 'dropped'] }, nextAttemptAt: { lt: before(keep.outbox) }, payload: { not: cleared } },
      data: { payload: cleared },
    }),
  );
  // Only handled ones: a message still waiting (the database was down) keeps its text until handled.
  const inbound = await db.tx((tx) => tx.inboundMessage.deleteMany({ where: { receivedAt: { lt: before(keep.inbound) }, processedAt: { not: null } } }));
  // Outside a transaction: the WAL file shrinks back once every reader is done with it.
  await db.read((tx) => tx.$queryRawUnsafe('PRAGMA wal_checkpoint(TRUNCATE)'));
  return { outboxCleared: outbox.count, inboundDeleted: inbound.count };
}
