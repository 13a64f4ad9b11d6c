/** Reminder rows: written in the same transactions as the screenings they follow. */
import { sqlOf, type Tx } from '../db/database.js';
import { statement, type Statement } from '../db/sql.js';
import { addDuration } from './schedule.js';

export interface ReminderSettings {
  rescreenInterval: string;
  retry: string;
  snooze: string;
  nudgeAfter: string;
  abandonAfter: string;
}

type CancelWhere = { contactId: string; kind?: string | { in: string[] }; personId?: string; attempt?: number };
/** The kinds are parameters of their own: kind0, kind1… */
type Cancel = { contactId: string; personId: string; attempt: number; reason: string; now: Date } & Record<`kind${number}`, string>;

/** One statement per shape of `where` (which conditions, how many kinds), built the first time. */
const cancelShapes = new Map<string, Statement<Cancel>>();

export function cancelStatement(kinds: number | undefined, person: boolean, attempt: boolean): Statement<Cancel> {
  const shape = `${kinds ?? '-'}:${person}:${attempt}`;
  let s = cancelShapes.get(shape);
  if (!s) {
    s = statement<Cancel>((db, p) => {
      let q = db.updateTable('Reminder').set({ status: 'cancelled', doneAt: p.now, reason: p.reason }).where('status', '=', 'scheduled').where('contactId', '=', p.contactId);
      if (kinds !== undefined) q = q.where('kind', 'in', Array.from({ length: Math.max(1, kinds) }, (_, i) => p[`kind${i}`]!));
      if (person) q = q.where('personId', '=', p.personId);
      if (attempt) q = q.where('attempt', '=', p.attempt);
      return q;
    });
    cancelShapes.set(shape, s);
  }
  return s;
}

export async function cancelReminders(tx: Tx, where: CancelWhere, reason: string, now: Date): Promise<void> {
  // On every message's path: a statement prepared once (one per shape of `where`).
  const kinds = where.kind === undefined ? undefined : typeof where.kind === 'string' ? [where.kind] : where.kind.in;
  const s = cancelStatement(kinds?.length, where.personId !== undefined, where.attempt !== undefined);
  const named = Object.fromEntries((kinds?.length ? kinds : ['']).map((kind, i) => [`kind${i}`, kind]));
  sqlOf(tx).run(s, { contactId: where.contactId, personId: where.personId ?? '', attempt: where.attempt ?? 0, reason, now, ...named });
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
type NewReminder = { contactId: string; personId: string | null; screeningId: string | null; kind: string; dueAt: Date; now: Date };
const reminderInsert = statement<NewReminder>((db, p) =>
  db
    .insertInto('Reminder')
    .values({ contactId: p.contactId, personId: p.personId, screeningId: p.screeningId, kind: p.kind, attempt: 1, dueAt: p.dueAt, status: 'scheduled', createdAt: p.now }),
);

function insertReminder(tx: Tx, r: { contactId: string; personId?: string; screeningId: string | null; kind: string; dueAt: Date }): void {
  sqlOf(tx).run(reminderInsert, { ...r, personId: r.personId ?? null, now: new Date() });
}

const reminderPush = statement<{ dueAt: Date; contactId: string; kind: string }>((db, p) =>
  db.updateTable('Reminder').set({ dueAt: p.dueAt }).where('contactId', '=', p.contactId).where('kind', '=', p.kind).where('status', '=', 'scheduled'),
);

/** The person wrote during a screening: the nudge (if not sent yet) and the expiry start again from now. */
export async function pushInactivity(tx: Tx, s: ReminderSettings, contactId: string, now: Date, timeZone: string): Promise<void> {
  const sql = sqlOf(tx);
  sql.run(reminderPush, { dueAt: addDuration(now, s.nudgeAfter, timeZone), contactId, kind: 'nudge' });
  sql.run(reminderPush, { dueAt: addDuration(now, s.abandonAfter, timeZone), contactId, kind: 'expire' });
}
