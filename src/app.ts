/** Wires the bot together. No side effect until start(): main.ts opens what it needs and passes it in. */
import type { Logger } from 'pino';
import { createStep1Machine } from '../flows/step1/step1Machine.js';
import { AlertDesk } from './alerts/alertDesk.js';
import { AlertFollowUp } from './alerts/alertFollowUp.js';
import { channelShowsNumber, type AlertPostDeps } from './alerts/alertPosts.js';
import type { AlertRouter } from './alerts/alertRouter.js';
import type { ChannelAdapter } from './channels/types.js';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { WebIdentity } from './alerts/alertDesk.js';
import { ConfigError, type Config } from './config.js';
import type { Tx } from './db/database.js';
import { purge, type Purged } from './db/retention.js';
import { sqliteFilePath } from './db/url.js';
import { exportScreenings, type ExportFormat } from './exports/index.js';
import { exportSecret, exportSecretFile } from './exports/secret.js';
import { figuresHtmlFor } from './reports/web.js';
import { createLogin } from './web/auth.js';
import { createWebApp } from './web/server.js';
import type { Database } from './db/database.js';
import { Engine } from './engine/engine.js';
import { checkHealth, Heartbeat, type HealthReport } from './health/heartbeat.js';
import { Renderer } from './engine/render.js';
import type { Locales } from './i18n/index.js';
import { OutboxDispatcher } from './outbox/dispatcher.js';
import { Pacer } from './outbox/pacer.js';
import { ReminderScheduler } from './reminders/reminderScheduler.js';
import { parseSendingWindow } from './reminders/schedule.js';

export interface AppDeps {
  config: Config;
  db: Database;
  locales: Locales;
  logger: Logger;
  channels: ChannelAdapter[];
  router: AlertRouter;
  clock?: () => Date;
  newId?: () => string;
  /** false: never listen on a port (tests use the web app's own request helper). */
  listen?: boolean;
  /** Where the heartbeat is written (none when undefined). */
  heartbeatFile?: string;
  /** How long a /health report is served again before the database is probed anew (5 s). */
  healthCacheMs?: number;
}

/** Listens on host:port; resolves once listening (a port in use is one clear line for the operator). */
function listen(app: Hono<any>, host: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) => reject(new ConfigError(`Web workspace: cannot listen on ${host}:${port} (${err.code ?? err.message}). Set WEB_PORT to a free port.`)));
  });
}

export interface App {
  engine: Engine;
  /** Clears old message texts, inbound ids and idle conversations' state (run hourly). */
  purge(): Promise<Purged>;
  /** The web workspace (served on start when WEB_PORT is set, or in the terminal trial). */
  web: Hono<any>;
  dispatcher: OutboxDispatcher;
  followUp: AlertFollowUp;
  reminders: ReminderScheduler;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createApp(deps: AppDeps): App {
  const clock = deps.clock ?? (() => new Date());
  const { config, locales } = deps;
  // When this process began handling messages (set at start, or at the first message in tests).
  let startedAt: Date | undefined;
  const machine = createStep1Machine({ readers: locales.readers, labelOf: locales.text, languages: locales.languages });
  const channels = new Map(deps.channels.map((c) => [c.name, c]));
  const dispatcher = new OutboxDispatcher({
    db: deps.db,
    channels,
    logger: deps.logger,
    clock,
    maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    pollMs: config.OUTBOX_POLL_MS,
    pacer: new Pacer(
      {
        // Telegram: about 30 a second overall, one a second per chat, 20 a minute per group (negative chat ids).
        telegram: { perSecond: config.TELEGRAM_MAX_PER_SECOND, perChatGapMs: config.TELEGRAM_PER_CHAT_GAP_MS, groupPerMinute: 20, isGroup: (address) => address.startsWith('-') },
        whatsapp: { proactivePerDay: config.WHATSAPP_DAILY_CAP },
      },
      config.DEFAULT_TIME_ZONE,
    ),
  });
  const postDeps: AlertPostDeps = {
    locales,
    router: deps.router,
    coordinatorLanguage: config.COORDINATOR_LANGUAGE,
    ...(config.TERRITORY_NAME ? { territoryName: config.TERRITORY_NAME } : {}),
    details: config.ALERT_DETAILS,
    country: config.COUNTRY,
    timeZone: config.DEFAULT_TIME_ZONE,
    ...(config.TELEGRAM_BOT_USERNAME ? { botUsername: config.TELEGRAM_BOT_USERNAME.replace(/^@/, '') } : {}),
  };
  // The web workspace: on WEB_PORT (main.ts sets it for the terminal trial).
  const webPort = config.WEB_PORT;
  const webBase = config.WEB_PUBLIC_URL ?? `http://${config.WEB_HOST}:${webPort}`;
  const desk = new AlertDesk({
    ...postDeps,
    clock,
    rescreenInterval: config.RESCREEN_INTERVAL,
    ...(webPort ? { webLink: (tx: Tx, who: WebIdentity, now: Date) => createLogin(tx, who, now, webBase) } : {}),
  });
  const followUp = new AlertFollowUp({
    db: deps.db,
    deps: postDeps,
    desk,
    clock,
    timeZone: config.DEFAULT_TIME_ZONE,
    digestHour: config.DIGEST_HOUR,
    urgentRepostMinutes: config.URGENT_REPOST_MINUTES,
  });
  let ticker: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      if ((await followUp.tick()) > 0) dispatcher.kick();
    } catch (err) {
      deps.logger.error({ err }, 'alert follow-up failed');
    }
  };
  const engine = new Engine({
    db: deps.db,
    machine,
    locales,
    renderer: new Renderer(locales, config.supportLines),
    router: deps.router,
    desk,
    logger: deps.logger,
    clock,
    newId: deps.newId ?? (() => crypto.randomUUID()),
    defaultLanguage: config.DEFAULT_LANGUAGE,
    defaultTimeZone: config.DEFAULT_TIME_ZONE,
    coordinatorLanguage: config.COORDINATOR_LANGUAGE,
    alerts: postDeps,
    reminders: {
      rescreenInterval: config.RESCREEN_INTERVAL,
      retry: config.REMINDER_RETRY,
      snooze: config.SNOOZE,
      nudgeAfter: config.NUDGE_AFTER,
      abandonAfter: config.ABANDON_AFTER,
    },
    // WhatsApp shows the number of …@c.us senders (not of …@lid ones); Telegram has a share-contact button; the rest types it.
    askPhone: (channel, address) => {
      if (config.CALLBACK_PHONE !== 'ask' || channelShowsNumber(channel, address)) return undefined;
      return channel === 'telegram' ? 'button' : 'typed';
    },
    startedAt: () => (startedAt ??= clock()),
    callbacksEnabled: config.CALLBACK_PHONE === 'ask',
    onCommitted: () => dispatcher.kick(),
  });
  const reminders = new ReminderScheduler({
    db: deps.db,
    engine,
    clock,
    window: parseSendingWindow(config.QUIET_HOURS) ?? null,
    defaultTimeZone: config.DEFAULT_TIME_ZONE,
    logger: deps.logger,
  });
  const healthDeps = {
    db: deps.db,
    channels: deps.channels.map((c) => ({ name: c.name, ...(c.lastContact ? { lastContact: () => c.lastContact!() } : {}), ...(c.connected ? { connected: () => c.connected!() } : {}) })),
    clock,
    // Telegram's long poll answers at least every 30 s; WhatsApp says itself when it is down.
    silentAfterMs: 120_000,
  };
  const heartbeat = deps.heartbeatFile
    ? new Heartbeat({ ...healthDeps, file: deps.heartbeatFile, everyMs: config.HEARTBEAT_SECONDS * 1000, onError: (err) => deps.logger.warn({ err: (err as Error).message }, 'heartbeat not written') })
    : undefined;
  // /health needs no login: it serves a report at most a few seconds old, so that requests cannot keep probing a locked database.
  let lastHealth: { at: number; report: Promise<HealthReport> } | undefined;
  const health = () => {
    if (!lastHealth || Date.now() - lastHealth.at > (deps.healthCacheMs ?? 5_000)) lastHealth = { at: Date.now(), report: checkHealth(healthDeps) };
    return lastHealth.report;
  };
  const web = createWebApp({
    health,
    db: deps.db,
    desk,
    alerts: postDeps,
    clock,
    onCommitted: () => dispatcher.kick(),
    ...(config.WEB_PUBLIC_URL ? { publicUrl: config.WEB_PUBLIC_URL } : {}),
    figuresHtml: figuresHtmlFor({ locales, router: deps.router, rescreenInterval: config.RESCREEN_INTERVAL, timeZone: config.DEFAULT_TIME_ZONE }),
    exportFile: (tx, o) => {
      // The pseudonym key: EXPORT_SECRET, else the file beside the database (made once).
      const { secret } = exportSecret(process.env, exportSecretFile(sqliteFilePath(config.DATABASE_URL)));
      return exportScreenings(tx, { ...o, format: o.format as ExportFormat, router: deps.router, secret, timeZone: config.DEFAULT_TIME_ZONE, now: clock() });
    },
  });
  let webServer: ServerType | undefined;
  let reminderTimer: NodeJS.Timeout | undefined;
  const remind = async () => {
    try {
      await reminders.tick();
    } catch (err) {
      deps.logger.error({ err }, 'reminders failed');
    }
  };
  const retention = () => purge(deps.db, clock(), { outbox: config.OUTBOX_RETENTION, inbound: config.INBOUND_RETENTION, conversation: config.CONVERSATION_RETENTION });
  let retentionTimer: NodeJS.Timeout | undefined;
  return {
    engine,
    purge: retention,
    web,
    dispatcher,
    followUp,
    reminders,
    async start() {
      startedAt = clock();
      // Messages recorded before a crash or a stop, not handled yet: first, in their order (before any reminder).
      const resumed = await engine.resume();
      if (resumed > 0) deps.logger.info({ resumed }, 'recorded messages handled after restart');
      dispatcher.start();
      void tick();
      ticker = setInterval(() => void tick(), config.FOLLOWUP_TICK_SECONDS * 1000);
      void remind();
      reminderTimer = setInterval(() => void remind(), config.REMINDER_TICK_SECONDS * 1000);
      retentionTimer = setInterval(() => void retention().catch((err: unknown) => deps.logger.error({ err }, 'retention failed')), 3_600_000);
      if (webPort && deps.listen !== false) webServer = await listen(web, config.WEB_HOST, webPort);
      for (const channel of deps.channels) await channel.start((m, receipt) => engine.handle(m, receipt));
      heartbeat?.start();
    },
    async stop() {
      heartbeat?.stop();
      if (ticker) clearInterval(ticker);
      if (retentionTimer) clearInterval(retentionTimer);
      if (webServer) await new Promise<void>((resolve) => webServer!.close(() => resolve()));
      if (reminderTimer) clearInterval(reminderTimer);
      // No more waiting for an unavailable database: what is not recorded stays unconfirmed, what is recorded is handled at the next start.
      engine.stop();
      for (const channel of deps.channels) await channel.stop();
      await engine.idle();
      // What cannot be sent now (the database or the platform down) stays in the outbox for the next start.
      await dispatcher.drain().catch((err: unknown) => deps.logger.warn({ err: (err as Error).message }, 'outbox not drained at stop'));
      await dispatcher.stop();
    },
  };
}
