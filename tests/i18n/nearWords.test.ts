/** The real words near the lexicon's words (locales/<lang>/near-words.json) follow the lexicon. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Lexicon } from '../../flows/step1/lexicon.js';
import { LOCALES_DIR } from '../../src/i18n/index.js';
import { nearWords } from '../../scripts/near-words.js';

describe('near-words.json', () => {
  for (const lang of ['fr', 'en']) {
    it(`${lang}: up to date with the lexicon (run npm run lexicon:near after changing it)`, () => {
      const dir = path.join(LOCALES_DIR, lang);
      const lex = JSON.parse(readFileSync(path.join(dir, 'lexicon.json'), 'utf8')) as Lexicon;
      const file = JSON.parse(readFileSync(path.join(dir, 'near-words.json'), 'utf8')) as { treatAsTypos: string[]; words: string[] };
      expect(file.words).toEqual(nearWords(lang, lex, file.treatAsTypos));
    });
  }

  it('holds the look-alikes the recall must not forgive', () => {
    const fr = JSON.parse(readFileSync(path.join(LOCALES_DIR, 'fr', 'near-words.json'), 'utf8')) as { words: string[] };
    for (const w of ['sorte', 'perte', 'port', 'nourrir']) expect(fr.words).toContain(w);
  });
});
