/** Re-screening reminders, nudges and expiry, on a real database and a controllable clock. */
import { describe, expect, it } from 'vitest';
import { Harness, harnessPerTest } from '../helpers/harness.js';
import { FR_NORMAL } from '../helpers/scripts.js';

const harness = harnessPerTest();

const reminders = (h: Harness) =>
  h.db.read((d) => d.reminder.findMany({ orderBy: { id: 'asc' }, select: { kind: true, attempt: true, status: true, reason: true, dueAt: true } }));

async function completed(h: Harness) {
  for (const line of FR_NORMAL) await h.say(line);
}

const at = (iso: string) => new Date(iso);

describe('re-screening reminders', () => {
  it('the summary gives the date; the reminder comes on that day with three choices; one retry a week later; then none', async () => {
    const h = await harness();
    await completed(h);
    expect(h.summary()).toContain('Je vous proposerai de refaire ces questions vers le 22 mai 2027.');
    const due = (await reminders(h)).find((r) => r.kind === 'rescreen')!;
    expect(due.dueAt.toISOString()).toBe('2027-05-22T09:01:35.000Z');
    expect(await h.remindAt(at('2027-05-21T09:00:00Z'))).toBe(0);
    expect(await h.remindAt(at('2027-05-22T09:02:00Z'))).toBe(1); // a Saturday, 11:02 in Paris
    expect(h.last()).toContain('Il y a quelques mois, vous aviez répondu');
    expect(h.choices()).toEqual(['Commencer maintenant', 'Me le rappeler dans une semaine', 'Ne plus recevoir de rappels']);
    expect(await h.remindAt(at('2027-05-29T09:02:00Z'))).toBe(1); // no answer: the one retry
    expect(await h.remindAt(at('2027-07-29T09:02:00Z'))).toBe(0); // then nothing until they come back
    expect((await reminders(h)).filter((r) => r.kind === 'rescreen').map((r) => [r.attempt, r.status])).toEqual([[1, 'done'], [2, 'done']]);
  });

  it('"start now" resumes as a follow-up: known details are not asked again', async () => {
    const h = await harness();
    await completed(h);
    await h.remindAt(at('2027-05-22T09:02:00Z'));
    const next = await h.say('1');
    expect(next[0]).toContain('Nous reprenons les mêmes petites questions');
    expect(next[0]).toContain('Question 1 sur 13');
    expect(next[0]).toContain('pomme, clé, ballon');
    const screenings = await h.db.read((d) => d.screening.findMany({ orderBy: { startedAt: 'asc' }, select: { kind: true, mode: true } }));
    expect(screenings).toEqual([{ kind: 'initial', mode: 'self' }, { kind: 'follow_up', mode: 'self' }]);
    // They answered: the retry a week later is cancelled.
    const retry = (await reminders(h)).find((r) => r.kind === 'rescreen' && r.attempt === 2);
    expect(retry).toMatchObject({ status: 'cancelled', reason: 'answered' });
  });

  it('"remind me in a week" snoozes; "stop" ends reminders at once, and writing again brings them back', async () => {
    const h = await harness();
    await completed(h);
    await h.remindAt(at('2027-05-22T09:02:00Z'));
    expect((await h.say('2'))[0]).toContain('je vous le rappellerai dans une semaine');
    expect(await h.remindAt(at('2027-05-28T09:00:00Z'))).toBe(0);
    expect(await h.remindAt(at('2027-05-29T09:10:00Z'))).toBe(1);
    expect((await h.say('STOP'))[0]).toContain('vous ne recevrez plus de rappels');
    const contact = await h.db.read((d) => d.contact.findFirstOrThrow());
    expect(contact.optedOutAt).not.toBeNull();
    expect(await h.remindAt(at('2027-12-01T10:00:00Z'))).toBe(0);
    expect((await reminders(h)).filter((r) => r.status === 'scheduled')).toEqual([]);
    // Coming back: a new screening, and its summary announces the next one again.
    await h.say('recommencer');
    await h.say('1');
    await h.say('1');
    for (const line of ['ok', '22/11/2026', 'dimanche', 'non', '2', 'non', 'non', 'passer', 'non', 'non', 'non', 'non', 'pomme clé ballon']) await h.say(line);
    await h.answerGp('passer'); // the date given is last year's: memory is flagged, so the GP is asked
    expect(h.summary()).toContain('Je vous proposerai de refaire ces questions');
    expect((await h.db.read((d) => d.contact.findFirstOrThrow())).optedOutAt).toBeNull();
  });

  it('reminders wait for the sending window in the contact\'s time zone (no Sunday, 10:00–18:00)', async () => {
    const h = await harness();
    await completed(h);
    await h.db.tx((tx) => tx.reminder.updateMany({ where: { kind: 'rescreen' }, data: { dueAt: at('2027-05-22T18:30:00Z') } })); // Saturday 20:30
    expect(await h.remindAt(at('2027-05-22T18:31:00Z'))).toBe(0);
    expect(await h.remindAt(at('2027-05-23T09:00:00Z'))).toBe(0); // Sunday 11:00
    expect(await h.remindAt(at('2027-05-24T07:59:00Z'))).toBe(0); // Monday 09:59
    expect(await h.remindAt(at('2027-05-24T08:00:00Z'))).toBe(1); // Monday 10:00
  });

  it('QUIET_HOURS=off sends at any hour; a short interval really fires on time', async () => {
    const h = await harness({ env: { QUIET_HOURS: 'off', RESCREEN_INTERVAL: 'PT30S' } });
    await completed(h);
    expect(h.summary()).toContain('22 novembre 2026');
    const done = h.now.getTime();
    expect(await h.remindAt(new Date(done + 29_000))).toBe(0);
    expect(await h.remindAt(new Date(done + 31_000))).toBe(1);
  });

  it('after a restart, overdue reminders go out once; two schedulers racing send once', async () => {
    const first = await harness();
    await completed(first);
    await first.close();
    const a = await harness({ url: first.url, channel: first.channel, start: at('2027-06-01T09:00:00Z') });
    const b = await harness({ url: first.url, channel: first.channel, start: at('2027-06-01T09:00:00Z') });
    const [x, y] = await Promise.all([a.app.reminders.tick(), b.app.reminders.tick()]);
    expect(x + y).toBe(1);
    await a.app.dispatcher.drain();
    await b.app.dispatcher.drain();
    expect(first.channel.to('user-1').filter((m) => m.message.text.includes('Il y a quelques mois'))).toHaveLength(1);
    expect(await a.app.reminders.tick()).toBe(0);
  });

  it('a blocked contact gets no reminder, recorded with the reason', async () => {
    const h = await harness();
    await completed(h);
    await h.db.tx((tx) => tx.contact.updateMany({ data: { blockedAt: h.now, blockReason: 'blocked' } }));
    expect(await h.remindAt(at('2027-05-22T09:02:00Z'))).toBe(0);
    expect((await reminders(h)).find((r) => r.kind === 'rescreen')).toMatchObject({ status: 'cancelled', reason: 'contact blocked' });
  });
});

describe('unfinished screenings', () => {
  it('one nudge after 24 h without activity, offering to continue; abandoned after 7 days (kept for the figures)', async () => {
    const h = await harness({ env: { QUIET_HOURS: 'off' } });
    for (const line of FR_NORMAL.slice(0, 9)) await h.say(line);
    const stoppedAt = h.now.getTime();
    expect(await h.remindAt(new Date(stoppedAt + 23 * 3_600_000))).toBe(0);
    expect(await h.remindAt(new Date(stoppedAt + 24 * 3_600_000 + 1000))).toBe(1);
    expect(h.last()).toContain('Nos petites questions ont été commencées');
    expect(h.last()).toContain('Question 4 sur 13');
    expect(await h.remindAt(new Date(stoppedAt + 48 * 3_600_000))).toBe(0); // only one nudge
    expect(await h.remindAt(new Date(stoppedAt + 7 * 24 * 3_600_000 + 1000))).toBe(1);
    const screening = await h.db.read((d) => d.screening.findFirstOrThrow());
    expect(screening.status).toBe('abandoned');
    expect(await h.db.read((d) => d.answer.count())).toBe(3);
    // Coming back later starts afresh; consent is not asked again.
    const back = (await h.say('bonjour'))[0]!;
    expect(back).toMatch(/^Bonjour !/);
    expect(back).toContain('Qui répond aux questions ?');
  });

  it('activity pushes the nudge back', async () => {
    const h = await harness({ env: { QUIET_HOURS: 'off' } });
    for (const line of FR_NORMAL.slice(0, 8)) await h.say(line);
    h.now = new Date(h.now.getTime() + 20 * 3_600_000);
    await h.say('22/11/2026');
    expect(await h.remindAt(new Date(h.now.getTime() + 23 * 3_600_000))).toBe(0);
  });
});
