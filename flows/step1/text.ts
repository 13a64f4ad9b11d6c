/** Text helpers shared by every parser of the flow. Pure. */

const normalized = new Map<string, string>();

/** Lower case, no accents, apostrophes and punctuation turned into spaces, spaces folded. Memoized: lexicon phrases come back often. */
export function normalize(text: string): string {
  let out = normalized.get(text);
  if (out === undefined) {
    out = normalizeOnce(text);
    if (normalized.size > 20_000) normalized.clear();
    normalized.set(text, out);
  }
  return out;
}

function normalizeOnce(text: string): string {
  return text
    .replace(/[œŒ]/g, 'oe')
    .replace(/[æÆ]/g, 'ae')
    .replace(/[👍👌🆗]/gu, ' ok ')
    .replace(/[✅✔]/gu, ' yes ')
    .replace(/[👎❌]/gu, ' no ')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function words(normalized: string): string[] {
  return normalized.length === 0 ? [] : normalized.split(' ');
}

/** Index of `phrase` as whole words inside `text` (both normalized), or -1. */
export function phraseIndex(text: string, phrase: string): number {
  if (phrase.length === 0) return -1;
  const hay = ` ${text} `;
  const at = hay.indexOf(` ${phrase} `);
  return at;
}

export function containsPhrase(text: string, phrases: readonly string[]): boolean {
  return phrases.some((p) => phraseIndex(text, normalize(p)) >= 0);
}

export function equalsPhrase(text: string, phrases: readonly string[]): boolean {
  for (const p of phrases) if (normalize(p) === text) return true;
  return false;
}

/** Edit distance where a swap of two neighbouring letters counts as one edit; stops once above `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2]! + 1);
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    before = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Same word, allowing one typo in words of 4 letters or more. */
export function closeEnough(typed: string, expected: string): boolean {
  if (typed === expected) return true;
  return expected.length >= 4 && typed.length >= 3 && editDistance(typed, expected, 1) <= 1;
}
