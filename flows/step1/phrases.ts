/**
 * Phrase patterns: how the lexicons describe what people write. Pure.
 *
 * A pattern is a sequence of words, matched against the words of a normalized text:
 *   `veux mourir`                 two words in a row
 *   `(veux|voudrais|aimerais) mourir`   alternatives, each possibly several words
 *   `(ne|n|)`                     an empty alternative makes the slot optional
 *   `envie ... mourir`            `...` lets up to 3 other words stand between (`...6`: up to 6)
 *   `suicid*`                     a word starting with "suicid"
 * A literal word of 4 letters or more also matches one typo (a letter missing, added, changed or two
 * swapped), unless what was typed is another real word of the language (`nearWords`): "mourrir" is
 * "mourir", "nourrir" is not.
 */
import { editDistance, normalize, words } from './text.js';

type Slot =
  | { kind: 'alts'; alts: Unit[][] } // one of several word sequences (an empty one: optional)
  | { kind: 'gap'; max: number };
type Unit = { word: string; prefix: boolean };

export interface Phrase {
  source: string;
  slots: Slot[];
  /** The pattern itself holds a negation ("pas faim"): a negation before it does not turn it round. */
  negated: boolean;
}

export interface Span {
  start: number;
  end: number;
  phrase: Phrase;
}

const GAP = '...';
const GAP_WORDS = 3;

/** Splits a pattern into slots; literal words are normalized like the texts they are matched against. */
export function compilePhrase(source: string, negations: ReadonlySet<string> = new Set()): Phrase {
  const slots: Slot[] = [];
  if (/\([^)]*\(/.test(source) || /\)[^(]*\)/.test(source)) throw new Error(`phrase pattern "${source}": brackets cannot be nested`);
  const re = /\(([^()]*)\)|(\.\.\.(\d)?)|([^\s()]+)/g;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    if (m[2]) slots.push({ kind: 'gap', max: m[3] ? Number(m[3]) : GAP_WORDS });
    else if (m[1] !== undefined) {
      const alts = m[1].split('|');
      // Only an empty alternative makes a slot optional: one that normalizes to nothing (an emoji) is a mistake.
      if (alts.some((a) => a.trim() !== '' && units(a).length === 0)) throw new Error(`phrase pattern "${source}": an alternative has no letters or digits`);
      slots.push({ kind: 'alts', alts: alts.map(units).sort((a, b) => b.length - a.length) });
    }
    else slots.push({ kind: 'alts', alts: [units(m[4]!)] });
  }
  if (slots.length === 0) throw new Error(`empty phrase pattern: "${source}"`);
  const negated = slots.some((s) => s.kind === 'alts' && s.alts.some((a) => a.some((u) => negations.has(u.word))));
  return { source, slots, negated };
}

function units(text: string): Unit[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .flatMap((w) => {
      const prefix = w.endsWith('*');
      return words(normalize(prefix ? w.slice(0, -1) : w)).map((word, i, all) => ({ word, prefix: prefix && i === all.length - 1 }));
    });
}

/** Decides whether a typed word stands for a pattern word. */
export class WordMatcher {
  private readonly cache = new Map<string, boolean>();

  constructor(private readonly nearWords: ReadonlySet<string>) {}

  /** A real word one typo away from a word of the lexicon: never read as that word. */
  isNearWord(typed: string): boolean {
    return this.nearWords.has(typed);
  }

  same(typed: string, unit: Unit): boolean {
    if (unit.prefix) return typed.startsWith(unit.word);
    if (typed === unit.word) return true;
    if (unit.word.length < 5 || typed.length < 4) return false;
    const key = `${typed}\u0000${unit.word}`;
    let hit = this.cache.get(key);
    if (hit === undefined) {
      hit = !this.nearWords.has(typed) && editDistance(typed, unit.word, 1) <= 1;
      if (this.cache.size > 50_000) this.cache.clear();
      this.cache.set(key, hit);
    }
    return hit;
  }
}

/** The end of a match of `slots[i..]` starting at token `at`, or -1. */
function matchFrom(tokens: readonly string[], at: number, slots: readonly Slot[], i: number, m: WordMatcher): number {
  if (i === slots.length) return at;
  const slot = slots[i]!;
  if (slot.kind === 'gap') {
    for (let skip = 0; skip <= slot.max && at + skip <= tokens.length; skip++) {
      const end = matchFrom(tokens, at + skip, slots, i + 1, m);
      if (end >= 0) return end;
    }
    return -1;
  }
  // Longer alternatives first, so that "(n ai plus|ai plus)" takes as much as it can.
  for (const alt of slot.alts) {
    if (at + alt.length > tokens.length) continue;
    if (!alt.every((u, k) => m.same(tokens[at + k]!, u))) continue;
    const end = matchFrom(tokens, at + alt.length, slots, i + 1, m);
    if (end >= 0) return end;
  }
  return -1;
}

/**
 * Which phrases can start at a word: indexed by their first words (and those words with one letter
 * left out, so that a typo still finds them). Phrases starting with a gap, an optional slot or a
 * prefix are always tried. Built once per list.
 */
interface PhraseIndex {
  byWord: Map<string, number[]>;
  always: number[];
}

const indexes = new WeakMap<readonly Phrase[], PhraseIndex>();

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

function indexOf(phrases: readonly Phrase[]): PhraseIndex {
  let index = indexes.get(phrases);
  if (index) return index;
  index = { byWord: new Map(), always: [] };
  const add = (word: string, i: number) => {
    const list = index!.byWord.get(word) ?? [];
    if (list[list.length - 1] !== i) list.push(i);
    index!.byWord.set(word, list);
  };
  phrases.forEach((phrase, i) => {
    const first = phrase.slots[0]!;
    if (first.kind === 'gap' || first.alts.some((a) => a.length === 0 || a[0]!.prefix)) {
      index!.always.push(i);
      return;
    }
    for (const alt of first.alts) {
      const word = alt[0]!.word;
      add(word, i);
      if (word.length >= 5) for (const d of deletions(word)) add(d, i);
    }
  });
  indexes.set(phrases, index);
  return index;
}

/** Every place where one of `phrases` matches `tokens` (the first match of each phrase at each start). */
export function findPhrases(tokens: readonly string[], phrases: readonly Phrase[], m: WordMatcher): Span[] {
  const index = indexOf(phrases);
  const spans: Span[] = [];
  const next = new Map<number, number>(); // phrase → first start it may match again at
  for (let start = 0; start < tokens.length; start++) {
    const token = tokens[start]!;
    const candidates = new Set<number>(index.always);
    for (const i of index.byWord.get(token) ?? []) candidates.add(i);
    if (token.length >= 4) for (const d of [token, ...deletions(token)]) for (const i of index.byWord.get(d) ?? []) candidates.add(i);
    for (const i of [...candidates].sort((a, b) => a - b)) {
      if ((next.get(i) ?? 0) > start) continue;
      const phrase = phrases[i]!;
      const end = matchFrom(tokens, start, phrase.slots, 0, m);
      if (end > start) {
        spans.push({ start, end, phrase });
        next.set(i, end);
      }
    }
  }
  return spans;
}

export function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Text → clauses → words: a comma, a full stop or "mais"/"but" ends the reach of a negation. */
export function clauses(text: string, breakers: ReadonlySet<string>): string[][] {
  const out: string[][] = [];
  for (const part of text.split(/[,.;:!?\n()]+/)) {
    let current: string[] = [];
    for (const w of words(normalize(part))) {
      if (breakers.has(w) && current.length > 0) {
        out.push(current);
        current = [];
      }
      current.push(w);
    }
    if (current.length > 0) out.push(current);
  }
  return out;
}
