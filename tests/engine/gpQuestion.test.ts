/**
 * The optional GP question, asked when an alert will be raised, answered as people write: names in
 * their own form, "no GP" in many ways, hedges, numbers and the nearest look-alikes that are not a
 * name. Through the whole engine on SQLite.
 */
import { describe, expect, it } from 'vitest';
import { harnessPerTest, type Harness } from '../helpers/harness.js';
import { EN_FLAGGED, FR_NORMAL } from '../helpers/scripts.js';

const harness = harnessPerTest();

/** Jeanne flags her eyesight and refuses a number: the GP question is next. */
async function atGpQuestion(h: Harness): Promise<void> {
  const script = [...FR_NORMAL];
  script[14] = 'oui';
  for (const line of script) await h.say(line);
  expect(h.last()).toContain('qui est votre médecin traitant');
}

const person = (h: Harness) => h.db.read((db) => db.person.findFirstOrThrow());

// [what the person writes, hasGp, gpName] — gpName undefined: none kept.
const FR: Array<[string, 'yes' | 'no' | null, string | null]> = [
  ['Dr Martin, Muret', 'yes', 'Dr Martin, Muret'],
  ['docteur Dupont à Cugnaux', 'yes', 'docteur Dupont à Cugnaux'],
  ["c'est le docteur Benali", 'yes', "c'est le docteur Benali"],
  ['Mme Roux, Toulouse', 'yes', 'Mme Roux, Toulouse'],
  ['oui', 'yes', null],
  ['non', 'no', null],
  ['pas de médecin traitant', 'no', null],
  ["je n'en ai pas", 'no', null],
  ["je n'ai plus de médecin traitant depuis deux ans", 'no', null],
  ['mon médecin est parti à la retraite', 'no', null],
  ['aucun', 'no', null],
  ['je cherche un médecin', 'no', null],
  ['passer', null, null],
  ['je ne sais pas', null, null],
  ['1', 'no', null], // the button's number
  ['2', null, null],
];

describe('the GP question in French', () => {
  for (const [typed, hasGp, gpName] of FR) {
    it(`"${typed}"`, async () => {
      const h = await harness();
      await atGpQuestion(h);
      await h.say(typed);
      expect(h.summary()).toContain('Voici le bilan');
      expect(await person(h)).toMatchObject({ hasGp, gpName });
    });
  }

  it('a negation that is not "no GP" is asked again, never kept as a name', async () => {
    const h = await harness();
    await atGpQuestion(h);
    const reply = (await h.say('je ne me souviens pas de son nom')).join('\n');
    expect(reply).toContain('qui est votre médecin traitant');
    expect(await person(h)).toMatchObject({ hasGp: null, gpName: null });
    await h.say('Dr Vidal');
    expect(await person(h)).toMatchObject({ hasGp: 'yes', gpName: 'Dr Vidal' });
  });

  it('no alert, no GP question', async () => {
    const h = await harness();
    for (const line of FR_NORMAL) await h.say(line);
    expect(h.channel.to('user-1').some((m) => m.message.text.includes('médecin traitant'))).toBe(false);
  });

  it('known from an earlier screening: not asked again', async () => {
    const h = await harness();
    await atGpQuestion(h);
    await h.say('Dr Martin');
    await h.say('clair');
    const again = ['recommencer', '1', 'ok', '22/11/2026', 'dimanche', 'non', '2', 'non', 'non', '65', 'oui', 'non', 'non', 'non', 'pomme clé ballon'];
    for (const line of again) await h.say(line);
    expect(h.summary()).toContain('Vue : à regarder de plus près');
    expect(h.channel.to('user-1').filter((m) => m.message.text.includes('qui est votre médecin traitant'))).toHaveLength(1);
  });
});

describe('the GP question in English', () => {
  for (const [typed, hasGp, gpName] of [
    ['Dr Patel, Leeds', 'yes', 'Dr Patel, Leeds'],
    ["she doesn't have one", 'no', null],
    ['no GP', 'no', null],
    ['not registered with a GP', 'no', null],
    ['skip', null, null],
  ] as Array<[string, 'yes' | 'no' | null, string | null]>) {
    it(`"${typed}"`, async () => {
      const h = await harness({ env: { CALLBACK_PHONE: 'ask' } });
      for (const line of EN_FLAGGED.slice(0, -1)) await h.say(line);
      expect(h.last()).toContain("who is Arthur's GP");
      await h.say(typed);
      expect(h.summary()).toContain('Here is the summary for Arthur');
      expect(await person(h)).toMatchObject({ hasGp, gpName });
    });
  }
});
