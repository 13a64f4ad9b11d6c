/** Numbers written in words ("vingt-deux", "nineteen forty-eight") turned into digits. Pure. */
import type { Readers } from '../lexicon.js';
import { normalize, words } from '../text.js';

const MULTIPLIERS: Record<number, true> = { 100: true, 1000: true };

/** The value of a run of number words, or undefined. "nineteen forty eight" is read as a year. */
function valueOf(run: number[]): number | undefined {
  // Digits said one by one ("un deux zéro zéro zéro", a postcode).
  if (run.length >= 3 && run.every((n) => n < 10)) return Number(run.join(''));
  // Year style: two groups of two digits, no hundred or thousand ("twenty twenty six").
  if (!run.some((n) => MULTIPLIERS[n])) {
    const groups: number[] = [];
    for (const n of run) {
      const last = groups.length - 1;
      if (last >= 0 && groups[last]! % 10 === 0 && groups[last]! >= 10 && groups[last]! < 100 && n < 10) groups[last]! += n;
      else if (last >= 0 && groups[last]! >= 60 && groups[last]! < 100 && groups[last]! % 20 === 0 && n >= 10 && n < 20) groups[last]! += n; // soixante-dix, quatre-vingt-douze
      else groups.push(n);
    }
    if (groups.length === 1) return groups[0];
    if (groups.length === 2 && groups[0]! >= 10 && groups[1]! < 100) return groups[0]! * 100 + groups[1]!;
    return undefined;
  }
  let total = 0;
  let current = 0;
  for (const n of run) {
    if (n === 100) current = (current || 1) * 100;
    else if (n === 1000) {
      total += (current || 1) * 1000;
      current = 0;
    } else current += n;
  }
  return total + current;
}

/**
 * The text with number words replaced by digits, normalized (lower case, no accents, punctuation
 * kept as spaces except inside numbers: "72,5" stays "72,5").
 */
export function withDigits(text: string, readers: Readers): string {
  const table = new Map<string, number>();
  for (const c of readers.compiled) for (const [w, n] of c.numberWords) table.set(w, n);
  const joiners = new Set(['et', 'and']);
  const protectedNumbers = text.replace(/(\d)[.,](\d)/g, '$1\u0001$2');
  const tokens = words(normalize(protectedNumbers.replace(/\u0001/g, 'DECIMALSEP')).replace(/decimalsep/g, '\u0001'));
  const out: string[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const v = valueOf(run);
    out.push(v === undefined ? run.join(' ') : String(v));
    run = [];
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // "quatre vingt" is 80: "quatre" multiplies the "vingt" after it.
    if (t === 'vingt' || t === 'vingts') {
      if (run.length > 0 && run[run.length - 1] === 4) {
        run[run.length - 1] = 80;
        continue;
      }
    }
    const n = table.get(t);
    // "un" and "une" alone are articles far more often than numbers ("un dimanche").
    const lone = (t === 'un' || t === 'une' || t === 'a' || t === 'an') && run.length === 0 && !table.has(tokens[i + 1] ?? '') && !/^(min|minute|minutes|kilo|kilos|kg|stone|seconde|secondes|second|seconds)$/.test(tokens[i + 1] ?? '');
    if (n !== undefined && !lone) {
      run.push(n);
      continue;
    }
    const next = tokens[i + 1] ?? '';
    if (joiners.has(t) && run.length > 0 && table.has(next) && !['a', 'an', 'une', 'un'].includes(next)) continue;
    flush();
    out.push(t.replace(/\u0001/g, '.'));
  }
  flush();
  // "onze virgule cinq", "fifty eight point five": a decimal number.
  const decimals = new Set(readers.compiled.flatMap((c) => [...c.decimalWords]));
  for (let i = 1; i + 1 < out.length; i++) {
    if (decimals.has(out[i]!) && /^\d+$/.test(out[i - 1]!) && /^\d+$/.test(out[i + 1]!)) {
      out.splice(i - 1, 3, `${out[i - 1]}.${out[i + 1]}`);
      i--;
    }
  }
  // "20s", "1m30", "65kg": the number apart from its unit.
  return out.join(' ').replace(/(\d)([a-z])/g, '$1 $2').replace(/([a-z])(\d)/g, '$1 $2');
}

/** The numbers in a text prepared by withDigits, in order. */
export function numbersIn(prepared: string): number[] {
  return [...prepared.matchAll(/\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
}

/** Whether a text holds a number written in words (other than a lone "un"/"a"). */
export function hasNumberWords(text: string, readers: Readers): boolean {
  const tokens = words(normalize(text));
  return tokens.some((t) => !['un', 'une', 'a', 'an'].includes(t) && readers.compiled.some((c) => c.numberWords.has(t)));
}
