/**
 * Words of danger and their look-alikes, through the engine on SQLite: each phrase is written by a
 * new contact (first message) and, for a sample, in the middle of a screening. A wish to die gets
 * the support numbers and an urgent "distress" alert; a physical emergency gets "call 15/112 now"
 * and an urgent "emergency" alert; a look-alike gets neither.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { harnessPerTest, type Harness } from '../helpers/harness.js';
import { reach, safetyCorpus } from './corpus.js';

const harness = harnessPerTest();
const counts: string[] = [];

async function dangerOf(h: Harness, address: string): Promise<string[]> {
  const alerts = await h.db.read((db) => db.alert.findMany({ where: { contact: { address }, priority: 'urgent' }, select: { danger: true } }));
  return alerts.map((a) => a.danger ?? '?');
}

for (const lang of ['fr', 'en']) {
  const corpus = safetyCorpus(lang);
  const emergencyWords = lang === 'fr' ? "Si c'est une urgence, appelez tout de suite" : 'If this is an emergency, call';
  const distressWords = '3114';
  describe(`safety corpus ${lang}`, () => {
    it(`${corpus.distress.length} ways of saying one wants to die raise a distress alert`, async () => {
      const h = await harness({ env: { DEFAULT_LANGUAGE: lang } });
      const missed: string[] = [];
      for (const [i, text] of corpus.distress.entries()) {
        const address = `d-${i}`;
        const seen = (await h.say(text, address)).join('\n');
        const kinds = await dangerOf(h, address);
        if (!seen.includes(distressWords) || kinds.length !== 1) missed.push(`${JSON.stringify(text)} → ${kinds.join(',') || 'no alert'}`);
      }
      counts.push(`${lang} distress ${corpus.distress.length}`);
      expect(missed).toEqual([]);
    });

    it(`${corpus.emergency.length} physical emergencies raise an emergency alert`, async () => {
      const h = await harness({ env: { DEFAULT_LANGUAGE: lang } });
      const missed: string[] = [];
      for (const [i, text] of corpus.emergency.entries()) {
        const address = `e-${i}`;
        const seen = (await h.say(text, address)).join('\n');
        const kinds = await dangerOf(h, address);
        if (!seen.includes(emergencyWords) || kinds[0] !== 'emergency') missed.push(`${JSON.stringify(text)} → ${kinds.join(',') || 'no alert'}`);
      }
      counts.push(`${lang} emergency ${corpus.emergency.length}`);
      expect(missed).toEqual([]);
    });

    it(`${corpus.notDistress.length + corpus.notEmergency.length} look-alikes raise nothing`, async () => {
      const h = await harness({ env: { DEFAULT_LANGUAGE: lang } });
      const wrong: string[] = [];
      for (const [i, c] of [...corpus.notDistress, ...corpus.notEmergency].entries()) {
        const address = `l-${i}`;
        const seen = (await h.say(c.say, address)).join('\n');
        const kinds = await dangerOf(h, address);
        if (kinds.length > 0 || seen.includes(distressWords) || seen.includes(emergencyWords)) wrong.push(`${JSON.stringify(c.say)} → ${kinds.join(',')}`);
      }
      counts.push(`${lang} look-alikes ${corpus.notDistress.length + corpus.notEmergency.length}`);
      expect(wrong).toEqual([]);
    });

    it('in the middle of a screening too: at every fifth phrase, the question is kept and comes back', async () => {
      const h = await harness({ env: { DEFAULT_LANGUAGE: lang } });
      const sample = [...corpus.distress.filter((_, i) => i % 5 === 0), ...corpus.emergency.filter((_, i) => i % 5 === 0)];
      const missed: string[] = [];
      for (const [i, text] of sample.entries()) {
        const address = `m-${i}`;
        await reach(h, address, 'P1', lang);
        const seen = (await h.say(text, address)).join('\n');
        if ((await dangerOf(h, address)).length !== 1 || !(seen.includes(distressWords) || seen.includes(emergencyWords))) missed.push(JSON.stringify(text));
        // Continue: back at the same question (the callback number is not asked here: CALLBACK_PHONE=never).
        const back = (await h.say('1', address)).join('\n');
        if (!back.includes(lang === 'fr' ? 'Ces 2 dernières semaines' : 'Over the last 2 weeks')) missed.push(`${JSON.stringify(text)}: not back at the question`);
      }
      expect(missed).toEqual([]);
    });
  });
}

afterAll(() => {
  process.stdout.write(`\nsafety corpus: ${counts.join(', ')}\n`);
});
