/** Delayed recall (C4): how many of the three words were given back. Pure. */
import type { Readers } from './lexicon.js';
import { editDistance, normalize, words } from './text.js';

function stem(word: string): string {
  // Plurals: "fleurs" → "fleur", "portes" → "porte", "boxes" → "boxe" (still within one typo).
  if (word.length > 3 && (word.endsWith('s') || word.endsWith('x'))) return word.slice(0, -1);
  return word;
}

/** Another real word of a language, one typo away from a word of the lexicon ("sorte" for "porte"). */
function isRealWord(word: string, readers: Readers | undefined): boolean {
  return !!readers?.compiled.some((c) => c.matcher.isNearWord(word));
}

/**
 * Counts the expected words found in `answer`: case, accents, articles, plurals, order and extra
 * words are forgiven, and one typo in words of 4+ letters unless the typed word is another real word
 * of the language; synonyms are not.
 */
export function countRecalled(answer: string, expected: readonly string[], articles: readonly string[], readers?: Readers): number {
  const skip = new Set(articles.map(normalize));
  const given = words(normalize(answer)).filter((w) => !skip.has(w));
  const used = new Set<number>();
  let found = 0;
  for (const target of expected.map((w) => normalize(w))) {
    const same = (w: string) => w === target || stem(w) === stem(target);
    const typo = (w: string) => target.length >= 4 && w.length >= 3 && !isRealWord(w, readers) && !isRealWord(stem(w), readers) && editDistance(stem(w), stem(target), 1) <= 1;
    let at = given.findIndex((w, i) => !used.has(i) && same(w));
    if (at < 0) at = given.findIndex((w, i) => !used.has(i) && typo(w));
    if (at >= 0) {
      used.add(at);
      found++;
    }
  }
  return found;
}
