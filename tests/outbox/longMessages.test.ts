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

  async function withOpenAlerts(count: number, env: Record<string, string> = {}) {
    const h = await harness({ channel: new RecordingChannel('telegram'), router: singleTerritoryRouter({ targets: [{ channel: 'telegram', address: GROUP }], name: 'CPTS Nord' }), env });
    await h.say('bonjour');
    const contact = await h.db.read((db) => db.contact.findFirstOrThrow());
    await h.db.tx(async (tx) => {
      for (let i = 0; i < count; i++) {
        await tx.alert.create({ data: { contactId: contact.id, domains: '["vision"]', priority: 'normal', territoryId: 'default', createdAt: new Date(h.now.getTime() - (count - i) * 60_000) } });
      }
    });
    return h;
  }
  const idsIn = (text: string) => [...text.matchAll(/n°(\d+) ·/g)].map((m) => Number(m[1]));

  it('/ouvertes with 150 open alerts: pages of 20 with the way to the next, the last page says so, all 150 in order', async () => {
    const h = await withOpenAlerts(150);
    const pages: string[] = [];
    for (let page = 1; page <= 8; page++) {
      const replies = await h.group(page === 1 ? '/ouvertes' : `/ouvertes ${page}`, GROUP, '777', { senderName: 'Claire' });
      expect(replies).toHaveLength(1);
      expect(replies[0]!.length).toBeLessThanOrEqual(3500);
      pages.push(replies[0]!);
    }
    expect(pages[0]).toMatch(/^Alertes ouvertes \(150\) :/);
    expect(pages[0]).toMatch(/Page 1\/8 — pour la suite, écrivez \/ouvertes 2$/);
    expect(idsIn(pages[0]!)).toHaveLength(20);
    expect(pages[7]).toMatch(/Page 8\/8 \(la dernière\)$/);
    expect(idsIn(pages[7]!)).toHaveLength(10);
    expect(pages.flatMap(idsIn)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect((await h.group('/ouvertes 9', GROUP, '777'))[0]).toBe("Il n'y a pas de page 9 : les alertes ouvertes tiennent en 8 page(s).");
    // A few alerts: one page, no page line.
    const few = await withOpenAlerts(3);
    const one = (await few.group('/ouvertes', GROUP, '777'))[0]!;
    expect(idsIn(one)).toEqual([1, 2, 3]);
    expect(one).not.toMatch(/Page/);
  });

  it('the round-up with 150 open alerts (over 6,000 characters) arrives whole, in order, in messages under the limit', async () => {
    const h = await withOpenAlerts(150, { DIGEST_HOUR: '9' });
    h.now = new Date('2026-11-23T08:01:00Z'); // 09:01 in Paris
    const before = h.channel.to(GROUP).length;
    await h.advance(0);
    // One message a second in a Telegram chat: the parts follow each other.
    for (let i = 0; i < 6; i++) await h.advance(1100);
    const replies = h.channel.to(GROUP).slice(before).map((m) => m.message.text).filter((t) => !/^🔔|^🚨/.test(t));
    const digest = replies.join('\n');
    expect(digest).toMatch(/^📋 Point du jour/);
    expect(digest.length).toBeGreaterThan(6000);
    expect(replies.length).toBeGreaterThan(1);
    for (const r of replies) expect(r.length).toBeLessThanOrEqual(4096);
    expect(idsIn(digest)).toEqual(expect.arrayContaining(Array.from({ length: 150 }, (_, i) => i + 1)));
    expect(new Set(idsIn(digest)).size).toBe(150);
  });
});
