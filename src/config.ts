/** Configuration: read from the environment once at startup, validated, frozen. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_DATABASE_URL, sqliteFilePath } from './db/url.js';
import { isDuration, parseSendingWindow } from './reminders/schedule.js';

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Europe/Paris');

const positiveInt = z.coerce.number().int().positive();

/** Every variable the bot reads, with its default. The README's configuration table mirrors this. */
export const configSchema = z.object({
  DATABASE_URL: z.string().startsWith('file:', 'a SQLite URL such as file:./data/icope.db').default(DEFAULT_DATABASE_URL),
  DEFAULT_LANGUAGE: z.enum(['fr', 'en']).default('fr'),
  DEFAULT_TIME_ZONE: timeZone.default('Europe/Paris'),
  COUNTRY: z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code such as FR').default('FR'),
  SUPPORT_LINES_FILE: z.string().min(1).default('config/support-lines.json'),
  TERRITORY_NAME: z.string().min(1).max(80).optional(),
  COORDINATOR_LANGUAGE: z.enum(['fr', 'en']).default('fr'),
  CALLBACK_PHONE: z.enum(['ask', 'never']).default('ask'),
  OUTBOX_MAX_ATTEMPTS: positiveInt.max(100).default(8),
  OUTBOX_POLL_MS: positiveInt.default(1000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FILE: z.string().optional(),
  LOG_MAX_SIZE: z.string().regex(/^\d+[BKMG]$/, 'a size such as 10M (B, K, M or G)').default('10M'),
  LOG_KEEP: z.coerce.number().int().min(1).max(100).default(5),
  RESCREEN_INTERVAL: z.string().refine(isDuration, 'an ISO-8601 duration such as P6M, P4M or PT30S').default('P6M'),
  REMINDER_RETRY: z.string().refine(isDuration, 'an ISO-8601 duration such as P7D').default('P7D'),
  SNOOZE: z.string().refine(isDuration, 'an ISO-8601 duration such as P7D').default('P7D'),
  NUDGE_AFTER: z.string().refine(isDuration, 'an ISO-8601 duration such as PT24H').default('PT24H'),
  ABANDON_AFTER: z.string().refine(isDuration, 'an ISO-8601 duration such as P7D').default('P7D'),
  QUIET_HOURS: z.string().refine((v) => parseSendingWindow(v) !== undefined, 'a sending window such as "10:00-18:00 mon-sat", or "off"').default('10:00-18:00 mon-sat'),
  REMINDER_TICK_SECONDS: z.coerce.number().positive().default(5),
  TELEGRAM_MAX_PER_SECOND: z.coerce.number().positive().default(25),
  TELEGRAM_PER_CHAT_GAP_MS: z.coerce.number().int().min(0).default(1000),
  WHATSAPP_DAILY_CAP: z.coerce.number().int().positive().default(300),
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[\w-]{10,}$/, 'a token from @BotFather, like 123456789:AA…').optional(),
  TELEGRAM_BOT_USERNAME: z.string().regex(/^@?[A-Za-z][A-Za-z0-9_]{3,31}$/, "the bot's username, such as IcopeNordBot (for leaflet links)").optional(),
  TELEGRAM_API_ROOT: z.url('a URL such as http://127.0.0.1:8081').optional(),
  TELEGRAM_WEBHOOK_URL: z.url('the public https URL Telegram should post updates to').optional(),
  TELEGRAM_WEBHOOK_HOST: z.string().min(1).default('127.0.0.1'),
  TELEGRAM_WEBHOOK_PORT: z.coerce.number().int().min(1).max(65535).default(8443),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[\w-]{1,256}$/, 'letters, digits, _ and - only').optional(),
  TERRITORIES_FILE: z.string().min(1).optional(),
  WHATSAPP_ENABLED: z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v)).default(false),
  WHATSAPP_SESSION_DIR: z.string().min(1).default('data/whatsapp-session'),
  WHATSAPP_PAIRING_NUMBER: z.string().regex(/^\d{8,15}$/, 'the bot phone number in international format, digits only (e.g. 33612345678)').optional(),
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  WHATSAPP_WEB_CACHE_DIR: z.string().min(1).optional(),
  WHATSAPP_WEB_VERSION: z.string().regex(/^\d+\.\d+\.\d+(-\w+)?$/, 'a WhatsApp Web version such as 2.3000.1012345678').optional(),
  WHATSAPP_TAKEOVER: z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v)).default(true),
  WHATSAPP_WATCHDOG_SECONDS: z.coerce.number().int().min(10).default(60),
  WHATSAPP_RECYCLE_HOURS: z.coerce.number().min(0).default(24),
  WHATSAPP_MIN_GAP_MS: z.coerce.number().int().min(0).default(1500),
  COORDINATOR_WHATSAPP_GROUP_ID: z.string().regex(/@g\.us$/, 'a WhatsApp group id ending in @g.us (see npm run whatsapp:groups)').optional(),
  OUTBOX_RETENTION: z.string().refine(isDuration, 'an ISO-8601 duration such as P30D').default('P30D'),
  INBOUND_RETENTION: z.string().refine(isDuration, 'an ISO-8601 duration such as P30D').default('P30D'),
  CONVERSATION_RETENTION: z.string().refine(isDuration, 'an ISO-8601 duration such as P90D').default('P90D'),
  WEB_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  WEB_HOST: z.string().min(1).default('127.0.0.1'),
  WEB_PUBLIC_URL: z.url('the https address of the workspace behind your proxy, such as https://icope.example.org').optional(),
  ALERT_DETAILS: z.enum(['private', 'group']).default('private'),
  ALERT_TAKE_WITHIN_HOURS: z.coerce.number().positive().default(48),
  URGENT_REPOST_MINUTES: z.coerce.number().int().positive().default(60),
  DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(9),
  FOLLOWUP_TICK_SECONDS: z.coerce.number().int().positive().default(30),
  HEARTBEAT_FILE: z.string().min(1).optional(),
  HEARTBEAT_SECONDS: z.coerce.number().int().positive().default(30),
  COORDINATOR_TELEGRAM_CHAT_ID: z.string().regex(/^-?\d+$/, 'a Telegram chat id such as -1001234567890').optional(),
});

export type EnvConfig = z.infer<typeof configSchema>;

const supportLinesSchema = z.record(
  z.string(),
  z.array(z.object({ number: z.string().min(2), label: z.string().regex(/^[a-z_]+$/) })).min(1),
);
export type SupportLine = { number: string; label: string };

export interface Config extends EnvConfig {
  supportLines: SupportLine[];
}

export class ConfigError extends Error {}

/** Reads and checks the configuration; throws one ConfigError naming the variable at fault. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const known = Object.keys(configSchema.shape);
  const input = Object.fromEntries(known.flatMap((k) => (env[k] !== undefined && env[k] !== '' ? [[k, env[k]]] : [])));
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new ConfigError(`Configuration error: ${name}=${JSON.stringify(env[name])} is not valid: expected ${issue.message}.`);
  }
  const file = path.resolve(cwd, parsed.data.SUPPORT_LINES_FILE);
  let lines: z.infer<typeof supportLinesSchema>;
  try {
    lines = supportLinesSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new ConfigError(
      `Configuration error: SUPPORT_LINES_FILE (${file}) could not be read as a list of support numbers per country: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const supportLines = lines[parsed.data.COUNTRY] ?? lines.default;
  if (!supportLines) {
    throw new ConfigError(`Configuration error: SUPPORT_LINES_FILE has no entry for COUNTRY=${parsed.data.COUNTRY} and no "default" entry.`);
  }
  // Resolved once, so the CLI migrating it and the bot opening it agree whatever their working folder.
  const DATABASE_URL = `file:${sqliteFilePath(parsed.data.DATABASE_URL)}`;
  return Object.freeze({ ...parsed.data, DATABASE_URL, supportLines });
}
