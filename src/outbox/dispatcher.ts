/**
 * Delivers outbox rows: oldest first, in order per address, with bounded retries and backoff.
 * A row is claimed (pending → sending) in a transaction before the network call, and settled after.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ChannelUnavailableError, PermanentDeliveryError, RetryAfterError, type ChannelAdapter, type OutgoingMessage } from '../channels/types.js';
import type { Database, Statements } from '../db/database.js';
import { statement } from '../db/sql.js';
import type { OutboxMessage } from '../generated/prisma/client.js';
import type { Pacer } from './pacer.js';

export interface DispatcherOptions {
  db: Database;
  channels: ReadonlyMap<string, ChannelAdapter>;
  logger: Logger;
  clock: () => Date;
  maxAttempts: number;
  pollMs: number;
  /** A row this run left in "sending" longer than this (a send that never returned) is tried again. */
  leaseMs?: number;
  pacer?: Pacer;
}

/** The most rows looked at per channel and per pass. */
const BATCH = 100;

/** The next sendable row of each address of a channel (indexed: channel, status, priority, id; and channel, address, status, id). */
const nextPerAddress = statement<{ channel: string; now: Date; maxPriority: number; limit: number }>((db, p) =>
  db
    .selectFrom('OutboxMessage as o')
    .selectAll('o')
    .where('o.channel', '=', p.channel)
    .where('o.status', '=', 'pending')
    .where('o.nextAttemptAt', '<=', p.now)
    .where('o.priority', '<=', p.maxPriority)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('OutboxMessage as e')
            .select('e.id')
            .whereRef('e.channel', '=', 'o.channel')
            .whereRef('e.address', '=', 'o.address')
            .where('e.status', 'in', ['pending', 'sending'])
            .whereRef('e.id', '<', 'o.id'),
        ),
      ),
    )
    .orderBy('o.priority')
    .orderBy('o.id')
    .limit(p.limit),
);

/**
 * The rows queued after an address's oldest one, in order: sent in the same pass, one after the other.
 * Read by status 'pending' (the index gives them in order, without a sort); none at all if a row after
 * the oldest one is still being sent (a release that could not be written): order is never overtaken.
 */
const following = statement<{ channel: string; address: string; after: number; limit: number }>((db, p) =>
  db
    .selectFrom('OutboxMessage as o')
    .selectAll('o')
    .where('o.channel', '=', p.channel)
    .where('o.address', '=', p.address)
    .where('o.status', '=', 'pending')
    .where('o.id', '>', p.after)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('OutboxMessage as s')
            .select('s.id')
            .where('s.channel', '=', p.channel)
            .where('s.address', '=', p.address)
            .where('s.status', '=', 'sending')
            .where('s.id', '>', p.after),
        ),
      ),
    )
    .orderBy('o.id')
    .limit(p.limit),
);

/**
 * Claimed by an earlier run (the bot crashed mid-send): at once, and known as possibly sent already.
 * Claimed by this run for longer than the lease (a send that never returned): again.
 */
const interruptedAgain = statement<{ now: Date; runId: string; lease: Date }>((db, p) =>
  db
    .updateTable('OutboxMessage')
    .set({ status: 'pending', interrupted: true, nextAttemptAt: p.now })
    .where('status', '=', 'sending')
    .where((eb) => eb.or([eb('claimedBy', 'is', null), eb('claimedBy', '<>', p.runId), eb('nextAttemptAt', '<', p.lease)])),
);

const claim = statement<{ id: number; now: Date; runId: string }>((db, p) =>
  db
    .updateTable('OutboxMessage')
    .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), nextAttemptAt: p.now, claimedBy: p.runId }))
    .where('id', '=', p.id)
    .where('status', '=', 'pending'),
);

/** A claimed row not sent after all (the pace, or a row before it not sent): pending again, the attempt not counted. */
const release = statement<{ id: number }>((db, p) =>
  db
    .updateTable('OutboxMessage')
    .set((eb) => ({ status: 'pending', attempts: eb('attempts', '-', 1) }))
    .where('id', '=', p.id)
    .where('status', '=', 'sending'),
);

const sent = statement<{ id: number; sentAt: Date; externalId: string | null }>((db, p) =>
  db.updateTable('OutboxMessage').set({ status: 'sent', sentAt: p.sentAt, externalId: p.externalId, lastError: null }).where('id', '=', p.id),
);

const target = statement<{ id: number }>((db, p) => db.selectFrom('OutboxMessage').select(['address', 'externalId']).where('id', '=', p.id));

/** At most this many rows of one address in one pass (a reply, its summary, a deletion…). */
const CHAIN = 4;

type Row = Record<string, unknown>;
const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(String(v)));

/** A row read with a prepared statement, as Prisma would return it. */
function outboxRow(row: Row): OutboxMessage {
  return {
    ...(row as unknown as OutboxMessage),
    hasChoices: row.hasChoices === 1,
    interrupted: row.interrupted === 1,
    nextAttemptAt: date(row.nextAttemptAt)!,
    sentAt: date(row.sentAt),
    createdAt: date(row.createdAt)!,
  };
}
const UNAVAILABLE_RETRY_MS = 5_000;
const PACE_RETRY_MS = 40;

export function backoffMs(attempts: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

export class OutboxDispatcher {
  /** This run's claims; a row another run left "sending" was interrupted by a crash. */
  private readonly runId = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private draining: Promise<number> | undefined;
  private again = false;
  /** The last pass left rows that only the pace held back. */
  private heldByPace = false;
  /** …and a channel's window frees a slot at this time (ms since the epoch). */
  private paceFreeAt: number | undefined;
  /** Writes after sends, waiting to be committed together (see settleWith). */
  private settling: Array<(sql: Statements) => void> = [];
  private settled: Promise<void> | undefined;

  constructor(private readonly o: DispatcherOptions) {}

  start(): void {
    this.running = true;
    this.kick();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.draining;
  }

  /** Something was queued: deliver now rather than at the next poll. */
  kick(): void {
    if (!this.running) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.draining = this.drainAll()
      .catch((err: unknown) => {
        this.o.logger.error({ err }, 'outbox drain failed');
        return 0;
      })
      .finally(() => {
        this.draining = undefined;
        if (!this.running) return;
        if (this.again) {
          this.again = false;
          this.kick();
        } else {
          // Rows held back by a channel's pace: look again as soon as a slot may be free.
          this.timer = setTimeout(() => this.kick(), this.heldByPace ? this.paceRetryMs() : this.o.pollMs);
        }
      });
  }

  /**
   * How long to wait before looking again at rows held by the pace: until the channel's window frees
   * a slot (sends then keep to the rate instead of losing a poll's delay each second), else a short poll.
   */
  private paceRetryMs(): number {
    const poll = Math.min(PACE_RETRY_MS, this.o.pollMs);
    if (this.paceFreeAt === undefined) return poll;
    return Math.min(poll, Math.max(1, this.paceFreeAt - this.o.clock().getTime()));
  }

  /**
   * Sends every row due now; returns how many rows were settled. Also usable without start(). One
   * drain at a time: one under way (started by a commit) is waited for first.
   */
  async drain(): Promise<number> {
    while (this.draining) await this.draining;
    const run = this.drainAll();
    this.draining = run.catch(() => 0);
    try {
      return await run;
    } finally {
      this.draining = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    }
  }

  private async drainAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const settled = await this.drainOnce();
      total += settled;
      if (settled === 0) return total;
    }
  }

  private async drainOnce(): Promise<number> {
    const now = this.o.clock();
    const lease = new Date(now.getTime() - (this.o.leaseMs ?? 60_000));
    const channels = [...this.o.channels.keys()];
    const heads = await this.o.db.write((sql) => {
      sql.run(interruptedAgain, { now, runId: this.runId, lease });
      // Per channel, so that one at its cap never holds back another; per address, only its oldest
      // unsettled row (order kept); replies to people chatting first, then reminders, oldest first.
      // A channel whose reminders are done for the day (its cap): only its replies are looked at.
      const heads = channels.flatMap((channel) => sql.all<Row, { channel: string; now: Date; maxPriority: number; limit: number }>(nextPerAddress, { channel, now, maxPriority: this.o.pacer?.capped(channel, now) ? 0 : 1, limit: BATCH }).map(outboxRow));
      // Within each channel's pace (checked again when each send starts).
      const sorted = heads.sort((a, b) => a.priority - b.priority || a.id - b.id);
      const due = sorted.filter((r) => this.o.pacer?.allows(r, now) ?? true);
      this.heldByPace = due.length < sorted.length;
      // Held by a channel's window: when its next slot frees (the earliest of them).
      const frees = sorted.filter((r) => !due.includes(r)).flatMap((r) => this.o.pacer?.freeAt(r.channel, now) ?? []);
      this.paceFreeAt = frees.length > 0 ? Math.min(...frees) : undefined;
      const claimed = (row: OutboxMessage) => sql.run(claim, { id: row.id, now, runId: this.runId }) === 1;
      // Claimed in the same transaction: one commit for the whole pass. With each address's oldest
      // row, the ones queued right after it that are due too (in order, stopping at the first that is not).
      return due.flatMap((head) => {
        if (!claimed(head)) return [];
        const chain = [head];
        const capped = this.o.pacer?.capped(head.channel, now) ?? false;
        for (const next of sql.all<Row, { channel: string; address: string; after: number; limit: number }>(following, { channel: head.channel, address: head.address, after: head.id, limit: CHAIN - 1 }).map(outboxRow)) {
          if (next.status !== 'pending' || next.nextAttemptAt > now || (capped && next.priority > 0) || !claimed(next)) break;
          chain.push(next);
        }
        return [chain];
      });
    });
    let settled = 0;
    await Promise.all(
      heads.map(async (chain) => {
        for (const [i, row] of chain.entries()) {
          const outcome = await this.deliver(row);
          if (outcome !== 'later') settled++;
          if (outcome === 'sent') continue;
          // Not sent (tried again later, held by the pace, refused for good): the rows after it wait
          // their turn (dropped already when the contact blocked the bot).
          const rest = chain.slice(i + 1).map((r) => r.id);
          if (rest.length > 0) await this.settleWith((sql) => rest.forEach((id) => sql.run(release, { id })));
          break;
        }
      }),
    );
    return settled;
  }

  /**
   * A write after a send, joined with the others that end at the same time (one commit for them all):
   * a crash before it is written means the row is sent again, flagged as possibly sent already.
   */
  private settleWith(write: (sql: Statements) => void): Promise<void> {
    this.settling.push(write);
    this.settled ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const writes = this.settling;
      this.settling = [];
      this.settled = undefined;
      return this.o.db.write((sql) => {
        for (const w of writes) w(sql);
      });
    });
    return this.settled;
  }

  /** Sends a claimed row: 'sent', 'settled' (failed or dropped for good), or 'later' (pending again). */
  private async deliver(row: OutboxMessage): Promise<'sent' | 'settled' | 'later'> {
    // The pace is taken when the send starts, by the clock of that moment: never above the rate in any second.
    if (this.o.pacer && !this.o.pacer.take(row, this.o.clock())) {
      await this.settleWith((sql) => sql.run(release, { id: row.id }));
      return 'later';
    }
    const attempts = row.attempts + 1;
    const channel = this.o.channels.get(row.channel);
    try {
      if (!channel) throw new ChannelUnavailableError(`channel ${row.channel} is not running`);
      let externalId: string | null = null;
      if (row.kind === 'delete') {
        await this.deleteTarget(channel, row);
      } else {
        const result = await channel.send(row.address, JSON.parse(row.payload) as OutgoingMessage, row.audience as 'contact' | 'coordinators', row.interrupted ? { mayRepeat: true } : undefined);
        externalId = result.externalId ?? null;
      }
      const sentAt = this.o.clock();
      await this.settleWith((sql) => sql.run(sent, { id: row.id, sentAt, externalId }));
      return 'sent';
    } catch (error) {
      return (await this.settleFailure(row, attempts, error)) ? 'settled' : 'later';
    }
  }

  private async deleteTarget(channel: ChannelAdapter, row: OutboxMessage): Promise<void> {
    const { targetId } = JSON.parse(row.payload) as { targetId: number };
    const sentRow = await this.o.db.write((sql) => sql.get<{ address: string; externalId: string | null }, { id: number }>(target, { id: targetId }));
    if (!sentRow?.externalId) return; // never sent, or the channel gave no id: nothing to remove
    try {
      const removed = await channel.deleteMessage(sentRow.address, sentRow.externalId);
      if (!removed) this.o.logger.info({ outboxId: row.id }, 'channel could not delete the message');
    } catch (err) {
      // A failed deletion must not block the conversation behind it.
      this.o.logger.warn({ outboxId: row.id, err: (err as Error).message }, 'message deletion failed');
    }
  }

  private async settleFailure(row: OutboxMessage, attempts: number, error: unknown): Promise<boolean> {
    const message = (error as Error)?.message?.slice(0, 300) ?? String(error);
    const now = this.o.clock();
    if (error instanceof ChannelUnavailableError) {
      await this.o.db.tx((tx) =>
        tx.outboxMessage.update({
          where: { id: row.id },
          data: { status: 'pending', attempts: attempts - 1, nextAttemptAt: new Date(now.getTime() + UNAVAILABLE_RETRY_MS), lastError: message },
        }),
      );
      return false;
    }
    if (error instanceof PermanentDeliveryError) {
      this.o.logger.warn({ outboxId: row.id, reason: error.reason }, 'delivery refused for good');
      await this.o.db.tx(async (tx) => {
        await tx.outboxMessage.update({ where: { id: row.id }, data: { status: 'dropped', lastError: message } });
        if (row.contactId && error.reason !== 'invalid') {
          await tx.contact.update({ where: { id: row.contactId }, data: { blockedAt: now, blockReason: error.reason } });
          // Pending, or claimed after this one in the same pass.
          await tx.outboxMessage.updateMany({
            where: { contactId: row.contactId, audience: 'contact', status: { in: ['pending', 'sending'] }, id: { not: row.id } },
            data: { status: 'dropped', lastError: `contact ${error.reason}` },
          });
          // Nobody to remind any more: recorded with the reason.
          await tx.reminder.updateMany({ where: { contactId: row.contactId, status: 'scheduled' }, data: { status: 'cancelled', doneAt: now, reason: `contact ${error.reason}` } });
        }
      });
      return true;
    }
    const final = attempts >= this.o.maxAttempts;
    const delay = error instanceof RetryAfterError ? Math.max(error.retryAfterMs, backoffMs(attempts)) : backoffMs(attempts);
    this.o.logger.warn({ outboxId: row.id, attempts, final, err: message }, 'delivery failed');
    await this.o.db.tx((tx) =>
      tx.outboxMessage.update({
        where: { id: row.id },
        data: final
          ? { status: 'failed', lastError: message }
          : { status: 'pending', nextAttemptAt: new Date(now.getTime() + delay), lastError: message },
      }),
    );
    return final;
  }
}
