/** The durable outbox: every message to send is a row first, written in the same transaction as the state. */
import type { OutgoingMessage } from '../channels/types.js';
import { sqlOf, type Tx } from '../db/database.js';
import { statement } from '../db/sql.js';

type NewRow = {
  key: string;
  channel: string;
  address: string;
  audience: string;
  contactId: string | null;
  aboutContactId: string | null;
  kind: string;
  payload: string;
  ref: string | null;
  hasChoices: boolean;
  priority: number;
  notBefore: Date;
  now: Date;
};
/** The key decides: a row queued before (the same turn handled again) is not added twice. */
const rowInsert = statement<NewRow>((db, p) =>
  db
    .insertInto('OutboxMessage')
    .values({
      key: p.key,
      channel: p.channel,
      address: p.address,
      audience: p.audience,
      contactId: p.contactId,
      aboutContactId: p.aboutContactId,
      kind: p.kind,
      payload: p.payload,
      ref: p.ref,
      hasChoices: p.hasChoices,
      priority: p.priority,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: p.notBefore,
      createdAt: p.now,
    })
    .onConflict((oc) => oc.column('key').doNothing()),
);
const latestWithRef = statement<{ contactId: string; ref: string }>((db, p) =>
  db
    .selectFrom('OutboxMessage')
    .select(['id', 'channel', 'address', 'audience'])
    .where('contactId', '=', p.contactId)
    .where('ref', '=', p.ref)
    .where('kind', '=', 'send')
    .orderBy('id', 'desc')
    .limit(1),
);

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

/**
 * Longest text in one message, per channel (Telegram refuses more than 4,096 characters; WhatsApp
 * takes more, but a wall of text is not read). Room is left for the choices the adapter adds.
 */
export const TEXT_LIMITS: Readonly<Record<string, number>> = { telegram: 3500, whatsapp: 3500 };

/** Splits a text at line boundaries (or, for one very long line, at spaces) into parts of at most `limit` characters, in order. */
export function splitText(text: string, limit: number): string[] {
  if (text.length <= limit) return [text];
  const parts: string[] = [];
  let current = '';
  const push = () => {
    if (current) parts.push(current);
    current = '';
  };
  for (const line of text.split('\n')) {
    const pieces = line.length <= limit ? [line] : (line.match(new RegExp(`[\\s\\S]{1,${limit}}(?=\\s|$)|[\\s\\S]{1,${limit}}`, 'g')) ?? [line]).map((p) => p.trim());
    for (const piece of pieces) {
      if (current && current.length + 1 + piece.length > limit) push();
      current = current ? `${current}\n${piece}` : piece;
    }
  }
  push();
  return parts;
}

export async function enqueue(tx: Tx, m: NewOutboxMessage): Promise<boolean> {
  // On every message's path: statements prepared once, in the caller's transaction.
  const sql = sqlOf(tx);
  // Too long for one message: several rows, in order; the choices go with the last, the ref with the first.
  const limit = TEXT_LIMITS[m.channel];
  const texts = limit && !m.message.document ? splitText(m.message.text, limit) : [m.message.text];
  for (const [i, text] of texts.entries()) {
    const last = i === texts.length - 1;
    const message: OutgoingMessage = last ? { ...m.message, text } : { text };
    const added = sql.run(rowInsert, {
      key: i === 0 ? m.key : `${m.key}:part${i + 1}`,
      channel: m.channel,
      address: m.address,
      audience: m.audience,
      contactId: m.contactId ?? null,
      aboutContactId: m.aboutContactId ?? null,
      kind: 'send',
      payload: JSON.stringify(message),
      ref: i === 0 ? (m.ref ?? null) : null,
      hasChoices: last && (m.message.choices?.length ?? 0) > 0,
      priority: m.priority ?? 0,
      notBefore: m.notBefore,
      now: new Date(),
    });
    if (i === 0 && added === 0) return false;
  }
  return true;
}

/** Queues the removal of the latest message this contact was sent under `ref` (e.g. the three words). */
export async function enqueueDelete(tx: Tx, key: string, contactId: string, ref: string, notBefore: Date): Promise<boolean> {
  const sql = sqlOf(tx);
  const target = sql.get<{ id: number; channel: string; address: string; audience: string }, { contactId: string; ref: string }>(latestWithRef, { contactId, ref });
  if (!target) return false;
  const row = { key, channel: target.channel, address: target.address, audience: target.audience, contactId, aboutContactId: null, kind: 'delete' };
  return sql.run(rowInsert, { ...row, payload: JSON.stringify({ targetId: target.id }), ref: null, hasChoices: false, priority: 0, notBefore, now: new Date() }) === 1;
}
