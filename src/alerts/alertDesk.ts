/**
 * Coordinators act on alerts: from their territory's group (take, close, list, write to the person,
 * Step 2, transfer, GP sheet, overdue re-screens) or, for the alerts they took, from their own chat
 * with the bot. Every change is recorded (who, when) and confirmed where it was asked.
 */
import { DateTime, Duration } from 'luxon';
import { parseCoordinatorCommand, type AppointmentInput, type CoordinatorCommand, type Usage } from '../../flows/coordinators/commands.js';
import { normalize } from '../../flows/step1/text.js';
import type { InboundMessage } from '../channels/types.js';
import { sqlOf, type Tx } from '../db/database.js';
import { coordinatorOf } from '../engine/hotPath.js';
import type { Alert, Contact } from '../generated/prisma/client.js';
import { enqueue } from '../outbox/outbox.js';
import { formatDayDate } from '../reminders/schedule.js';
import { ageText, outcomesList, shortDate } from './alertMessage.js';
import { postAlert, sendDetails, territoryLabel, territoryOf, type AlertPostDeps } from './alertPosts.js';
import type { CoordinatorTarget } from './alertRouter.js';
import { gpSheetOf } from './gpSheetOf.js';
import { overdueList } from './overdue.js';

type Vars = Record<string, string | number>;

/** Who opens the web workspace: a coordinator and the territories of the group they asked from. */
export interface WebIdentity {
  channel: string;
  address: string;
  name: string;
  territories: string[];
}

export interface DeskDeps extends AlertPostDeps {
  clock: () => Date;
  /** Creates a one-use login link to the web workspace; absent when the workspace is off. */
  webLink?: (tx: Tx, who: WebIdentity, now: Date) => Promise<string>;
  /** RESCREEN_INTERVAL, for the overdue re-screens. */
  rescreenInterval: string;
}

/** Where a command came from and where its answer goes. */
interface Origin {
  channel: string;
  /** Where the reply goes: the group, or the coordinator's own chat. */
  replyTo: string;
  /** The coordinator's own chat address (their sender id in a group). */
  sender: string;
  by: string;
  /** The territories of the group; empty in a private chat. */
  territories: string[];
  isPrivate: boolean;
  /** From the web workspace: acts with the session's territories; the group is told of changes. */
  web?: boolean;
  contactId?: string;
  key: string;
}

export class AlertDesk {
  constructor(private readonly deps: DeskDeps) {}

  /** The territories whose coordinators' group (or escalation group) this is. */
  territoriesOf(channel: string, group: string): string[] {
    const has = (targets: CoordinatorTarget[]) => targets.some((g) => g.channel === channel && g.address === group);
    return this.deps.router
      .all()
      .filter((t) => has(t.targets) || has(t.escalationTargets))
      .map((t) => t.id);
  }

  /** Handles one group message inside the engine's transaction. */
  async handle(tx: Tx, message: InboundMessage, contactId: string): Promise<void> {
    if (message.content.kind !== 'text' || !message.group) return;
    const territories = this.territoriesOf(message.channel, message.address);
    if (territories.length === 0) return;
    const command = parseCoordinatorCommand(message.content.text, this.deps.locales.lexicons, message.group.quotedId !== undefined);
    if (!command) return;
    const now = this.deps.clock();
    const seen = await tx.coordinator.upsert({
      where: { channel_address: { channel: message.channel, address: message.group.senderId } },
      create: { channel: message.channel, address: message.group.senderId, name: message.group.senderName ?? null, lastSeenAt: now },
      update: { lastSeenAt: now, ...(message.group.senderName ? { name: message.group.senderName } : {}) },
    });
    // WhatsApp gives no name with every message: the one seen before.
    const by = message.group.senderName ?? seen.name ?? message.group.senderId;
    const origin: Origin = {
      channel: message.channel,
      replyTo: message.address,
      sender: message.group.senderId,
      by,
      territories,
      isPrivate: false,
      contactId,
      key: `desk:${message.channel}:${message.externalId}`,
    };
    const reply = command.type === 'takeQuoted' ? await this.takeQuoted(tx, message, origin) : await this.apply(tx, command, origin);
    await this.say(tx, origin, reply);
  }

  /**
   * A message in a coordinator's own chat with the bot. Their commands ("/…") are handled here and
   * true is returned; anything else (they may also try the questionnaire) goes to the flow.
   */
  async handlePrivate(tx: Tx, message: InboundMessage, contact: Contact): Promise<boolean> {
    if (message.content.kind !== 'text' || message.group) return false;
    // Asked for every person's message: a statement prepared once.
    const known = coordinatorOf(sqlOf(tx), message.channel, message.address);
    if (!known) return false;
    if (!known.privateChat) await tx.coordinator.update({ where: { id: known.id }, data: { privateChat: true } });
    const command = parseCoordinatorCommand(message.content.text, this.deps.locales.lexicons, false);
    if (!command || command.type === 'takeQuoted') return false;
    const origin: Origin = {
      channel: message.channel,
      replyTo: message.address,
      sender: message.address,
      by: known.name ?? message.address,
      territories: [],
      isPrivate: true,
      contactId: contact.id,
      key: `desk:${message.channel}:${message.externalId}`,
    };
    await this.say(tx, origin, await this.apply(tx, command, origin));
    return true;
  }

  /**
   * An action from the web workspace, doing exactly what the group command does; returns the
   * confirmation shown on the page (the group is told of takes, closes and transfers).
   */
  async fromWeb(tx: Tx, command: CoordinatorCommand, who: WebIdentity, key: string): Promise<string> {
    return this.apply(tx, command, { channel: who.channel, replyTo: who.address, sender: who.address, by: who.name, territories: who.territories, isPrivate: false, web: true, key });
  }

  private async say(tx: Tx, origin: Origin, text: string): Promise<void> {
    await enqueue(tx, {
      key: origin.key,
      channel: origin.channel,
      address: origin.replyTo,
      audience: 'coordinators',
      ...(origin.contactId ? { contactId: origin.contactId } : {}),
      message: { text },
      notBefore: this.deps.clock(),
    });
  }

  private t(key: string, vars?: Vars): string {
    return this.deps.locales.text(this.deps.coordinatorLanguage, { key, ...(vars ? { vars } : {}) });
  }

  /** The alert if this origin may act on it: its territory's group, or the coordinator who took it. */
  private async find(tx: Tx, id: number, origin: Origin): Promise<Alert | undefined> {
    const alert = await tx.alert.findUnique({ where: { id } });
    if (!alert) return undefined;
    if (!origin.isPrivate) return origin.territories.includes(alert.territoryId) ? alert : undefined;
    return alert.takerChannel === origin.channel && alert.takerAddress === origin.sender ? alert : undefined;
  }

  /** The coordinator's own chat, if the bot can write there (Telegram: only once they wrote to it). */
  private async ownChat(tx: Tx, origin: Origin): Promise<CoordinatorTarget | undefined> {
    if (origin.isPrivate) return { channel: origin.channel, address: origin.replyTo };
    if (origin.channel !== 'telegram') return { channel: origin.channel, address: origin.sender };
    const contact = await tx.contact.findUnique({ where: { channel_address: { channel: origin.channel, address: origin.sender } } });
    return contact && !contact.blockedAt ? { channel: origin.channel, address: origin.sender } : undefined;
  }

  /** The command's word in the coordinators' language ("fiche" / "sheet"). */
  private verb(v: 'details' | 'sheet' | 'web' | 'overdue' | 'open'): string {
    return this.deps.locales.lexicons[this.deps.coordinatorLanguage]!.coordinatorCommands[v][0]!;
  }

  /** How to open a private chat with the bot (Telegram), then what to write: "/details 12", "/web". */
  private openPrivately(next: string): string {
    return this.deps.botUsername ? this.t('desk.openPrivateChat', { bot: this.deps.botUsername, next }) : this.t('desk.openPrivateChatNoName', { next });
  }

  private usage(of: Usage): string {
    return this.t(`desk.usage.${of}`, { outcomes: outcomesList(this.deps.locales, this.deps.coordinatorLanguage) });
  }

  private async takeQuoted(tx: Tx, message: InboundMessage, origin: Origin): Promise<string> {
    const post = await tx.outboxMessage.findFirst({
      where: { channel: message.channel, address: message.address, externalId: message.group!.quotedId!, ref: { startsWith: 'alert:' } },
    });
    if (!post) return this.t('desk.noQuote');
    return this.apply(tx, { type: 'take', alertId: Number(post.ref!.slice('alert:'.length)) }, origin);
  }

  private async apply(tx: Tx, command: CoordinatorCommand, origin: Origin): Promise<string> {
    const now = this.deps.clock();
    switch (command.type) {
      case 'help':
      case 'takeQuoted':
        return this.t(origin.isPrivate ? 'desk.helpPrivate' : 'desk.help', { outcomes: outcomesList(this.deps.locales, this.deps.coordinatorLanguage) });
      case 'start':
        return this.t(origin.isPrivate ? 'desk.privateReady' : 'desk.help', { outcomes: outcomesList(this.deps.locales, this.deps.coordinatorLanguage) });
      case 'usage':
        return this.usage(command.of);
      case 'noSuchAlert':
        return this.t('desk.unknownAlert', { id: command.given });
      case 'open':
        return this.openList(tx, origin.isPrivate ? { takerChannel: origin.channel, takerAddress: origin.sender } : { territoryId: { in: origin.territories } }, now, undefined, command.page);
      case 'overdue':
        return this.overdue(tx, origin, now);
      case 'web':
        return this.webLink(tx, origin, now);
      case 'take':
        return this.take(tx, command.alertId, origin, now);
    }
    const alert = await this.find(tx, command.alertId, origin);
    if (!alert) return this.t(origin.isPrivate ? 'desk.notYours' : 'desk.unknownAlert', { id: command.alertId });
    switch (command.type) {
      case 'details': {
        if (this.deps.details === 'group' && !origin.isPrivate) {
          await sendDetails(tx, this.deps, alert.id, { channel: origin.channel, address: origin.replyTo }, `${origin.key}:details`, now);
          return this.t('desk.detailsAbove', { id: alert.id });
        }
        if (!origin.isPrivate && !(alert.takerChannel === origin.channel && alert.takerAddress === origin.sender)) return this.t('desk.detailsTakerOnly', { id: alert.id });
        const to = await this.ownChat(tx, origin);
        if (!to) return this.openPrivately(`/${this.verb('details')} ${alert.id}`);
        await sendDetails(tx, this.deps, alert.id, to, `${origin.key}:details`, now);
        return origin.isPrivate ? this.t('desk.detailsAbove', { id: alert.id }) : this.t('desk.detailsSent', { id: alert.id });
      }
      case 'close':
        return this.close(tx, alert, command, origin, now);
      case 'write':
        return this.write(tx, alert, command.text, origin, now);
      case 'step2':
        return this.step2(tx, alert, command.when, command.place, origin, now);
      case 'transfer':
        return this.transfer(tx, alert, command.territory, origin, now);
      case 'sheet':
        return this.sheet(tx, alert, command.toPerson, origin, now);
    }
  }

  private async take(tx: Tx, id: number, origin: Origin, now: Date): Promise<string> {
    if (origin.isPrivate) return this.t('desk.takeInGroup');
    const alert = await this.find(tx, id, origin);
    if (!alert) return this.t('desk.unknownAlert', { id });
    if (alert.status === 'closed') return this.t('desk.alreadyClosed', { id, outcome: this.t(`desk.outcome.${alert.outcome}`) });
    if (alert.status === 'taken') {
      return this.t('desk.alreadyTaken', { id, by: alert.takenBy ?? '?', age: ageText(this.deps.locales, this.deps.coordinatorLanguage, alert.takenAt ?? now, now) });
    }
    await tx.alert.update({ where: { id }, data: { status: 'taken', takenAt: now, takenBy: origin.by, takerChannel: origin.channel, takerAddress: origin.sender } });
    const waited = ageText(this.deps.locales, this.deps.coordinatorLanguage, alert.createdAt, now);
    if (origin.web) {
      const text = this.t('desk.taken', { id, by: origin.by, waited });
      await this.toGroups(tx, alert, `${origin.key}:group`, text, now);
      return text;
    }
    if (this.deps.details === 'group') return this.t('desk.taken', { id, by: origin.by, waited });
    const to = await this.ownChat(tx, origin);
    if (!to) return `${this.t('desk.taken', { id, by: origin.by, waited })}\n${this.openPrivately(`/${this.verb('details')} ${id}`)}`;
    await sendDetails(tx, this.deps, id, to, `${origin.key}:details`, now);
    return this.t('desk.takenDetailsSent', { id, by: origin.by, waited });
  }

  private async close(tx: Tx, alert: Alert, command: Extract<CoordinatorCommand, { type: 'close' }>, origin: Origin, now: Date): Promise<string> {
    if (alert.status === 'closed') return this.t('desk.alreadyClosed', { id: alert.id, outcome: this.t(`desk.outcome.${alert.outcome}`) });
    await tx.alert.update({
      where: { id: alert.id },
      data: {
        status: 'closed',
        closedAt: now,
        closedBy: origin.by,
        outcome: command.outcome,
        note: command.note ?? null,
        relayOpen: false,
        // Closing an alert nobody took also records who handled it.
        ...(alert.status === 'new' ? { takenAt: now, takenBy: origin.by, takerChannel: origin.channel, takerAddress: origin.sender } : {}),
      },
    });
    await tx.reminder.updateMany({ where: { alertId: alert.id, status: 'scheduled' }, data: { status: 'cancelled', reason: 'alert closed', doneAt: now } });
    const text = this.t('desk.closed', { id: alert.id, by: origin.by, outcome: this.t(`desk.outcome.${command.outcome}`), age: ageText(this.deps.locales, this.deps.coordinatorLanguage, alert.createdAt, now) });
    // Closed from a private chat or the web: the group knows too.
    if (origin.isPrivate || origin.web) await this.toGroups(tx, alert, `${origin.key}:group`, text, now);
    return text;
  }

  private async toGroups(tx: Tx, alert: Alert, key: string, text: string, now: Date): Promise<void> {
    for (const g of territoryOf(this.deps, alert.territoryId).targets) {
      await enqueue(tx, { key: `${key}:${g.channel}:${g.address}`, channel: g.channel, address: g.address, audience: 'coordinators', message: { text }, notBefore: now });
    }
  }

  /** A message to the person, introduced as coming from their team; their replies come back (see `fromPerson`). */
  private async write(tx: Tx, alert: Alert, text: string, origin: Origin, now: Date): Promise<string> {
    if (alert.status === 'closed') return this.t('desk.writeClosed', { id: alert.id });
    const contact = await tx.contact.findUnique({ where: { id: alert.contactId } });
    if (!contact || contact.blockedAt) return this.t('desk.writeUnreachable', { id: alert.id });
    const person = alert.personId ? await tx.person.findUnique({ where: { id: alert.personId } }) : null;
    const territory = territoryOf(this.deps, alert.territoryId, person?.postcode);
    const lang = contact.language;
    await enqueue(tx, {
      key: `${origin.key}:write`,
      channel: contact.channel,
      address: contact.address,
      audience: 'contact',
      contactId: contact.id,
      message: { text: this.deps.locales.text(lang, { key: 'relay.fromTeam', vars: { team: territoryLabel(this.deps, territory, lang, false), text } }) },
      notBefore: now,
    });
    await tx.alertMessage.create({ data: { alertId: alert.id, direction: 'toPerson', text, by: origin.by, at: now } });
    // Not taken by writing: until someone takes it, the person's replies go to the group.
    await tx.alert.update({ where: { id: alert.id }, data: { relayOpen: true } });
    return this.t('desk.written', { id: alert.id });
  }

  /** The person answered while a coordinator's message is open: to the taker, or to the group if nobody took it. */
  async fromPerson(tx: Tx, alert: Alert, contact: Contact, text: string, key: string, now: Date): Promise<void> {
    await tx.alertMessage.create({ data: { alertId: alert.id, direction: 'fromPerson', text, at: now } });
    await this.relayBoth(tx, alert, contact, `${key}:relay`, this.t('desk.personReplied', { id: alert.id, text }), 'relay.forwarded', now);
  }

  /** The person wrote "stop" to the team's messages. */
  async endRelay(tx: Tx, alert: Alert, contact: Contact, key: string, now: Date): Promise<void> {
    await tx.alert.update({ where: { id: alert.id }, data: { relayOpen: false } });
    await tx.alertMessage.create({ data: { alertId: alert.id, direction: 'fromPerson', text: '[stop]', at: now } });
    await this.relayBoth(tx, alert, contact, `${key}:relayEnd`, this.t('desk.relayEnded', { id: alert.id }), 'relay.stopped', now);
  }

  /** `toTeam` to the taker (or the group if nobody took it), and a short acknowledgement to the person. */
  private async relayBoth(tx: Tx, alert: Alert, contact: Contact, key: string, toTeam: string, personKey: string, now: Date): Promise<void> {
    const targets: CoordinatorTarget[] =
      alert.takerChannel && alert.takerAddress ? [{ channel: alert.takerChannel, address: alert.takerAddress }] : territoryOf(this.deps, alert.territoryId).targets;
    for (const to of targets) {
      await enqueue(tx, { key: `${key}:${to.channel}:${to.address}`, channel: to.channel, address: to.address, audience: 'coordinators', aboutContactId: contact.id, message: { text: toTeam }, notBefore: now });
    }
    await enqueue(tx, {
      key: `${key}:person`,
      channel: contact.channel,
      address: contact.address,
      audience: 'contact',
      contactId: contact.id,
      message: { text: this.deps.locales.text(contact.language, { key: personKey }) },
      notBefore: now,
    });
  }

  private async step2(tx: Tx, alert: Alert, when: AppointmentInput, place: string | undefined, origin: Origin, now: Date): Promise<string> {
    if (alert.status === 'closed') return this.t('desk.alreadyClosed', { id: alert.id, outcome: this.t(`desk.outcome.${alert.outcome}`) });
    const contact = await tx.contact.findUniqueOrThrow({ where: { id: alert.contactId } });
    const person = alert.personId ? await tx.person.findUnique({ where: { id: alert.personId } }) : null;
    const zone = person?.timeZone ?? this.deps.timeZone;
    const today = DateTime.fromJSDate(now, { zone });
    let at = DateTime.fromObject({ year: when.year ?? today.year, month: when.month, day: when.day, hour: when.hour ?? 0, minute: when.minute ?? 0 }, { zone });
    // "28/01" written in December is next January.
    if (when.year === undefined && at < today.startOf('day')) at = at.plus({ years: 1 });
    if (!at.isValid || at < today.startOf('day')) return this.t('desk.step2Past');
    const hasTime = when.hour !== undefined;
    await tx.alert.update({
      where: { id: alert.id },
      data: {
        step2At: at.toJSDate(),
        step2Place: place ?? null,
        ...(alert.status === 'new' ? { status: 'taken', takenAt: now, takenBy: origin.by, takerChannel: origin.channel, takerAddress: origin.sender } : {}),
      },
    });
    const lang = contact.language;
    const day = formatDayDate(at.toJSDate(), lang, zone);
    const time = hasTime ? at.setLocale(lang).toLocaleString(DateTime.TIME_SIMPLE) : '';
    const vars = { date: day, time, place: place ?? '' };
    const announce = (k: string) => this.deps.locales.text(lang, { key: k, vars });
    const key = hasTime ? (place ? 'step2.announceTimePlace' : 'step2.announceTime') : place ? 'step2.announcePlace' : 'step2.announce';
    await enqueue(tx, { key: `${origin.key}:step2`, channel: contact.channel, address: contact.address, audience: 'contact', contactId: contact.id, message: { text: announce(key) }, notBefore: now });
    // Reminded the day before, at 10:00 its time (the sending window still applies); a new date replaces the old reminder.
    await tx.reminder.updateMany({ where: { alertId: alert.id, kind: 'step2', status: 'scheduled' }, data: { status: 'cancelled', reason: 'rescheduled', doneAt: now } });
    const dayBefore = at.minus({ days: 1 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    if (dayBefore > today) {
      await tx.reminder.create({ data: { contactId: contact.id, personId: alert.personId, kind: 'step2', alertId: alert.id, dueAt: dayBefore.toJSDate() } });
    }
    return this.t('desk.step2Recorded', { id: alert.id, date: shortDate(this.deps.coordinatorLanguage, at.toJSDate(), zone), time, place: place ?? '' });
  }

  private async transfer(tx: Tx, alert: Alert, to: string, origin: Origin, now: Date): Promise<string> {
    if (alert.status === 'closed') return this.t('desk.alreadyClosed', { id: alert.id, outcome: this.t(`desk.outcome.${alert.outcome}`) });
    const wanted = normalize(to);
    const target = this.deps.router.all().find((t) => normalize(t.id) === wanted || (t.name && normalize(t.name) === wanted));
    if (!target) return this.t('desk.noSuchTerritory', { name: to.slice(0, 60), list: this.deps.router.all().map((t) => t.id).join(', ') });
    if (target.id === alert.territoryId) return this.t('desk.sameTerritory', { id: alert.id });
    const from = territoryOf(this.deps, alert.territoryId);
    const fromLabel = territoryLabel(this.deps, from, this.deps.coordinatorLanguage, true);
    await tx.alert.update({
      where: { id: alert.id },
      data: { territoryId: target.id, transferredFrom: fromLabel, unrouted: false, status: 'new', takenAt: null, takenBy: null, takerChannel: null, takerAddress: null, escalatedAt: null },
    });
    // The screening counts for the new territory in the figures too.
    if (alert.screeningId) await tx.screening.update({ where: { id: alert.screeningId }, data: { territoryId: target.id } });
    await postAlert(tx, this.deps, alert.id, 'transfer', now);
    const text = this.t('desk.transferred', { id: alert.id, to: territoryLabel(this.deps, target, this.deps.coordinatorLanguage, true), by: origin.by });
    if (origin.isPrivate || origin.web) await this.toGroups(tx, { ...alert, territoryId: from.id }, `${origin.key}:group`, text, now);
    return text;
  }

  /** The one-page sheet for the GP: to the coordinator's own chat, or to the person to show their doctor. */
  private async sheet(tx: Tx, alert: Alert, toPerson: boolean, origin: Origin, now: Date): Promise<string> {
    if (!alert.screeningId) return this.t('desk.sheetNoScreening', { id: alert.id });
    if (toPerson) {
      const contact = await tx.contact.findUniqueOrThrow({ where: { id: alert.contactId } });
      if (contact.blockedAt) return this.t('desk.writeUnreachable', { id: alert.id });
      const doc = await gpSheetOf(tx, this.deps, alert.screeningId, contact.language);
      await enqueue(tx, {
        key: `${origin.key}:sheet`,
        channel: contact.channel,
        address: contact.address,
        audience: 'contact',
        contactId: contact.id,
        message: { text: this.deps.locales.text(contact.language, { key: 'relay.sheetForPerson' }), document: doc },
        notBefore: now,
      });
      return this.t('desk.sheetSentToPerson', { id: alert.id });
    }
    const to = await this.ownChat(tx, origin);
    if (!to) return this.openPrivately(`/${this.verb('sheet')} ${alert.id}`);
    const doc = await gpSheetOf(tx, this.deps, alert.screeningId, this.deps.coordinatorLanguage);
    await enqueue(tx, {
      key: `${origin.key}:sheet`,
      channel: to.channel,
      address: to.address,
      audience: 'coordinators',
      aboutContactId: alert.contactId,
      message: { text: this.t('desk.sheetCaption', { id: alert.id }), document: doc },
      notBefore: now,
    });
    return origin.isPrivate ? this.t('desk.sheetAbove', { id: alert.id }) : this.t('desk.sheetSent', { id: alert.id });
  }

  /** `/web`: a one-use link, sent privately, to the workspace of this group's territories. */
  private async webLink(tx: Tx, origin: Origin, now: Date): Promise<string> {
    if (origin.isPrivate || origin.web) return this.t('desk.webInGroup');
    if (!this.deps.webLink) return this.t('desk.webOff');
    const to = await this.ownChat(tx, origin);
    if (!to) return this.openPrivately(`/${this.verb('web')}`);
    const url = await this.deps.webLink(tx, { channel: origin.channel, address: origin.sender, name: origin.by, territories: origin.territories }, now);
    await enqueue(tx, { key: `${origin.key}:web`, channel: to.channel, address: to.address, audience: 'coordinators', message: { text: this.t('desk.webLink', { url }) }, notBefore: now });
    return this.t('desk.webSent');
  }

  private async overdue(tx: Tx, origin: Origin, now: Date): Promise<string> {
    if (origin.isPrivate) return this.t('desk.overdueInGroup');
    const list = await overdueList(tx, this.deps, origin.territories, now);
    if (list.length === 0) return this.t('desk.overdueNone');
    const text = [this.t('desk.overdueTitle', { count: list.length }), ...list, this.t('desk.overdueFooter')].join('\n');
    if (this.deps.details === 'group') return text;
    const to = await this.ownChat(tx, origin);
    if (!to) return `${this.t('desk.overdueCount', { count: list.length })}\n${this.openPrivately(`/${this.verb('overdue')}`)}`;
    await enqueue(tx, { key: `${origin.key}:overdue`, channel: to.channel, address: to.address, audience: 'coordinators', message: { text }, notBefore: now });
    return this.t('desk.overdueSent', { count: list.length });
  }

  /**
   * Open alerts matching `where`: the ones past their delay to take first, then oldest first, with
   * their waits; `page` (from 1) gives OPEN_PAGE of them and how to see the next (the round-up lists all).
   */
  async openList(tx: Tx, where: Record<string, unknown>, now: Date, title?: string, page?: number): Promise<string> {
    const open = { ...where, status: { in: ['new', 'taken'] } };
    // Past its territory's delay to take: listed first. Counted and paged in the database (a big
    // network may have thousands open), oldest first within each part.
    const known = this.deps.router.all().map((t) => t.id);
    const cutoff = (territoryId: string) => new Date(now.getTime() - takeWithinMs(this.deps, territoryId));
    const late = {
      status: 'new',
      OR: [...known.map((territoryId) => ({ territoryId, createdAt: { lte: cutoff(territoryId) } })), { territoryId: { notIn: known }, createdAt: { lte: cutoff('') } }],
    };
    const total = await tx.alert.count({ where: open });
    if (total === 0) return title ? '' : this.t('desk.noneOpen');
    const pages = Math.ceil(total / OPEN_PAGE);
    if (page !== undefined && page > pages) return this.t('desk.openNoSuchPage', { page, pages });
    const skip = page === undefined ? 0 : (page - 1) * OPEN_PAGE;
    const take = page === undefined ? total : OPEN_PAGE;
    const lateCount = await tx.alert.count({ where: { ...where, ...late } });
    const order = [{ createdAt: 'asc' as const }, { id: 'asc' as const }];
    const lateRows = skip < lateCount ? await tx.alert.findMany({ where: { ...where, ...late }, orderBy: order, skip, take }) : [];
    const otherRows = lateRows.length < take ? await tx.alert.findMany({ where: { ...open, NOT: late }, orderBy: order, skip: Math.max(0, skip - lateCount), take: take - lateRows.length }) : [];
    const lateIds = new Set(lateRows.map((a) => a.id));
    const sorted = [...lateRows, ...otherRows];
    const lang = this.deps.coordinatorLanguage;
    const age = (since: Date, until = now) => ageText(this.deps.locales, lang, since, until);
    const verb = `/${this.verb('open')}`;
    const footer = page === undefined || pages === 1 ? [] : [page < pages ? this.t('desk.openPage', { page, pages, next: `${verb} ${page + 1}` }) : this.t('desk.openPageLast', { page, pages })];
    return [
      title ?? this.t('desk.openTitle', { count: total }),
      ...sorted.map((a) =>
        this.t('desk.openLine', {
          id: a.id,
          priority: this.t(a.priority === 'urgent' ? 'desk.priorityUrgent' : a.priority === 'low' ? 'desk.priorityLow' : 'desk.priorityNormal'),
          age: age(a.createdAt),
          status:
            a.status === 'taken'
              ? this.t('desk.statusTaken', { by: a.takenBy ?? '?', after: age(a.createdAt, a.takenAt ?? now) }) + (a.step2At ? this.t('desk.statusStep2', { date: shortDate(lang, a.step2At, this.deps.timeZone) }) : '')
              : lateIds.has(a.id)
                ? this.t('desk.statusLate')
                : this.t('desk.statusNew'),
        }),
      ),
      ...footer,
    ].join('\n');
  }
}

/** Open alerts shown per page of /ouvertes: about 2,000 characters, well under a message's limit. */
const OPEN_PAGE = 20;

/** The territory's delay to take, in milliseconds. */
export function takeWithinMs(deps: AlertPostDeps, territoryId: string): number {
  return Duration.fromISO(territoryOf(deps, territoryId).takeWithin).toMillis();
}
