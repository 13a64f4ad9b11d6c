/** Orientation answers (C3): date and weekday parsing, and the real date in a time zone. Pure. */
import type { Lexicons } from './lexicon.js';
import { allOf, Lexicon } from './lexicon.js';
import { closeEnough, containsPhrase, normalize, words } from './text.js';

export interface DateAnswer {
  day?: number;
  month?: number; // 1-12
  year?: number;
  weekday?: number; // 0 = Sunday
  dontKnow?: boolean;
}

export interface CalendarDate {
  day: number;
  month: number;
  year: number;
  weekday: number;
}

/** Making a formatter costs far more than using one: one per time zone. */
const calendarFormats = new Map<string, Intl.DateTimeFormat>();

function calendarFormat(timeZone: string): Intl.DateTimeFormat {
  let format = calendarFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short' });
    calendarFormats.set(timeZone, format);
  }
  return format;
}

/** The calendar date at `instant` in `timeZone` (IANA name). */
export function calendarDate(instant: Date, timeZone: string): CalendarDate {
  const parts = calendarFormat(timeZone).formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { day: Number(get('day')), month: Number(get('month')), year: Number(get('year')), weekday };
}

function findName(token: string, table: string[][]): number | undefined {
  for (let i = 0; i < table.length; i++) {
    if (table[i]!.some((name) => normalize(name) === token)) return i;
  }
  for (let i = 0; i < table.length; i++) {
    // Only full names (4+ letters) tolerate a typo: "novembr", "mecredi".
    if (table[i]!.some((name) => name.length >= 4 && closeEnough(token, normalize(name)))) return i;
  }
  return undefined;
}

function lookup(token: string, lexicons: Lexicons, pick: (l: Lexicon) => string[][]): number | undefined {
  for (const lex of Object.values(lexicons)) {
    const hit = findName(token, pick(lex));
    if (hit !== undefined) return hit;
  }
  return undefined;
}

function fullYear(n: number): number {
  return n < 100 ? 2000 + n : n;
}

const NUMERIC_DATE = /(\d{1,4})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{2,4}))?/;
/** "22 11 2026", "22112026": day, month and year without separators. */
const SPACED_DATE = /(?:^|\D)(\d{1,2})\s+(\d{1,2})\s+(\d{4}|\d{2})(?:\D|$)/;
const PACKED_DATE = /(?:^|\D)(\d{2})(\d{2})(\d{4})(?:\D|$)/;

/**
 * Parses "22/11/2026", "22.11.26", "2026-11-22", "22 novembre 2026", "dimanche 22 nov",
 * "the 22nd of November". Returns undefined when nothing date-like is found.
 * Numeric dates are read day first (French and British use) unless that is impossible.
 */
export function parseDate(text: string, lexicons: Lexicons): DateAnswer | undefined {
  const dontKnow = containsPhrase(normalize(text), allOf(lexicons, (l) => l.answers.dontKnow));
  const answer: DateAnswer = {};
  // "22nov2026": numbers apart from words.
  let rest = text.toLowerCase().replace(/(\d)([a-z\u00c0-\u024f]{3,})/g, '$1 $2').replace(/([a-z\u00c0-\u024f])(\d)/g, '$1 $2');
  const spaced = SPACED_DATE.exec(rest) ?? PACKED_DATE.exec(rest);
  if (spaced && Number(spaced[2]) >= 1 && Number(spaced[2]) <= 12) {
    Object.assign(answer, { day: Number(spaced[1]), month: Number(spaced[2]), year: fullYear(Number(spaced[3])) });
    rest = rest.replace(spaced[0], ' ');
  }
  const numeric = answer.day === undefined ? NUMERIC_DATE.exec(rest) : null;
  if (numeric) {
    const [a, b, c] = [Number(numeric[1]), Number(numeric[2]), numeric[3] ? Number(numeric[3]) : undefined];
    if (numeric[1]!.length === 4) {
      Object.assign(answer, { year: a, month: b, day: c });
    } else if (b > 12 && a <= 12) {
      Object.assign(answer, { month: a, day: b, year: c === undefined ? undefined : fullYear(c) });
    } else {
      Object.assign(answer, { day: a, month: b, year: c === undefined ? undefined : fullYear(c) });
    }
    rest = rest.replace(numeric[0], ' ');
  }
  const suffixes = allOf(lexicons, (l) => l.ordinalSuffixes).sort((x, y) => y.length - x.length);
  const monthHits: Array<{ token: string; month: number; alsoWeekday: boolean }> = [];
  const numbers: number[] = [];
  for (const token of words(normalize(rest))) {
    const numberMatch = /^(\d+)([a-z]*)$/.exec(token);
    if (numberMatch && (numberMatch[2] === '' || suffixes.includes(numberMatch[2]!))) {
      numbers.push(Number(numberMatch[1]));
      continue;
    }
    if (/^\d/.test(token)) continue;
    const month = lookup(token, lexicons, (l) => l.months);
    const weekday = lookup(token, lexicons, (l) => l.weekdays);
    if (month !== undefined) monthHits.push({ token, month: month + 1, alsoWeekday: weekday !== undefined });
    else if (weekday !== undefined && answer.weekday === undefined) answer.weekday = weekday;
  }
  // "mar" is both mardi and mars: prefer an unambiguous month, and read the other as a weekday.
  if (monthHits.length > 0 && answer.month === undefined) {
    const chosen = monthHits.find((m) => !m.alsoWeekday) ?? monthHits[monthHits.length - 1]!;
    answer.month = chosen.month;
    for (const m of monthHits) {
      if (m !== chosen && m.alsoWeekday && answer.weekday === undefined) {
        answer.weekday = lookup(m.token, lexicons, (l) => l.weekdays);
      }
    }
  } else if (monthHits.length > 0 && answer.weekday === undefined) {
    answer.weekday = lookup(monthHits[0]!.token, lexicons, (l) => l.weekdays);
  }
  for (const n of numbers) {
    if (n >= 1000) answer.year ??= n;
    else if (answer.day === undefined && n >= 1 && n <= 31) answer.day = n;
    // "the 22nd of the 11th": a second small number is the month when no month name was given.
    else if (answer.day !== undefined && answer.month === undefined && n >= 1 && n <= 12) answer.month = n;
    else if (answer.day !== undefined && answer.year === undefined && answer.month !== undefined && n < 100) {
      answer.year = fullYear(n);
    }
  }
  const found = answer.day !== undefined || answer.month !== undefined || answer.year !== undefined;
  if (dontKnow) return { ...answer, dontKnow: true };
  if (!found && answer.weekday === undefined) return undefined;
  return answer;
}

/**
 * Weekday answer: a weekday name, or "I don't know". Undefined when neither. The last name counts
 * ("samedi... non, dimanche"); "hier c'était samedi" names the day before.
 */
export function parseWeekday(text: string, lexicons: Lexicons): DateAnswer | undefined {
  const normalized = normalize(text);
  const tokens = words(normalized);
  let found: number | undefined;
  let shift = 0;
  const yesterday = new Set(allOf(lexicons, (l) => l.yesterday ?? []).map(normalize));
  const tomorrow = new Set(allOf(lexicons, (l) => l.tomorrow ?? []).map(normalize));
  // "le lendemain de samedi", "the day after Saturday".
  const first = (list: string[]) => Math.min(...list.map((p) => ` ${normalized} `.indexOf(` ${normalize(p)} `)).filter((i) => i >= 0), Infinity);
  const after = first(allOf(lexicons, (l) => l.dayAfter ?? []));
  const before = first(allOf(lexicons, (l) => l.dayBefore ?? []));
  let pendingShift = after < before ? 1 : before < after ? -1 : 0;
  for (const token of tokens) {
    if (yesterday.has(token)) pendingShift = 1;
    else if (tomorrow.has(token)) pendingShift = -1;
    const weekday = /^\d/.test(token) ? undefined : lookup(token, lexicons, (l) => l.weekdays);
    if (weekday !== undefined) {
      found = weekday;
      shift = pendingShift;
    }
  }
  if (found !== undefined) return { weekday: (found + shift + 7) % 7 };
  if (containsPhrase(normalized, allOf(lexicons, (l) => l.answers.dontKnow))) return { dontKnow: true };
  return undefined;
}

export function isCompleteDate(answer: DateAnswer): boolean {
  return answer.day !== undefined && answer.month !== undefined && answer.year !== undefined;
}

/** True when the date matches the real date at one of the given instants (question asked / answered). */
export function dateIsRight(answer: DateAnswer, instants: Date[], timeZone: string): boolean {
  if (answer.dontKnow || !isCompleteDate(answer)) return false;
  return instants.some((at) => {
    const real = calendarDate(at, timeZone);
    return real.day === answer.day && real.month === answer.month && real.year === answer.year;
  });
}

export function weekdayIsRight(answer: DateAnswer, instants: Date[], timeZone: string): boolean {
  if (answer.dontKnow || answer.weekday === undefined) return false;
  return instants.some((at) => calendarDate(at, timeZone).weekday === answer.weekday);
}
