/** Delayed recall (C4): how many of the three words were given back. Pure. */
import { closeEnough, normalize, words } from './text.js';

function stem(word: string): string {
  // Plurals: "fleurs" → "fleur", "portes" → "porte", "boxes" → "boxe" (still within one typo).
  if (word.length > 3 && (word.endsWith('s') || word.endsWith('x'))) return word.slice(0, -1);
  return word;
}

/**
 * Counts the expected words found in `answer`: case, accents, articles, plurals, order, extra words
 * and one typo (in words of 4+ letters) are forgiven; synonyms are not.
 */
export function countRecalled(answer: string, expected: readonly string[], articles: readonly string[]): number {
  const skip = new Set(articles.map(normalize));
  const given = words(normalize(answer))
    .filter((w) => !skip.has(w))
    .map(stem);
  const used = new Set<number>();
  let found = 0;
  for (const target of expected.map((w) => stem(normalize(w)))) {
    const at = given.findIndex((w, i) => !used.has(i) && closeEnough(w, target));
    if (at >= 0) {
      used.add(at);
      found++;
    }
  }
  return found;
}
