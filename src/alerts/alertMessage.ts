/** The message posted to coordinators for a new alert, in the coordinators' language. */
import type { DangerKind, Domain, DomainResult, Mode, Reason } from '../../flows/step1/types.js';
import type { Locales } from '../i18n/index.js';

export type Priority = 'urgent' | 'normal' | 'low';

export interface AlertFacts {
  alertId: number;
  territoryName: string;
  priority: Priority;
  firstName?: string | null;
  birthYear?: number | null;
  postcode?: string | null;
  /** How to call back, or undefined when there is no way. */
  callback?: string;
  mode?: Mode | null;
  helperKind?: string | null;
  place?: string | null;
  /** Whose number the callback is, when someone else answered with the person. */
  callbackWhose?: 'person' | 'typer' | null;
  flagged: DomainResult[];
  /** Domains that could not be assessed. */
  toComplete: Domain[];
  danger?: DangerKind | null;
  unrouted?: boolean;
  /** The person's language, when it is not the coordinators' (they will call in it). */
  language?: string | null;
  /** Set on a re-post: when the alert was first raised. */
  repostSince?: Date;
  now: Date;
}

/** "3 h", "2 j": how long ago, for coordinators. */
export function ageText(locales: Locales, lang: string, since: Date, now: Date): string {
  const hours = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 3_600_000));
  if (hours < 1) return locales.text(lang, { key: 'coordinators.ageMinutes', vars: { count: Math.max(1, Math.floor((now.getTime() - since.getTime()) / 60_000)) } });
  if (hours < 48) return locales.text(lang, { key: 'coordinators.ageHours', vars: { count: hours } });
  return locales.text(lang, { key: 'coordinators.ageDays', vars: { count: Math.floor(hours / 24) } });
}

const TITLES: Record<Priority, string> = { urgent: 'coordinators.urgentAlert', normal: 'coordinators.newAlert', low: 'coordinators.lowAlert' };

export function renderAlertMessage(locales: Locales, lang: string, a: AlertFacts): string {
  const t = (key: string, vars?: Record<string, string | number>) => locales.text(lang, { key, ...(vars ? { vars } : {}) });
  const reason = (r: Reason) => t(`reason.${r.code}`, r.vars);
  const age = a.birthYear ? t('coordinators.age', { count: a.now.getUTCFullYear() - a.birthYear }) : t('coordinators.ageUnknown');
  const lines = [
    ...(a.repostSince ? [t('coordinators.repost', { age: ageText(locales, lang, a.repostSince, a.now) })] : []),
    t(TITLES[a.priority], { id: a.alertId, territory: a.territoryName }),
    a.firstName ? t('coordinators.person', { name: a.firstName, age }) : t('coordinators.personNoName', { age }),
  ];
  if (a.postcode) lines.push(t('coordinators.postcode', { postcode: a.postcode }));
  if (a.language && a.language !== lang) lines.push(t('coordinators.speaks', { language: locales.text(a.language, { key: 'language.name' }) }));
  if (a.unrouted) lines.push(t('coordinators.unrouted'));
  if (!a.callback) lines.push(t('coordinators.noCallback'));
  else if (a.mode && a.mode !== 'self' && a.callbackWhose) lines.push(t('coordinators.callbackWithWhose', { how: a.callback, whose: t(`coordinators.callbackWhose.${a.callbackWhose}`) }));
  else lines.push(t('coordinators.callback', { how: a.callback }));
  if (a.mode === 'helper' && a.helperKind) {
    lines.push(t('coordinators.answeredByHelper', { kind: t(`helperKind.${a.helperKind}`), place: a.place ? ` – ${a.place}` : '' }));
  } else if (a.mode) lines.push(t('coordinators.answeredBy', { mode: t(`coordinators.mode.${a.mode}`) }));
  if (a.danger) lines.push(t(`coordinators.${a.danger}`));
  if (a.flagged.length > 0) {
    lines.push(t('coordinators.domains'));
    for (const r of a.flagged) lines.push(t('coordinators.domainLine', { domain: t(`domain.${r.domain}`), reasons: r.reasons.map(reason).join(', ') }));
  }
  if (a.toComplete.length > 0) lines.push(t('coordinators.toComplete', { domains: a.toComplete.map((d) => t(`domain.${d}`)).join(', ') }));
  lines.push(t('coordinators.howToTake', { id: a.alertId }));
  return lines.join('\n');
}
