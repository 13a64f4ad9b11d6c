/** Safety, not-assessed alerts, erasure, the timer and odd text, through the engine on SQLite. */
import { describe, expect, it } from 'vitest';
import { harnessPerTest, type Harness } from '../helpers/harness.js';
import { FR_NORMAL } from '../helpers/scripts.js';

const harness = harnessPerTest();
const GROUP = 'coordinators-group';

async function play(h: Harness, lines: string[], address = 'user-1') {
  for (const line of lines) await h.say(line, address);
}

describe('urgent alerts that can be acted on', () => {
  it('words of distress on a channel without a number: the number is asked at once, then the alert is updated', async () => {
    const h = await harness({ env: { CALLBACK_PHONE: 'ask' } });
    await play(h, FR_NORMAL.slice(0, 9));
    const reply = (await h.say('je ne veux plus vivre')).join('\n');
    expect(reply).toContain('3114');
    expect(reply).toContain('écrire votre numéro de téléphone');
    const post = h.channel.to(GROUP).at(-1)!.message.text;
    expect(post).toContain('URGENT');
    expect(post).toContain('mots de détresse');
    expect(post).toContain('Pas de numéro donné');
    const thanks = (await h.say('06 12 34 56 78')).join('\n');
    expect(thanks).toContain('transmis votre numéro');
    expect(thanks).toContain('continuer les questions');
    expect(h.channel.to(GROUP).at(-1)!.message.text).toContain('numéro de rappel reçu : 06 12 34 56 78');
    const alert = await h.db.read((db) => db.alert.findFirst());
    expect(alert).toMatchObject({ priority: 'urgent', danger: 'distress', callbackPhone: '0612345678' });
    // Continue: back at the same question.
    expect((await h.say('1'))[0]).toContain('Ces 6 derniers mois');
  });

  it('a physical emergency: "call 15 / 112 now", an emergency alert, and no promise of a call when the number is refused', async () => {
    const h = await harness({ env: { CALLBACK_PHONE: 'ask' } });
    await play(h, FR_NORMAL.slice(0, 3));
    const reply = (await h.say('au secours je suis tombée')).join('\n');
    expect(reply).toContain("Si c'est une urgence, appelez tout de suite le 15 ou le 112");
    expect(reply).not.toContain('Quand vous êtes prêt'); // not the help text
    const refusal = (await h.say('non merci')).join('\n');
    expect(refusal).toContain("Sans numéro, l'équipe ne pourra pas vous rappeler");
    expect(refusal).toContain('appelez tout de suite le 15 ou le 112');
    expect(refusal).not.toContain('3114'); // a fall is not a crisis line's matter
    expect(h.channel.to(GROUP).at(-1)!.message.text).toContain('urgence physique');
    expect(await h.db.read((db) => db.alert.findFirst())).toMatchObject({ danger: 'emergency', callbackPhone: null });
  });

  it('"au secours" and "help me" are never the help command; "aide" is', async () => {
    const h = await harness();
    await play(h, FR_NORMAL.slice(0, 7));
    expect((await h.say('aide'))[0]).toContain('Écrivez la date');
    expect((await h.say('help me'))[0]).toContain("Si c'est une urgence");
  });
});

describe('not assessed reaches coordinators', () => {
  it('a screening whose only findings are not assessed raises a low-priority alert listing what to complete', async () => {
    const h = await harness();
    await play(h, FR_NORMAL.slice(0, 7));
    for (const line of ['bof', 'hmm', 'euh', 'passer']) await h.say(line); // the date, not assessed
    await play(h, FR_NORMAL.slice(8));
    await h.answerGp('pas de médecin');
    const alert = await h.db.read((db) => db.alert.findFirst());
    expect(alert).toMatchObject({ priority: 'low', toComplete: '["cognition"]', domains: '[]' });
    expect(h.channel.to(GROUP)[0]!.message.text).toContain('À compléter');
    expect(h.summary()).toContain('Mémoire : pas pu être évalué');
  });
});

describe('a finished screening stays finished', () => {
  it('reminder, words of distress, "continue", then an answer: no second completion, no error', async () => {
    const h = await harness({ env: { RESCREEN_INTERVAL: 'P6M' } });
    await play(h, FR_NORMAL);
    await h.remindAt(new Date('2027-05-25T10:00:00Z'));
    await h.say("j'ai envie de mourir");
    const back = (await h.say('1')).join('\n');
    expect(back).toContain('les refaire');
    await h.say('non');
    const all = h.channel.to('user-1').map((m) => m.message.text).join('\n');
    expect(all).not.toContain('petit problème');
    expect(await h.db.read((db) => db.domainResult.count())).toBe(6);
  });

  it('after a summary, "effacer", "pause", then any message: no error, nothing reopened', async () => {
    const h = await harness();
    await play(h, FR_NORMAL);
    await play(h, ['effacer', 'pause', 'bonjour', 'oui']);
    const all = h.channel.to('user-1').map((m) => m.message.text).join('\n');
    expect(all).not.toContain('petit problème');
    expect(await h.db.read((db) => db.screening.count({ where: { status: 'completed' } }))).toBe(1);
  });
});

describe('erasure deletes', () => {
  it('every text to or about the person is redacted, the group is told the alert was withdrawn, with no detail', async () => {
    const h = await harness();
    const script = [...FR_NORMAL];
    script[14] = 'oui';
    await play(h, script);
    await h.answerGp('Dr Martineau, Muret');
    await play(h, ['effacer', '1']);
    const texts = await h.db.read((db) => db.outboxMessage.findMany({ select: { payload: true, audience: true } }));
    const all = texts.map((t) => t.payload).join('\n');
    for (const personal of ['Jeanne', '31000', '1947', 'Vue', 'fleur', 'Martineau']) expect(all).not.toContain(personal);
    expect(h.channel.to(GROUP).at(-1)!.message.text).toBe('Alerte n°1 retirée à la demande de la personne (données effacées).');
    const left = await h.db.read(async (db) => ({ alerts: await db.alert.count(), persons: await db.person.count(), answers: await db.answer.count(), reminders: await db.reminder.count() }));
    expect(left).toEqual({ alerts: 0, persons: 0, answers: 0, reminders: 0 });
  });
});

describe('the chair-rise timer', () => {
  it('measures between the two presses (reading before the start does not count), shows the time, accepts a correction', async () => {
    const h = await harness();
    await play(h, FR_NORMAL.slice(0, 10));
    h.now = new Date(h.now.getTime() + 60_000); // a minute reading the instructions
    await h.say({ kind: 'choice', choiceId: 'start' });
    h.now = new Date(h.now.getTime() + 7_400); // the harness adds 5 s per message: 12.4 s in all
    await h.say({ kind: 'choice', choiceId: 'done' });
    expect(h.last()).toContain("J'ai mesuré 12,4 secondes");
    await h.say('non, plutôt 15 secondes');
    const m1 = await h.db.read((db) => db.answer.findFirst({ where: { item: 'M1' } }));
    expect(JSON.parse(m1!.value)).toMatchObject({ chair: 'slow', seconds: 15, corrected: true });
  });

  it('a restart of the bot between start and done: the time is not trusted, it is asked', async () => {
    const h = await harness();
    await play(h, FR_NORMAL.slice(0, 10));
    await h.say({ kind: 'choice', choiceId: 'start' });
    await h.close();
    const { Harness } = await import('../helpers/harness.js');
    const again = await Harness.create({ url: h.url, channel: h.channel, start: new Date(h.now.getTime() + 2_000) });
    try {
      await again.say({ kind: 'choice', choiceId: 'done' });
      expect(again.last()).toContain("je n'ai pas pu chronométrer correctement");
    } finally {
      await again.close();
    }
  });
});

describe('odd text', () => {
  it('a lone surrogate (a cut emoji) is stored and read back, no crash', async () => {
    const h = await harness();
    await play(h, FR_NORMAL.slice(0, 3));
    const reply = await h.say('Jea\uD83Dnne');
    expect(reply.join('\n')).not.toContain('petit problème');
    const person = await h.db.read((db) => db.person.findFirst());
    expect(person?.firstName).toBe('Jea\uFFFDnne');
  });

  it('no question, hint or example gives away the current year or date', async () => {
    const { loadLocales } = await import('../../src/i18n/index.js');
    const raw = JSON.stringify([loadLocales().i18n.getResourceBundle('fr', 'translation'), loadLocales().i18n.getResourceBundle('en', 'translation')]);
    expect(raw).not.toMatch(/20[2-3]\d/);
  });
});
