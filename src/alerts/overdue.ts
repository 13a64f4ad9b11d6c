/**
 * Persons of a territory whose re-screening is overdue although they were reminded (or cannot be
 * reminded any more): the team calls them ("la relance téléphonique reste indispensable").
 */
import type { Tx } from '../db/database.js';
import { shortDate } from './alertMessage.js';
import type { AlertPostDeps } from './alertPosts.js';
import { displayPhone } from './phone.js';

interface Overdue {
  firstName: string | null;
  birthYear: number | null;
  lastAt: Date;
  reach: string;
}

export async function overduePersons(tx: Tx, deps: AlertPostDeps, territories: string[], now: Date): Promise<Overdue[]> {
  const persons = await tx.person.findMany({
    where: { screenings: { some: { status: 'completed', nextDueAt: { lt: now } } } },
    include: {
      contact: true,
      screenings: { orderBy: { startedAt: 'desc' }, take: 1, select: { status: true, completedAt: true, nextDueAt: true } },
    },
  });
  const out: Overdue[] = [];
  for (const p of persons) {
    const last = p.screenings[0];
    // The latest screening must be the overdue completed one: a newer one, even unfinished, is an answer.
    if (!last || last.status !== 'completed' || !last.nextDueAt || last.nextDueAt >= now || !last.completedAt) continue;
    if (!territories.includes(deps.router.route(p.postcode).id)) continue;
    const reminded = await tx.reminder.count({ where: { personId: p.id, kind: 'rescreen', status: 'done', reason: 'sent', dueAt: { gte: last.completedAt } } });
    const unreachable = !!p.contact.optedOutAt || !!p.contact.blockedAt;
    if (reminded === 0 && !unreachable) continue;
    out.push({ firstName: p.firstName, birthYear: p.birthYear, lastAt: last.completedAt, reach: reachOf(deps, p.phone ?? p.contact.phone, p.contact.channel, p.contact.address) });
  }
  return out.sort((a, b) => a.lastAt.getTime() - b.lastAt.getTime());
}

function reachOf(deps: AlertPostDeps, phone: string | null, channel: string, address: string): string {
  const t = (key: string, vars?: Record<string, string>) => deps.locales.text(deps.coordinatorLanguage, { key, ...(vars ? { vars } : {}) });
  if (phone) return displayPhone(phone, deps.country);
  const wa = /^(\d+)@c\.us$/.exec(address);
  if (channel === 'whatsapp' && wa) return t('coordinators.via.whatsapp', { number: displayPhone(`+${wa[1]}`, deps.country) });
  return t('desk.overdueNoPhone');
}

/** One line per person, for `/arelancer`. */
export async function overdueList(tx: Tx, deps: AlertPostDeps, territories: string[], now: Date): Promise<string[]> {
  const lang = deps.coordinatorLanguage;
  const t = (key: string, vars: Record<string, string | number>) => deps.locales.text(lang, { key, vars });
  return (await overduePersons(tx, deps, territories, now)).map((p) =>
    t('desk.overdueLine', {
      name: p.firstName ?? t('desk.overdueNoName', {}),
      age: p.birthYear ? t('coordinators.age', { count: now.getUTCFullYear() - p.birthYear }) : t('coordinators.ageUnknown', {}),
      date: shortDate(lang, p.lastAt, deps.timeZone),
      reach: p.reach,
    }),
  );
}
