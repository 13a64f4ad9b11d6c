/** Typed chair-rise answers: "14 secondes", "en 20 s", "1 min 10", "une demi-minute", "je n'ai pas pu". Pure. */
import type { Readers } from '../lexicon.js';
import { findPhrases, overlaps, type Phrase } from '../phrases.js';
import { normalize, words } from '../text.js';
import { withDigits } from './numbers.js';

export type ChairReading =
  | { kind: 'unable'; seconds?: number }
  | { kind: 'seconds'; seconds: number }
  /** "13 ou 14 secondes": two times given. */
  | { kind: 'range'; low: number; high: number }
  /** "moins de 14 secondes": under the threshold without an exact time. */
  | { kind: 'under'; seconds: number }
  | { kind: 'over'; seconds: number }
  | { kind: 'fast' }
  | { kind: 'slow' }
  /** "assez vite", "normal": no time that can be scored. */
  | { kind: 'vague' };

function hasAny(text: string, readers: Readers, pick: (c: Readers['compiled'][number]) => Phrase[], except?: (c: Readers['compiled'][number]) => Phrase[]): boolean {
  const tokens = words(normalize(text));
  return readers.compiled.some((c) => {
    const hits = findPhrases(tokens, pick(c), c.matcher);
    const excluded = except ? findPhrases(tokens, except(c), c.matcher) : [];
    return hits.some((h) => !excluded.some((e) => overlaps(e, h)));
  });
}

function unitSet(readers: Readers, pick: (u: Readers['lexicons'][string]['units']) => string[]): Set<string> {
  return new Set(Object.values(readers.lexicons).flatMap((l) => pick(l.units).map(normalize)));
}

/**
 * The duration in seconds a text gives, or undefined. A bare number is read as seconds only when
 * `bareNumbers` says so (a bare "3" at a numbered question is a choice, not a time).
 */
export function readDuration(text: string, readers: Readers, bareNumbers: boolean): { seconds: number; bound?: 'under' | 'over'; range?: [number, number] } | undefined {
  const seconds = unitSet(readers, (u) => u.seconds);
  const minutes = unitSet(readers, (u) => u.minutes);
  const half = unitSet(readers, (u) => u.half);
  const under = Object.values(readers.lexicons).flatMap((l) => l.chairRise.under.map(normalize));
  const over = Object.values(readers.lexicons).flatMap((l) => l.chairRise.over.map(normalize));
  // 1'20 and 1'20" (minutes and seconds), 45" (seconds), before punctuation goes; half minutes.
  const marked = text
    .replace(/(\d+)\s*['’]\s*(\d+)\s*(?:"|''|”)?/g, '$1 min $2 s')
    .replace(/(\d+)\s*(?:"|''|”)/g, '$1 s')
    .replace(/\b(?:une |a |an )?(?:minute|min) (?:et demie|and a half)\b/gi, ' 90 s ')
    .replace(/\b(?:une |a )?(?:demi[- ]?minute|half a minute|half minute)\b/gi, ' 30 s ');
  const tokens = withDigits(marked, readers).split(' ').filter(Boolean);
  let total: number | undefined;
  let sawUnit = false;
  let sawMinutes = false;
  let maxValue: number | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (half.has(t) && minutes.has(tokens[i + 1] ?? '')) {
      total = (total ?? 0) + 30;
      sawUnit = true;
      i++;
      continue;
    }
    if (!/^\d+(\.\d+)?$/.test(t)) continue;
    const n = Number(t);
    const next = tokens[i + 1] ?? '';
    if (minutes.has(next)) {
      sawMinutes = true;
      total = (total ?? 0) + n * 60;
      sawUnit = true;
      i++;
      // "une minute et demie"
      if (half.has(tokens[i + 1] ?? '') || (['et', 'and'].includes(tokens[i + 1] ?? '') && half.has(tokens[i + 2] ?? ''))) total += 30;
      // "1 min 10": seconds after minutes, with or without their unit.
      const after = tokens[i + 1] ?? '';
      if (/^\d+$/.test(after)) {
        total += Number(after);
        i += seconds.has(tokens[i + 2] ?? '') ? 2 : 1;
      }
      continue;
    }
    if (seconds.has(next)) {
      // "12 à 15 secondes": the upper bound.
      total = total === undefined || !sawUnit ? n : total + n;
      if (maxValue !== undefined && !sawUnit) total = Math.max(n, maxValue);
      sawUnit = true;
      i++;
      continue;
    }
    maxValue = Math.max(maxValue ?? 0, n);
  }
  // A bare number is a time from 6 up: "5" is the five rises more often than five seconds.
  if (total === undefined && !sawUnit && bareNumbers && maxValue !== undefined && maxValue >= 6) total = maxValue;
  if (total === undefined) return undefined;
  // "13 ou 14", "12 à 15 secondes": two different times given.
  const values = tokens.filter((t) => /^\d+(\.\d+)?$/.test(t)).map(Number).filter((n) => n >= 4 && n <= 600);
  const low = Math.min(...values);
  if (values.length >= 2 && !sawMinutes && low !== total) return { seconds: total, range: [low, total] };
  const joined = ` ${tokens.join(' ')} `;
  const bound = under.some((u) => joined.includes(` ${u} `)) ? 'under' : over.some((o) => joined.includes(` ${o} `)) ? 'over' : undefined;
  return { seconds: total, ...(bound ? { bound } : {}) };
}

/** Reads a typed chair-rise answer. `bareNumbers`: whether a number without a unit is seconds. */
export function readChairRise(text: string, readers: Readers, bareNumbers: boolean): ChairReading | undefined {
  const d = readDuration(text, readers, bareNumbers);
  if (hasAny(text, readers, (c) => c.chair.unable, (c) => c.chair.notUnable)) return { kind: 'unable', ...(d && !d.bound && !d.range ? { seconds: d.seconds } : {}) };
  if (d) {
    if (d.bound === 'under') return { kind: 'under', seconds: d.seconds };
    if (d.bound === 'over') return { kind: 'over', seconds: d.seconds };
    if (d.range) return { kind: 'range', low: d.range[0], high: d.range[1] };
    return { kind: 'seconds', seconds: d.seconds };
  }
  if (hasAny(text, readers, (c) => c.chair.fast)) return { kind: 'fast' };
  if (hasAny(text, readers, (c) => c.chair.slow)) return { kind: 'slow' };
  if (hasAny(text, readers, (c) => c.chair.vague)) return { kind: 'vague' };
  return undefined;
}

/** A weight in kilos from "65", "65 kg", "72,5 kilos", "11 stone 4", "154 lbs"; undefined otherwise. */
export function readWeightKg(text: string, readers: Readers): number | undefined {
  const kilos = unitSet(readers, (u) => u.kilos);
  const stones = unitSet(readers, (u) => u.stones);
  const pounds = unitSet(readers, (u) => u.pounds);
  const prepared = withDigits(text, readers);
  if (Object.values(readers.lexicons).some((l) => l.units.notWeight.some((w) => ` ${prepared} `.includes(` ${normalize(w)} `)))) return undefined;
  const tokens = prepared.replace(/(\d+) (?:and a half|et demi|et demie)\b/g, (_, n: string) => `${Number(n) + 0.5}`).split(' ').filter(Boolean);
  const numbers = tokens.map((t, i) => ({ t, i })).filter((x) => /^\d+(\.\d+)?$/.test(x.t));
  if (numbers.length === 0) return undefined;
  // A number with a weight unit wins ("1m65 pour 70 kg"); else the only number, if there is one.
  const withUnit = numbers.find((x) => [kilos, stones, pounds].some((u) => u.has(tokens[x.i + 1] ?? '')));
  const first = withUnit ?? (numbers.length === 1 ? numbers[0]! : undefined);
  if (!first) return undefined;
  const unit = tokens[first.i + 1] ?? '';
  let kg: number;
  if (stones.has(unit)) {
    const after = tokens[first.i + 2] ?? '';
    const lb = /^\d+$/.test(after) ? Number(after) : 0;
    kg = (Number(first.t) * 14 + lb) * 0.45359237;
  } else if (pounds.has(unit)) {
    kg = Number(first.t) * 0.45359237;
  } else {
    kg = Number(first.t);
    // "65 kg 500": grams after the kilos.
    const grams = tokens[first.i + 2] ?? '';
    if (kilos.has(unit) && /^\d{3}$/.test(grams)) kg += Number(grams) / 1000;
  }
  kg = Math.round(kg * 10) / 10;
  // Without a unit, more than 150 is more likely a height in centimetres.
  const max = withUnit ? 250 : 150;
  return kg >= 25 && kg <= max ? kg : undefined;
}
