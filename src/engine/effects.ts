/** Writes what one turn of the flow decided: records, alerts and outgoing messages, inside one transaction. */
import type { Effect } from '../../flows/step1/types.js';
import { CONSENT_VERSION } from '../../flows/step1/types.js';
import { channelShowsNumber, postAlert, postPhoneUpdate, postWithdrawal, territoryLabel, type AlertPostDeps } from '../alerts/alertPosts.js';
import type { AlertRouter } from '../alerts/alertRouter.js';
import { sqlOf, type Tx } from '../db/database.js';
import * as rows from './screeningRows.js';
import type { Contact } from '../generated/prisma/client.js';
import type { Locales } from '../i18n/index.js';
import { enqueue, enqueueDelete } from '../outbox/outbox.js';
import { cancelReminders, scheduleInactivity, scheduleRescreen, type ReminderSettings } from '../reminders/reminders.js';
import { Duration } from 'luxon';
import { formatDate } from '../reminders/schedule.js';
import type { Place, Renderer } from './render.js';

export interface EffectContext {
  tx: Tx;
  contact: Contact;
  /** Prefix of this turn's outbox keys: unique per inbound message. */
  keyPrefix: string;
  now: Date;
  timeZone: string;
  locales: Locales;
  renderer: Renderer;
  router: AlertRouter;
  /** How alerts are posted and worded for coordinators. */
  alerts: AlertPostDeps;
  reminders: ReminderSettings;
  /** 1 when this turn was started by a timer (a reminder), not by the person: sent after replies. */
  priority: number;
}

type Of<T extends Effect['type']> = Extract<Effect, { type: T }>;

export async function applyEffects(ctx: EffectContext, effects: Effect[]): Promise<void> {
  let lang = ctx.contact.language;
  for (const [i, effect] of effects.entries()) {
    const key = `${ctx.keyPrefix}:${i}`;
    switch (effect.type) {
      case 'reply':
        await enqueue(ctx.tx, {
          key,
          channel: ctx.contact.channel,
          address: ctx.contact.address,
          audience: 'contact',
          contactId: ctx.contact.id,
          message: ctx.renderer.reply(lang, effect, await placeOf(ctx, effect, lang), ctx.contact.channel),
          ...(effect.ref ? { ref: effect.ref } : {}),
          notBefore: ctx.now,
          priority: ctx.priority,
        });
        break;
      case 'hide':
        await enqueueDelete(ctx.tx, key, ctx.contact.id, effect.ref, ctx.now);
        break;
      case 'languageChanged':
        lang = effect.lang;
        sqlOf(ctx.tx).run(rows.contactLanguage, { id: ctx.contact.id, language: lang, now: new Date() });
        break;
      case 'screeningStarted':
        await startScreening(ctx, effect);
        break;
      case 'personUpdated': {
        const { personId, type: _t, ...fields } = effect;
        rows.updatePerson(sqlOf(ctx.tx), personId, fields);
        break;
      }
      case 'callbackPhone':
        await recordPhone(ctx, effect);
        break;
      case 'personConsent':
        rows.updatePerson(sqlOf(ctx.tx), effect.personId, { consentAt: new Date(effect.at), consentVersion: CONSENT_VERSION, consentBy: effect.by });
        break;
      case 'personDeclined': {
        // The person does not agree: nothing about them is kept (a person already known keeps their earlier screenings).
        await ctx.tx.screening.deleteMany({ where: { id: effect.screeningId } });
        const left = await ctx.tx.screening.count({ where: { personId: effect.personId } });
        if (left === 0) await ctx.tx.person.deleteMany({ where: { id: effect.personId } });
        await cancelReminders(ctx.tx, { contactId: ctx.contact.id, kind: { in: ['nudge', 'expire'] } }, 'declined', ctx.now);
        break;
      }
      case 'helperUpdated':
        await ctx.tx.contact.update({
          where: { id: ctx.contact.id },
          data: { ...(effect.kind ? { helperKind: effect.kind } : {}), ...(effect.place ? { lastPlace: effect.place } : {}) },
        });
        break;
      case 'feedback':
        sqlOf(ctx.tx).run(rows.screeningClarity, { id: effect.screeningId, clarity: effect.clarity });
        break;
      case 'sessionSummary':
        await sessionSummary(ctx, effect.sessionId, lang, key);
        break;
      case 'answer':
        // A finished screening is never answered again (the flow guarantees it; this makes sure).
        if (!sqlOf(ctx.tx).get(rows.screeningOpen, { id: effect.screeningId })) break;
        sqlOf(ctx.tx).run(rows.answerInsert, {
          screeningId: effect.screeningId,
          item: effect.item,
          rawText: effect.raw ?? null,
          value: JSON.stringify(effect.value),
          askedAt: new Date(effect.askedAt),
          answeredAt: new Date(effect.answeredAt),
        });
        break;
      case 'completed':
        await complete(ctx, effect, lang, key);
        break;
      case 'abandoned':
        sqlOf(ctx.tx).run(rows.screeningAbandoned, { id: effect.screeningId, at: new Date(effect.at) });
        break;
      case 'urgent':
        await raiseUrgent(ctx, effect);
        break;
      case 'erase':
        await erase(ctx);
        break;
      case 'snooze':
        if (effect.personId) {
          await scheduleRescreen(ctx.tx, ctx.reminders, {
            contactId: ctx.contact.id,
            personId: effect.personId,
            from: ctx.now,
            interval: ctx.reminders.snooze,
            timeZone: ctx.timeZone,
            now: ctx.now,
          });
        }
        break;
      case 'optOut':
        await ctx.tx.contact.update({ where: { id: ctx.contact.id }, data: { optedOutAt: ctx.now } });
        await cancelReminders(ctx.tx, { contactId: ctx.contact.id }, 'opted_out', ctx.now);
        break;
    }
  }
}

async function startScreening(ctx: EffectContext, e: Of<'screeningStarted'>): Promise<void> {
  const sql = sqlOf(ctx.tx);
  const at = new Date(e.at);
  // In self mode the consent just given is the person's own; someone screened by another person
  // gives theirs at the personConsent step.
  const self = e.mode === 'self';
  if (e.newPerson) {
    sql.run(rows.personInsert, {
      id: e.personId,
      contactId: ctx.contact.id,
      timeZone: ctx.timeZone,
      consentAt: self ? at : null,
      consentVersion: self ? e.consentVersion : null,
      consentBy: self ? 'self' : null,
      now: new Date(),
    });
  } else if (self) {
    sql.run(rows.personOwnConsent, { id: e.personId, consentAt: at, consentVersion: e.consentVersion, now: new Date() });
  }
  sql.run(rows.contactScreeningsAbandoned, { contactId: ctx.contact.id, at });
  await scheduleInactivity(ctx.tx, ctx.reminders, { contactId: ctx.contact.id, screeningId: e.screeningId, now: ctx.now, timeZone: ctx.timeZone });
  sql.run(rows.screeningInsert, {
    id: e.screeningId,
    personId: e.personId,
    contactId: ctx.contact.id,
    channel: ctx.contact.channel,
    kind: e.kind,
    mode: e.mode,
    questionnaireVersion: e.questionnaireVersion,
    wordSet: e.wordSet,
    startedAt: at,
    helperKind: e.helperKind ?? null,
    place: e.place ?? null,
    sessionId: e.sessionId ?? null,
    // Where the person came from, on their first screening.
    source: e.newPerson ? (ctx.contact.source ?? null) : null,
  });
}


/**
 * The person asked for everything to be forgotten: persons, screenings, answers, results, alerts,
 * reminders, their callback number, and the text of every message sent to them or about them. The
 * coordinators' groups are told which alerts were withdrawn, with no detail.
 */
async function erase(ctx: EffectContext): Promise<void> {
  const contactId = ctx.contact.id;
  const alerts = await ctx.tx.alert.findMany({ where: { contactId }, select: { id: true, territoryId: true } });
  for (const alert of alerts) await postWithdrawal(ctx.tx, postDeps(ctx), alert, ctx.keyPrefix, ctx.now);
  await ctx.tx.alert.deleteMany({ where: { contactId } });
  await ctx.tx.screening.deleteMany({ where: { contactId } });
  await ctx.tx.person.deleteMany({ where: { contactId } });
  await ctx.tx.reminder.deleteMany({ where: { contactId } });
  await ctx.tx.contact.update({ where: { id: contactId }, data: { phone: null } });
  // Sent or not, every text to them or about them goes; unsent ones are not sent.
  const redacted = JSON.stringify({ text: '' });
  const mine = { OR: [{ contactId }, { aboutContactId: contactId }] };
  await ctx.tx.outboxMessage.updateMany({ where: { ...mine, status: { in: ['pending', 'sending'] } }, data: { status: 'dropped', lastError: 'erased on request' } });
  await ctx.tx.outboxMessage.updateMany({ where: mine, data: { payload: redacted } });
}

async function complete(ctx: EffectContext, e: Of<'completed'>, lang: string, key: string): Promise<void> {
  const sql = sqlOf(ctx.tx);
  const completedAt = new Date(e.at);
  // Completed once only.
  const screening = sql.get<{ mode: string }, { id: string; completedAt: Date; weightKg: number | null }>(rows.screeningCompleted, { id: e.screeningId, completedAt, weightKg: e.weightKg ?? null });
  if (!screening) return;
  const person = sql.get<{ firstName: string | null; postcode: string | null; phone: string | null; timeZone: string }, { id: string }>(rows.personForSummary, { id: e.personId });
  for (const r of e.results) {
    sql.run(rows.domainResultInsert, { screeningId: e.screeningId, domain: r.domain, status: r.status, reasons: JSON.stringify(r.reasons) });
  }
  const territory = ctx.router.route(person?.postcode);
  const deps = postDeps(ctx);
  const timeZone = person?.timeZone ?? ctx.timeZone;
  const nextDueAt = await scheduleRescreen(ctx.tx, ctx.reminders, {
    contactId: ctx.contact.id,
    personId: e.personId,
    screeningId: e.screeningId,
    from: new Date(e.at),
    timeZone,
    now: ctx.now,
  });
  await cancelReminders(ctx.tx, { contactId: ctx.contact.id, kind: { in: ['nudge', 'expire'] } }, 'completed', ctx.now);
  sql.run(rows.screeningNextDue, { id: e.screeningId, nextDueAt, territoryId: territory.id });
  sql.run(rows.earlierRescreened, { personId: e.personId, at: completedAt });
  // Doing a new screening after "stop" means they are back: the summary announces the next one.
  if (ctx.contact.optedOutAt) sql.run(rows.contactBack, { id: ctx.contact.id, now: new Date() });
  await enqueue(ctx.tx, {
    key: `${key}:summary`,
    channel: ctx.contact.channel,
    address: ctx.contact.address,
    audience: 'contact',
    contactId: ctx.contact.id,
    message: ctx.renderer.summary(lang, {
      results: e.results,
      firstName: person?.firstName ?? null,
      forSomeoneElse: screening.mode !== 'self',
      territoryName: territoryLabel(deps, territory, lang, false, screening.mode !== 'self'),
      // With someone else's own number, the team calls them; otherwise the one who typed.
      callsPerson: screening.mode !== 'self' && !!person?.phone,
      hasCoordinators: territory.targets.length > 0,
      canBeCalled: canBeCalled(ctx.contact, person),
      ...(territory.phone ? { territoryPhone: territory.phone } : {}),
      moodFlagged: e.moodFlagged,
      nextDate: formatDate(nextDueAt, lang, timeZone),
      ...(territory.callbackWithin ? { callbackWithin: Duration.fromISO(territory.callbackWithin).reconfigure({ locale: lang }).toHuman().replace(/[\u00a0\u202f]/g, ' ') } : {}),
      busy: territory.busyAbove !== undefined && (await ctx.tx.alert.count({ where: { territoryId: territory.id, status: { in: ['new', 'taken'] } } })) > territory.busyAbove,
      resources: e.results.filter((r) => r.status === 'alert').flatMap((r) => territory.resources[r.domain] ?? []),
    }),
    notBefore: ctx.now,
  });
  const flagged = e.results.filter((r) => r.status === 'alert');
  const toComplete = e.results.filter((r) => r.status === 'not_assessed');
  // Domains that could not be assessed reach coordinators too: alone, as a low-priority alert.
  if (flagged.length === 0 && toComplete.length === 0) return;
  const existing = await ctx.tx.alert.findUnique({ where: { screeningId: e.screeningId } });
  const fields = { domains: JSON.stringify(flagged.map((r) => r.domain)), toComplete: JSON.stringify(toComplete.map((r) => r.domain)) };
  const alert = existing
    ? await ctx.tx.alert.update({ where: { id: existing.id }, data: fields })
    : await ctx.tx.alert.create({
        data: {
          contactId: ctx.contact.id,
          personId: e.personId,
          screeningId: e.screeningId,
          ...fields,
          priority: flagged.length > 0 ? 'normal' : 'low',
          callbackPhone: callbackNumber(ctx.contact, person),
          callbackWhose: person?.phone ? 'person' : ctx.contact.phone ? 'typer' : null,
          territoryId: territory.id,
          unrouted: territory.unrouted ?? false,
          createdAt: ctx.now,
        },
      });
  await postAlert(ctx.tx, deps, alert.id, existing ? 'domains' : 'new', ctx.now);
}

/** A number the person gave to be called back on (the person's, else the contact's own). */
function callbackNumber(contact: Contact, person: { phone: string | null } | null | undefined): string | null {
  return person?.phone ?? contact.phone ?? null;
}

/**
 * A callback number was given: kept on the person (their own number) or on the chat account (the
 * typing person's), and added to the open alerts that had none, coordinators told whose it is. An
 * empty number with whose 'typer' means the number the channel shows (WhatsApp).
 */
async function recordPhone(ctx: EffectContext, e: Of<'callbackPhone'>): Promise<void> {
  // "My number" on WhatsApp: the number its chat shows, kept as the one this person chose.
  const shown = /^(\d+)@c\.us$/.exec(ctx.contact.address);
  if (!e.phone && e.whose === 'typer' && ctx.contact.channel === 'whatsapp' && shown) e = { ...e, phone: `+${shown[1]}` };
  if (e.phone && e.whose === 'person' && e.personId) await ctx.tx.person.update({ where: { id: e.personId }, data: { phone: e.phone } });
  else if (e.phone) {
    // Kept on this message's contact too: the alert raised just after reads it.
    ctx.contact = await ctx.tx.contact.update({ where: { id: ctx.contact.id }, data: { phone: e.phone } });
  }
  const open = await ctx.tx.alert.findMany({ where: { contactId: ctx.contact.id, status: { not: 'closed' }, callbackPhone: null } });
  for (const alert of open) {
    await ctx.tx.alert.update({ where: { id: alert.id }, data: { callbackPhone: e.phone || null, callbackWhose: e.whose } });
    if (e.phone) await postPhoneUpdate(ctx.tx, postDeps(ctx), alert.id, ctx.now);
  }
}

/** The count of a helper's screening day: done, and how many with something to look at. */
async function sessionSummary(ctx: EffectContext, sessionId: string, lang: string, key: string): Promise<void> {
  const screenings = await ctx.tx.screening.findMany({ where: { sessionId, contactId: ctx.contact.id, status: 'completed' }, select: { alert: { select: { priority: true } } } });
  const withAlert = screenings.filter((s) => s.alert && s.alert.priority !== 'low').length;
  await enqueue(ctx.tx, {
    key: `${key}:session`,
    channel: ctx.contact.channel,
    address: ctx.contact.address,
    audience: 'contact',
    contactId: ctx.contact.id,
    message: { text: ctx.renderer.text(lang, { key: 'flow.sessionSummary', vars: { count: screenings.length, alerts: withAlert } }) },
    notBefore: ctx.now,
  });
}

/** The person's local team, looked up only for the texts that name it. */
async function placeOf(ctx: EffectContext, reply: Of<'reply'>, lang: string): Promise<Place | undefined> {
  if (!reply.parts.some((p) => p.key.startsWith('safety.'))) return undefined;
  const person = await ctx.tx.person.findFirst({ where: { contactId: ctx.contact.id, postcode: { not: null } }, orderBy: { updatedAt: 'desc' } });
  const territory = ctx.router.route(person?.postcode);
  return {
    name: territoryLabel(postDeps(ctx), territory, lang, false),
    ...(territory.phone ? { phone: territory.phone } : {}),
    hasTeam: territory.targets.length > 0,
  };
}

function postDeps(ctx: EffectContext): AlertPostDeps {
  return ctx.alerts;
}

/**
 * Words of danger: one open urgent alert per screening (or per contact outside a screening). A
 * physical emergency after words of distress is told again: the category changed.
 */
/** A new message of danger on an alert already posted: posted again when the last post is this old. */
const DANGER_REPOST_AFTER_MS = 5 * 60_000;

async function raiseUrgent(ctx: EffectContext, e: Of<'urgent'>): Promise<void> {
  const open = { status: { not: 'closed' } };
  const existing = e.screeningId
    ? await ctx.tx.alert.findUnique({ where: { screeningId: e.screeningId } })
    : await ctx.tx.alert.findFirst({ where: { contactId: ctx.contact.id, screeningId: null, priority: 'urgent', ...open } });
  const known = existing && existing.priority === 'urgent' && existing.status !== 'closed';
  if (known && (existing.danger === e.kind || existing.danger === 'emergency')) {
    // Coordinators know; words of danger written again after a while are posted again, not lost in a thread.
    const since = existing.lastPostedAt ? ctx.now.getTime() - existing.lastPostedAt.getTime() : Infinity;
    if (since >= DANGER_REPOST_AFTER_MS) await postAlert(ctx.tx, postDeps(ctx), existing.id, 'urgent', ctx.now);
    return;
  }
  const person = e.personId ? await ctx.tx.person.findUnique({ where: { id: e.personId } }) : null;
  const territory = ctx.router.route(person?.postcode);
  const alert = existing
    ? await ctx.tx.alert.update({
        where: { id: existing.id },
        data: { priority: 'urgent', danger: e.kind, status: 'new', closedAt: null, closedBy: null, outcome: null },
      })
    : await ctx.tx.alert.create({
        data: {
          contactId: ctx.contact.id,
          personId: e.personId ?? null,
          screeningId: e.screeningId ?? null,
          domains: JSON.stringify([]),
          priority: 'urgent',
          danger: e.kind,
          callbackPhone: callbackNumber(ctx.contact, person),
          territoryId: territory.id,
          unrouted: territory.unrouted ?? false,
          createdAt: ctx.now,
        },
      });
  await postAlert(ctx.tx, postDeps(ctx), alert.id, 'urgent', ctx.now);
}

/** Whether coordinators have a way to call: a number given, or a channel that shows one. */
function canBeCalled(contact: Contact, person: { phone: string | null } | null | undefined): boolean {
  return !!callbackNumber(contact, person) || channelShowsNumber(contact.channel, contact.address);
}
