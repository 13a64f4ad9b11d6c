import { describe, expect, it } from 'vitest';
import { calendarDate, dateIsRight, parseDate, parseWeekday, weekdayIsRight } from '../../../flows/step1/dates.js';
import { locales } from '../../helpers/harness.js';

const lex = locales.lexicons;
const sunday22 = new Date('2026-11-22T10:00:00Z'); // Sunday 22 November 2026 in Paris

describe('parseDate', () => {
  it.each([
    ['22/11/2026', { day: 22, month: 11, year: 2026 }],
    ['22.11.26', { day: 22, month: 11, year: 2026 }],
    ['22-11-2026', { day: 22, month: 11, year: 2026 }],
    ['2026-11-22', { day: 22, month: 11, year: 2026 }],
    ['22 novembre 2026', { day: 22, month: 11, year: 2026 }],
    ['dimanche 22 nov 2026', { day: 22, month: 11, year: 2026, weekday: 0 }],
    ['le 1er décembre 2026', { day: 1, month: 12, year: 2026 }],
    ['the 22nd of November 2026', { day: 22, month: 11, year: 2026 }],
    ['November 22, 2026', { day: 22, month: 11, year: 2026 }],
    ['22 NOVEMBRE 2026', { day: 22, month: 11, year: 2026 }],
    ['22 novembr 2026', { day: 22, month: 11, year: 2026 }],
    ['11/22/2026', { day: 22, month: 11, year: 2026 }],
    ['mar 3 mars 2026', { day: 3, month: 3, year: 2026, weekday: 2 }],
    ['22 nov 26', { day: 22, month: 11, year: 2026 }],
  ])('reads %s', (text, expected) => {
    expect(parseDate(text, lex)).toMatchObject(expected);
  });

  it('reads partial dates as partial', () => {
    expect(parseDate('dimanche 22 nov', lex)).toEqual({ day: 22, month: 11, weekday: 0 });
  });

  it('takes "I don\'t know" as an answer, not as nonsense', () => {
    expect(parseDate('je ne sais pas', lex)).toEqual({ dontKnow: true });
    expect(parseDate("I don't know", lex)).toEqual({ dontKnow: true });
    expect(parseDate('22 novembre, je ne sais plus l\'année', lex)).toMatchObject({ day: 22, month: 11, dontKnow: true });
  });

  it('returns undefined when nothing is a date', () => {
    expect(parseDate('bof', lex)).toBeUndefined();
  });
});

describe('checking against the real date', () => {
  it('accepts the right date and refuses others', () => {
    expect(dateIsRight({ day: 22, month: 11, year: 2026 }, [sunday22], 'Europe/Paris')).toBe(true);
    expect(dateIsRight({ day: 21, month: 11, year: 2026 }, [sunday22], 'Europe/Paris')).toBe(false);
    expect(dateIsRight({ day: 22, month: 11, year: 2025 }, [sunday22], 'Europe/Paris')).toBe(false);
    expect(dateIsRight({ day: 22, month: 11 }, [sunday22], 'Europe/Paris')).toBe(false);
    expect(dateIsRight({ dontKnow: true }, [sunday22], 'Europe/Paris')).toBe(false);
  });

  it("uses the person's time zone, not UTC", () => {
    const lateUtc = new Date('2026-11-22T23:30:00Z'); // already Monday 23 in Paris
    expect(calendarDate(lateUtc, 'Europe/Paris')).toMatchObject({ day: 23, weekday: 1 });
    expect(dateIsRight({ day: 23, month: 11, year: 2026 }, [lateUtc], 'Europe/Paris')).toBe(true);
    expect(dateIsRight({ day: 22, month: 11, year: 2026 }, [lateUtc], 'Europe/Paris')).toBe(false);
    expect(dateIsRight({ day: 22, month: 11, year: 2026 }, [lateUtc], 'America/New_York')).toBe(true);
  });

  it('accepts either side of midnight when the question was asked before and answered after', () => {
    const asked = new Date('2026-11-22T22:59:00Z'); // 23:59 in Paris, Sunday
    const answered = new Date('2026-11-22T23:01:00Z'); // 00:01, Monday
    expect(dateIsRight({ day: 22, month: 11, year: 2026 }, [asked, answered], 'Europe/Paris')).toBe(true);
    expect(dateIsRight({ day: 23, month: 11, year: 2026 }, [asked, answered], 'Europe/Paris')).toBe(true);
    expect(weekdayIsRight({ weekday: 0 }, [asked, answered], 'Europe/Paris')).toBe(true);
    expect(weekdayIsRight({ weekday: 2 }, [asked, answered], 'Europe/Paris')).toBe(false);
  });
});

describe('parseWeekday', () => {
  it.each([
    ['dimanche', 0],
    ['Dimanche !', 0],
    ["c'est lundi", 1],
    ['mecredi', 3],
    ['Sunday', 0],
    ['thurs', 4],
  ])('reads %s', (text, weekday) => {
    expect(parseWeekday(text, lex)).toEqual({ weekday });
  });

  it('takes "I don\'t know" as unknown and nonsense as unreadable', () => {
    expect(parseWeekday('je sais pas', lex)).toEqual({ dontKnow: true });
    expect(parseWeekday('bof', lex)).toBeUndefined();
  });
});
