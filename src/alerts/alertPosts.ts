/** Posting an alert to its territory's coordinators: first post, urgent, update, and re-posts. */
import type { DangerKind, Domain, DomainResult, Mode, Reason } from '../../flows/step1/types.js';
import type { Tx } from '../db/database.js';
import type { Locales } from '../i18n/index.js';
import { enqueue } from '../outbox/outbox.js';
import { renderAlertMessage, type Priority } from './alertMessage.js';
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

/** The territory's name; unnamed: "secteur par défaut" for coordinators, "l'équipe de santé de votre (son) secteur" for people. */
export function territoryLabel(deps: AlertPostDeps, territory: Territory, lang: string, forCoordinators: boolean, aboutSomeoneElse = false): string {
  const unnamed = forCoordinators ? 'territory.defaultForCoordinators' : aboutSomeoneElse ? 'territory.defaultOther' : 'territory.default';
  return territory.name ?? deps.territoryName ?? deps.locales.text(lang, { key: unnamed });
}

/** WhatsApp shows the number of a …@c.us sender; a …@lid sender, Telegram and the terminal show none. */
export function channelShowsNumber(channel: string, address: string): boolean {
  return channel === 'whatsapp' && /^\d+@c\.us$/.test(address);
}

/** How coordinators can call back, or undefined when they cannot. */
function callbackOf(deps: AlertPostDeps, lang: string, channel: string, address: string, phone: string | null | undefined): string | undefined {
  const t = (key: string, vars?: Record<string, string>) => deps.locales.text(lang, { key, ...(vars ? { vars } : {}) });
  if (phone) return t('coordinators.via.phone', { number: phone });
  const wa = /^(\d+)@c\.us$/.exec(address);
  if (channel === 'whatsapp' && wa) return t('coordinators.via.whatsapp', { number: `+${wa[1]}` });
  return undefined;
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
  const callback = callbackOf(deps, lang, alert.contact.channel, alert.contact.address, alert.callbackPhone ?? alert.person?.phone ?? alert.contact.phone);
  const text = renderAlertMessage(deps.locales, lang, {
    alertId,
    territoryName: territoryLabel(deps, territory, lang, true),
    priority: alert.priority as Priority,
    firstName: alert.person?.firstName ?? null,
    birthYear: alert.person?.birthYear ?? null,
    postcode: alert.person?.postcode ?? null,
    language: alert.contact.language,
    ...(callback ? { callback } : {}),
    mode: (alert.screening?.mode as Mode | undefined) ?? null,
    helperKind: alert.screening?.helperKind ?? null,
    place: alert.screening?.place ?? null,
    callbackWhose: (alert.callbackWhose as 'person' | 'typer' | null) ?? null,
    flagged,
    toComplete: JSON.parse(alert.toComplete) as Domain[],
    danger: alert.danger as DangerKind | null,
    unrouted: alert.unrouted,
    repostSince: kind === 'repost' ? alert.createdAt : undefined,
    now,
  });
  const seq = alert.postCount + 1;
  await toTerritory(tx, territory, alert.contactId, `alert:${alertId}:${kind}:${seq}`, text, now, `alert:${alertId}`);
  await tx.alert.update({ where: { id: alertId }, data: { lastPostedAt: now, postCount: seq } });
}

/** One message to every coordinators' group of a territory, linked to the contact it is about. */
async function toTerritory(tx: Tx, territory: Territory, aboutContactId: string, key: string, text: string, now: Date, ref?: string): Promise<void> {
  for (const target of territory.targets) {
    await enqueue(tx, {
      key: `${key}:${target.channel}:${target.address}`,
      channel: target.channel,
      address: target.address,
      audience: 'coordinators',
      aboutContactId,
      message: { text },
      // Replying "pris" to this message takes the alert: the reply quotes it.
      ...(ref ? { ref } : {}),
      notBefore: now,
    });
  }
}

/** The person gave a number to call back after the alert was posted. */
export async function postPhoneUpdate(tx: Tx, deps: AlertPostDeps, alertId: number, now: Date): Promise<void> {
  const alert = await tx.alert.findUniqueOrThrow({ where: { id: alertId }, include: { person: true } });
  const territory = territoryOf(deps, alert.territoryId, alert.person?.postcode);
  const text = deps.locales.text(deps.coordinatorLanguage, { key: 'coordinators.phoneAdded', vars: { id: alertId, phone: alert.callbackPhone ?? '' } });
  await toTerritory(tx, territory, alert.contactId, `alert:${alertId}:phone:${now.getTime()}`, text, now, `alert:${alertId}`);
}

/**
 * The person erased their data: the groups are told that the alert is withdrawn, with no detail. Not
 * linked to the contact (it holds nothing personal), so it is not erased with them.
 */
export async function postWithdrawal(tx: Tx, deps: AlertPostDeps, alert: { id: number; territoryId: string }, keyPrefix: string, now: Date): Promise<void> {
  const territory = territoryOf(deps, alert.territoryId);
  const text = deps.locales.text(deps.coordinatorLanguage, { key: 'coordinators.withdrawn', vars: { id: alert.id } });
  for (const target of territory.targets) {
    await enqueue(tx, {
      key: `${keyPrefix}:withdrawn:${alert.id}:${target.channel}:${target.address}`,
      channel: target.channel,
      address: target.address,
      audience: 'coordinators',
      message: { text },
      notBefore: now,
    });
  }
}
