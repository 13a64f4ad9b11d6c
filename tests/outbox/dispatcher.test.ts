import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelUnavailableError, PermanentDeliveryError } from '../../src/channels/types.js';
import { Database } from '../../src/db/database.js';
import { backoffMs, OutboxDispatcher } from '../../src/outbox/dispatcher.js';
import { enqueue } from '../../src/outbox/outbox.js';
import { Pacer } from '../../src/outbox/pacer.js';
import { freshDbUrl } from '../helpers/db.js';
import { RecordingChannel } from '../helpers/recordingChannel.js';

let db: Database;
afterEach(async () => db?.close());

async function setup(maxAttempts = 3, pacer?: Pacer, channelName = 'test', onQuery?: (query: string) => void) {
  db = await Database.open(freshDbUrl(), onQuery ? { onQuery: (e) => onQuery(e.query) } : {});
  const channel = new RecordingChannel(channelName);
  let now = new Date('2026-11-22T10:00:00Z');
  const dispatcher = new OutboxDispatcher({
    db,
    channels: new Map([[channel.name, channel]]),
    logger: pino({ level: 'silent' }),
    clock: () => now,
    maxAttempts,
    pollMs: 1000,
    ...(pacer ? { pacer } : {}),
  });
  const contact = await db.tx((tx) => tx.contact.create({ data: { channel: channelName, address: 'a', language: 'fr' } }));
  const put = (key: string, text: string, address = 'a', priority = 0) =>
    db.tx((tx) =>
      enqueue(tx, { key, channel: channelName, address, audience: 'contact', ...(address === 'a' ? { contactId: contact.id } : {}), message: { text }, notBefore: now, priority }),
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

  it('the rows queued for one address go out in one pass, in order: a reply, its summary, the next question', async () => {
    let passes = 0;
    const { channel, dispatcher, put } = await setup(3, undefined, 'test', (query) => /"o"\."priority" <=/.test(query) && passes++);
    await put('k1', 'one');
    await put('k2', 'two');
    await put('k3', 'three');
    await put('k4', 'other', 'b');
    expect(await dispatcher.drain()).toBe(4);
    expect(channel.to('a').map((s) => s.message.text)).toEqual(['one', 'two', 'three']);
    // One pass sent them all; the second found nothing left (it took four passes, one row of 'a' each).
    expect(passes).toBe(2);
    expect((await rows()).map((r) => [r.status, r.attempts])).toEqual([['sent', 1], ['sent', 1], ['sent', 1], ['sent', 1]]);
  });

  it('in a pass, a row that fails holds back the ones after it: pending again, no attempt counted, never sent before it', async () => {
    const { channel, dispatcher, put, advance } = await setup();
    await put('k1', 'one');
    await put('k2', 'two');
    await put('k3', 'three');
    channel.failures = [undefined as unknown as Error, new Error('network down')];
    await dispatcher.drain();
    expect(channel.to('a').map((s) => s.message.text)).toEqual(['one']);
    expect((await rows()).map((r) => [r.status, r.attempts])).toEqual([['sent', 1], ['pending', 1], ['pending', 0]]);
    advance(backoffMs(1));
    await dispatcher.drain();
    expect(channel.to('a').map((s) => s.message.text)).toEqual(['one', 'two', 'three']);
  });

  it('a row after the head still marked as being sent (its release could not be written) stops the pass there: the one after it never overtakes it', async () => {
    const { channel, dispatcher, put } = await setup();
    await put('k1', 'one');
    await put('k2', 'two');
    await put('k3', 'three');
    const runId = (dispatcher as unknown as { runId: string }).runId;
    await db.tx((tx) => tx.outboxMessage.update({ where: { key: 'k2' }, data: { status: 'sending', claimedBy: runId, nextAttemptAt: new Date('2026-11-22T10:00:00Z') } }));
    await dispatcher.drain();
    expect(channel.to('a').map((s) => s.message.text)).toEqual(['one']);
    expect((await rows()).map((r) => r.status)).toEqual(['sent', 'sending', 'pending']);
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

  it('a send interrupted by a crash is sent again within seconds by the next run, once, flagged as possibly repeated', async () => {
    const { put } = await setup();
    // The first run claims the row, and its send never returns (the process dies during it).
    const hanging = new RecordingChannel('test');
    hanging.send = () => new Promise(() => undefined);
    const crashed = new OutboxDispatcher({ db, channels: new Map([['test', hanging]]), logger: pino({ level: 'silent' }), clock: () => new Date('2026-11-22T10:00:00Z'), maxAttempts: 3, pollMs: 1000 });
    await put('k1', 'one');
    void crashed.drain();
    for (let i = 0; i < 100 && (await rows())[0]!.status !== 'sending'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await rows())[0]).toMatchObject({ status: 'sending', attempts: 1 });
    // The bot starts again a few seconds later: a new run, which sends it at once.
    const repeats: (boolean | undefined)[] = [];
    const next = { channel: new RecordingChannel('test') };
    next.channel.send = async (address, message, audience, options) => {
      repeats.push(options?.mayRepeat);
      next.channel.sent.push({ address, audience, message, externalId: 'x1' });
      return { externalId: 'x1' };
    };
    const restarted = new OutboxDispatcher({ db, channels: new Map([['test', next.channel]]), logger: pino({ level: 'silent' }), clock: () => new Date('2026-11-22T10:00:03Z'), maxAttempts: 3, pollMs: 1000 });
    await restarted.drain();
    expect(next.channel.sent.map((m) => m.message.text)).toEqual(['one']);
    expect(repeats).toEqual([true]);
    expect((await rows())[0]).toMatchObject({ status: 'sent', attempts: 2, interrupted: true });
    await restarted.drain();
    expect(next.channel.sent).toHaveLength(1);
  });

  it('a row this run left "sending" (a send that never returned) is sent again after its lease', async () => {
    const { channel, dispatcher, put, advance } = await setup();
    await put('k1', 'one');
    const runId = (dispatcher as unknown as { runId: string }).runId;
    await db.tx((tx) => tx.outboxMessage.updateMany({ data: { status: 'sending', attempts: 1, claimedBy: runId } }));
    await dispatcher.drain();
    expect(channel.sent).toEqual([]);
    advance(61_000);
    await dispatcher.drain();
    expect(channel.to('a')).toHaveLength(1);
  });
});

describe('pacing', () => {
  it('the pace says when its one-second window frees a slot for reminders, so that the dispatcher looks again then', () => {
    const pacer = new Pacer({ telegram: { perSecond: 25 } }, 'Europe/Paris');
    const t0 = Date.parse('2026-11-22T10:00:00Z');
    const at = (ms: number) => new Date(t0 + ms);
    // 24 reminders (one slot a second is kept for replies), sent 10 ms apart.
    for (let i = 0; i < 24; i++) expect(pacer.take({ channel: 'telegram', address: `r${i}`, priority: 1, kind: 'send' }, at(i * 10))).toBe(true);
    expect(pacer.allows({ channel: 'telegram', address: 'r24', priority: 1, kind: 'send' }, at(300))).toBe(false);
    // The oldest of the 24 is a second old at 1,000 ms: a slot then, not before.
    expect(pacer.freeAt('telegram', at(300))).toBe(t0 + 1000);
    expect(pacer.allows({ channel: 'telegram', address: 'r24', priority: 1, kind: 'send' }, at(999))).toBe(false);
    expect(pacer.allows({ channel: 'telegram', address: 'r24', priority: 1, kind: 'send' }, at(1000))).toBe(true);
    expect(pacer.freeAt('telegram', at(1000))).toBeUndefined();
    // A reply still has its slot.
    expect(pacer.allows({ channel: 'telegram', address: 'chatter', priority: 0, kind: 'send' }, at(300))).toBe(true);
  });

  it('a backlog of reminders drains oldest first at the channel\'s pace, and a reply to someone chatting goes first', async () => {
    const pacer = new Pacer({ telegram: { perSecond: 25, perChatGapMs: 1000 } }, 'Europe/Paris');
    const { channel, dispatcher, put, advance } = await setup(3, pacer, 'telegram');
    for (let i = 0; i < 60; i++) await put(`r${i}`, `reminder ${i}`, `chat-${i}`, 1);
    await put('reply', 'your next question', 'chatting');
    await dispatcher.drain();
    // Reminders leave one slot a second for replies: 24 a second in all while they wait.
    expect(channel.sent).toHaveLength(24);
    expect(channel.sent[0]!.message.text).toBe('your next question');
    expect(channel.sent.slice(1).map((x) => x.message.text)).toEqual(Array.from({ length: 23 }, (_, i) => `reminder ${i}`));
    await dispatcher.drain();
    expect(channel.sent).toHaveLength(24); // same second: wait
    await put('reply-2', 'another reply', 'chatting-2');
    await dispatcher.drain();
    expect(channel.sent.at(-1)!.message.text).toBe('another reply'); // the kept slot
    advance(1000);
    await dispatcher.drain();
    expect(channel.sent).toHaveLength(49);
    advance(1000);
    await dispatcher.drain();
    expect(channel.sent).toHaveLength(62);
  });

  it('at most one message per second in one Telegram chat', async () => {
    const pacer = new Pacer({ telegram: { perSecond: 25, perChatGapMs: 1000 } }, 'Europe/Paris');
    const { channel, dispatcher, put, advance } = await setup(3, pacer, 'telegram');
    await put('k1', 'one');
    await put('k2', 'two');
    await dispatcher.drain();
    expect(channel.sent).toHaveLength(1);
    advance(999);
    await dispatcher.drain();
    expect(channel.sent).toHaveLength(1);
    advance(1);
    await dispatcher.drain();
    expect(channel.sent).toHaveLength(2);
  });

  it('at most 20 messages a minute to one Telegram group; private chats are not held by it', async () => {
    const pacer = new Pacer({ telegram: { perSecond: 25, perChatGapMs: 1000, groupPerMinute: 20, isGroup: (a) => a.startsWith('-') } }, 'Europe/Paris');
    const { channel, dispatcher, put, advance } = await setup(3, pacer, 'telegram');
    for (let i = 0; i < 25; i++) await put(`g${i}`, `post ${i}`, '-1001');
    for (let s = 0; s < 30; s++) {
      await dispatcher.drain();
      advance(1000);
    }
    expect(channel.to('-1001')).toHaveLength(20); // 30 s: a message a second, then held at 20
    for (let i = 0; i < 3; i++) await put(`p${i}`, `private ${i}`, `70${i}`);
    await dispatcher.drain();
    expect(channel.to('700')).toHaveLength(1);
    advance(31_000); // the first ones leave the minute
    for (let s = 0; s < 5; s++) {
      await dispatcher.drain();
      advance(1000);
    }
    expect(channel.to('-1001')).toHaveLength(25);
  });

  it('WhatsApp: a daily cap on proactive messages, never on replies', async () => {
    const pacer = new Pacer({ whatsapp: { proactivePerDay: 2 } }, 'Europe/Paris');
    const { channel, dispatcher, put, advance } = await setup(3, pacer, 'whatsapp');
    for (let i = 0; i < 4; i++) await put(`r${i}`, `reminder ${i}`, `p${i}@c.us`, 1);
    await put('reply', 'answer', 'chatting@c.us');
    await dispatcher.drain();
    expect(channel.sent.map((x) => x.message.text).sort()).toEqual(['answer', 'reminder 0', 'reminder 1']);
    advance(24 * 3_600_000); // the next day
    await dispatcher.drain();
    expect(channel.sent).toHaveLength(5);
  });

  it('one channel at its cap never slows another: 300 WhatsApp reminders held by the daily cap, Telegram sends at its pace, a reply on WhatsApp still goes', async () => {
    db = await Database.open(freshDbUrl());
    const telegram = new RecordingChannel('telegram');
    const whatsapp = new RecordingChannel('whatsapp');
    let now = new Date('2026-11-22T10:00:00Z');
    const pacer = new Pacer({ telegram: { perSecond: 25, perChatGapMs: 1000 }, whatsapp: { proactivePerDay: 10 } }, 'Europe/Paris');
    const dispatcher = new OutboxDispatcher({ db, channels: new Map([['telegram', telegram], ['whatsapp', whatsapp]]), logger: pino({ level: 'silent' }), clock: () => now, maxAttempts: 3, pollMs: 1000, pacer });
    const put = (key: string, channel: string, address: string, priority: number) =>
      db.tx((tx) => enqueue(tx, { key, channel, address, audience: 'contact', message: { text: key }, notBefore: now, priority }));
    // The WhatsApp backlog is older than every Telegram row (the old dispatcher looked at the 200 oldest only).
    for (let i = 0; i < 300; i++) await put(`wa-${i}`, 'whatsapp', `wa-chat-${i}`, 1);
    for (let i = 0; i < 60; i++) await put(`tg-${i}`, 'telegram', `tg-chat-${i}`, 1);
    await dispatcher.drain();
    expect(whatsapp.sent).toHaveLength(10); // the cap
    expect(telegram.sent).toHaveLength(24); // its pace, less the slot kept for replies
    await put('wa-reply', 'whatsapp', 'someone-chatting', 0);
    now = new Date(now.getTime() + 1000);
    await dispatcher.drain();
    expect(telegram.sent).toHaveLength(48);
    expect(whatsapp.sent.map((m) => m.message.text)).toContain('wa-reply');
    expect(whatsapp.sent).toHaveLength(11);
    now = new Date(now.getTime() + 1000);
    await dispatcher.drain();
    expect(telegram.sent).toHaveLength(60);
    expect(telegram.sent.map((m) => m.message.text)).toEqual(Array.from({ length: 60 }, (_, i) => `tg-${i}`));
  });
});
