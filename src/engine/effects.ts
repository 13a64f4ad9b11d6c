/** Writes what one turn of the flow decided: records, alerts and outgoing messages, inside one transaction. */
import type { Effect } from '../../flows/step1/types.js';
import { CONSENT_VERSION } from '../../flows/step1/types.js';
import { channelShowsNumber, postAlert, postPhoneUpdate, postWithdrawal, territoryLabel, type AlertPostDeps } from '../alerts/alertPosts.js';
import type { AlertRouter } from '../alerts/alertRouter.js';
import { sqlOf, type Tx } from '../db/database.js';
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
        sqlOf(ctx.tx).run('UPDATE "Contact" SET "language" = ?, "updatedAt" = ? WHERE "id" = ?', lang, new Date(), ctx.contact.id);
        break;
      case 'screeningStarted':
        await startScreening(ctx, effect);
        break;
      case 'personUpdated': {
        const { personId, type: _t, ...fields } = effect;
        updatePerson(ctx, personId, fields);
        break;
      }
      case 'callbackPhone':
        await recordPhone(ctx, effect);
        break;
      case 'personConsent':
        updatePerson(ctx, effect.personId, { consentAt: new Date(effect.at), consentVersion: CONSENT_VERSION, consentBy: effect.by });
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
        sqlOf(ctx.tx).run('UPDATE "Screening" SET "clarity" = ? WHERE "id" = ?', effect.clarity, effect.screeningId);
        break;
      case 'sessionSummary':
        await sessionSummary(ctx, effect.sessionId, lang, key);
        break;
      case 'answer': {
        // A finished screening is never answered again (the flow guarantees it; this makes sure).
        const sql = sqlOf(ctx.tx);
        sql.run(
          'INSERT INTO "Answer" ("screeningId", "item", "rawText", "value", "askedAt", "answeredAt") SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM "Screening" WHERE "id" = ? AND "status" <> \'completed\')',
          effect.screeningId,
          effect.item,
          effect.raw ?? null,
          JSON.stringify(effect.value),
          new Date(effect.askedAt),
          new Date(effect.answeredAt),
          effect.screeningId,
        );
        break;
      }
      case 'completed':
        await complete(ctx, effect, lang, key);
        break;
      case 'abandoned':
        sqlOf(ctx.tx).run('UPDATE "Screening" SET "status" = \'abandoned\', "abandonedAt" = ? WHERE "id" = ? AND "status" = \'started\'', new Date(effect.at), effect.screeningId);
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
  // As Prisma's @default(now()) and @updatedAt: the time of the write.
  const written = new Date();
  // In self mode the consent just given is the person's own; someone screened by another person
  // gives theirs at the personConsent step.
  const self = e.mode === 'self';
  if (e.newPerson) {
    sql.run(
      'INSERT INTO "Person" ("id", "contactId", "timeZone", "consentAt", "consentVersion", "consentBy", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      e.personId,
      ctx.contact.id,
      ctx.timeZone,
      self ? at : null,
      self ? e.consentVersion : null,
      self ? 'self' : null,
      written,
      written,
    );
  } else if (self) {
    sql.run(
      'UPDATE "Person" SET "consentAt" = ?, "consentVersion" = ?, "consentBy" = \'self\', "updatedAt" = ? WHERE "id" = ? AND ("consentVersion" IS NULL OR "consentVersion" <> ?)',
      at,
      e.consentVersion,
      written,
      e.personId,
      e.consentVersion,
    );
  }
  // Whatever this contact left unfinished is over: a new screening starts.
  sql.run('UPDATE "Screening" SET "status" = \'abandoned\', "abandonedAt" = ? WHERE "contactId" = ? AND "status" = \'started\'', at, ctx.contact.id);
  await scheduleInactivity(ctx.tx, ctx.reminders, { contactId: ctx.contact.id, screeningId: e.screeningId, now: ctx.now, timeZone: ctx.timeZone });
  sql.run(
    `INSERT INTO "Screening" ("id", "personId", "contactId", "channel", "kind", "mode", "questionnaireVersion", "wordSet", "status", "startedAt", "helperKind", "place", "sessionId", "source")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'started', ?, ?, ?, ?, ?)`,
    e.screeningId,
    e.personId,
    ctx.contact.id,
    ctx.contact.channel,
    e.kind,
    e.mode,
    e.questionnaireVersion,
    e.wordSet,
    at,
    e.helperKind ?? null,
    e.place ?? null,
    e.sessionId ?? null,
    // Where the person came from, on their first screening.
    e.newPerson ? (ctx.contact.source ?? null) : null,
  );
}

/** The columns of Person an effect may set (names checked here: they are written into the statement). */
const PERSON_FIELDS = new Set(['firstName', 'birthYear', 'postcode', 'hasGp', 'gpName', 'consentAt', 'consentVersion', 'consentBy']);

function updatePerson(ctx: EffectContext, personId: string, fields: Record<string, unknown>): void {
  const columns = Object.keys(fields).filter((k) => fields[k] !== undefined);
  for (const c of columns) if (!PERSON_FIELDS.has(c)) throw new Error(`updatePerson: unknown field ${c}`);
  // One statement per set of fields, prepared once.
  sqlOf(ctx.tx).run(
    `UPDATE "Person" SET ${columns.map((c) => `"${c}" = ?, `).join('')}"updatedAt" = ? WHERE "id" = ?`,
    ...columns.map((c) => fields[c] ?? null),
    new Date(),
    personId,
  );
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
  const screening = sql.get<{ mode: string }>(
    'UPDATE "Screening" SET "status" = \'completed\', "completedAt" = ?, "weightKg" = ? WHERE "id" = ? AND "status" <> \'completed\' RETURNING "mode"',
    completedAt,
    e.weightKg ?? null,
    e.screeningId,
  );
  if (!screening) return;
  const person = sql.get<{ firstName: string | null; postcode: string | null; phone: string | null; timeZone: string }>(
    'SELECT "firstName", "postcode", "phone", "timeZone" FROM "Person" WHERE "id" = ?',
    e.personId,
  );
  for (const r of e.results) {
    sql.run('INSERT INTO "DomainResult" ("screeningId", "domain", "status", "reasons") VALUES (?, ?, ?, ?)', e.screeningId, r.domain, r.status, JSON.stringify(r.reasons));
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
  sql.run('UPDATE "Screening" SET "nextDueAt" = ?, "territoryId" = ? WHERE "id" = ?', nextDueAt, territory.id, e.screeningId);
  // Dates are stored as ISO text in UTC: compared as text, in time order.
  sql.run(
    'UPDATE "Screening" SET "rescreenedAt" = ? WHERE "personId" = ? AND "status" = \'completed\' AND "rescreenedAt" IS NULL AND "completedAt" < ?',
    completedAt,
    e.personId,
    completedAt,
  );
  // Doing a new screening after "stop" means they are back: the summary announces the next one.
  if (ctx.contact.optedOutAt) sql.run('UPDATE "Contact" SET "optedOutAt" = NULL, "updatedAt" = ? WHERE "id" = ?', new Date(), ctx.contact.id);
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
