/** Entry point: validate configuration, prepare the database, start the channels. */
import { existsSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { createServer } from 'node:net';
import path from 'node:path';
import { createApp } from './app.js';
import { buildChannels, buildRouter, hasMessagingChannel } from './channels/channels.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { privateByDefault, tighten } from './db/privateFiles.js';
import { sqliteFilePath } from './db/url.js';
import { loadLocales, type Locales } from './i18n/index.js';
import { closeLogger, createLogger } from './logger.js';

const TRIAL_WEB_PORT = 8080;

/** The first port from `from` to `to` that can be listened on (the trial's workspace), if any. */
async function firstFreePort(host: string, from: number, to: number): Promise<number | undefined> {
  for (let port = from; port <= to; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer().once('error', () => resolve(false));
      probe.listen(port, host, () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  return undefined;
}

function checkSupportLines(config: Config, locales: Locales): void {
  for (const line of config.supportLines) {
    for (const lang of locales.languages) {
      if (!locales.i18n.exists(`support.${line.label}`, { lng: lang, fallbackLng: false })) {
        throw new ConfigError(
          `Configuration error: support line "${line.label}" in SUPPORT_LINES_FILE has no text "support.${line.label}" in locales/${lang}/translation.json.`,
        );
      }
    }
  }
}

/** Migrations, once no other program holds the database's write lock (a backup, an sqlite3 shell…). */
async function migrateWhenFree(url: string, operator: (line: string) => void): Promise<void> {
  const file = sqliteFilePath(url);
  for (let waited = 0; existsSync(file) && isLocked(file); waited += 2) {
    if (waited === 0) operator(`The database ${file} is locked by another program: waiting for it (up to 5 minutes).`);
    if (waited >= 300) throw new ConfigError(`The database ${file} is still locked by another program after 5 minutes: stop that program (or the other copy of the bot) and start again.`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  await migrate(url);
}

/** Whether another program holds the write lock: tries to take it, without waiting. */
function isLocked(file: string): boolean {
  const db = new BetterSqlite3(file, { timeout: 0 });
  try {
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) return true;
    throw error;
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  // Everything this process creates is private (0600 files, 0700 folders).
  privateByDefault();
  // A .env file beside package.json, if there is one, fills in variables not already set.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const loaded = loadConfig();
  // The terminal trial serves the web workspace too, so that a newcomer can open it.
  const trialPort = loaded.WEB_PORT === undefined && !hasMessagingChannel(loaded) ? await firstFreePort(loaded.WEB_HOST, TRIAL_WEB_PORT, TRIAL_WEB_PORT + 20) : undefined;
  const config = trialPort ? Object.freeze({ ...loaded, WEB_PORT: trialPort }) : loaded;
  const locales = loadLocales(undefined, config.DEFAULT_LANGUAGE);
  checkSupportLines(config, locales);
  // The terminal chat owns stdout: logs then go to a file beside the database.
  const logFile = config.LOG_FILE ?? path.join(path.dirname(sqliteFilePath(config.DATABASE_URL)), 'bot.log');
  const logger = createLogger(config.LOG_LEVEL, logFile, { size: config.LOG_MAX_SIZE, keep: config.LOG_KEEP });
  await migrateWhenFree(config.DATABASE_URL, (line) => process.stdout.write(`${line}\n`));
  // The database (and its WAL), the log and the WhatsApp session: readable by the bot's user only.
  const dbFile = sqliteFilePath(config.DATABASE_URL);
  const dataDir = path.dirname(dbFile);
  for (const target of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`, logFile, config.WHATSAPP_SESSION_DIR, ...(path.basename(dataDir) === 'data' ? [dataDir] : [])]) tighten(target);
  let setup: Awaited<ReturnType<typeof buildChannels>> | undefined;
  const operatorLine = (line: string) => process.stdout.write(`${line}\n`);
  const db = await Database.open(config.DATABASE_URL, {
    // One line when the database stops working, one when it works again; the bot carries on by itself.
    onHealthChange: (health) => {
      logger[health.ok ? 'info' : 'error']({ database: health }, health.ok ? 'database working again' : 'database unavailable');
      if (!setup?.terminal) {
        operatorLine(
          health.ok
            ? 'Database working again: waiting messages are being handled.'
            : `Database unavailable (${health.reason}): messages are kept unconfirmed and retried; the bot carries on by itself once it is fixed (free disk space, stop the other program).`,
        );
      }
    },
  });

  let app: ReturnType<typeof createApp> | undefined;
  const shutdown = async (code: number) => {
    await app?.stop().catch((err: unknown) => logger.error({ err }, 'stop failed'));
    await db.close();
    await closeLogger(logger);
    // Piped output is written asynchronously: let it reach its reader before exiting.
    await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
    process.exit(code);
  };
  const router = buildRouter(config);
  const operator = (line: string) => process.stdout.write(`${line}\n`);
  setup = await buildChannels(config, locales, router, logger, { onClose: () => void shutdown(0), operator });
  if (router.all().every((t) => t.targets.length === 0)) {
    operator('No coordinators group is configured: alerts are stored, but nobody is told. See README, "Territories".');
  }
  const heartbeatFile = config.HEARTBEAT_FILE ?? path.join(dataDir, 'heartbeat.json');
  app = createApp({ config, db, locales, logger, channels: setup.channels, router, heartbeatFile });
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  await app.start();
  logger.info({ channels: setup.channels.map((c) => c.name) }, 'bot started');
  if (setup.terminal) {
    process.stdout.write(`${locales.text(config.DEFAULT_LANGUAGE, { key: 'terminal.ready' })}\n`);
    if (config.WEB_PORT) process.stdout.write(`${locales.text(config.DEFAULT_LANGUAGE, { key: 'terminal.web', vars: { url: config.WEB_PUBLIC_URL ?? `http://${config.WEB_HOST}:${config.WEB_PORT}` } })}\n`);
    process.stdout.write('\n');
  } else {
    // Only channels that really started (WhatsApp's browser may have failed to launch: it retries, and says so above).
    const running = setup.channels.filter((c) => (c as { started?: boolean }).started !== false).map((c) => c.name);
    operator(`Bot started. Channels: ${running.join(', ') || 'none running (see above)'}. Logs: ${logFile}`);
    if (config.WEB_PORT) operator(`Web workspace on ${config.WEB_HOST}:${config.WEB_PORT}: coordinators write /web in their group to get a login link.`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`The bot could not start: ${(error as Error).message}\n`);
  }
  process.exit(1);
});
