/**
 * What each stored answer means, read once for every export format: a stored `Answer.value` (JSON of
 * an AnswerValue) becomes a small typed reading ("yes", "date correct", "2 words of 3", "12 s"…).
 * The readings follow the scoring (flows/step1/scoring.ts): a date is right when it matches the real
 * date in the person's time zone when asked or answered; a chair rise is slow at the instrument's
 * threshold. Pure.
 */
import { dateIsRight, isCompleteDate, weekdayIsRight } from '../../flows/step1/dates.js';
import { DOMAINS, INSTRUMENT, itemOf, type Domain, type ItemId } from '../../flows/step1/instrument.js';
import type { AnswerValue } from '../../flows/step1/types.js';

/** The seconds at which a chair rise raises the mobility alert (14 in version 2), from the instrument's rules. */
export const CHAIR_THRESHOLD_SECONDS: number = (() => {
  for (const rules of INSTRUMENT.rules) {
    for (const rule of rules.alertWhen) if (rule.when === 'unableOrSecondsAtLeast') return rule.seconds;
  }
  throw new Error('the instrument has no chair-rise rule');
})();

export type OrientationResult = 'correct' | 'wrong' | 'incomplete' | 'dont_know';
export type ChairReading = 'under_threshold' | 'threshold_or_more' | 'unable';

/** One item of one screening, read. */
export type ItemReading =
  /** Not part of this screening (the whisper test when nobody was there to whisper). */
  | { kind: 'absent' }
  /** Could not or would not be answered after help. */
  | { kind: 'not_assessed' }
  /** An optional item the person chose to skip (the weight). */
  | { kind: 'skipped' }
  /** `yes: null`: "I don't know". */
  | { kind: 'yesNo'; yes: boolean | null }
  /** The three words were shown (C2). */
  | { kind: 'presented' }
  | { kind: 'orientation'; result: OrientationResult }
  | { kind: 'recall'; recalled: number; of: number }
  | { kind: 'chair'; result: ChairReading; seconds?: number }
  | { kind: 'whisper'; passed: boolean }
  | { kind: 'weight'; kg: number };

export interface StoredAnswer {
  item: string;
  value: string;
  askedAt: Date;
  answeredAt: Date;
}

/** The items in a reading order: by domain, then by id (C1, C2, C3_date, C3_day, C4, M1, N1…). */
export const EXPORT_ITEMS: readonly ItemId[] = [...INSTRUMENT.items]
  .sort((a, b) => DOMAINS.indexOf(a.domain) - DOMAINS.indexOf(b.domain) || a.id.localeCompare(b.id, 'en', { numeric: true }))
  .map((i) => i.id);

export { DOMAINS, type Domain, type ItemId };

function parse(value: string): AnswerValue | undefined {
  try {
    const v = JSON.parse(value) as AnswerValue;
    return v && typeof v === 'object' && 'status' in v ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Reads one item from the answers stored for it (the last one counts: an answer given again replaces the first). */
export function readItem(item: ItemId, answers: readonly StoredAnswer[], timeZone: string): ItemReading {
  const stored = answers.filter((a) => a.item === item).at(-1);
  if (!stored) return { kind: 'absent' };
  const v = parse(stored.value);
  if (!v || v.status === 'not_assessed') return { kind: 'not_assessed' };
  if (v.status === 'skipped') return { kind: 'skipped' };
  const instants = [stored.askedAt, stored.answeredAt];
  switch (itemOf(item).answer) {
    case 'yesNo':
      return 'yes' in v ? { kind: 'yesNo', yes: v.yes } : { kind: 'not_assessed' };
    case 'wordsToRemember':
      return { kind: 'presented' };
    case 'date': {
      if (!('date' in v)) return { kind: 'not_assessed' };
      if (dateIsRight(v.date, instants, timeZone)) return { kind: 'orientation', result: 'correct' };
      return { kind: 'orientation', result: v.date.dontKnow ? 'dont_know' : isCompleteDate(v.date) ? 'wrong' : 'incomplete' };
    }
    case 'weekday': {
      if (!('date' in v)) return { kind: 'not_assessed' };
      if (weekdayIsRight(v.date, instants, timeZone)) return { kind: 'orientation', result: 'correct' };
      return { kind: 'orientation', result: v.date.dontKnow ? 'dont_know' : 'wrong' };
    }
    case 'recall':
      return 'recalled' in v ? { kind: 'recall', recalled: v.recalled, of: v.of } : { kind: 'not_assessed' };
    case 'chairRise': {
      if (!('chair' in v)) return { kind: 'not_assessed' };
      const seconds = v.seconds;
      // As the scoring does: a time decides; without one, what was picked.
      const result: ChairReading =
        v.chair === 'unable'
          ? 'unable'
          : seconds !== undefined
            ? seconds >= CHAIR_THRESHOLD_SECONDS
              ? 'threshold_or_more'
              : 'under_threshold'
            : v.chair === 'slow'
              ? 'threshold_or_more'
              : 'under_threshold';
      return { kind: 'chair', result, ...(seconds !== undefined ? { seconds } : {}) };
    }
    case 'whisper':
      return 'whisper' in v ? { kind: 'whisper', passed: v.whisper } : { kind: 'not_assessed' };
    case 'weightKg':
      return 'weightKg' in v ? { kind: 'weight', kg: v.weightKg } : { kind: 'not_assessed' };
  }
}

/**
 * The readable value of a reading in the pseudonymised CSV: yes / no / dont_know, correct / wrong /
 * incomplete, a count of words, seconds or kilos as a number, not_assessed, skipped, or empty when
 * the item was not part of the screening.
 */
export function readingCode(r: ItemReading): string {
  switch (r.kind) {
    case 'absent':
      return '';
    case 'not_assessed':
    case 'skipped':
    case 'presented':
      return r.kind;
    case 'yesNo':
      return r.yes === null ? 'dont_know' : r.yes ? 'yes' : 'no';
    case 'orientation':
      return r.result;
    case 'recall':
      return String(r.recalled);
    case 'chair':
      return r.result === 'unable' ? 'unable' : r.result === 'under_threshold' ? `under_${CHAIR_THRESHOLD_SECONDS}s` : `${CHAIR_THRESHOLD_SECONDS}s_or_more`;
    case 'whisper':
      return r.passed ? 'passed' : 'failed';
    case 'weight':
      return String(r.kg);
  }
}

/** Five-year age bands from 60 ("60-64" … "85-89", "90+"), "under_60" below; empty without a birth year. */
export function ageBand(birthYear: number | null | undefined, atYear: number): string {
  if (!birthYear) return '';
  const age = atYear - birthYear;
  if (age < 60) return 'under_60';
  if (age >= 90) return '90+';
  const low = 60 + Math.floor((age - 60) / 5) * 5;
  return `${low}-${low + 4}`;
}
