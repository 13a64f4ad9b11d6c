/** Reminder rows: written in the same transactions as the screenings they follow. */
import type { Tx } from '../db/database.js';
import { addDuration } from './schedule.js';

export interface ReminderSettings {
  rescreenInterval: string;
  retry: string;
  snooze: string;
  nudgeAfter: string;
  abandonAfter: string;
}

const OPEN = { status: 'scheduled' } as const;

export async function cancelReminders(tx: Tx, where: { contactId: string; kind?: string | { in: string[] }; personId?: string; attempt?: number }, reason: string, now: Date): Promise<void> {
  await tx.reminder.updateMany({ where: { ...where, ...OPEN }, data: { status: 'cancelled', doneAt: now, reason } });
}

/** The next Step 1 of this person, `interval` after `from` on their calendar. Returns the due date. */
export async function scheduleRescreen(
  tx: Tx,
  s: ReminderSettings,
  a: { contactId: string; personId: string; screeningId?: string; from: Date; timeZone: string; interval?: string; now: Date },
): Promise<Date> {
  const dueAt = addDuration(a.from, a.interval ?? s.rescreenInterval, a.timeZone);
  await cancelReminders(tx, { contactId: a.contactId, kind: 'rescreen' }, 'replaced', a.now);
  await tx.reminder.create({
    data: { contactId: a.contactId, personId: a.personId, screeningId: a.screeningId ?? null, kind: 'rescreen', attempt: 1, dueAt },
  });
  return dueAt;
}

/** An unfinished screening: one nudge after a while, then abandoned after longer without activity. */
export async function scheduleInactivity(tx: Tx, s: ReminderSettings, a: { contactId: string; screeningId: string; now: Date; timeZone: string }): Promise<void> {
  await cancelReminders(tx, { contactId: a.contactId, kind: { in: ['nudge', 'expire'] } }, 'replaced', a.now);
  await tx.reminder.createMany({
    data: [
      { contactId: a.contactId, screeningId: a.screeningId, kind: 'nudge', dueAt: addDuration(a.now, s.nudgeAfter, a.timeZone) },
      { contactId: a.contactId, screeningId: a.screeningId, kind: 'expire', dueAt: addDuration(a.now, s.abandonAfter, a.timeZone) },
    ],
  });
}

/** The person wrote during a screening: the nudge (if not sent yet) and the expiry start again from now. */
export async function pushInactivity(tx: Tx, s: ReminderSettings, contactId: string, now: Date, timeZone: string): Promise<void> {
  await tx.reminder.updateMany({ where: { contactId, kind: 'nudge', ...OPEN }, data: { dueAt: addDuration(now, s.nudgeAfter, timeZone) } });
  await tx.reminder.updateMany({ where: { contactId, kind: 'expire', ...OPEN }, data: { dueAt: addDuration(now, s.abandonAfter, timeZone) } });
}
