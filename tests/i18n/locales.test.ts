import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES_DIR, loadLocales } from '../../src/i18n/index.js';

const { languages } = loadLocales();
const read = (lang: string, file: string) => JSON.parse(readFileSync(path.join(LOCALES_DIR, lang, file), 'utf8')) as unknown;

/** key → interpolation variables, for every string leaf; arrays are data and compared by presence only. */
function shape(node: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof node === 'string') {
    out.set(prefix, [...new Set([...node.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]))].sort().join(','));
  } else if (Array.isArray(node)) {
    out.set(prefix, 'array');
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) for (const [kk, vv] of shape(v, prefix ? `${prefix}.${k}` : k)) out.set(kk, vv);
  }
  return out;
}

describe('locales', () => {
  it('French is the reference, and there is at least one other language', () => {
    expect(languages[0]).toBe('fr');
    expect(languages.length).toBeGreaterThan(1);
  });

  for (const file of ['translation.json', 'lexicon.json']) {
    it(`${file}: every language has the same keys and the same interpolation variables as French`, () => {
      const reference = shape(read('fr', file));
      for (const lang of languages.slice(1)) {
        expect(Object.fromEntries(shape(read(lang, file))), `${lang}/${file}`).toEqual(Object.fromEntries(reference));
      }
    });
  }

  it('every language has as many word triplets, each of three words', () => {
    const sets = languages.map((l) => (read(l, 'lexicon.json') as { wordSets: string[][] }).wordSets);
    for (const s of sets) {
      expect(s.length).toBe(sets[0]!.length);
      for (const triplet of s) expect(triplet).toHaveLength(3);
    }
  });

  it('every key the flow writes literally exists in every language', () => {
    const src = ['flows/step1/steps.ts', 'flows/step1/conversation.ts', 'flows/step1/step1Machine.ts'].map((f) =>
      readFileSync(path.join(LOCALES_DIR, '..', f), 'utf8'),
    );
    const keys = new Set(src.flatMap((s) => [...s.matchAll(/key: '([a-zA-Z0-9_.]+)'/g)].map((m) => m[1]!)));
    const { i18n } = loadLocales();
    for (const lang of languages) {
      for (const key of keys) expect(i18n.exists(key, { lng: lang, fallbackLng: false }), `${lang}: ${key}`).toBe(true);
    }
  });
});

describe('keys built at run time', () => {
  const { i18n } = loadLocales();
  const exists = (key: string) => languages.every((lng) => i18n.exists(key, { lng, fallbackLng: false }));

  it('every step has its prompt, help and choice labels, for each mode', async () => {
    const { STEP_ORDER, promptFor, helpFor, choicesFor } = await import('../../flows/step1/steps.js');
    for (const mode of ['self', 'relative', 'helper'] as const) {
      const base = { lang: 'fr', timeZone: 'Europe/Paris', consented: true, mode, persons: [], answers: {} };
      const variants = [
        base,
        { ...base, pending: { kind: 'clarify' as const, raw: '' } },
        { ...base, pending: { kind: 'year' as const, date: {}, raw: '' } },
        { ...base, timer: { startedAt: '', seconds: 2 } },
        { ...base, timer: { startedAt: '', unreliable: true as const } },
        { ...base, phoneButton: true },
      ];
      for (const ctx of variants) {
        for (const step of STEP_ORDER) {
          for (const part of [...promptFor(step, ctx), helpFor(step, ctx), ...(choicesFor(step, ctx) ?? []).map((c) => c.label)]) {
            expect(exists(part.key), `${mode} ${step}: ${part.key}`).toBe(true);
          }
        }
      }
    }
  });

  it('every domain, tip, reason and answering mode has its text', async () => {
    const { DOMAINS } = await import('../../flows/step1/types.js');
    for (const d of DOMAINS) {
      expect(exists(`domain.${d}`)).toBe(true);
      expect(exists(`summary.tip.${d}`)).toBe(true);
    }
    const scoring = readFileSync(path.join(LOCALES_DIR, '..', 'flows/step1/scoring.ts'), 'utf8');
    const codes = [...scoring.matchAll(/'([a-z]+_[a-z_]+)'/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(10);
    for (const code of [...codes, 'distress']) expect(exists(`reason.${code}`), code).toBe(true);
    for (const mode of ['self', 'relative', 'helper']) expect(exists(`coordinators.mode.${mode}`)).toBe(true);
    for (const channel of ['terminal', 'telegram', 'whatsapp']) expect(exists(`coordinators.via.${channel}`)).toBe(true);
  });
});
