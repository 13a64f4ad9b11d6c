/** Posting an alert to its territory's coordinators: first post, urgent, update, and re-posts. */
import type { Tx } from '../db/database.js';
import type { Locales } from '../i18n/index.js';
import { enqueue } from '../outbox/outbox.js';
import { loadAlertFacts } from './alertFacts.js';
import { renderAlertDetails, renderAlertPost } from './alertMessage.js';
import type { AlertRouter, CoordinatorTarget, Territory } from './alertRouter.js';
import { displayPhone } from './phone.js';

export interface AlertPostDeps {
  locales: Locales;
  router: AlertRouter;
  coordinatorLanguage: string;
  /** TERRITORY_NAME, for the single territory configured without a file. */
  territoryName?: string;
  /** ALERT_DETAILS: 'private' (minimal group posts, details to the taker) or 'group'. */
  details: 'private' | 'group';
  /** COUNTRY: phones are written the national way. */
  country: string;
  timeZone: string;
  /** TELEGRAM_BOT_USERNAME: to tell a coordinator how to open a private chat with the bot. */
  botUsername?: string;
}

export type PostKind = 'new' | 'urgent' | 'domains' | 'repost' | 'escalation' | 'transfer';

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

/** Queues the alert's post to every coordinators' group of its territory (or its escalation groups); `seq` makes re-posts unique. */
export async function postAlert(tx: Tx, deps: AlertPostDeps, alertId: number, kind: PostKind, now: Date): Promise<void> {
  const facts = await loadAlertFacts(tx, deps, alertId);
  const alert = await tx.alert.findUniqueOrThrow({ where: { id: alertId }, include: { person: true } });
  const territory = territoryOf(deps, alert.territoryId, alert.person?.postcode);
  const text = renderAlertPost(deps.locales, deps.coordinatorLanguage, facts, {
    ...(kind === 'repost' || kind === 'escalation' ? { waitingSince: alert.createdAt } : {}),
    escalated: kind === 'escalation',
    transferred: kind === 'transfer',
    detailsInGroup: deps.details === 'group',
    now,
    timeZone: deps.timeZone,
  });
  const seq = alert.postCount + 1;
  const targets = kind === 'escalation' ? territory.escalationTargets : territory.targets;
  await toTargets(tx, targets, alert.contactId, `alert:${alertId}:${kind}:${seq}`, text, now, `alert:${alertId}`);
  // An escalation does not reset the territory's own re-post clock.
  await tx.alert.update({ where: { id: alertId }, data: kind === 'escalation' ? { postCount: seq } : { lastPostedAt: now, postCount: seq } });
}

/** The alert's full details to one coordinator's own chat. */
export async function sendDetails(tx: Tx, deps: AlertPostDeps, alertId: number, to: CoordinatorTarget, key: string, now: Date): Promise<void> {
  const facts = await loadAlertFacts(tx, deps, alertId);
  const alert = await tx.alert.findUniqueOrThrow({ where: { id: alertId }, select: { contactId: true } });
  await enqueue(tx, {
    key,
    channel: to.channel,
    address: to.address,
    audience: 'coordinators',
    aboutContactId: alert.contactId,
    message: { text: renderAlertDetails(deps.locales, deps.coordinatorLanguage, facts, now, deps.timeZone) },
    notBefore: now,
  });
}

/** One message to every coordinators' group of a territory, linked to the contact it is about. */
async function toTargets(tx: Tx, targets: CoordinatorTarget[], aboutContactId: string, key: string, text: string, now: Date, ref?: string): Promise<void> {
  for (const target of targets) {
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
  // Minimal posts: the number goes only to whoever took it; details in the group: to the group.
  const phone = displayPhone(alert.callbackPhone ?? '', deps.country);
  const text = deps.locales.text(deps.coordinatorLanguage, { key: deps.details === 'group' ? 'coordinators.phoneAdded' : 'coordinators.phoneAddedPrivate', vars: { id: alertId, phone } });
  if (deps.details !== 'group' && alert.takerChannel && alert.takerAddress) {
    await toTargets(tx, [{ channel: alert.takerChannel, address: alert.takerAddress }], alert.contactId, `alert:${alertId}:phone:${now.getTime()}`, deps.locales.text(deps.coordinatorLanguage, { key: 'coordinators.phoneAdded', vars: { id: alertId, phone } }), now);
    return;
  }
  await toTargets(tx, territory.targets, alert.contactId, `alert:${alertId}:phone:${now.getTime()}`, text, now, `alert:${alertId}`);
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
