import { describe, expect, it } from 'vitest';
import { scoreScreening, type ScoringInput } from '../../../flows/step1/scoring.js';
import type { AnswerValue, Domain, ItemId, RecordedAnswer } from '../../../flows/step1/types.js';

const at = '2026-11-22T10:00:00Z';
const rec = (value: AnswerValue): RecordedAnswer => ({ value, askedAt: at, answeredAt: at });
const yes = (y: boolean | null) => rec({ status: 'answered', yes: y });
const NA = rec({ status: 'not_assessed' });

function normalAnswers(): Partial<Record<ItemId, RecordedAnswer>> {
  return {
    C1: yes(true), // a memory complaint alone raises nothing
    C3_date: rec({ status: 'answered', date: { day: 22, month: 11, year: 2026 } }),
    C3_day: rec({ status: 'answered', date: { weekday: 0 } }),
    C4: rec({ status: 'answered', recalled: 3, of: 3 }),
    M1: rec({ status: 'answered', chair: 'fast', seconds: 9.5, how: 'timer' }),
    N1: yes(false),
    N2: yes(false),
    N3: rec({ status: 'answered', weightKg: 70 }),
    V1: yes(false),
    H1: yes(false),
    H2: rec({ status: 'answered', whisper: true }),
    P1: yes(false),
    P2: yes(false),
  };
}

function score(changes: Partial<Record<ItemId, RecordedAnswer | undefined>>, extra: Partial<ScoringInput> = {}) {
  const answers = { ...normalAnswers(), ...changes } as Partial<Record<ItemId, RecordedAnswer>>;
  for (const k of Object.keys(changes) as ItemId[]) if (changes[k] === undefined) delete answers[k];
  const results = scoreScreening({ answers, timeZone: 'Europe/Paris', whisperOffered: true, ...extra });
  return Object.fromEntries(results.map((r) => [r.domain, r])) as Record<Domain, (typeof results)[number]>;
}

describe('scoreScreening', () => {
  it('all normal when every answer is reassuring, including a lone memory complaint', () => {
    const r = score({});
    expect(Object.values(r).map((x) => x.status)).toEqual(Array(6).fill('normal'));
  });

  describe('cognition', () => {
    it.each([
      [{ C3_date: rec({ status: 'answered', date: { day: 21, month: 11, year: 2026 } }) }, 'date_wrong'],
      [{ C3_date: rec({ status: 'answered', date: { dontKnow: true } }) }, 'date_unknown'],
      [{ C3_day: rec({ status: 'answered', date: { weekday: 1 } }) }, 'weekday_wrong'],
      [{ C3_day: rec({ status: 'answered', date: { dontKnow: true } }) }, 'weekday_unknown'],
      [{ C4: rec({ status: 'answered', recalled: 2, of: 3 }) }, 'recall_incomplete'],
    ])('alerts: %o', (change, code) => {
      const r = score(change);
      expect(r.cognition.status).toBe('alert');
      expect(r.cognition.reasons.map((x) => x.code)).toEqual([code]);
    });

    it('is not assessed when the recall was skipped and nothing else alerts', () => {
      const r = score({ C4: NA });
      expect(r.cognition).toMatchObject({ status: 'not_assessed', reasons: [{ code: 'not_assessed', vars: { items: 'C4' } }] });
    });

    it('an alert wins over an unassessed item', () => {
      expect(score({ C4: NA, C3_day: rec({ status: 'answered', date: { weekday: 3 } }) }).cognition.status).toBe('alert');
    });
  });

  describe('mobility', () => {
    it.each([
      [{ chair: 'slow', seconds: 14 }, 'chair_slow'],
      [{ chair: 'slow' }, 'chair_slow_reported'],
      [{ chair: 'unable' }, 'chair_unable'],
    ] as const)('alerts on %o', (v, code) => {
      const r = score({ M1: rec({ status: 'answered', how: 'choice', ...v }) });
      expect(r.mobility).toMatchObject({ status: 'alert', reasons: [{ code }] });
    });

    it('13.9 s is normal', () => {
      expect(score({ M1: rec({ status: 'answered', chair: 'fast', seconds: 13.9, how: 'typed' }) }).mobility.status).toBe('normal');
    });

    it('not assessed when skipped', () => {
      expect(score({ M1: NA }).mobility.status).toBe('not_assessed');
    });
  });

  describe('nutrition', () => {
    it('alerts on weight loss or appetite loss', () => {
      expect(score({ N1: yes(true) }).nutrition.reasons.map((x) => x.code)).toEqual(['weight_loss']);
      expect(score({ N2: yes(true) }).nutrition.reasons.map((x) => x.code)).toEqual(['appetite_loss']);
    });

    it('alerts at follow-up when the weight dropped by 3 kg or more', () => {
      expect(score({}, { previousWeightKg: 73 }).nutrition).toMatchObject({ status: 'alert', reasons: [{ code: 'weight_drop', vars: { kg: 3 } }] });
      expect(score({}, { previousWeightKg: 72.9 }).nutrition.status).toBe('normal');
    });

    it('a skipped weight is fine, a "don\'t know" on N1 is not assessed', () => {
      expect(score({ N3: rec({ status: 'skipped' }) }, { previousWeightKg: 90 }).nutrition.status).toBe('normal');
      expect(score({ N1: yes(null) }).nutrition.status).toBe('not_assessed');
    });
  });

  it('vision alerts on yes', () => {
    expect(score({ V1: yes(true) }).vision).toMatchObject({ status: 'alert', reasons: [{ code: 'vision_problem' }] });
    expect(score({ V1: NA }).vision.status).toBe('not_assessed');
  });

  describe('hearing', () => {
    it('alerts on the complaint or a failed whisper test', () => {
      expect(score({ H1: yes(true) }).hearing.reasons.map((x) => x.code)).toEqual(['hearing_complaint']);
      expect(score({ H2: rec({ status: 'answered', whisper: false }) }).hearing.reasons.map((x) => x.code)).toEqual(['whisper_failed']);
    });

    it('ignores the whisper test when it was not offered (self mode)', () => {
      expect(score({ H2: undefined }, { whisperOffered: false }).hearing.status).toBe('normal');
      expect(score({ H2: undefined }, { whisperOffered: true }).hearing.status).toBe('not_assessed');
    });
  });

  it('a date still without its year once asked again counts as not known (an alert), not as not assessed', () => {
    const r = score({ C3_date: rec({ status: 'answered', date: { day: 22, month: 11 }, askedAgain: true }) });
    expect(r.cognition).toMatchObject({ status: 'alert', reasons: [{ code: 'date_incomplete' }] });
  });

  it('follows the instrument: every deciding item of every domain, when missing, makes its domain not assessed', async () => {
    const { INSTRUMENT } = await import('../../../flows/step1/instrument.js');
    for (const rules of INSTRUMENT.rules) {
      for (const rule of rules.alertWhen) {
        if (rule.when === 'weightDropAtLeastKg') continue; // compares with a previous weight: optional
        const r = scoreScreening({ answers: { ...normalAnswers(), [rule.item]: NA }, timeZone: 'Europe/Paris', whisperOffered: true });
        expect(r.find((x) => x.domain === rules.domain)!.status, `${rules.domain} without ${rule.item}`).toBe('not_assessed');
      }
    }
  });

  it('mood alerts on either question', () => {
    expect(score({ P1: yes(true) }).mood.reasons.map((x) => x.code)).toEqual(['mood_low']);
    expect(score({ P2: yes(true) }).mood.reasons.map((x) => x.code)).toEqual(['interest_low']);
    expect(score({ P1: yes(true), P2: yes(true) }).mood.reasons).toHaveLength(2);
  });
});
