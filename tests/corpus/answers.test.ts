/**
 * Every answer of the corpus, typed at its question, through the engine on SQLite: what is stored
 * (or asked again) must be what a careful nurse would conclude. Written from how people talk.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Harness, harnessPerTest } from '../helpers/harness.js';
import type { ItemId } from '../../flows/step1/types.js';
import { answerAt, answerCorpus, flowState, judge, reach } from './corpus.js';

const harness = harnessPerTest();
const counts: string[] = [];
const ZONES: Record<string, string> = { fr: 'Europe/Paris', en: 'Europe/London' };
const ITEMS: ItemId[] = ['C3_date', 'C3_day', 'C1', 'M1', 'N1', 'N2', 'N3', 'V1', 'H1', 'H2', 'P1', 'P2'];

async function fresh(lang: string): Promise<Harness> {
  return harness({ env: { DEFAULT_LANGUAGE: lang, DEFAULT_TIME_ZONE: ZONES[lang]! } });
}

for (const lang of ['fr', 'en']) {
  const corpus = answerCorpus(lang);
  describe(`corpus ${lang}: answers as people type them`, () => {
    for (const item of ITEMS) {
      const cases = corpus.items[item] ?? [];
      it(`${item}: ${cases.length} answers`, async () => {
        const h = await fresh(lang);
        let n = 0;
        let address = `corpus-${item}-${n}`;
        await reach(h, address, item, lang);
        const failures: string[] = [];
        for (const c of cases) {
          const outcome = await answerAt(h, address, item, c.say);
          const why = judge(item, c, outcome, ZONES[lang]!);
          if (why) failures.push(`${JSON.stringify(c.say)} expected ${c.expect}${c.seconds !== undefined ? ` (${c.seconds} s)` : ''}, got ${why}`);
          // Back to the question for the next case; a contact that cannot go back is replaced.
          const state = await flowState(h, address);
          if (state.value !== 'asking' || state.step !== item || outcome.kind !== 'none') await h.say(lang === 'fr' ? 'retour' : 'back', address);
          const after = await flowState(h, address);
          if (after.value !== 'asking' || after.step !== item || after.pending) {
            address = `corpus-${item}-${++n}`;
            await reach(h, address, item, lang);
          }
        }
        counts.push(`${lang} ${item} ${cases.length}`);
        expect(failures).toEqual([]);
      });
    }

    it(`C4: ${(corpus.items.C4 ?? []).length} recalls, each ending a screening`, async () => {
      const h = await fresh(lang);
      const failures: string[] = [];
      let n = 0;
      for (const c of corpus.items.C4 ?? []) {
        const address = `recall-${n++}`;
        await reach(h, address, 'C4', lang);
        const outcome = await answerAt(h, address, 'C4', c.say);
        const why = judge('C4', c, outcome, ZONES[lang]!);
        if (why) failures.push(`${JSON.stringify(c.say)} expected ${c.expect}, got ${why}`);
      }
      counts.push(`${lang} C4 ${(corpus.items.C4 ?? []).length}`);
      expect(failures).toEqual([]);
    });

    it(`consent and who: ${(corpus.items.consent ?? []).length + (corpus.items.who ?? []).length} answers`, async () => {
      const h = await fresh(lang);
      const failures: string[] = [];
      let n = 0;
      for (const c of corpus.items.consent ?? []) {
        const address = `consent-${n++}`;
        await h.say(lang === 'fr' ? 'bonjour' : 'hello', address);
        await h.say(c.say, address);
        const s = await flowState(h, address);
        const got = s.value === 'declined' ? 'disagree' : s.consented ? 'agree' : 'unclear';
        if (got !== c.expect) failures.push(`consent ${JSON.stringify(c.say)} expected ${c.expect}, got ${got}`);
      }
      for (const c of corpus.items.who ?? []) {
        const address = `who-${n++}`;
        await h.say(lang === 'fr' ? 'bonjour' : 'hello', address);
        await h.say('1', address);
        await h.say(c.say, address);
        const got = (await flowState(h, address)).mode ?? 'unclear';
        if (got !== c.expect) failures.push(`who ${JSON.stringify(c.say)} expected ${c.expect}, got ${got}`);
      }
      counts.push(`${lang} consent ${(corpus.items.consent ?? []).length}`, `${lang} who ${(corpus.items.who ?? []).length}`);
      expect(failures).toEqual([]);
    });

    it(`birth year and postcode: ${(corpus.items.birthYear ?? []).length + (corpus.items.postcode ?? []).length} answers`, async () => {
      const h = await fresh(lang);
      const failures: string[] = [];
      for (const field of ['birthYear', 'postcode'] as const) {
        const address = `detail-${field}`;
        await reach(h, address, field, lang);
        for (const c of corpus.items[field] ?? []) {
          await h.say(c.say, address);
          const person = await h.db.read((db) => db.person.findFirst({ where: { contact: { address } } }));
          const state = await flowState(h, address);
          const stored = state.step === field ? 'unclear' : person?.[field];
          if (stored !== c.expect) failures.push(`${field} ${JSON.stringify(c.say)} expected ${c.expect}, got ${stored}`);
          if (state.step !== field) await h.say(lang === 'fr' ? 'retour' : 'back', address);
        }
      }
      counts.push(`${lang} birthYear ${(corpus.items.birthYear ?? []).length}`, `${lang} postcode ${(corpus.items.postcode ?? []).length}`);
      expect(failures).toEqual([]);
    });
  });
}

afterAll(() => {
  const total = counts.reduce((n, line) => n + Number(line.split(' ').at(-1)), 0);
  process.stdout.write(`\nanswer corpus: ${total} answers played through the engine (${counts.join(', ')})\n`);
});
