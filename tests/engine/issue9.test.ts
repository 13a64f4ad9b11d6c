/**
 * Screening with someone: a daughter for her father, a pharmacist for three people in a row, a first
 * contact in English with no hint, and every command at every step. Through the engine on SQLite.
 */
import { describe, expect, it } from 'vitest';
import { COORDINATORS, harnessPerTest, type Harness } from '../helpers/harness.js';
import { RecordingChannel } from '../helpers/recordingChannel.js';

const harness = harnessPerTest();

async function play(h: Harness, lines: string[], address = 'user-1'): Promise<string[]> {
  const out: string[] = [];
  for (const line of lines) out.push(...(await h.say(line, address)));
  return out;
}

/** Robert, screened by his daughter: consent for him, his age given instead of his year, his own number. */
const DAUGHTER = {
  start: ['Bonjour ! #cpts-nord-pharmacie', 'oui', 'pour mon père', 'Robert', "oui il est d'accord"],
  details: ['1947', '31000'],
  items: ['prêt', 'on est le 22 novembre 2026', 'dimanche', 'non', '3', 'non', 'non', 'passer', 'non', 'oui', 'tout répété', 'non', 'non', 'fleur porte riz'],
  end: ['1', '06 11 22 33 44', 'Dr Vidal à Cugnaux'],
};

describe('a daughter answers with her father', () => {
  it('the tests are put to him, his consent is asked and recorded, his number is his, and the alert says so', async () => {
    const h = await harness({ env: { CALLBACK_PHONE: 'ask' } });
    const seen = await play(h, DAUGHTER.start);
    expect(seen.join('\n')).toContain('demandez à Robert son accord');
    // An age for the year: the two possible years, no "not understood".
    const age = (await h.say('il a 79 ans')).join('\n');
    expect(age).toContain('1946 ou 1947');
    expect(age).not.toContain('pas bien compris');
    await play(h, DAUGHTER.details);
    const words = h.last();
    expect(words).toContain('Lisez à voix haute ces trois mots à Robert');
    expect(words).toContain("c'est Robert qui répond, sans aide");
    expect(h.choices()).toEqual(["C'est bon, Robert les a entendus"]);
    const date = (await h.say('prêt')).join('\n');
    expect(date).toContain("Demandez à Robert la date d'aujourd'hui");
    expect(date).not.toMatch(/Quelle est la date/);
    // The daughter's own view is not his answer.
    const own = (await h.say("moi je dirais qu'on est lundi")).join('\n');
    expect(own).toContain('écrivez seulement ce que Robert a répondu');
    expect(own).not.toContain('pas bien compris');
    await play(h, DAUGHTER.items.slice(1));
    expect(h.last()).toContain('quel numéro donner');
    expect(h.choices()).toEqual(['Le numéro de Robert', 'Mon numéro', 'Non merci']);
    await play(h, DAUGHTER.end);
    const summary = h.summary();
    expect(summary).toContain('Voici le bilan pour Robert');
    expect(summary).toContain('appellera Robert');
    expect(summary).not.toMatch(/Marchez|Parlez-en à votre/); // advice about him, not to her
    expect(h.last()).toContain('ces questions étaient');
    await h.say("c'était clair");
    expect(h.last()).toContain('pour une autre personne');

    const person = await h.db.read((db) => db.person.findFirstOrThrow());
    expect(person).toMatchObject({ firstName: 'Robert', birthYear: 1947, postcode: '31000', phone: '0611223344', consentBy: 'relative' });
    expect(person.consentAt).not.toBeNull();
    const screening = await h.db.read((db) => db.screening.findFirstOrThrow());
    expect(screening).toMatchObject({ mode: 'relative', source: 'cpts-nord-pharmacie', clarity: 'clear', status: 'completed' });
    const alert = await h.db.read((db) => db.alert.findFirstOrThrow());
    expect(alert).toMatchObject({ callbackWhose: 'person' });
    const post = h.channel.to(COORDINATORS).at(-1)!.message.text;
    expect(post).toContain('Robert, 79 ans');
    expect(post).toContain('06 11 22 33 44 (le numéro de la personne)');
    expect(post).toContain('Médecin traitant : Dr Vidal à Cugnaux');
    expect(post).toContain('un proche');
  });
});

const MARCEL = ['Marcel', 'oui', '1941', '31000', 'ok', '22 novembre 2026', 'dimanche', 'non', '4', 'non', 'non', '70', 'non', 'non', 'oui', 'non', 'non', 'fleur porte riz', '1', '0611111111', 'il n\'a pas de médecin traitant'];
const LUCIENNE = ['Lucienne', 'oui', '1938', '31200', 'ok', '22/11/2026', 'dimanche', 'non', '2', 'non', 'non', 'passer', 'non', 'non', 'non', 'non', 'non', 'fleur riz', '2', 'passer'];

describe('a pharmacist screens three people in a row on WhatsApp', () => {
  it('asks about the pharmacist once, keeps the place, asks each person, and counts the morning', async () => {
    const h = await harness({ env: { CALLBACK_PHONE: 'ask' }, channel: new RecordingChannel('whatsapp') });
    const me = '33699999999@c.us';
    const first = await play(h, ['bonjour', 'oui', 'je suis pharmacienne', '1', 'Pharmacie du Centre'], me);
    expect(first.join('\n')).toContain('quelle est votre activité');
    await play(h, MARCEL, me);
    expect(h.summary(me)).toContain('appellera Marcel');
    await play(h, ['clair', '1'], me);
    // The next one straight away: no "who answers", no activity, no place, Marcel not offered again.
    expect(h.last(me)).toContain('Quel est le prénom de la personne');
    await play(h, LUCIENNE, me);
    // "My number" on WhatsApp: the number the chat shows, nothing to type.
    expect(h.summary(me)).toContain('Voici le bilan pour Lucienne');
    await play(h, ['un peu difficile', 'oui', 'Jean'], me);
    expect(h.last(me)).toContain('demandez à Jean son accord');
    expect((await h.say('non, il ne veut pas', me)).join('\n')).toContain("rien n'est gardé pour Jean");
    const end = (await h.say("non j'ai fini", me)).join('\n');
    expect(end).toContain('2 personnes ont fait les questions, dont 2 avec un point à regarder');

    const all = h.channel.to(me).map((m) => m.message.text).join('\n');
    expect(all.match(/quelle est votre activité/g)).toHaveLength(1);
    expect(all.match(/Où faites-vous ces questions/g)).toHaveLength(1);
    const persons = await h.db.read((db) => db.person.findMany({ orderBy: { firstName: 'asc' } }));
    expect(persons.map((p) => [p.firstName, p.consentBy])).toEqual([
      ['Lucienne', 'helper'],
      ['Marcel', 'helper'],
    ]);
    const screenings = await h.db.read((db) => db.screening.findMany({ include: { person: true }, orderBy: { startedAt: 'asc' } }));
    expect(screenings.map((s) => [s.person?.firstName, s.helperKind, s.place, s.clarity])).toEqual([
      ['Marcel', 'pharmacist', 'Pharmacie du Centre', 'clear'],
      ['Lucienne', 'pharmacist', 'Pharmacie du Centre', 'a_bit_hard'],
    ]);
    expect(new Set(screenings.map((s) => s.sessionId)).size).toBe(1);
    const posts = h.channel.to(COORDINATORS).map((m) => m.message.text);
    expect(posts[0]).toContain('06 11 11 11 11 (le numéro de la personne)');
    expect(posts[0]).toContain('Médecin traitant : aucun');
    expect(posts[0]).toContain('Pharmacie – Pharmacie du Centre');
    expect(posts[1]).toContain('06 99 99 99 99');
    expect(posts[1]).toContain('le numéro de la personne qui a répondu avec elle');
  });
});

describe('first contact with no hint of the language', () => {
  it('"hello" is answered in English; Arabic gets the language question in every language', async () => {
    const h = await harness({ channel: new RecordingChannel('whatsapp') });
    const en = (await h.say('hello', '33611111111@c.us')).join('\n');
    expect(en).toContain("I'd like to ask you about ten short questions");
    const ar = (await h.say('مرحبا', '33622222222@c.us')).join('\n');
    expect(ar).toContain('Dans quelle langue');
    expect(ar).toContain('Which language');
  });
});

describe('every command at every step of an accompanied screening', () => {
  it('help, repeat, pause and a greeting never count as answers; back returns one step', async () => {
    const h = await harness({ env: { CALLBACK_PHONE: 'ask' } });
    const script = [...DAUGHTER.start, ...DAUGHTER.details, ...DAUGHTER.items, ...DAUGHTER.end];
    let commandsTried = 0;
    for (const [i, line] of script.entries()) {
      if (i >= 2) {
        const asked = h.last();
        for (const command of ['aide', 'répéter']) {
          const reply = (await h.say(command)).join('\n');
          expect(reply, `${command} before "${line}"`).not.toContain('pas bien compris');
          commandsTried++;
        }
        expect((await h.say('pause')).join('\n')).toContain('pause');
        const back = (await h.say('bonjour')).join('\n');
        expect(back, `resuming before "${line}"`).not.toContain('pas bien compris');
        commandsTried++;
        void asked;
      }
      if (line === 'fleur porte riz') {
        // Back: the previous question again, answered again, then on.
        expect((await h.say('retour')).join('\n')).toContain('Question 13 sur 14');
        expect((await h.say('non')).join('\n')).toContain('Question 14 sur 14');
      }
      await h.say(line);
    }
    expect(commandsTried).toBeGreaterThan(40);
    expect(h.summary()).toContain('Voici le bilan pour Robert');
    const screening = await h.db.read((db) => db.screening.findFirstOrThrow({ include: { answers: true } }));
    expect(screening.status).toBe('completed');
    // Nothing typed as a command was stored as an answer.
    expect(screening.answers.map((a) => a.rawText)).not.toEqual(expect.arrayContaining(['aide', 'répéter', 'pause', 'bonjour']));
  });
});
