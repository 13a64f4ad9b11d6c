/** ICOPE Step 1 scoring: per-domain results with reasons, from recorded answers and the instrument's rules. Pure. */
import { dateIsRight, isCompleteDate, weekdayIsRight } from './dates.js';
import { INSTRUMENT, itemOf, type AlertRule, type Domain } from './instrument.js';
import type { AnswerValue, DomainResult, ItemId, Reason, RecordedAnswer } from './types.js';

export interface ScoringInput {
  answers: Partial<Record<ItemId, RecordedAnswer>>;
  timeZone: string;
  /** Whether the whisper test (H2) was part of this screening. */
  whisperOffered: boolean;
  previousWeightKg?: number;
}

/** One rule's verdict: an alert with its reason, fine, unknown (not assessed), or not applicable. */
type Verdict = { kind: 'alert'; reason: Reason } | { kind: 'ok' } | { kind: 'unknown'; item: ItemId } | { kind: 'none' };

type Answered = Extract<AnswerValue, { status: 'answered' }>;

function answered(a: RecordedAnswer | undefined): Answered | undefined {
  return a?.value.status === 'answered' ? a.value : undefined;
}

function instants(a: RecordedAnswer): Date[] {
  return [new Date(a.askedAt), new Date(a.answeredAt)];
}

function judge(rule: AlertRule, input: ScoringInput): Verdict {
  const recorded = input.answers[rule.item];
  const v = answered(recorded);
  const unknown: Verdict = { kind: 'unknown', item: rule.item };
  switch (rule.when) {
    case 'yes': {
      if (!v || !('yes' in v) || v.yes === null) return unknown;
      return v.yes ? { kind: 'alert', reason: { code: REASONS[rule.item] ?? `${rule.item}_yes` } } : { kind: 'ok' };
    }
    case 'wrongOrUnknown': {
      if (!recorded || !v || !('date' in v)) return unknown;
      const isDate = rule.item === 'C3_date';
      const right = isDate ? dateIsRight(v.date, instants(recorded), input.timeZone) : weekdayIsRight(v.date, instants(recorded), input.timeZone);
      if (right) return { kind: 'ok' };
      const what = isDate ? 'date' : 'weekday';
      const code = v.date.dontKnow ? `${what}_unknown` : isDate && !isCompleteDate(v.date) ? 'date_incomplete' : `${what}_wrong`;
      return { kind: 'alert', reason: { code } };
    }
    case 'recalledFewerThan': {
      if (!v || !('recalled' in v)) return unknown;
      return v.recalled < rule.words ? { kind: 'alert', reason: { code: 'recall_incomplete', vars: { count: v.recalled } } } : { kind: 'ok' };
    }
    case 'unableOrSecondsAtLeast': {
      if (!v || !('chair' in v)) return unknown;
      if (v.chair === 'unable') return { kind: 'alert', reason: { code: 'chair_unable' } };
      if (v.seconds !== undefined) {
        return v.seconds >= rule.seconds ? { kind: 'alert', reason: { code: 'chair_slow', vars: { seconds: v.seconds } } } : { kind: 'ok' };
      }
      return v.chair === 'slow' ? { kind: 'alert', reason: { code: 'chair_slow_reported' } } : { kind: 'ok' };
    }
    case 'whisperFailed': {
      if (rule.item === 'H2' && !input.whisperOffered) return { kind: 'none' };
      if (!v || !('whisper' in v)) return unknown;
      return v.whisper ? { kind: 'ok' } : { kind: 'alert', reason: { code: 'whisper_failed' } };
    }
    case 'weightDropAtLeastKg': {
      if (!v || !('weightKg' in v) || input.previousWeightKg === undefined) return { kind: 'none' };
      const drop = Math.round((input.previousWeightKg - v.weightKg) * 10) / 10;
      return drop >= rule.kg ? { kind: 'alert', reason: { code: 'weight_drop', vars: { kg: drop } } } : { kind: 'ok' };
    }
  }
}

/** Reason codes of yes/no items (reason.<code> in the locales). */
const REASONS: Partial<Record<ItemId, string>> = {
  N1: 'weight_loss',
  N2: 'appetite_loss',
  V1: 'vision_problem',
  H1: 'hearing_complaint',
  P1: 'mood_low',
  P2: 'interest_low',
};

/**
 * One result per domain. Any rule met flags the domain; otherwise a deciding item that was not
 * assessed makes it not_assessed (never normal). Optional items never make a domain not assessed.
 */
export function scoreScreening(input: ScoringInput): DomainResult[] {
  return INSTRUMENT.rules.map(({ domain, alertWhen }) => {
    const verdicts = alertWhen.map((rule) => judge(rule, input));
    const reasons = verdicts.flatMap((v) => (v.kind === 'alert' ? [v.reason] : []));
    if (reasons.length > 0) return { domain, status: 'alert', reasons };
    const unknown = verdicts.flatMap((v) => (v.kind === 'unknown' && !itemOf(v.item).optional ? [v.item] : []));
    if (unknown.length > 0) return { domain, status: 'not_assessed', reasons: [{ code: 'not_assessed', vars: { items: unknown.join(', ') } }] };
    return { domain, status: 'normal', reasons: [] };
  });
}

export function isMoodFlagged(answers: Partial<Record<ItemId, RecordedAnswer>>): boolean {
  return (['P1', 'P2'] as const).some((id) => {
    const v = answered(answers[id]);
    return !!v && 'yes' in v && v.yes === true;
  });
}

export type { Domain };
