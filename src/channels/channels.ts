/**
 * Which channels run and who the coordinators are, from the configuration. A channel's library is
 * loaded only when that channel is on: whatsapp-web.js (and puppeteer under it) with WHATSAPP_ENABLED,
 * grammY with a TELEGRAM_BOT_TOKEN.
 */
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { singleTerritoryRouter, type AlertRouter, type CoordinatorTarget } from '../alerts/alertRouter.js';
import { loadTerritories, territoryRouter } from '../alerts/territories.js';
import { commandVerb } from '../../flows/coordinators/commands.js';
import { ConfigError, type Config } from '../config.js';
import type { Locales } from '../i18n/index.js';
import { TERMINAL_COORDINATORS, TerminalChannel } from './terminal.js';
import type { ChannelAdapter } from './types.js';

export const TELEGRAM_COMMANDS = ['start', 'help', 'language', 'pause', 'restart', 'stop'] as const;

/** Telegram's command menu, in each supported language ('' is the default for other languages). */
export function telegramCommands(locales: Locales, defaultLanguage: string) {
  const list = (lang: string) => TELEGRAM_COMMANDS.map((command) => ({ command, description: locales.text(lang, { key: `telegram.commands.${command}` }) }));
  return Object.fromEntries([['', list(defaultLanguage)], ...locales.languages.map((l) => [l, list(l)])]);
}

/** In the terminal trial, "/pris 1", "/ecrire 1 …" act as if written in the coordinators' group ("/start" and "/aide" stay the person's). */
export function terminalCoordinatorCommand(locales: Locales): (line: string) => boolean {
  return (line) => {
    const verb = commandVerb(line, locales.lexicons);
    return verb !== undefined && verb !== 'start' && verb !== 'help';
  };
}

export function hasMessagingChannel(config: Config): boolean {
  return !!config.TELEGRAM_BOT_TOKEN || config.WHATSAPP_ENABLED;
}

/** Territories from TERRITORIES_FILE, or one territory whose groups come from the environment. */
export function buildRouter(config: Config): AlertRouter {
  if (config.TERRITORIES_FILE) {
    try {
      return territoryRouter(loadTerritories(config.TERRITORIES_FILE));
    } catch (error) {
      const detail = (error as Error).message.replace(/\s+/g, ' ').slice(0, 300);
      throw new ConfigError(`Configuration error: TERRITORIES_FILE (${config.TERRITORIES_FILE}) is not a valid territories file: ${detail}`);
    }
  }
  const targets: CoordinatorTarget[] = [];
  if (config.COORDINATOR_WHATSAPP_GROUP_ID) targets.push({ channel: 'whatsapp', address: config.COORDINATOR_WHATSAPP_GROUP_ID });
  if (config.COORDINATOR_TELEGRAM_CHAT_ID) targets.push({ channel: 'telegram', address: config.COORDINATOR_TELEGRAM_CHAT_ID });
  if (!hasMessagingChannel(config)) targets.push({ channel: 'terminal', address: TERMINAL_COORDINATORS });
  return singleTerritoryRouter({ targets, takeWithin: `PT${config.ALERT_TAKE_WITHIN_HOURS}H`, ...(config.TERRITORY_NAME ? { name: config.TERRITORY_NAME } : {}) });
}

/** Without a sending window (QUIET_HOURS=off): 02:00–05:00 local time is quiet. */
function nightHour(at: Date, timeZone: string): boolean {
  const hour = Number(new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone }).format(at));
  return hour >= 2 && hour < 5;
}

function groupsOf(router: AlertRouter, channel: string): Set<string> {
  // Escalation groups (e.g. the DAC) act on alerts too.
  return new Set(router.all().flatMap((t) => [...t.targets, ...t.escalationTargets].filter((g) => g.channel === channel).map((g) => g.address)));
}

export interface ChannelSetup {
  channels: ChannelAdapter[];
  terminal?: TerminalChannel;
}

export async function buildChannels(
  config: Config,
  locales: Locales,
  router: AlertRouter,
  logger: Logger,
  io: { onClose: () => void; operator: (line: string) => void },
): Promise<ChannelSetup> {
  const channels: ChannelAdapter[] = [];
  if (config.TELEGRAM_BOT_TOKEN) {
    const { TelegramChannel } = await import('./telegram/telegramChannel.js');
    channels.push(
      new TelegramChannel({
        token: config.TELEGRAM_BOT_TOKEN,
        ...(config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {}),
        ...(config.TELEGRAM_WEBHOOK_URL
          ? {
              webhook: {
                url: config.TELEGRAM_WEBHOOK_URL,
                host: config.TELEGRAM_WEBHOOK_HOST,
                port: config.TELEGRAM_WEBHOOK_PORT,
                ...(config.TELEGRAM_WEBHOOK_SECRET ? { secret: config.TELEGRAM_WEBHOOK_SECRET } : {}),
              },
            }
          : {}),
        commands: telegramCommands(locales, config.DEFAULT_LANGUAGE),
        coordinatorChats: groupsOf(router, 'telegram'),
        logger,
      }),
    );
  }
  if (config.WHATSAPP_ENABLED) {
    if (!existsSync(config.CHROMIUM_PATH)) {
      // The rest of the bot runs; WhatsApp messages wait in the outbox until it can start.
      io.operator(
        `WhatsApp: Chromium was not found at ${config.CHROMIUM_PATH}. Install it (sudo apt-get install chromium) or set CHROMIUM_PATH, then restart. Continuing without WhatsApp.`,
      );
    } else {
      const [{ clearStaleProfileLock, clientConfigOf, createWhatsAppClient, pinWebVersion }, { WhatsAppChannel }, { default: qrcode }, { insideWindow, parseSendingWindow }] = await Promise.all([
        import('./whatsapp/client.js'),
        import('./whatsapp/whatsappChannel.js'),
        import('qrcode-terminal'),
        import('../reminders/schedule.js'),
      ]);
      const clientConfig = clientConfigOf(config);
      const sendingWindow = parseSendingWindow(config.QUIET_HOURS) ?? null;
      channels.push(
        new WhatsAppChannel({
          createClient: () => createWhatsAppClient(clientConfig),
          beforeLaunch: () => {
            const lock = clearStaleProfileLock(clientConfig.sessionDir);
            if (lock.livePid !== undefined) throw new Error(`its session folder (WHATSAPP_SESSION_DIR=${clientConfig.sessionDir}) is in use by another Chromium (pid ${lock.livePid}): stop the other copy of the bot.`);
            if (lock.cleared) logger.info('whatsapp stale profile lock cleared');
          },
          onVersion: (version) => {
            if (pinWebVersion(clientConfig.webCacheDir, version)) logger.info({ whatsappWebVersion: version }, 'whatsapp web version pinned');
          },
          watchdog: { everyMs: config.WHATSAPP_WATCHDOG_SECONDS * 1000, timeoutMs: 20_000 },
          // Recycled outside the sending window (QUIET_HOURS), when nobody is being reminded.
          ...(config.WHATSAPP_RECYCLE_HOURS > 0
            ? { recycle: { afterMs: config.WHATSAPP_RECYCLE_HOURS * 3_600_000, checkEveryMs: 300_000, isQuiet: (at: Date) => (sendingWindow ? !insideWindow(sendingWindow, at, config.DEFAULT_TIME_ZONE) : nightHour(at, config.DEFAULT_TIME_ZONE)) } }
            : {}),
          coordinatorGroups: groupsOf(router, 'whatsapp'),
          logger,
          operator: io.operator,
          showQr: (qr) => qrcode.generate(qr, { small: true }),
          minGapMs: config.WHATSAPP_MIN_GAP_MS,
        }),
      );
    }
  }
  if (!hasMessagingChannel(config)) {
    const terminal = new TerminalChannel({
      input: process.stdin,
      output: process.stdout,
      languageHint: config.DEFAULT_LANGUAGE,
      onClose: io.onClose,
      isCoordinatorCommand: terminalCoordinatorCommand(locales),
    });
    return { channels: [terminal], terminal };
  }
  return { channels };
}
