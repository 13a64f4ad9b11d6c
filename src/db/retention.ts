/**
 * What is kept and for how long: the text of messages sent (or given up) is cleared once settled for
 * OUTBOX_RETENTION; the ids of processed inbound messages are kept INBOUND_RETENTION, as long as a
 * platform may deliver one again; the conversation state of a contact who has not written for
 * CONVERSATION_RETENTION (and has no screening under way) is dropped, their next message starting
 * afresh; the WAL is checkpointed and truncated.
 */
import { Duration } from 'luxon';
import type { Database } from './database.js';

export interface RetentionSettings {
  outbox: string;
  inbound: string;
  conversation: string;
}

export interface Purged {
  outboxCleared: number;
  inboundDeleted: number;
  conversationsCleared: number;
}

export async function purge(db: Database, now: Date, keep: RetentionSettings): Promise<Purged> {
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
  // A screening still 'started' keeps its state: its own expiry (ABANDON_AFTER) ends it first.
  const conversations = await db.tx((tx) =>
    tx.conversation.deleteMany({ where: { updatedAt: { lt: before(keep.conversation) }, contact: { screenings: { none: { status: 'started' } } } } }),
  );
  // Outside a transaction: the WAL file shrinks back once every reader is done with it.
  await db.read((tx) => tx.$queryRawUnsafe('PRAGMA wal_checkpoint(TRUNCATE)'));
  return { outboxCleared: outbox.count, inboundDeleted: inbound.count, conversationsCleared: conversations.count };
}
