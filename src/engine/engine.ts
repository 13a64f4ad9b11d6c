/**
 * One inbound message → deduplicate → load the contact's conversation → one flow turn → in one
 * transaction: snapshot, records, alerts, outbox rows → then wake the dispatcher.
 * Messages of one contact are handled one at a time; different contacts concurrently.
 */
import type { Logger } from 'pino';
import type { Step1Machine } from '../../flows/step1/step1Machine.js';
import type { FlowEvent, InputEvent, Mode } from '../../flows/step1/types.js';
import type { AlertDesk } from '../alerts/alertDesk.js';
import type { AlertRouter } from '../alerts/alertRouter.js';
import type { InboundMessage } from '../channels/types.js';
import { sqlOf, unavailableReason, type Database, type Tx } from '../db/database.js';
import { statement, writeOrder } from '../db/sql.js';
import { conversationOf, hasOpenRelay, inboundHandled, knownPersonsOf, markHandled, saveConversation, upsertContact } from './hotPath.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Locales } from '../i18n/index.js';
import type { Contact, Conversation } from '../generated/prisma/client.js';
import { enqueue } from '../outbox/outbox.js';
import { cancelReminders, pushInactivity, type ReminderSettings } from '../reminders/reminders.js';
import { allOf } from '../../flows/step1/lexicon.js';
import { readDanger } from '../../flows/step1/reading/danger.js';
import { equalsPhrase, normalize } from '../../flows/step1/text.js';
import { applyEffects } from './effects.js';
import { runFlow } from './flowRunner.js';
import { KeyedQueue } from './keyedQueue.js';
import { addDuration, formatDayDate } from '../reminders/schedule.js';
import { DateTime } from 'luxon';
import { channelShowsNumber, type AlertPostDeps } from '../alerts/alertPosts.js';
import type { Renderer } from './render.js';

export interface EngineDeps {
  db: Database;
  machine: Step1Machine;
  locales: Locales;
  renderer: Renderer;
  router: AlertRouter;
  desk: AlertDesk;
  logger: Logger;
  clock: () => Date;
  newId: () => string;
  defaultLanguage: string;
  defaultTimeZone: string;
  coordinatorLanguage: string;
  alerts: AlertPostDeps;
  reminders: ReminderSettings;
  /** How to ask for a phone number when a callback is needed on this channel and address, if at all. */
  askPhone: (channel: string, address: string) => 'button' | 'typed' | undefined;
  /** CALLBACK_PHONE=ask: callback numbers may be asked for. */
  callbacksEnabled: boolean;
  /** When this engine started: a chair-rise timer running across a restart is not trusted. */
  startedAt: () => Date;
  /** Called after each commit that may have queued messages. */
  onCommitted: () => void;
  /** How long to wait before the n-th retry while the database is unavailable (0-based). */
  retryDelayMs?: (attempt: number) => number;
}

export type HandleResult = 'processed' | 'duplicate' | 'stale' | 'failed';

/** Told once the message is safely recorded: the platform may be told it arrived. */
export interface Receipt {
  recorded(): void;
}

/** The engine is stopping: a message waiting for the database was not recorded (or not handled). */
export class StoppingError extends Error {
  constructor() {
    super('stopping: not recorded');
  }
}

type Recorded = { channel: string; externalId: string; kind: string; receivedAt: Date; now: Date; payload: string };
const inboundInsert = statement<Recorded>((db, p) =>
  db
    .insertInto('InboundMessage')
    .values({ channel: p.channel, externalId: p.externalId, kind: p.kind, receivedAt: p.receivedAt, recordedAt: p.now, payload: p.payload })
    .onConflict((oc) => oc.doNothing()),
);
/** Recorded and not handled, in the order they were recorded. */
const waitingInbound = statement((db, _p, dialect) => db.selectFrom('InboundMessage').select('payload').where('processedAt', 'is', null).orderBy(writeOrder(dialect, 'InboundMessage.recordedAt'), 'asc'));

/** Thrown to undo a transaction: the message was handled before. */
class HandledBefore extends Error {}

/** How often at most the nudge and the expiry of one contact move while they chat. */
const PUSH_EVERY_MS = 60_000;

/** States in which a screening is under way (the nudge and the expiry apply). */
const IN_SCREENING = new Set(['asking', 'paused', 'distress', 'choosingLanguage', 'confirmingErase']);

export class Engine {
  private readonly queue = new KeyedQueue();
  private readonly recording = new KeyedQueue();
  private readonly stopping = new AbortController();
  /** When each contact's nudge and expiry were last moved (committed), by the app's clock. */
  private readonly pushedAt = new Map<string, number>();
  private pushEveryMs: number | undefined;

  constructor(private readonly d: EngineDeps) {}

  /**
   * Records the message (retrying while the database is unavailable), tells `receipt` it is safe
   * (the platform may now consider it delivered), then handles it in its contact's turn. Resolves
   * with what became of it.
   */
  async handle(message: InboundMessage, receipt?: Receipt): Promise<HandleResult> {
    const key = contactKey(message.channel, message.address);
    // Recorded in the order they arrived, per contact, even when the database makes them wait.
    const next = await this.recording.run(key, async (): Promise<{ result: HandleResult } | { handling: Promise<HandleResult> }> => {
      // Nothing of this contact's under way: recorded and handled in one transaction (one commit, not
      // two). If that fails for any reason, nothing of it was written: recorded first, as below.
      if (!this.queue.busy(key)) {
        const handled = await this.queue.run(key, () => this.process(message)).catch(() => undefined);
        if (handled !== undefined) {
          receipt?.recorded();
          this.d.onCommitted();
          return { result: handled };
        }
      }
      let recorded: 'new' | 'waiting' | 'handled';
      try {
        recorded = await this.persistently(() => this.record(message));
      } catch (err) {
        if (err instanceof StoppingError) throw err;
        // Not a database outage: a message that cannot even be recorded is given up (not retried
        // forever), and the person is told something went wrong.
        this.d.logger.error({ err, channel: message.channel, externalId: message.externalId }, 'inbound message could not be recorded');
        receipt?.recorded();
        await this.persistently(() => this.apologise(message)).catch(() => undefined);
        return { result: 'failed' };
      }
      receipt?.recorded();
      if (recorded === 'handled') return { result: 'duplicate' };
      // 'waiting': recorded before (a commit reported as failed, a second delivery) and not handled: handled now (once: the handling checks).
      return { handling: this.queue.run(key, () => this.handleRecorded(message)) };
    });
    return 'result' in next ? next.result : next.handling;
  }

  /** Messages recorded but not handled when the process last stopped: handled now, in their order. */
  async resume(): Promise<number> {
    // In the order they were recorded (rowid), whatever the clock said.
    const pending = await this.persistently(() =>
      this.d.db.write((sql) => sql.all<{ payload: string | null }>(waitingInbound)),
    );
    const messages = pending.flatMap((row) => (row.payload ? [revive(row.payload)] : []));
    for (const message of messages) void this.queue.run(contactKey(message.channel, message.address), () => this.handleRecorded(message)).catch(() => undefined);
    return messages.length;
  }

  /** Stops waiting for the database: retries end (what they were for stays recorded, or unconfirmed). */
  stop(): void {
    this.stopping.abort();
  }

  private async handleRecorded(message: InboundMessage): Promise<HandleResult> {
    try {
      const result = await this.persistently(() => this.process(message));
      this.d.onCommitted();
      return result;
    } catch (err) {
      if (err instanceof StoppingError) return 'failed';
      // Logged without the message text or the address: health data stays out of logs.
      this.d.logger.error({ err, channel: message.channel, externalId: message.externalId }, 'inbound message failed');
      await this.persistently(() => this.apologise(message)).catch(() => undefined);
      return 'failed';
    }
  }

  /**
   * Runs `work` until it succeeds or fails for a reason other than the database being unavailable
   * (disk full, locked by another process…), waiting longer after each failure.
   */
  private async persistently<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        if (unavailableReason(err) === undefined) throw err;
        if (this.stopping.signal.aborted) throw new StoppingError();
        this.d.logger.warn({ attempt, reason: unavailableReason(err) }, 'database unavailable: will retry');
        await sleep(this.d.retryDelayMs?.(attempt) ?? Math.min(30_000, 250 * 2 ** attempt), undefined, { signal: this.stopping.signal }).catch(() => undefined);
        if (this.stopping.signal.aborted) throw new StoppingError();
      }
    }
  }

  /** Writes the message as received; false when it was recorded before (a platform's second delivery). */
  private record(message: InboundMessage): Promise<'new' | 'waiting' | 'handled'> {
    // The key decides: a second delivery inserts nothing.
    return this.d.db.write((sql) => {
      const inserted = sql.run(inboundInsert, {
        channel: message.channel,
        externalId: message.externalId,
        kind: message.content.kind,
        receivedAt: message.receivedAt,
        now: this.d.clock(),
        payload: JSON.stringify(message),
      });
      if (inserted === 1) return 'new';
      return inboundHandled(sql, message.channel, message.externalId) ? 'handled' : 'waiting';
    });
  }

  /** Resolves once every message received so far has been handled. */
  async idle(): Promise<void> {
    await this.recording.idle();
    await this.queue.idle();
  }

  private language(hint: string | undefined): string {
    const base = hint?.toLowerCase().split(/[-_]/)[0];
    return base && this.d.locales.languages.includes(base) ? base : this.d.defaultLanguage;
  }

  private async process(message: InboundMessage): Promise<HandleResult> {
    const d = this.d;
    let pushed: { contactId: string; at: number } | undefined;
    let result: HandleResult;
    try {
      result = await d.db.tx(async (tx): Promise<HandleResult> => {
        const sql = sqlOf(tx);
        const contact = upsertContact(sql, {
          channel: message.channel,
          address: message.address,
          language: message.group ? d.coordinatorLanguage : this.language(message.languageHint),
          // As Prisma's @default(now()) and @updatedAt: the time of the write, not the app's clock.
          now: new Date(),
        });
        // Handled: its text is not kept here any more. Handled before (a second delivery): nothing of this is kept.
        if (!markHandled(sql, { channel: message.channel, externalId: message.externalId, kind: message.content.kind, receivedAt: message.receivedAt, contactId: contact.id, now: d.clock() })) {
          throw new HandledBefore();
        }
        if (message.content.kind === 'choice' && message.content.messageId !== undefined) {
          if (await isStale(tx, contact.id, message.content.messageId)) {
            await enqueue(tx, {
              key: `in:${message.channel}:${message.externalId}:stale`,
              channel: contact.channel,
              address: contact.address,
              audience: 'contact',
              contactId: contact.id,
              message: { text: d.locales.text(contact.language, { key: 'common.staleButton' }) },
              notBefore: d.clock(),
            });
            return 'stale';
          }
        }
        if (message.group) {
          // A coordinators' group: commands about alerts, never the questionnaire.
          await d.desk.handle(tx, message, contact.id);
          return 'processed';
        }
        // A coordinator's own chat with the bot: their commands about the alerts they took.
        if (await d.desk.handlePrivate(tx, message, contact)) return 'processed';
        const incoming = message.content.kind === 'text' ? wellFormed(message.content.text) : undefined;
        if (incoming !== undefined && (await this.relayed(tx, contact, incoming, `in:${message.channel}:${message.externalId}`))) return 'processed';
        const persons = knownPersonsOf(sql, contact.id);
        const askPhone = d.askPhone(message.channel, message.address);
        const postcode = persons.find((p) => p.postcode)?.postcode;
        const stored = conversationOf(sql, contact.id);
        const text = message.content.kind === 'text' ? wellFormed(message.content.text) : undefined;
        // A leaflet's link brings a source code ("/start CODE" on Telegram, "… #CODE" on WhatsApp).
        const source = text !== undefined && !contact.source ? sourceCodeOf(text) : undefined;
        if (source) await tx.contact.update({ where: { id: contact.id }, data: { source } });
        const event: InputEvent = {
          type: 'INPUT',
          newIds: { screening: d.newId(), person: d.newId() },
          at: message.receivedAt.toISOString(),
          persons,
          ...(text !== undefined ? { text } : {}),
          ...(message.content.kind === 'choice' ? { choice: message.content.choiceId } : {}),
          ...(message.content.kind === 'media' ? { media: message.content.mediaType } : {}),
          ...(message.content.kind === 'contact' ? { phone: message.content.phone } : {}),
          ...(askPhone ? { askPhone } : {}),
          phoneOnFile: !!contact.phone || persons.some((p) => p.phone),
          teamReachable: d.router.route(postcode).targets.length > 0,
          engineStartedAt: d.startedAt().toISOString(),
          askPhoneEnabled: d.callbacksEnabled,
          numberShown: channelShowsNumber(message.channel, message.address),
          // No conversation yet and no hint from the channel: the language is recognised or asked.
          ...(!stored && !message.languageHint && !message.group ? { languageUnknown: true } : {}),
          ...(contact.helperKind || contact.lastPlace ? { helper: { ...(contact.helperKind ? { kind: contact.helperKind } : {}), ...(contact.lastPlace ? { lastPlace: contact.lastPlace } : {}) } } : {}),
        };
        // They answered: the one retry of a reminder is not needed any more.
        await cancelReminders(tx, { contactId: contact.id, kind: 'rescreen', attempt: 2 }, 'answered', d.clock());
        const state = await this.turn(tx, contact, event, `in:${message.channel}:${message.externalId}`, 0, stored);
        if (IN_SCREENING.has(state) && this.pushDue(contact.id, d.clock())) {
          await pushInactivity(tx, d.reminders, contact.id, d.clock(), d.defaultTimeZone);
          pushed = { contactId: contact.id, at: d.clock().getTime() };
        }
        return 'processed';
      });
    } catch (error) {
      if (error instanceof HandledBefore) return 'duplicate';
      throw error;
    }
    // Known only once committed: a push rolled back does not count.
    if (pushed) this.pushedAt.set(pushed.contactId, pushed.at);
    return result;
  }

  /**
   * The nudge and the expiry move at most once a minute: a person answering question after question
   * does not rewrite them at every message (they come a day and a week after the last activity, to
   * the minute).
   */
  /** Never more than a tenth of the shorter delay (a nudge set to seconds, in a trial, moves at every message); worked out once. */
  private pushEvery(now: Date): number {
    if (this.pushEveryMs === undefined) {
      const delay = (iso: string) => addDuration(now, iso, this.d.defaultTimeZone).getTime() - now.getTime();
      this.pushEveryMs = Math.min(PUSH_EVERY_MS, delay(this.d.reminders.nudgeAfter) / 10, delay(this.d.reminders.abandonAfter) / 10);
    }
    return this.pushEveryMs;
  }

  private pushDue(contactId: string, now: Date): boolean {
    const last = this.pushedAt.get(contactId);
    if (last !== undefined && now.getTime() - last >= 0 && now.getTime() - last < this.pushEvery(now)) return false;
    if (this.pushedAt.size > 10_000) this.pushedAt.clear();
    return true;
  }

  /**
   * A coordinator wrote to this person through the bot and the alert is open: outside a screening,
   * what they write goes back to the coordinator and is not read as an answer ("stop" ends it). Words
   * of danger are also handled by the flow (support numbers, urgent alert): returns false then.
   */
  private async relayed(tx: Tx, contact: Contact, text: string, key: string): Promise<boolean> {
    const d = this.d;
    if (!hasOpenRelay(sqlOf(tx), contact.id)) return false;
    const alert = await tx.alert.findFirst({ where: { contactId: contact.id, relayOpen: true, status: { not: 'closed' } }, orderBy: { id: 'desc' } });
    if (!alert) return false;
    const stored = await tx.conversation.findUnique({ where: { contactId: contact.id } });
    if (stored && inScreening(stored.snapshot)) return false;
    const now = d.clock();
    const words = normalize(text);
    if (equalsPhrase(words, allOf(d.locales.lexicons, (l) => l.relayStop))) {
      await d.desk.endRelay(tx, alert, contact, key, now);
      return true;
    }
    await d.desk.fromPerson(tx, alert, contact, text, key, now);
    return readDanger(text, d.locales.readers) === undefined;
  }

  /** One flow turn for a contact, written with its effects; returns the machine's state after it. */
  private async turn(tx: Tx, contact: Contact, event: FlowEvent, keyPrefix: string, priority: number, known?: Conversation | null): Promise<string> {
    const d = this.d;
    // The caller may have read it already in this transaction.
    const stored = known !== undefined ? known : conversationOf(sqlOf(tx), contact.id);
    const turn = runFlow(d.machine, stored, { lang: contact.language, timeZone: d.defaultTimeZone }, [event]);
    if (turn.restarted) {
      d.logger.warn({ contactId: contact.id }, 'conversation snapshot unusable: flow restarted');
      await tx.screening.updateMany({
        where: { contactId: contact.id, status: 'started' },
        data: { status: 'abandoned', abandonedAt: new Date(event.at) },
      });
    }
    await applyEffects(
      {
        tx,
        contact,
        keyPrefix,
        now: d.clock(),
        timeZone: d.defaultTimeZone,
        locales: d.locales,
        renderer: d.renderer,
        router: d.router,
        alerts: d.alerts,
        reminders: d.reminders,
        priority,
      },
      turn.effects,
    );
    d.logger.debug({ contactId: contact.id, state: turn.state, effects: turn.effects.map((e) => e.type) }, 'flow turn');
    saveConversation(sqlOf(tx), contact.id, turn.machineVersion, turn.snapshot, d.clock());
    return turn.state;
  }

  /**
   * A reminder row fell due: claimed and acted on in one transaction, so two schedulers or a restart
   * never send it twice. Returns false when someone else had it, or it no longer applies.
   */
  fire(reminder: { id: number; contactId: string; contactKey: string }): Promise<boolean> {
    return this.queue.run(reminder.contactKey, async () => {
      const d = this.d;
      const fired = await d.db.tx(async (tx) => {
        const now = d.clock();
        const claimed = await tx.reminder.updateMany({ where: { id: reminder.id, status: 'scheduled' }, data: { status: 'done', doneAt: now, reason: 'sent' } });
        if (claimed.count === 0) return false;
        const row = await tx.reminder.findUniqueOrThrow({ where: { id: reminder.id }, include: { contact: true } });
        const at = now.toISOString();
        let event: FlowEvent;
        if (row.kind === 'rescreen') {
          const person = row.personId ? knownPersonsOf(sqlOf(tx), row.contactId, row.personId)[0] : undefined;
          const last = await tx.screening.findFirst({ where: { personId: row.personId, status: 'completed' }, orderBy: { completedAt: 'desc' } });
          if (!person || !last) {
            await tx.reminder.update({ where: { id: row.id }, data: { status: 'cancelled', reason: 'person gone' } });
            return false;
          }
          event = { type: 'REMIND', at, person, mode: last.mode as Mode };
          // The figures' re-screening funnel: when this screening's reminder first went out.
          if (row.screeningId) await tx.screening.updateMany({ where: { id: row.screeningId, remindedAt: null }, data: { remindedAt: now } });
          if (row.attempt === 1) {
            await tx.reminder.create({
              data: { contactId: row.contactId, personId: row.personId, screeningId: row.screeningId, kind: 'rescreen', attempt: 2, dueAt: addDuration(now, d.reminders.retry, d.defaultTimeZone) },
            });
          }
        } else if (row.kind === 'step2') {
          await this.step2Reminder(tx, row, `reminder:${row.id}`, now);
          return true;
        } else {
          event = { type: row.kind === 'nudge' ? 'NUDGE' : 'EXPIRE', at };
        }
        await this.turn(tx, row.contact, event, `reminder:${row.id}`, 1);
        return true;
      });
      if (fired) d.onCommitted();
      return fired;
    });
  }

  /** The day before a Step 2 appointment: the person is reminded, in their language. */
  private async step2Reminder(tx: Tx, row: { alertId: number | null; contact: Contact }, key: string, now: Date): Promise<void> {
    const alert = row.alertId ? await tx.alert.findUnique({ where: { id: row.alertId }, include: { person: true } }) : null;
    if (!alert?.step2At || alert.status === 'closed' || alert.step2At <= now) return;
    const lang = row.contact.language;
    const zone = alert.person?.timeZone ?? this.d.defaultTimeZone;
    const at = DateTime.fromJSDate(alert.step2At, { zone });
    const hasTime = at.hour !== 0 || at.minute !== 0;
    const vars = { date: formatDayDate(alert.step2At, lang, zone), time: hasTime ? at.setLocale(lang).toLocaleString(DateTime.TIME_SIMPLE) : '', place: alert.step2Place ?? '' };
    const k = hasTime ? (alert.step2Place ? 'step2.reminderTimePlace' : 'step2.reminderTime') : alert.step2Place ? 'step2.reminderPlace' : 'step2.reminder';
    await enqueue(tx, {
      key,
      channel: row.contact.channel,
      address: row.contact.address,
      audience: 'contact',
      contactId: row.contact.id,
      message: { text: this.d.locales.text(lang, { key: k, vars }) },
      notBefore: now,
      priority: 1,
    });
  }

  /** Something went wrong handling the message: the person is told, and the message counts as handled. */
  private async apologise(message: InboundMessage): Promise<void> {
    await this.d.db.tx(async (tx) => {
      const contact = await tx.contact.findUnique({
        where: { channel_address: { channel: message.channel, address: message.address } },
      });
      await tx.inboundMessage.updateMany({
        where: { channel: message.channel, externalId: message.externalId },
        data: { processedAt: this.d.clock(), payload: null, ...(contact ? { contactId: contact.id } : {}) },
      });
      await enqueue(tx, {
        key: `error:${message.channel}:${message.externalId}`,
        channel: message.channel,
        address: message.address,
        audience: 'contact',
        ...(contact ? { contactId: contact.id } : {}),
        message: { text: this.d.locales.text(contact?.language ?? this.d.defaultLanguage, { key: 'common.error' }) },
        notBefore: this.d.clock(),
      });
    });
    this.d.onCommitted();
  }
}

/** The code of a leaflet link: "/start CODE" (Telegram), or "#CODE" in the first message (WhatsApp). */
export function sourceCodeOf(text: string): string | undefined {
  // Telegram's t.me/<bot>?start=<code> arrives as "/start <code>"; a wa.me link's text carries "#<code>".
  const m = /^\/start\s+([A-Za-z0-9_-]{2,64})\s*$/.exec(text.trim()) ?? /(?:^|\s)#([A-Za-z0-9][A-Za-z0-9_-]{1,63})(?=\s|$)/.exec(text);
  return m ? m[1]!.toLowerCase() : undefined;
}

/** Lone UTF-16 surrogates (a cut emoji) replaced, so that the text can be stored and read back. */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** The stored conversation is in the middle of a screening (its answers must reach the flow). */
function inScreening(snapshot: string): boolean {
  try {
    const snap = JSON.parse(snapshot) as { value?: unknown; context?: { screening?: unknown; completed?: boolean } };
    const state = typeof snap.value === 'string' ? snap.value : Object.keys((snap.value as object | undefined) ?? {})[0];
    return !!state && IN_SCREENING.has(state) && !!snap.context?.screening && !snap.context.completed;
  } catch {
    return false;
  }
}

/** A recorded message read back (its date was stored as text). */
function revive(payload: string): InboundMessage {
  const message = JSON.parse(payload) as InboundMessage & { receivedAt: string };
  return { ...message, receivedAt: new Date(message.receivedAt) };
}

/** Messages and timers of one contact take turns on this key. */
export function contactKey(channel: string, address: string): string {
  return `${channel}\u0000${address}`;
}

/** A press on a button of any message but the latest question is stale. */
async function isStale(tx: Tx, contactId: string, messageId: string): Promise<boolean> {
  const latest = await tx.outboxMessage.findFirst({
    where: { contactId, hasChoices: true, status: 'sent' },
    orderBy: { id: 'desc' },
    select: { externalId: true },
  });
  return latest?.externalId !== messageId;
}
