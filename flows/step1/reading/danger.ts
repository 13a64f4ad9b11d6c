/**
 * Words of danger, in any free text at any point: a wish to die or to hurt oneself (distress), or a
 * physical emergency happening now. Idioms that borrow the same words ("mourir de rire", "en finir
 * avec ces questions", "I fell asleep") are left alone. Pure.
 */
import type { Readers } from '../lexicon.js';
import { findPhrases, overlaps } from '../phrases.js';
import { normalize, words } from '../text.js';

export interface Danger {
  distress: boolean;
  emergency: boolean;
}

export function readDanger(text: string | undefined, readers: Readers): Danger | undefined {
  if (text === undefined) return undefined;
  // Read at every message, sometimes twice: each text read once (the result depends on nothing else).
  let read = dangerRead.get(readers);
  if (!read) dangerRead.set(readers, (read = new Map()));
  let danger: Danger | undefined;
  if (read.has(text)) danger = read.get(text);
  else {
    danger = readDangerOnce(text, readers);
    if (read.size > 5_000) read.clear();
    read.set(text, danger);
  }
  return danger && { ...danger };
}

const dangerRead = new WeakMap<Readers, Map<string, Danger | undefined>>();

function readDangerOnce(text: string, readers: Readers): Danger | undefined {
  const tokens = words(normalize(text));
  if (tokens.length === 0) return undefined;
  // Every language's phrases and idioms together: a French phrase in an English idiom is still an idiom.
  const find = (pick: (c: Readers['compiled'][number]) => Parameters<typeof findPhrases>[1]) => readers.compiled.flatMap((c) => findPhrases(tokens, pick(c), c.matcher));
  const outside = (hits: ReturnType<typeof findPhrases>, idioms: ReturnType<typeof findPhrases>) => hits.some((h) => !idioms.some((i) => overlaps(h, i)));
  const distress = outside(find((c) => c.safety.distress), find((c) => c.safety.distressIdioms));
  const emergency = outside(find((c) => c.safety.emergency), find((c) => c.safety.emergencyIdioms));
  return distress || emergency ? { distress, emergency } : undefined;
}
