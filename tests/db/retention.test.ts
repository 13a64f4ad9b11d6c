/** Retention on a controllable clock: old message texts cleared, old inbound ids forgotten, recent ones kept. */
import { describe, expect, it } from 'vitest';
import { COORDINATORS, harnessPerTest } from '../helpers/harness.js';
import { EN_FLAGGED, FR_NORMAL } from '../helpers/scripts.js';

const harness = harnessPerTest();

describe('retention', () => {
  it('after 30 days the texts of settled messages are cleared and inbound ids deleted; a recent chat is untouched', async () => {
    const h = await harness();
    for (const line of FR_NORMAL) await h.say(line, 'old');
    h.now = new Date(h.now.getTime() + 31 * 86_400_000);
    await h.say('bonjour', 'recent');
    const result = await h.app.purge();
    expect(result.outboxCleared).toBeGreaterThan(15);
    expect(result.inboundDeleted).toBe(FR_NORMAL.length);
    const rows = await h.db.read((db) => db.outboxMessage.findMany());
    const idOf = async (address: string) => (await h.db.read((db) => db.contact.findFirstOrThrow({ where: { address } }))).id;
    const [oldId, recentId] = [await idOf('old'), await idOf('recent')];
    const old = rows.filter((r) => r.contactId === oldId);
    expect(old.every((r) => r.payload === '{"text":""}')).toBe(true);
    expect(JSON.stringify(old)).not.toContain('Jeanne');
    const recent = rows.filter((r) => r.contactId === recentId);
    expect(recent.every((r) => r.payload.length > 20)).toBe(true);
    expect(await h.db.read((db) => db.inboundMessage.count())).toBe(1);
    // The answers and results themselves are kept (the person's record, erased only on request).
    expect(await h.db.read((db) => db.answer.count())).toBeGreaterThan(10);
    expect(await h.app.purge()).toEqual({ outboxCleared: 0, inboundDeleted: 0, conversationsCleared: 0 });
  });

  it('the state of a conversation idle for 90 days is dropped (not one with a screening under way); the records stay and the person starts afresh', async () => {
    const h = await harness();
    for (const line of FR_NORMAL) await h.say(line, 'done');
    for (const line of FR_NORMAL.slice(0, 6)) await h.say(line, 'midway');
    const idOf = async (address: string) => (await h.db.read((db) => db.contact.findFirstOrThrow({ where: { address } }))).id;
    const [done, midway] = [await idOf('done'), await idOf('midway')];
    // Only 60 days: kept.
    h.now = new Date(h.now.getTime() + 60 * 86_400_000);
    expect((await h.app.purge()).conversationsCleared).toBe(0);
    // The expiry of the unfinished screening has not run (the bot was down): its state is kept all the same.
    await h.db.tx((tx) => tx.reminder.updateMany({ where: { contactId: midway }, data: { status: 'cancelled' } }));
    h.now = new Date(h.now.getTime() + 31 * 86_400_000);
    expect((await h.app.purge()).conversationsCleared).toBe(1);
    const left = await h.db.read((db) => db.conversation.findMany({ select: { contactId: true } }));
    expect(left.map((c) => c.contactId)).toEqual([midway]);
    expect(await h.db.read((db) => db.screening.count({ where: { contactId: done, status: 'completed' } }))).toBe(1);
    // The person writes again months later: a fresh start that knows them, not an error.
    const reply = (await h.say('bonjour', 'done')).join('\n');
    expect(reply).not.toMatch(/erreur|error/i);
    expect(reply).toMatch(/Jeanne|Bonjour/);
  });
});

describe('retention: after a conversation state is dropped', () => {
  it('an open alert is not lost: listed, taken, written about, and the reply reaches the team', async () => {
    const h = await harness({ env: { DEFAULT_LANGUAGE: 'en', COORDINATOR_LANGUAGE: 'en', CALLBACK_PHONE: 'ask' } });
    for (const line of EN_FLAGGED) await h.say(line, 'arthur');
    h.now = new Date(h.now.getTime() + 91 * 86_400_000);
    expect((await h.app.purge()).conversationsCleared).toBe(1);
    expect(await h.db.read((db) => db.conversation.count())).toBe(0);
    expect(await h.db.read((db) => db.alert.findMany({ select: { id: true, status: true } }))).toEqual([{ id: 1, status: 'new' }]);
    expect((await h.group('/open', COORDINATORS, 'nurse-1'))[0]).toMatch(/^Open alerts \(1\):\n• no\. 1 · normal · opened 91 d ago/);
    expect((await h.group('/take 1', COORDINATORS, 'nurse-1', { senderName: 'Claire' }))[0]).toMatch(/^✅ Alert no\. 1 taken by Claire/);
    await h.group('/write 1 I will call you tomorrow', COORDINATORS, 'nurse-1', { senderName: 'Claire' });
    expect(h.last('arthur')).toContain('I will call you tomorrow');
    expect(await h.say('thank you', 'arthur')).toEqual(['Thank you, I have passed it on to the team.']);
  });

  it('the re-screening reminder still comes, and answering it starts the follow-up of the known person', async () => {
    const h = await harness();
    for (const line of FR_NORMAL) await h.say(line, 'jeanne');
    h.now = new Date(h.now.getTime() + 91 * 86_400_000);
    expect((await h.app.purge()).conversationsCleared).toBe(1);
    const due = await h.db.read((db) => db.reminder.findFirstOrThrow({ where: { kind: 'rescreen', status: 'scheduled' } }));
    expect(await h.remindAt(new Date(due.dueAt.getTime() + 1000))).toBe(1);
    expect(h.last('jeanne')).toMatch(/^Bonjour ! Il y a quelques mois/);
    const reply = (await h.say('oui', 'jeanne')).join('\n');
    expect(reply).toContain('Nous reprenons les mêmes petites questions que la dernière fois');
    expect(reply).toContain('Question 1 sur 13');
    expect(await h.db.read((db) => db.screening.findMany({ orderBy: { startedAt: 'asc' }, select: { status: true, kind: true } }))).toEqual([
      { status: 'completed', kind: 'initial' },
      { status: 'started', kind: 'follow_up' },
    ]);
  });
});
