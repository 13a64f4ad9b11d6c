/** Messages over a channel's limit are split at line boundaries, in order, and all of them go out. */
import { describe, expect, it } from 'vitest';
import { singleTerritoryRouter } from '../../src/alerts/alertRouter.js';
import { splitText } from '../../src/outbox/outbox.js';
import { harnessPerTest } from '../helpers/harness.js';
import { RecordingChannel } from '../helpers/recordingChannel.js';

const harness = harnessPerTest();
const GROUP = '-1001';

describe('long messages', () => {
  it('splits at line boundaries, keeps every line in order, never over the limit', () => {
    const text = Array.from({ length: 200 }, (_, i) => `ligne ${i} `.repeat(3)).join('\n');
    const parts = splitText(text, 3500);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(3500);
    expect(parts.join('\n')).toBe(text);
    // One line longer than the limit is cut at spaces.
    const long = splitText('mot '.repeat(2000).trim(), 3500);
    expect(long.every((p) => p.length <= 3500)).toBe(true);
    expect(long.join(' ')).toBe('mot '.repeat(2000).trim());
  });

  it('150 open alerts listed on Telegram arrives in several messages, all of it, in order', async () => {
    const h = await harness({ channel: new RecordingChannel('telegram'), router: singleTerritoryRouter({ targets: [{ channel: 'telegram', address: GROUP }], name: 'CPTS Nord' }) });
    await h.say('bonjour');
    const contact = await h.db.read((db) => db.contact.findFirstOrThrow());
    await h.db.tx(async (tx) => {
      for (let i = 0; i < 150; i++) {
        await tx.alert.create({ data: { contactId: contact.id, domains: '["vision"]', priority: 'normal', territoryId: 'default', createdAt: new Date(h.now.getTime() - (150 - i) * 60_000) } });
      }
    });
    const before = h.channel.to(GROUP).length;
    await h.group('/ouvertes', GROUP, '777', { senderName: 'Claire' });
    // One message a second in a Telegram chat: the parts follow each other.
    for (let i = 0; i < 4; i++) await h.advance(1100);
    const replies = h.channel.to(GROUP).slice(before).map((m) => m.message.text);
    expect(replies.join('\n').length).toBeGreaterThan(6000);
    expect(replies.length).toBeGreaterThan(1);
    for (const r of replies) expect(r.length).toBeLessThanOrEqual(4096);
    const ids = [...replies.join('\n').matchAll(/n°(\d+) ·/g)].map((m) => Number(m[1]));
    expect(ids).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
  });
});
