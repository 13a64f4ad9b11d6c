import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelUnavailableError, PermanentDeliveryError } from '../../src/channels/types.js';
import { Database } from '../../src/db/database.js';
import { backoffMs, OutboxDispatcher } from '../../src/outbox/dispatcher.js';
import { enqueue } from '../../src/outbox/outbox.js';
import { freshDbUrl } from '../helpers/db.js';
import { RecordingChannel } from '../helpers/recordingChannel.js';

let db: Database;
afterEach(async () => db?.close());

async function setup(maxAttempts = 3) {
  db = await Database.open(freshDbUrl());
  const channel = new RecordingChannel();
  let now = new Date('2026-11-22T10:00:00Z');
  const dispatcher = new OutboxDispatcher({
    db,
    channels: new Map([[channel.name, channel]]),
    logger: pino({ level: 'silent' }),
    clock: () => now,
    maxAttempts,
    pollMs: 1000,
  });
  const contact = await db.tx((tx) => tx.contact.create({ data: { channel: 'test', address: 'a', language: 'fr' } }));
  const put = (key: string, text: string, address = 'a') =>
    db.tx((tx) =>
      enqueue(tx, { key, channel: 'test', address, audience: 'contact', ...(address === 'a' ? { contactId: contact.id } : {}), message: { text }, notBefore: now }),
    );
  return { channel, dispatcher, contact, put, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

const rows = () => db.read((d) => d.outboxMessage.findMany({ orderBy: { id: 'asc' } }));

describe('outbox dispatcher', () => {
  it('sends each row once, in order per address, and ignores a second enqueue of the same key', async () => {
    const { channel, dispatcher, put } = await setup();
    expect(await put('k1', 'one')).toBe(true);
    expect(await put('k1', 'one again')).toBe(false);
    await put('k2', 'two');
    await put('k3', 'other', 'b');
    await dispatcher.drain();
    await dispatcher.drain();
    expect(channel.to('a').map((s) => s.message.text)).toEqual(['one', 'two']);
    expect(channel.to('b')).toHaveLength(1);
    expect((await rows()).map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('retries a failed send after a backoff, keeping later messages behind it, then delivers', async () => {
    const { channel, dispatcher, put, advance } = await setup();
    await put('k1', 'one');
    await put('k2', 'two');
    channel.failures = [new Error('network down')];
    await dispatcher.drain();
    expect(channel.sent).toEqual([]);
    const [first] = await rows();
    expect(first).toMatchObject({ status: 'pending', attempts: 1, lastError: 'network down' });
    advance(backoffMs(1) - 1);
    await dispatcher.drain();
    expect(channel.sent).toEqual([]);
    advance(1);
    await dispatcher.drain();
    expect(channel.to('a').map((s) => s.message.text)).toEqual(['one', 'two']);
  });

  it('gives up after the maximum attempts, and the next message goes', async () => {
    const { channel, dispatcher, put, advance } = await setup(2);
    await put('k1', 'one');
    await put('k2', 'two');
    channel.failures = [new Error('e1'), new Error('e2')];
    await dispatcher.drain();
    advance(backoffMs(1));
    await dispatcher.drain();
    expect((await rows()).map((r) => [r.status, r.attempts])).toEqual([['failed', 2], ['sent', 1]]);
    expect(channel.to('a').map((s) => s.message.text)).toEqual(['two']);
  });

  it('a blocked user: the row and everything queued for them is dropped, the contact marked', async () => {
    const { channel, dispatcher, put, contact } = await setup();
    await put('k1', 'one');
    await put('k2', 'two');
    channel.failures = [new PermanentDeliveryError('Forbidden: bot was blocked by the user', 'blocked')];
    await dispatcher.drain();
    expect((await rows()).map((r) => r.status)).toEqual(['dropped', 'dropped']);
    const c = await db.read((d) => d.contact.findUniqueOrThrow({ where: { id: contact.id } }));
    expect(c.blockReason).toBe('blocked');
    expect(channel.sent).toEqual([]);
  });

  it('a channel that is down does not spend attempts; messages go once it is back', async () => {
    const { channel, dispatcher, put, advance } = await setup(2);
    await put('k1', 'one');
    for (let i = 0; i < 5; i++) {
      channel.failures = [new ChannelUnavailableError('not connected')];
      await dispatcher.drain();
      advance(10_000);
    }
    expect((await rows())[0]).toMatchObject({ status: 'pending', attempts: 0 });
    await dispatcher.drain();
    expect(channel.to('a')).toHaveLength(1);
  });

  it('a row left "sending" by a crash is sent again after its lease', async () => {
    const { channel, dispatcher, put, advance } = await setup();
    await put('k1', 'one');
    await db.tx((tx) => tx.outboxMessage.updateMany({ data: { status: 'sending', attempts: 1 } }));
    await dispatcher.drain();
    expect(channel.sent).toEqual([]);
    advance(61_000);
    await dispatcher.drain();
    expect(channel.to('a')).toHaveLength(1);
  });
});
