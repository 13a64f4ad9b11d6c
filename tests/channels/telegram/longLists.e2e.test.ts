/**
 * Long lists on the Telegram emulator, through the real bot: /ouvertes with 85 open alerts comes a
 * page of 20 at a time with the way to the next page; the round-up of 150 (over 6,000 characters)
 * arrives whole and in order, every message under Telegram's 4,096 characters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COORDINATOR_CHAT, TelegramE2E } from '../../helpers/telegramE2E.js';

const CLAIRE = 7001;
const PERSON = 8001;
const TELEGRAM_MAX = 4096;

let t: TelegramE2E;
beforeAll(async () => {
  // The round-up is started by the test (its hour set on the app's clock), not by the 30-second tick.
  t = await TelegramE2E.start('polling', { FOLLOWUP_TICK_SECONDS: '3600', DIGEST_HOUR: '9' });
  // Monday 23 November 2026, 08:00 in Paris: not yet the round-up's hour.
  t.setClock(new Date('2026-11-23T07:00:00Z'));
});
afterAll(async () => t?.close());

const idsIn = (text: string) => [...text.matchAll(/• n°(\d+) ·/g)].map((m) => Number(m[1]));

/** Open alerts n°from…n°to, one a minute, the last ones a few minutes old (none past its delay). */
async function openAlerts(from: number, to: number): Promise<void> {
  const contact = await t.db.read((db) => db.contact.findFirstOrThrow({ where: { address: String(PERSON) } }));
  const now = t.now().getTime();
  await t.db.tx(async (tx) => {
    for (let n = from; n <= to; n++) {
      await tx.alert.create({ data: { contactId: contact.id, domains: '["vision"]', priority: 'normal', territoryId: 'default', createdAt: new Date(now - (200 - n) * 60_000) } });
    }
  });
}

/** What the bot posted in the group after `before` messages. */
const groupTexts = (before: number) => t.texts(COORDINATOR_CHAT).slice(before);

describe('long lists on Telegram', () => {
  it('/ouvertes with 85 open alerts: 20 a page with the next page to ask for, page 5 the last 5; every message under 4,096 characters', async () => {
    await t.say(PERSON, 'bonjour');
    await openAlerts(1, 85);
    const pages: string[] = [];
    for (const command of ['/ouvertes', '/ouvertes 2', '/ouvertes 3', '/ouvertes 4', '/ouvertes 5']) {
      const before = t.texts(COORDINATOR_CHAT).length;
      await t.sayInGroup(COORDINATOR_CHAT, CLAIRE, 'Claire', command);
      const replies = groupTexts(before);
      expect(replies).toHaveLength(1);
      expect(replies[0]!.length).toBeLessThan(TELEGRAM_MAX);
      pages.push(replies[0]!);
    }
    expect(pages[0]).toMatch(/^Alertes ouvertes \(85\) :\n/);
    expect(idsIn(pages[0]!)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(pages[0]).toMatch(/\nPage 1\/5 — pour la suite, écrivez \/ouvertes 2$/);
    expect(pages[3]).toMatch(/\nPage 4\/5 — pour la suite, écrivez \/ouvertes 5$/);
    expect(idsIn(pages[4]!)).toEqual([81, 82, 83, 84, 85]);
    expect(pages[4]).toMatch(/\nPage 5\/5 \(la dernière\)$/);
    expect(pages.flatMap(idsIn)).toEqual(Array.from({ length: 85 }, (_, i) => i + 1));
    // A page past the last is answered, not left silent; the English verb works in the group too.
    const before = t.texts(COORDINATOR_CHAT).length;
    await t.sayInGroup(COORDINATOR_CHAT, CLAIRE, 'Claire', '/ouvertes 6');
    await t.sayInGroup(COORDINATOR_CHAT, CLAIRE, 'Claire', '/open 5');
    const [none, open5] = groupTexts(before);
    expect(none).toBe("Il n'y a pas de page 6 : les alertes ouvertes tiennent en 5 page(s).");
    expect(open5).toBe(pages[4]);
  });

  it('the round-up of 150 open alerts, over 6,000 characters, arrives whole and in order in messages under 4,096 characters', async () => {
    await openAlerts(86, 150);
    const before = t.texts(COORDINATOR_CHAT).length;
    // 09:00 in Paris: the round-up's hour.
    t.setClock(new Date('2026-11-23T08:00:30Z'));
    expect(await t.app.followUp.tick()).toBe(1);
    await t.settle();
    const parts = t.botMessages(COORDINATOR_CHAT).slice(before);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.message.text.length).toBeLessThan(TELEGRAM_MAX);
    // Sent one after the other, in the order of the text.
    const messageIds = parts.map((p) => p.messageId);
    expect(messageIds).toEqual([...messageIds].sort((a, b) => a - b));
    const digest = parts.map((p) => p.message.text).join('\n');
    expect(digest.length).toBeGreaterThan(6000);
    expect(digest).toMatch(/^📋 Point du jour – .+ : 150 alerte\(s\) ouverte\(s\)\n/);
    expect(idsIn(digest)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    // Whole lines only: every part starts where a line starts.
    for (const p of parts.slice(1)) expect(p.message.text).toMatch(/^• n°\d+ · /);
    // Not twice the same day.
    expect(await t.app.followUp.tick()).toBe(0);
  });
});
