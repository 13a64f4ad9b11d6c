/**
 * Alerts that nobody takes are posted again: urgent ones every hour, the others after their
 * territory's delay. A daily digest lists the open alerts. Driven by the database, run on a tick.
 */
import { Duration } from 'luxon';
import { calendarDate } from '../../flows/step1/dates.js';
import type { Database, Tx } from '../db/database.js';
import { ageText } from './alertMessage.js';
import { overduePersons } from './overdue.js';
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

/** Urgent alerts escalate after this when only `escalateAfter` is set. */
const DEFAULT_URGENT_ESCALATE = 'PT1H';
const ms = (iso: string) => Duration.fromISO(iso).toMillis();

export class AlertFollowUp {
  constructor(private readonly o: FollowUpOptions) {}

  /** The last 30 days: how long alerts waited to be taken, and to be closed. */
  private async delays(tx: Tx, territoryId: string, now: Date): Promise<string[]> {
    const since = new Date(now.getTime() - 30 * 86_400_000);
    const taken = await tx.alert.findMany({ where: { territoryId, takenAt: { gte: since } }, select: { createdAt: true, takenAt: true, closedAt: true } });
    if (taken.length === 0) return [];
    const lang = this.o.deps.coordinatorLanguage;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const toTake = mean(taken.map((a) => a.takenAt!.getTime() - a.createdAt.getTime()));
    const closed = taken.filter((a) => a.closedAt);
    const age = (msValue: number) => ageText(this.o.deps.locales, lang, new Date(now.getTime() - msValue), now);
    return [
      this.o.deps.locales.text(lang, {
        key: closed.length > 0 ? 'desk.digestDelays' : 'desk.digestDelaysTake',
        vars: { count: taken.length, take: age(toTake), close: closed.length > 0 ? age(mean(closed.map((a) => a.closedAt!.getTime() - a.createdAt.getTime()))) : '' },
      }),
    ];
  }

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
      const waited = now.getTime() - alert.createdAt.getTime();
      // Not taken after the escalation delay: to the escalation group (e.g. the DAC), once.
      const urgent = alert.priority === 'urgent';
      const escalateAfter = urgent ? (territory.urgentEscalateAfter ?? (territory.escalateAfter ? DEFAULT_URGENT_ESCALATE : undefined)) : territory.escalateAfter;
      const escalate = !alert.escalatedAt && territory.escalationTargets.length > 0 && escalateAfter !== undefined && waited >= ms(escalateAfter);
      const every = urgent ? this.o.urgentRepostMinutes * 60_000 : ms(territory.takeWithin);
      const last = alert.lastPostedAt ?? alert.createdAt;
      const repost = now.getTime() - last.getTime() >= every;
      if (!escalate && !repost) continue;
      await this.o.db.tx(async (tx) => {
        // Still waiting, and nobody re-posted it meanwhile: checked again inside the transaction.
        const fresh = await tx.alert.findUnique({ where: { id: alert.id } });
        if (fresh?.status !== 'new' || (fresh.lastPostedAt?.getTime() ?? 0) !== (alert.lastPostedAt?.getTime() ?? 0)) return;
        if (escalate) {
          await postAlert(tx, this.o.deps, alert.id, 'escalation', now);
          await tx.alert.update({ where: { id: alert.id }, data: { escalatedAt: now } });
          queued++;
        }
        if (repost) {
          await postAlert(tx, this.o.deps, alert.id, 'repost', now);
          queued++;
        }
      });
    }
    return queued;
  }

  private async digests(now: Date): Promise<number> {
    const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: this.o.timeZone, hour: '2-digit', hour12: false }).format(now)) % 24;
    // Only during its hour: an alert raised in the evening does not bring the round-up with it.
    if (hour !== this.o.digestHour) return 0;
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
        const overdue = (await overduePersons(tx, this.o.deps, [territory.id], now)).length;
        if (count === 0 && overdue === 0) return; // nothing to report: no message in the group
        const lang = this.o.deps.coordinatorLanguage;
        const t = (key: string, vars: Record<string, string | number>) => this.o.deps.locales.text(lang, { key, vars });
        const title = t('desk.digestTitle', { territory: territoryLabel(this.o.deps, territory, lang, true), count });
        const text = [
          count > 0 ? await this.o.desk.openList(tx, { territoryId: territory.id }, now, title) : title,
          ...(await this.delays(tx, territory.id, now)),
          ...(overdue > 0 ? [t('desk.digestOverdue', { count: overdue })] : []),
        ].join('\n');
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
