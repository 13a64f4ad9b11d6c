/** The durable outbox: every message to send is a row first, written in the same transaction as the state. */
import type { OutgoingMessage } from '../channels/types.js';
import type { Tx } from '../db/database.js';

export interface NewOutboxMessage {
  /** Unique: a second enqueue with the same key is ignored. */
  key: string;
  channel: string;
  address: string;
  audience: 'contact' | 'coordinators';
  contactId?: string;
  /** For messages to coordinators: the contact they are about, so that erasing them erases these too. */
  aboutContactId?: string;
  message: OutgoingMessage;
  ref?: string;
  /** When it may be sent: the app's clock, not the database's. */
  notBefore: Date;
  /** 1 for messages nobody is waiting for (reminders): replies to people chatting go first. */
  priority?: number;
}

export async function enqueue(tx: Tx, m: NewOutboxMessage): Promise<boolean> {
  const exists = await tx.outboxMessage.findUnique({ where: { key: m.key }, select: { id: true } });
  if (exists) return false;
  await tx.outboxMessage.create({
    data: {
      key: m.key,
      channel: m.channel,
      address: m.address,
      audience: m.audience,
      contactId: m.contactId ?? null,
      aboutContactId: m.aboutContactId ?? null,
      payload: JSON.stringify(m.message),
      ref: m.ref ?? null,
      hasChoices: (m.message.choices?.length ?? 0) > 0,
      priority: m.priority ?? 0,
      nextAttemptAt: m.notBefore,
    },
  });
  return true;
}

/** Queues the removal of the latest message this contact was sent under `ref` (e.g. the three words). */
export async function enqueueDelete(tx: Tx, key: string, contactId: string, ref: string, notBefore: Date): Promise<boolean> {
  const target = await tx.outboxMessage.findFirst({
    where: { contactId, ref, kind: 'send' },
    orderBy: { id: 'desc' },
  });
  if (!target) return false;
  const exists = await tx.outboxMessage.findUnique({ where: { key }, select: { id: true } });
  if (exists) return false;
  await tx.outboxMessage.create({
    data: {
      key,
      kind: 'delete',
      channel: target.channel,
      address: target.address,
      audience: target.audience,
      contactId,
      payload: JSON.stringify({ targetId: target.id }),
      nextAttemptAt: notBefore,
    },
  });
  return true;
}
