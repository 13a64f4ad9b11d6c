/** Calendar arithmetic and the sending window for reminders. Pure. */
import { DateTime, Duration } from 'luxon';

/** `from` + an ISO-8601 duration, on the calendar of `timeZone`: 31 August + P6M is 28 (or 29) February. */
export function addDuration(from: Date, iso: string, timeZone: string): Date {
  const { duration, fixedMs } = parsedDuration(iso);
  // Hours, minutes and seconds are the same length on every calendar (luxon adds them so too).
  if (fixedMs !== undefined) return new Date(from.getTime() + fixedMs);
  return DateTime.fromJSDate(from, { zone: timeZone }).plus(duration).toJSDate();
}

/** On every message's path (the nudge and the expiry move): each duration parsed once. */
const durations = new Map<string, { duration: Duration; fixedMs?: number }>();

function parsedDuration(iso: string): { duration: Duration; fixedMs?: number } {
  let parsed = durations.get(iso);
  if (!parsed) {
    const duration = Duration.fromISO(iso);
    const calendar = duration.years || duration.quarters || duration.months || duration.weeks || duration.days;
    parsed = { duration, ...(duration.isValid && !calendar ? { fixedMs: duration.toMillis() } : {}) };
    if (durations.size > 100) durations.clear();
    durations.set(iso, parsed);
  }
  return parsed;
}

export function isDuration(iso: string): boolean {
  const d = Duration.fromISO(iso);
  return d.isValid && d.toMillis() > 0;
}

/** When messages that are not replies may go out, in the contact's local time. */
export interface SendingWindow {
  startMinute: number;
  endMinute: number;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: ReadonlySet<number>;
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** "10:00-18:00 mon-sat", "09:30-19:00" (every day), or "off" (null: any time). */
export function parseSendingWindow(spec: string): SendingWindow | null | undefined {
  const s = spec.trim().toLowerCase();
  if (s === 'off') return null;
  const m = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})(?:\s+([a-z]{3})(?:\s*-\s*([a-z]{3}))?)?$/.exec(s);
  if (!m) return undefined;
  const [h1, m1, h2, m2] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  const startMinute = h1 * 60 + m1;
  const endMinute = h2 * 60 + m2;
  if (h1 > 23 || h2 > 24 || m1 > 59 || m2 > 59 || endMinute <= startMinute) return undefined;
  let days = new Set([1, 2, 3, 4, 5, 6, 7]);
  if (m[5]) {
    const from = DAYS.indexOf(m[5]) + 1;
    const to = m[6] ? DAYS.indexOf(m[6]) + 1 : from;
    if (from === 0 || to === 0) return undefined;
    days = new Set();
    for (let d = from; ; d = (d % 7) + 1) {
      days.add(d);
      if (d === to) break;
    }
  }
  return { startMinute, endMinute, days };
}

export function insideWindow(window: SendingWindow | null, at: Date, timeZone: string): boolean {
  if (!window) return true;
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const minute = local.hour * 60 + local.minute;
  return window.days.has(local.weekday) && minute >= window.startMinute && minute < window.endMinute;
}

/** The date a person reads in the summary ("22 mai 2027"), in their language and time zone. */
export function formatDate(at: Date, lang: string, timeZone: string): string {
  // Day first in English too ("22 May 2027"): the people using it live in Europe.
  const locale = lang === 'en' ? 'en-GB' : lang;
  return DateTime.fromJSDate(at, { zone: timeZone }).setLocale(locale).toLocaleString(DateTime.DATE_FULL);
}

/** "samedi 28 novembre 2026": an appointment's day, with its weekday. */
export function formatDayDate(date: Date, lang: string, timeZone: string): string {
  return DateTime.fromJSDate(date, { zone: timeZone }).setLocale(lang).toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}
