/** Everything coordinators may be told about an alert, read from the database in one place. */
import type { DangerKind, Domain, DomainResult, Mode, Reason } from '../../flows/step1/types.js';
import type { Tx } from '../db/database.js';
import type { Priority } from './alertMessage.js';
import type { Resource } from './alertRouter.js';
import { territoryLabel, territoryOf, type AlertPostDeps } from './alertPosts.js';
import { displayPhone } from './phone.js';

export interface EarlierAlert {
  id: number;
  createdAt: Date;
  status: string;
  outcome: string | null;
}

export interface DomainChange {
  domain: Domain;
  before: string;
  now: string;
}

export interface AlertFacts {
  alertId: number;
  territoryName: string;
  priority: Priority;
  status: string;
  createdAt: Date;
  takenAt?: Date | null;
  takenBy?: string | null;
  firstName?: string | null;
  birthYear?: number | null;
  postcode?: string | null;
  /** How to call back, or undefined when there is no way. */
  callback?: string;
  /** The person can be written to through the bot (`/ecrire`). */
  reachableByBot: boolean;
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
  /** First screening of this person, or a follow-up. */
  kind?: 'initial' | 'follow_up' | null;
  earlier: EarlierAlert[];
  /** Domains whose result differs from the person's previous screening, and its date. */
  changes: DomainChange[];
  previousAt?: Date;
  hasGp?: string | null;
  gpName?: string | null;
  step2At?: Date | null;
  step2Place?: string | null;
  resources: Array<{ domain: Domain; resource: Resource }>;
  transferredFrom?: string | null;
}

/** How coordinators can call back, or undefined when they cannot. */
function callbackOf(deps: AlertPostDeps, lang: string, channel: string, address: string, phone: string | null | undefined): string | undefined {
  const t = (key: string, vars?: Record<string, string>) => deps.locales.text(lang, { key, ...(vars ? { vars } : {}) });
  if (phone) return t('coordinators.via.phone', { number: displayPhone(phone, deps.country) });
  const wa = /^(\d+)@c\.us$/.exec(address);
  if (channel === 'whatsapp' && wa) return t('coordinators.via.whatsapp', { number: displayPhone(`+${wa[1]}`, deps.country) });
  return undefined;
}

export async function loadAlertFacts(tx: Tx, deps: AlertPostDeps, alertId: number): Promise<AlertFacts> {
  const alert = await tx.alert.findUniqueOrThrow({
    where: { id: alertId },
    include: { person: true, contact: true, screening: { include: { results: true } } },
  });
  const territory = territoryOf(deps, alert.territoryId, alert.person?.postcode);
  const lang = deps.coordinatorLanguage;
  const results = alert.screening?.results ?? [];
  const flagged: DomainResult[] = results
    .filter((r) => r.status === 'alert')
    .map((r) => ({ domain: r.domain as Domain, status: 'alert', reasons: JSON.parse(r.reasons) as Reason[] }));
  const callback = callbackOf(deps, lang, alert.contact.channel, alert.contact.address, alert.callbackPhone ?? alert.person?.phone ?? alert.contact.phone);
  const earlier = alert.personId
    ? await tx.alert.findMany({ where: { personId: alert.personId, id: { not: alert.id }, createdAt: { lte: alert.createdAt } }, orderBy: { createdAt: 'asc' } })
    : [];
  // The person's previous completed screening, to say what changed.
  const previous =
    alert.personId && alert.screening?.completedAt
      ? await tx.screening.findFirst({
          where: { personId: alert.personId, status: 'completed', completedAt: { lt: alert.screening.completedAt } },
          orderBy: { completedAt: 'desc' },
          include: { results: true },
        })
      : null;
  const changes: DomainChange[] = [];
  if (previous) {
    for (const r of results) {
      const before = previous.results.find((p) => p.domain === r.domain);
      if (before && before.status !== r.status) changes.push({ domain: r.domain as Domain, before: before.status, now: r.status });
    }
  }
  const resources = flagged.flatMap((r) => (territory.resources[r.domain] ?? []).map((resource) => ({ domain: r.domain, resource })));
  return {
    alertId,
    territoryName: territoryLabel(deps, territory, lang, true),
    priority: alert.priority as Priority,
    status: alert.status,
    createdAt: alert.createdAt,
    takenAt: alert.takenAt,
    takenBy: alert.takenBy,
    firstName: alert.person?.firstName ?? null,
    birthYear: alert.person?.birthYear ?? null,
    postcode: alert.person?.postcode ?? null,
    language: alert.contact.language,
    ...(callback ? { callback } : {}),
    reachableByBot: !alert.contact.blockedAt,
    mode: (alert.screening?.mode as Mode | undefined) ?? null,
    helperKind: alert.screening?.helperKind ?? null,
    place: alert.screening?.place ?? null,
    callbackWhose: (alert.callbackWhose as 'person' | 'typer' | null) ?? null,
    flagged,
    toComplete: JSON.parse(alert.toComplete) as Domain[],
    danger: alert.danger as DangerKind | null,
    unrouted: alert.unrouted,
    kind: (alert.screening?.kind as 'initial' | 'follow_up' | undefined) ?? null,
    earlier: earlier.map((a) => ({ id: a.id, createdAt: a.createdAt, status: a.status, outcome: a.outcome })),
    changes,
    ...(previous?.completedAt ? { previousAt: previous.completedAt } : {}),
    hasGp: alert.person?.hasGp ?? null,
    gpName: alert.person?.gpName ?? null,
    step2At: alert.step2At,
    step2Place: alert.step2Place,
    resources,
    transferredFrom: alert.transferredFrom,
  };
}
