/** An app on a real SQLite file, a recording channel and a controllable clock. */
import { pino } from 'pino';
import { afterEach } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { singleTerritoryRouter, type AlertRouter } from '../../src/alerts/alertRouter.js';
import type { InboundContent } from '../../src/channels/types.js';
import { loadConfig, type Config } from '../../src/config.js';
import { Database } from '../../src/db/database.js';
import { loadLocales } from '../../src/i18n/index.js';
import { freshDbUrl } from './db.js';
import { RecordingChannel } from './recordingChannel.js';

export const locales = loadLocales();
export const COORDINATORS = 'coordinators-group';

export interface HarnessOptions {
  url?: string;
  start?: Date;
  channel?: RecordingChannel;
  env?: Record<string, string>;
  router?: AlertRouter;
  /** Every SQL statement run (query-plan tests). */
  onQuery?: (event: { query: string; params: string }) => void;
}

export class Harness {
  now: Date;
  private seq = 0;
  private ids = 0;

  private constructor(
    readonly db: Database,
    readonly app: App,
    readonly channel: RecordingChannel,
    readonly url: string,
    readonly config: Config,
    start: Date,
  ) {
    this.now = start;
  }

  static async create(o: HarnessOptions = {}): Promise<Harness> {
    const url = o.url ?? freshDbUrl();
    const config = loadConfig({ DATABASE_URL: url, CALLBACK_PHONE: 'never', ALERT_DETAILS: 'group', ...o.env });
    const db = await Database.open(config.DATABASE_URL, o.onQuery ? { onQuery: o.onQuery } : {});
    const channel = o.channel ?? new RecordingChannel();
    let harness: Harness | undefined;
    const app = createApp({
      config,
      db,
      locales,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      channels: [channel],
      router: o.router ?? singleTerritoryRouter({ targets: [{ channel: channel.name, address: COORDINATORS }] }),
      clock: () => harness!.now,
      newId: () => `id-${Date.now().toString(36)}-${++harness!.ids}`,
      healthCacheMs: 0,
    });
    harness = new Harness(db, app, channel, url, config, o.start ?? new Date('2026-11-22T10:00:00Z'));
    return harness;
  }

  /** Sends one message from `address` and delivers what it caused; returns the texts that user received. */
  async say(text: string | InboundContent, address = 'user-1', externalId?: string): Promise<string[]> {
    this.now = new Date(this.now.getTime() + 5000);
    const before = this.channel.to(address).length;
    const content: InboundContent = typeof text === 'string' ? { kind: 'text', text } : text;
    await this.app.engine.handle({
      channel: this.channel.name,
      address,
      externalId: externalId ?? `msg-${this.now.getTime()}-${++this.seq}-${address}`,
      receivedAt: this.now,
      content,
    });
    await this.app.dispatcher.drain();
    return this.channel.to(address).slice(before).map((s) => s.message.text);
  }

  /** Answers the GP question, which must be the question just asked (it comes when an alert will be raised). */
  async answerGp(answer = 'passer', address = 'user-1'): Promise<string[]> {
    const asked = this.last(address);
    if (!/médecin traitant|GP \(/.test(asked)) throw new Error(`the GP question was not asked; last message: ${asked.slice(0, 120)}`);
    return this.say(answer, address);
  }

  /** A message written in a coordinators' group; returns what the bot answered in that group. */
  async group(text: string, groupAddress: string, sender = 'nurse-1', options: { senderName?: string; quotedId?: string } = {}): Promise<string[]> {
    this.now = new Date(this.now.getTime() + 5000);
    const before = this.channel.to(groupAddress).length;
    await this.app.engine.handle({
      channel: this.channel.name,
      address: groupAddress,
      externalId: `grp-${this.now.getTime()}-${++this.seq}`,
      receivedAt: this.now,
      content: { kind: 'text', text },
      group: { senderId: sender, ...(options.senderName ? { senderName: options.senderName } : {}), ...(options.quotedId ? { quotedId: options.quotedId } : {}) },
    });
    await this.app.dispatcher.drain();
    return this.channel.to(groupAddress).slice(before).map((s) => s.message.text);
  }

  /** Moves the clock, runs the alert follow-up, delivers; returns the number of messages it queued. */
  async advance(ms: number): Promise<number> {
    this.now = new Date(this.now.getTime() + ms);
    const queued = await this.app.followUp.tick();
    await this.app.dispatcher.drain();
    return queued;
  }

  /** Moves the clock, fires due reminders, delivers; returns how many reminders were sent. */
  async remindAt(when: Date): Promise<number> {
    this.now = when;
    const fired = await this.app.reminders.tick();
    await this.app.dispatcher.drain();
    return fired;
  }

  /** The choices offered with the last message to `address`. */
  choices(address = 'user-1'): string[] {
    return this.channel.to(address).at(-1)?.message.choices?.map((c) => c.label) ?? [];
  }

  /** The last summary sent to `address` (the "how was it?" question comes after it). */
  summary(address = 'user-1'): string {
    const texts = this.channel.to(address).map((m) => m.message.text);
    return [...texts].reverse().find((t) => /^(Merci, c'est terminé|Thank you, that's all)/.test(t)) ?? '';
  }

  last(address = 'user-1'): string {
    const mine = this.channel.to(address);
    return mine[mine.length - 1]?.message.text ?? '';
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/** Harnesses created through the returned function are closed after each test. */
export function harnessPerTest(): (...args: Parameters<typeof Harness.create>) => Promise<Harness> {
  let open: Harness[] = [];
  afterEach(async () => {
    for (const h of open) await h.close().catch(() => undefined);
    open = [];
  });
  return async (...args) => {
    const h = await Harness.create(...args);
    open.push(h);
    return h;
  };
}
