/**
 * The texts coordinators get about an alert, in their language: the group post (minimal by default:
 * no identity, no finding) and the full details sent to whoever takes it.
 */
import { OUTCOMES } from '../../flows/step1/lexicon.js';
import type { Reason } from '../../flows/step1/types.js';
import type { Locales } from '../i18n/index.js';
import type { AlertFacts } from './alertFacts.js';

export type Priority = 'urgent' | 'normal' | 'low';

type Vars = Record<string, string | number>;

/** "3 h", "2 j": how long ago, for coordinators. */
export function ageText(locales: Locales, lang: string, since: Date, now: Date): string {
  const hours = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 3_600_000));
  if (hours < 1) return locales.text(lang, { key: 'coordinators.ageMinutes', vars: { count: Math.max(1, Math.floor((now.getTime() - since.getTime()) / 60_000)) } });
  if (hours < 48) return locales.text(lang, { key: 'coordinators.ageHours', vars: { count: hours } });
  return locales.text(lang, { key: 'coordinators.ageDays', vars: { count: Math.floor(hours / 24) } });
}

/** "12/05/2026", in the coordinators' time zone. */
export function shortDate(lang: string, date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' }).format(date);
}

const TITLES: Record<Priority, string> = { urgent: 'coordinators.urgentAlert', normal: 'coordinators.newAlert', low: 'coordinators.lowAlert' };

/** "75-79 ans": five-year bands from 60, "90 ans et plus" above. */
export function ageBand(locales: Locales, lang: string, birthYear: number | null | undefined, now: Date): string {
  if (!birthYear) return locales.text(lang, { key: 'coordinators.ageUnknown' });
  const age = now.getUTCFullYear() - birthYear;
  if (age >= 90) return locales.text(lang, { key: 'coordinators.ageBandTop' });
  const from = age < 60 ? Math.floor(age / 10) * 10 : 60 + Math.floor((age - 60) / 5) * 5;
  const to = age < 60 ? from + 9 : from + 4;
  return locales.text(lang, { key: 'coordinators.ageBand', vars: { from, to } });
}

export function outcomesList(locales: Locales, lang: string): string {
  const lex = locales.lexicons[lang]!.coordinatorCommands.outcomes;
  return OUTCOMES.map((o) => `${lex[o][0]} (${locales.text(lang, { key: `desk.outcome.${o}` })})`).join(', ');
}

export interface PostOptions {
  /** Set on a re-post or an escalation: since when it waits. */
  waitingSince?: Date;
  escalated?: boolean;
  transferred?: boolean;
  /** ALERT_DETAILS=group: the details go in the group post itself. */
  detailsInGroup: boolean;
  now: Date;
  timeZone: string;
}

/** The group post. Minimal by default: number, territory, priority, age band, how many domains, the wait, how to take it. */
export function renderAlertPost(locales: Locales, lang: string, a: AlertFacts, o: PostOptions): string {
  const t = (key: string, vars?: Vars) => locales.text(lang, { key, ...(vars ? { vars } : {}) });
  const head = [
    ...(o.escalated ? [t('coordinators.escalated', { age: ageText(locales, lang, a.createdAt, o.now) })] : []),
    ...(o.waitingSince && !o.escalated ? [t('coordinators.repost', { age: ageText(locales, lang, o.waitingSince, o.now) })] : []),
    ...(o.transferred && a.transferredFrom ? [t('coordinators.transferredIn', { from: a.transferredFrom })] : []),
  ];
  if (o.detailsInGroup) return [...head, ...detailLines(locales, lang, a, o.now, o.timeZone), t('coordinators.howToTake', { id: a.alertId })].join('\n');
  const lines = [...head, t(TITLES[a.priority], { id: a.alertId, territory: a.territoryName }), t('coordinators.minimalPerson', { band: ageBand(locales, lang, a.birthYear, o.now) })];
  if (a.danger) lines.push(t('coordinators.minimalUrgent'));
  if (a.flagged.length > 0) lines.push(t('coordinators.minimalDomains', { count: a.flagged.length }));
  if (a.toComplete.length > 0) lines.push(t('coordinators.minimalToComplete', { count: a.toComplete.length }));
  if (a.kind === 'follow_up' || a.earlier.length > 0) lines.push(t('coordinators.minimalFollowUp'));
  lines.push(t('coordinators.howToTakePrivate', { id: a.alertId }));
  return lines.join('\n');
}

/** Everything about the alert, for the coordinator who took it (or the group with ALERT_DETAILS=group). */
export function renderAlertDetails(locales: Locales, lang: string, a: AlertFacts, now: Date, timeZone: string): string {
  const t = (key: string, vars?: Vars) => locales.text(lang, { key, ...(vars ? { vars } : {}) });
  return [t('coordinators.detailsTitle', { id: a.alertId }), ...detailLines(locales, lang, a, now, timeZone), t('coordinators.actions', { id: a.alertId, outcomes: outcomesList(locales, lang) })].join('\n');
}

function detailLines(locales: Locales, lang: string, a: AlertFacts, now: Date, timeZone: string): string[] {
  const t = (key: string, vars?: Vars) => locales.text(lang, { key, ...(vars ? { vars } : {}) });
  const reason = (r: Reason) => t(`reason.${r.code}`, r.vars);
  const date = (d: Date) => shortDate(lang, d, timeZone);
  const age = a.birthYear ? t('coordinators.age', { count: now.getUTCFullYear() - a.birthYear }) : t('coordinators.ageUnknown');
  const lines = [
    t(TITLES[a.priority], { id: a.alertId, territory: a.territoryName }),
    a.firstName ? t('coordinators.person', { name: a.firstName, age }) : t('coordinators.personNoName', { age }),
  ];
  if (a.postcode) lines.push(t('coordinators.postcode', { postcode: a.postcode }));
  if (a.language && a.language !== lang) lines.push(t('coordinators.speaks', { language: locales.text(a.language, { key: 'language.name' }) }));
  if (a.unrouted) lines.push(t('coordinators.unrouted'));
  if (!a.callback) lines.push(t(a.reachableByBot ? 'coordinators.noCallbackWrite' : 'coordinators.noCallback', { id: a.alertId }));
  else if (a.mode && a.mode !== 'self' && a.callbackWhose) lines.push(t('coordinators.callbackWithWhose', { how: a.callback, whose: t(`coordinators.callbackWhose.${a.callbackWhose}`) }));
  else lines.push(t('coordinators.callback', { how: a.callback }));
  if (a.mode === 'helper' && a.helperKind) {
    lines.push(t('coordinators.answeredByHelper', { kind: t(`helperKind.${a.helperKind}`), place: a.place ? ` – ${a.place}` : '' }));
  } else if (a.mode) lines.push(t('coordinators.answeredBy', { mode: t(`coordinators.mode.${a.mode}`) }));
  if (a.hasGp === 'no') lines.push(t('coordinators.noGp'));
  else if (a.hasGp === 'yes') lines.push(t('coordinators.gp', { name: a.gpName ?? t('coordinators.gpUnnamed') }));
  else lines.push(t('coordinators.gpUnknown'));
  lines.push(a.kind === 'follow_up' ? t('coordinators.kindFollowUp', { date: a.previousAt ? date(a.previousAt) : '?' }) : t('coordinators.kindInitial'));
  if (a.danger) lines.push(t(`coordinators.${a.danger}`));
  if (a.flagged.length > 0) {
    lines.push(t('coordinators.domains'));
    for (const r of a.flagged) lines.push(t('coordinators.domainLine', { domain: t(`domain.${r.domain}`), reasons: r.reasons.map(reason).join(', ') }));
  }
  if (a.toComplete.length > 0) lines.push(t('coordinators.toComplete', { domains: a.toComplete.map((d) => t(`domain.${d}`)).join(', ') }));
  if (a.changes.length > 0) {
    const status = (s: string) => t(`coordinators.status.${s}`);
    lines.push(t('coordinators.changes', { changes: a.changes.map((c) => `${t(`domain.${c.domain}`)} ${status(c.before)} → ${status(c.now)}`).join(' ; ') }));
  }
  if (a.earlier.length > 0) {
    const earlier = a.earlier.map((e) =>
      t('coordinators.earlierLine', {
        id: e.id,
        date: date(e.createdAt),
        status: e.status === 'closed' ? t('coordinators.earlierClosed', { outcome: e.outcome ? t(`desk.outcome.${e.outcome}`) : '?' }) : t('coordinators.earlierOpen'),
      }),
    );
    lines.push(t('coordinators.earlier', { list: earlier.join(' ; ') }));
  }
  if (a.step2At) lines.push(t('coordinators.step2', { date: date(a.step2At), place: a.step2Place ?? '' }));
  if (a.resources.length > 0) {
    lines.push(t('coordinators.resources'));
    for (const { domain, resource } of a.resources) {
      lines.push(t('coordinators.resourceLine', { domain: t(`domain.${domain}`), name: resource.name, offer: resource.offer ? ` – ${resource.offer}` : '', phone: resource.phone ? ` – ${resource.phone}` : '' }));
    }
  }
  return lines;
}
