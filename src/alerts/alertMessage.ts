/** The message posted to coordinators for a new alert, in the coordinators' language. */
import type { DomainResult, Mode, Reason } from '../../flows/step1/types.js';
import type { Locales } from '../i18n/index.js';

export interface AlertFacts {
  alertId: number;
  territoryName: string;
  priority: 'normal' | 'urgent';
  firstName?: string | null;
  birthYear?: number | null;
  postcode?: string | null;
  callback: string;
  mode?: Mode | null;
  flagged: DomainResult[];
  distress: boolean;
  now: Date;
}

export function renderAlertMessage(locales: Locales, lang: string, a: AlertFacts): string {
  const t = (key: string, vars?: Record<string, string | number>) => locales.text(lang, { key, ...(vars ? { vars } : {}) });
  const reason = (r: Reason) => t(`reason.${r.code}`, r.vars);
  const age = a.birthYear ? t('coordinators.age', { count: a.now.getUTCFullYear() - a.birthYear }) : t('coordinators.ageUnknown');
  const lines = [
    t(a.priority === 'urgent' ? 'coordinators.urgentAlert' : 'coordinators.newAlert', { id: a.alertId, territory: a.territoryName }),
    a.firstName ? t('coordinators.person', { name: a.firstName, age }) : t('coordinators.personNoName', { age }),
  ];
  if (a.postcode) lines.push(t('coordinators.postcode', { postcode: a.postcode }));
  lines.push(t('coordinators.callback', { how: a.callback }));
  if (a.mode) lines.push(t('coordinators.answeredBy', { mode: t(`coordinators.mode.${a.mode}`) }));
  if (a.distress) lines.push(t('coordinators.distress'));
  if (a.flagged.length > 0) {
    lines.push(t('coordinators.domains'));
    for (const r of a.flagged) lines.push(t('coordinators.domainLine', { domain: t(`domain.${r.domain}`), reasons: r.reasons.map(reason).join(', ') }));
  }
  lines.push(t('coordinators.howToTake', { id: a.alertId }));
  return lines.join('\n');
}
