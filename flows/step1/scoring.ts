/** ICOPE Step 1 scoring: per-domain results with reasons, from recorded answers. Pure. */
import { dateIsRight, weekdayIsRight } from './dates.js';
import type { AnswerValue, Domain, DomainResult, ItemId, Reason, RecordedAnswer } from './types.js';
import { DOMAINS } from './types.js';

export interface ScoringInput {
  answers: Partial<Record<ItemId, RecordedAnswer>>;
  timeZone: string;
  /** Whether the whisper test (H2) was part of this screening. */
  whisperOffered: boolean;
  previousWeightKg?: number;
}

/** An item decides its domain: 'alert' with reasons, 'ok', or 'unknown' when it was not assessed. */
type Verdict = { kind: 'alert'; reasons: Reason[] } | { kind: 'ok' } | { kind: 'unknown'; item: ItemId };

function answered(a: RecordedAnswer | undefined): Extract<AnswerValue, { status: 'answered' }> | undefined {
  return a?.value.status === 'answered' ? a.value : undefined;
}

function yesNo(item: ItemId, a: RecordedAnswer | undefined, code: string): Verdict {
  const v = answered(a);
  if (!v || !('yes' in v) || v.yes === null) return { kind: 'unknown', item };
  return v.yes ? { kind: 'alert', reasons: [{ code }] } : { kind: 'ok' };
}

function instants(a: RecordedAnswer): Date[] {
  return [new Date(a.askedAt), new Date(a.answeredAt)];
}

function cognition(input: ScoringInput): Verdict[] {
  const { answers, timeZone } = input;
  const out: Verdict[] = [];
  const date = answers.C3_date;
  const dv = answered(date);
  if (!date || !dv || !('date' in dv)) out.push({ kind: 'unknown', item: 'C3_date' });
  else if (!dateIsRight(dv.date, instants(date), timeZone)) {
    out.push({ kind: 'alert', reasons: [{ code: dv.date.dontKnow ? 'date_unknown' : 'date_wrong' }] });
  } else out.push({ kind: 'ok' });
  const day = answers.C3_day;
  const wv = answered(day);
  if (!day || !wv || !('date' in wv)) out.push({ kind: 'unknown', item: 'C3_day' });
  else if (!weekdayIsRight(wv.date, instants(day), timeZone)) {
    out.push({ kind: 'alert', reasons: [{ code: wv.date.dontKnow ? 'weekday_unknown' : 'weekday_wrong' }] });
  } else out.push({ kind: 'ok' });
  const rv = answered(answers.C4);
  if (!rv || !('recalled' in rv)) out.push({ kind: 'unknown', item: 'C4' });
  else if (rv.recalled < rv.of) out.push({ kind: 'alert', reasons: [{ code: 'recall_incomplete', vars: { count: rv.recalled } }] });
  else out.push({ kind: 'ok' });
  return out;
}

function mobility(input: ScoringInput): Verdict[] {
  const v = answered(input.answers.M1);
  if (!v || !('chair' in v) || v.chair === 'timing') return [{ kind: 'unknown', item: 'M1' }];
  if (v.chair === 'unable') return [{ kind: 'alert', reasons: [{ code: 'chair_unable' }] }];
  if (v.chair === 'slow') {
    const reason: Reason =
      v.seconds !== undefined ? { code: 'chair_slow', vars: { seconds: v.seconds } } : { code: 'chair_slow_reported' };
    return [{ kind: 'alert', reasons: [reason] }];
  }
  return [{ kind: 'ok' }];
}

function nutrition(input: ScoringInput): Verdict[] {
  const out = [yesNo('N1', input.answers.N1, 'weight_loss'), yesNo('N2', input.answers.N2, 'appetite_loss')];
  const w = answered(input.answers.N3);
  if (w && 'weightKg' in w && input.previousWeightKg !== undefined) {
    const drop = Math.round((input.previousWeightKg - w.weightKg) * 10) / 10;
    if (drop >= 3) out.push({ kind: 'alert', reasons: [{ code: 'weight_drop', vars: { kg: drop } }] });
  }
  return out;
}

function hearing(input: ScoringInput): Verdict[] {
  const out = [yesNo('H1', input.answers.H1, 'hearing_complaint')];
  if (input.whisperOffered) {
    const v = answered(input.answers.H2);
    if (!v || !('whisper' in v)) out.push({ kind: 'unknown', item: 'H2' });
    else out.push(v.whisper ? { kind: 'ok' } : { kind: 'alert', reasons: [{ code: 'whisper_failed' }] });
  }
  return out;
}

const RULES: Record<Domain, (input: ScoringInput) => Verdict[]> = {
  cognition,
  mobility,
  nutrition,
  vision: (i) => [yesNo('V1', i.answers.V1, 'vision_problem')],
  hearing,
  mood: (i) => [yesNo('P1', i.answers.P1, 'mood_low'), yesNo('P2', i.answers.P2, 'interest_low')],
};

/**
 * One result per domain. Any alerting item flags the domain; otherwise an item that was not assessed
 * makes it not_assessed (never normal).
 */
export function scoreScreening(input: ScoringInput): DomainResult[] {
  return DOMAINS.map((domain) => {
    const verdicts = RULES[domain](input);
    const alerts = verdicts.flatMap((v) => (v.kind === 'alert' ? v.reasons : []));
    if (alerts.length > 0) return { domain, status: 'alert', reasons: alerts };
    const unknown = verdicts.flatMap((v) => (v.kind === 'unknown' ? [v.item] : []));
    if (unknown.length > 0) {
      return { domain, status: 'not_assessed', reasons: [{ code: 'not_assessed', vars: { items: unknown.join(', ') } }] };
    }
    return { domain, status: 'normal', reasons: [] };
  });
}

export function isMoodFlagged(answers: Partial<Record<ItemId, RecordedAnswer>>): boolean {
  return [answers.P1, answers.P2].some((a) => {
    const v = answered(a);
    return !!v && 'yes' in v && v.yes === true;
  });
}
