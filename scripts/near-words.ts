/**
 * Writes locales/<lang>/near-words.json: the real words of each language that are one typo away
 * from a word the lexicon reads (distress phrases, item phrases, the words to remember…). Typed,
 * those are read as themselves, not as a typo: "sorte" is not "porte", "nourrir" is not "mourir".
 *
 *   npm run lexicon:near           rewrite the files
 *   npm run lexicon:near -- --check  exit 1 if a file is out of date (the test suite runs this)
 *
 * Dictionaries (dev dependencies): an-array-of-french-words, an-array-of-english-words.
 * `treatAsTypos` in a file lists words kept out on purpose (too rare to be meant: "fluer").
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { compilePhrase } from '../flows/step1/phrases.js';
import type { Lexicon } from '../flows/step1/lexicon.js';
import { normalize } from '../flows/step1/text.js';
import { LOCALES_DIR } from '../src/i18n/index.js';

const require = createRequire(import.meta.url);
const DICTIONARIES: Record<string, string> = { fr: 'an-array-of-french-words/index.json', en: 'an-array-of-english-words/index.json' };
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

function variants(word: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i <= word.length; i++) {
    for (const c of ALPHABET) out.add(word.slice(0, i) + c + word.slice(i)); // insertion
    if (i < word.length) {
      out.add(word.slice(0, i) + word.slice(i + 1)); // deletion
      for (const c of ALPHABET) out.add(word.slice(0, i) + c + word.slice(i + 1)); // substitution
      if (i + 1 < word.length) out.add(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2)); // swap
    }
  }
  out.delete(word);
  return out;
}

/** Every literal word the lexicon matches with typo tolerance (4 letters or more). */
export function lexiconWords(lex: Lexicon): Set<string> {
  const phrases = [
    ...Object.values(lex.answers).flat(),
    ...Object.values(lex.items).flatMap((i) => [...i.yes, ...i.no]),
    ...Object.values(lex.chairRise).flat(),
    ...Object.values(lex.safety).flat(),
  ];
  const out = new Set<string>();
  for (const p of phrases) {
    for (const slot of compilePhrase(p).slots) {
      if (slot.kind !== 'alts') continue;
      for (const alt of slot.alts) for (const u of alt) if (!u.prefix && u.word.length >= 4) out.add(u.word);
    }
  }
  for (const set of lex.wordSets) for (const w of set) out.add(normalize(w));
  return out;
}

export function nearWords(lang: string, lex: Lexicon, keepOut: readonly string[]): string[] {
  const dictionary = new Set((require(DICTIONARIES[lang]!) as string[]).map(normalize).filter((w) => !w.includes(' ')));
  const literal = lexiconWords(lex);
  const near = new Set<string>();
  for (const w of literal) for (const v of variants(w)) if (dictionary.has(v)) near.add(v);
  for (const w of keepOut) near.delete(w);
  return [...near].sort();
}

function main() {
  const check = process.argv.includes('--check');
  let stale = false;
  for (const lang of Object.keys(DICTIONARIES)) {
    const dir = path.join(LOCALES_DIR, lang);
    const lex = JSON.parse(readFileSync(path.join(dir, 'lexicon.json'), 'utf8')) as Lexicon;
    const file = path.join(dir, 'near-words.json');
    let keepOut: string[] = [];
    try {
      keepOut = (JSON.parse(readFileSync(file, 'utf8')) as { treatAsTypos?: string[] }).treatAsTypos ?? [];
    } catch {
      // first run
    }
    const content = `${JSON.stringify({ generatedBy: 'npm run lexicon:near', treatAsTypos: keepOut, words: nearWords(lang, lex, keepOut) }, null, 1)}\n`;
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // missing
    }
    if (current === content) continue;
    stale = true;
    if (check) process.stderr.write(`locales/${lang}/near-words.json is out of date: run npm run lexicon:near\n`);
    else writeFileSync(file, content);
  }
  if (check && stale) process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) main();
