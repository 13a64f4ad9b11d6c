import { describe, expect, it } from 'vitest';
import { addDuration, formatDate, insideWindow, parseSendingWindow } from '../../src/reminders/schedule.js';

const paris = 'Europe/Paris';

describe('addDuration (calendar-aware)', () => {
  it.each([
    ['2026-08-31T08:00:00Z', 'P6M', '2027-02-28T09:00:00.000Z'], // end of August + 6 months = end of February
    ['2027-08-31T08:00:00Z', 'P6M', '2028-02-29T09:00:00.000Z'], // leap year
    ['2026-01-31T09:00:00Z', 'P1M', '2026-02-28T09:00:00.000Z'],
    ['2026-11-22T10:00:00Z', 'P6M', '2027-05-22T09:00:00.000Z'], // 11:00 in Paris stays 11:00 after the clocks change
    ['2026-03-28T11:00:00Z', 'P1D', '2026-03-29T10:00:00.000Z'], // across the spring change: same local time
    ['2026-11-22T10:00:00Z', 'PT5S', '2026-11-22T10:00:05.000Z'],
  ])('%s + %s = %s', (from, iso, expected) => {
    expect(addDuration(new Date(from), iso, paris).toISOString()).toBe(expected);
  });
});

describe('sending window', () => {
  const w = parseSendingWindow('10:00-18:00 mon-sat')!;

  it('parses, or refuses nonsense', () => {
    expect(parseSendingWindow('off')).toBeNull();
    expect(parseSendingWindow('10:00-18:00')!.days.size).toBe(7);
    expect([...parseSendingWindow('09:00-12:00 fri-mon')!.days].sort()).toEqual([1, 5, 6, 7]);
    expect(parseSendingWindow('18:00-10:00')).toBeUndefined();
    expect(parseSendingWindow('all day')).toBeUndefined();
  });

  it.each([
    ['2026-11-23T08:59:00Z', paris, false], // Monday 09:59 in Paris
    ['2026-11-23T09:00:00Z', paris, true], // Monday 10:00
    ['2026-11-23T16:59:00Z', paris, true], // 17:59
    ['2026-11-23T17:00:00Z', paris, false], // 18:00
    ['2026-11-22T12:00:00Z', paris, false], // Sunday
    ['2026-11-23T02:00:00Z', 'Asia/Tokyo', true], // Monday 11:00 in Tokyo
    ['2026-11-23T12:00:00Z', 'Asia/Tokyo', false], // 21:00 in Tokyo
    ['2026-07-06T08:30:00Z', paris, true], // summer time: 10:30 in Paris
  ])('%s in %s → %s', (at, tz, inside) => {
    expect(insideWindow(w, new Date(at), tz)).toBe(inside);
  });

  it('"off" means any time', () => {
    expect(insideWindow(null, new Date('2026-11-22T03:00:00Z'), paris)).toBe(true);
  });
});

it('formats the next date for the person', () => {
  expect(formatDate(new Date('2027-05-22T09:00:00Z'), 'fr', paris)).toBe('22 mai 2027');
  expect(formatDate(new Date('2027-05-22T09:00:00Z'), 'en', paris)).toBe('22 May 2027');
});
