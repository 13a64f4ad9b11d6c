/**
 * Picks up reminder rows that fell due (oldest first) and hands them to the engine. Reminders and
 * nudges go out only inside the sending window, in the contact's time zone; the rest waits for it.
 */
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import { contactKey, type Engine } from '../engine/engine.js';
import { cancelReminders } from './reminders.js';
import { insideWindow, type SendingWindow } from './schedule.js';

export interface SchedulerOptions {
  db: Database;
  engine: Engine;
  clock: () => Date;
  window: SendingWindow | null;
  defaultTimeZone: string;
  logger: Logger;
  batch?: number;
}

export class ReminderScheduler {
  constructor(private readonly o: SchedulerOptions) {}

  /** Fires what is due now; returns how many reminders were sent. */
  async tick(): Promise<number> {
    const now = this.o.clock();
    const due = await this.o.db.read((db) =>
      db.reminder.findMany({
        where: { status: 'scheduled', dueAt: { lte: now } },
        orderBy: { dueAt: 'asc' },
        take: this.o.batch ?? 200,
        include: { contact: true },
      }),
    );
    // The time zone of each reminder's person (a helper's contact may have screened thousands: not all of them).
    const personIds = [...new Set(due.flatMap((r) => (r.personId ? [r.personId] : [])))];
    const zones = new Map(
      personIds.length ? (await this.o.db.read((db) => db.person.findMany({ where: { id: { in: personIds } }, select: { id: true, timeZone: true } }))).map((p) => [p.id, p.timeZone]) : [],
    );
    let fired = 0;
    for (const r of due) {
      const { contact } = r;
      if (contact.blockedAt) {
        await this.o.db.tx((tx) => cancelReminders(tx, { contactId: contact.id }, `contact ${contact.blockReason ?? 'blocked'}`, now));
        continue;
      }
      if (r.kind === 'rescreen' && contact.optedOutAt) {
        await this.o.db.tx((tx) => cancelReminders(tx, { contactId: contact.id, kind: 'rescreen' }, 'opted_out', now));
        continue;
      }
      const timeZone = (r.personId ? zones.get(r.personId) : undefined) ?? this.o.defaultTimeZone;
      // The expiry sends nothing: it needs no window.
      if (r.kind !== 'expire' && !insideWindow(this.o.window, now, timeZone)) continue;
      try {
        if (await this.o.engine.fire({ id: r.id, contactId: contact.id, contactKey: contactKey(contact.channel, contact.address) })) fired++;
      } catch (err) {
        this.o.logger.error({ err, reminderId: r.id }, 'reminder failed');
      }
    }
    return fired;
  }
}
