/** Posting an alert to its territory's coordinators: first post, urgent, update, and re-posts. */
import type { DomainResult, Mode, Reason } from '../../flows/step1/types.js';
import type { Tx } from '../db/database.js';
import type { Locales } from '../i18n/index.js';
import { enqueue } from '../outbox/outbox.js';
import { renderAlertMessage } from './alertMessage.js';
import type { AlertRouter, Territory } from './alertRouter.js';

export interface AlertPostDeps {
  locales: Locales;
  router: AlertRouter;
  coordinatorLanguage: string;
  /** TERRITORY_NAME, for the single territory configured without a file. */
  territoryName?: string;
}

export type PostKind = 'new' | 'urgent' | 'domains' | 'repost';

export function territoryOf(deps: AlertPostDeps, territoryId: string, postcode?: string | null): Territory {
  return deps.router.byId(territoryId) ?? deps.router.route(postcode);
}

export function territoryLabel(deps: AlertPostDeps, territory: Territory, lang: string, forCoordinators: boolean): string {
  return (
    territory.name ??
    deps.territoryName ??
    deps.locales.text(lang, { key: forCoordinators ? 'territory.defaultForCoordinators' : 'territory.default' })
  );
}

function callbackOf(deps: AlertPostDeps, lang: string, channel: string, address: string, phone: string | null | undefined): string {
  const t = (key: string, vars?: Record<string, string>) => deps.locales.text(lang, { key, ...(vars ? { vars } : {}) });
  if (phone) return t('coordinators.via.phone', { number: phone });
  const wa = /^(\d+)@c\.us$/.exec(address);
  if (channel === 'whatsapp' && wa) return t('coordinators.via.whatsapp', { number: `+${wa[1]}` });
  if (channel === 'whatsapp') return t('coordinators.via.whatsappId');
  return t(`coordinators.via.${channel}`);
}

/** Queues the alert's message to every coordinators' group of its territory; `seq` makes re-posts unique. */
export async function postAlert(tx: Tx, deps: AlertPostDeps, alertId: number, kind: PostKind, now: Date): Promise<void> {
  const alert = await tx.alert.findUniqueOrThrow({
    where: { id: alertId },
    include: { person: true, contact: true, screening: { include: { results: true } } },
  });
  const territory = territoryOf(deps, alert.territoryId, alert.person?.postcode);
  const lang = deps.coordinatorLanguage;
  const flagged: DomainResult[] = (alert.screening?.results ?? [])
    .filter((r) => r.status === 'alert')
    .map((r) => ({ domain: r.domain as DomainResult['domain'], status: 'alert', reasons: JSON.parse(r.reasons) as Reason[] }));
  const text = renderAlertMessage(deps.locales, lang, {
    alertId,
    territoryName: territoryLabel(deps, territory, lang, true),
    priority: alert.priority as 'normal' | 'urgent',
    firstName: alert.person?.firstName ?? null,
    birthYear: alert.person?.birthYear ?? null,
    postcode: alert.person?.postcode ?? null,
    callback: callbackOf(deps, lang, alert.contact.channel, alert.contact.address, alert.person?.phone),
    mode: (alert.screening?.mode as Mode | undefined) ?? null,
    flagged,
    distress: alert.priority === 'urgent',
    unrouted: alert.unrouted,
    repostSince: kind === 'repost' ? alert.createdAt : undefined,
    now,
  });
  const seq = alert.postCount + 1;
  for (const target of territory.targets) {
    await enqueue(tx, {
      key: `alert:${alertId}:${kind}:${seq}:${target.channel}:${target.address}`,
      channel: target.channel,
      address: target.address,
      audience: 'coordinators',
      message: { text },
      // Replying "pris" to this message takes the alert: the reply quotes it.
      ref: `alert:${alertId}`,
      notBefore: now,
    });
  }
  await tx.alert.update({ where: { id: alertId }, data: { lastPostedAt: now, postCount: seq } });
}
