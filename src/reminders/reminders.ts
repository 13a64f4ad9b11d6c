/** Reminder rows: written in the same transactions as the screenings they follow. */
import { sqlOf, type Tx } from '../db/database.js';
import { addDuration } from './schedule.js';

export interface ReminderSettings {
  rescreenInterval: string;
  retry: string;
  snooze: string;
  nudgeAfter: string;
  abandonAfter: string;
}

export async function cancelReminders(tx: Tx, where: { contactId: string; kind?: string | { in: string[] }; personId?: string; attempt?: number }, reason: string, now: Date): Promise<void> {
  // On every message's path: a statement prepared once (one per shape of `where`).
  const kinds = where.kind === undefined ? [] : typeof where.kind === 'string' ? [where.kind] : where.kind.in;
  const conditions = [
    '"contactId" = ?',
    ...(where.kind !== undefined ? [`"kind" IN (${kinds.map(() => '?').join(', ') || 'NULL'})`] : []),
    ...(where.personId !== undefined ? ['"personId" = ?'] : []),
    ...(where.attempt !== undefined ? ['"attempt" = ?'] : []),
  ];
  const params = [where.contactId, ...kinds, ...(where.personId !== undefined ? [where.personId] : []), ...(where.attempt !== undefined ? [where.attempt] : [])];
  sqlOf(tx).run(`UPDATE "Reminder" SET "status" = 'cancelled', "doneAt" = ?, "reason" = ? WHERE "status" = 'scheduled' AND ${conditions.join(' AND ')}`, now, reason, ...params);
}

/** The next Step 1 of this person, `interval` after `from` on their calendar. Returns the due date. */
export async function scheduleRescreen(
  tx: Tx,
  s: ReminderSettings,
  a: { contactId: string; personId: string; screeningId?: string; from: Date; timeZone: string; interval?: string; now: Date },
): Promise<Date> {
  const dueAt = addDuration(a.from, a.interval ?? s.rescreenInterval, a.timeZone);
  await cancelReminders(tx, { contactId: a.contactId, kind: 'rescreen' }, 'replaced', a.now);
  insertReminder(tx, { contactId: a.contactId, personId: a.personId, screeningId: a.screeningId ?? null, kind: 'rescreen', dueAt });
  return dueAt;
}

/** An unfinished screening: one nudge after a while, then abandoned after longer without activity. */
export async function scheduleInactivity(tx: Tx, s: ReminderSettings, a: { contactId: string; screeningId: string; now: Date; timeZone: string }): Promise<void> {
  await cancelReminders(tx, { contactId: a.contactId, kind: { in: ['nudge', 'expire'] } }, 'replaced', a.now);
  insertReminder(tx, { contactId: a.contactId, screeningId: a.screeningId, kind: 'nudge', dueAt: addDuration(a.now, s.nudgeAfter, a.timeZone) });
  insertReminder(tx, { contactId: a.contactId, screeningId: a.screeningId, kind: 'expire', dueAt: addDuration(a.now, s.abandonAfter, a.timeZone) });
}

/** A scheduled reminder row (a statement prepared once: screenings start and end on the message path). */
function insertReminder(tx: Tx, r: { contactId: string; personId?: string; screeningId: string | null; kind: string; dueAt: Date }): void {
  sqlOf(tx).run(
    'INSERT INTO "Reminder" ("contactId", "personId", "screeningId", "kind", "attempt", "dueAt", "status", "createdAt") VALUES (?, ?, ?, ?, 1, ?, \'scheduled\', ?)',
    r.contactId,
    r.personId ?? null,
    r.screeningId,
    r.kind,
    r.dueAt,
    new Date(),
  );
}

/** The person wrote during a screening: the nudge (if not sent yet) and the expiry start again from now. */
export async function pushInactivity(tx: Tx, s: ReminderSettings, contactId: string, now: Date, timeZone: string): Promise<void> {
  const sql = sqlOf(tx);
  const push = 'UPDATE "Reminder" SET "dueAt" = ? WHERE "contactId" = ? AND "kind" = ? AND "status" = \'scheduled\'';
  sql.run(push, addDuration(now, s.nudgeAfter, timeZone), contactId, 'nudge');
  sql.run(push, addDuration(now, s.abandonAfter, timeZone), contactId, 'expire');
}
