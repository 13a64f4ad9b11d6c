/**
 * Alerts that nobody takes are posted again: urgent ones every hour, the others after their
 * territory's delay. A daily digest lists the open alerts. Driven by the database, run on a tick.
 */
import { calendarDate } from '../../flows/step1/dates.js';
import type { Database } from '../db/database.js';
import { enqueue } from '../outbox/outbox.js';
import type { AlertDesk } from './alertDesk.js';
import { postAlert, territoryLabel, territoryOf, type AlertPostDeps } from './alertPosts.js';

export interface FollowUpOptions {
  db: Database;
  deps: AlertPostDeps;
  desk: AlertDesk;
  clock: () => Date;
  timeZone: string;
  /** Local hour (0-23) after which the day's digest goes out. */
  digestHour: number;
  urgentRepostMinutes: number;
}

export class AlertFollowUp {
  constructor(private readonly o: FollowUpOptions) {}

  /** Queues what is due now; returns how many messages were queued. */
  async tick(): Promise<number> {
    const now = this.o.clock();
    return (await this.reposts(now)) + (await this.digests(now));
  }

  private async reposts(now: Date): Promise<number> {
    const waiting = await this.o.db.read((db) => db.alert.findMany({ where: { status: 'new' }, include: { person: true } }));
    let queued = 0;
    for (const alert of waiting) {
      const territory = territoryOf(this.o.deps, alert.territoryId, alert.person?.postcode);
      const every = alert.priority === 'urgent' ? this.o.urgentRepostMinutes * 60_000 : territory.takeWithinHours * 3_600_000;
      const last = alert.lastPostedAt ?? alert.createdAt;
      if (now.getTime() - last.getTime() < every) continue;
      await this.o.db.tx(async (tx) => {
        // Still waiting, and nobody re-posted it meanwhile: checked again inside the transaction.
        const fresh = await tx.alert.findUnique({ where: { id: alert.id } });
        if (fresh?.status !== 'new' || (fresh.lastPostedAt?.getTime() ?? 0) !== (alert.lastPostedAt?.getTime() ?? 0)) return;
        await postAlert(tx, this.o.deps, alert.id, 'repost', now);
        queued++;
      });
    }
    return queued;
  }

  private async digests(now: Date): Promise<number> {
    const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: this.o.timeZone, hour: '2-digit', hour12: false }).format(now)) % 24;
    if (hour < this.o.digestHour) return 0;
    const day = calendarDate(now, this.o.timeZone);
    const date = `${day.year}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
    let queued = 0;
    for (const territory of this.o.deps.router.all()) {
      if (territory.targets.length === 0) continue;
      await this.o.db.tx(async (tx) => {
        // Today's digest already queued (by this run or before a restart): nothing to render again.
        const key = (t: { channel: string; address: string }) => `digest:${territory.id}:${date}:${t.channel}:${t.address}`;
        const sent = await tx.outboxMessage.count({ where: { key: { in: territory.targets.map(key) } } });
        if (sent === territory.targets.length) return;
        const count = await tx.alert.count({ where: { territoryId: territory.id, status: { in: ['new', 'taken'] } } });
        if (count === 0) return; // nothing to report: no message in the group
        const lang = this.o.deps.coordinatorLanguage;
        const title = this.o.deps.locales.text(lang, {
          key: 'desk.digestTitle',
          vars: { territory: territoryLabel(this.o.deps, territory, lang, true), count },
        });
        const text = await this.o.desk.openList(tx, [territory.id], now, title);
        for (const target of territory.targets) {
          const added = await enqueue(tx, {
            key: key(target),
            channel: target.channel,
            address: target.address,
            audience: 'coordinators',
            message: { text },
            notBefore: now,
          });
          if (added) queued++;
        }
      });
    }
    return queued;
  }
}
