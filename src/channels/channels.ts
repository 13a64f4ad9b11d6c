/** Which channels run, from the configuration: Telegram when a token is set, else the terminal chat. */
import type { Logger } from 'pino';
import type { CoordinatorTarget } from '../alerts/alertRouter.js';
import type { Config } from '../config.js';
import type { Locales } from '../i18n/index.js';
import { TelegramChannel } from './telegram/telegramChannel.js';
import { TERMINAL_COORDINATORS, TerminalChannel } from './terminal.js';
import type { ChannelAdapter } from './types.js';

export const TELEGRAM_COMMANDS = ['start', 'help', 'language', 'pause', 'restart', 'stop'] as const;

/** Telegram's command menu, in each supported language ('' is the default for other languages). */
export function telegramCommands(locales: Locales, defaultLanguage: string) {
  const list = (lang: string) => TELEGRAM_COMMANDS.map((command) => ({ command, description: locales.text(lang, { key: `telegram.commands.${command}` }) }));
  return Object.fromEntries([['', list(defaultLanguage)], ...locales.languages.map((l) => [l, list(l)])]);
}

export interface ChannelSetup {
  channels: ChannelAdapter[];
  coordinatorTargets: CoordinatorTarget[];
  terminal?: TerminalChannel;
}

export function buildChannels(config: Config, locales: Locales, logger: Logger, terminalIo: { onClose: () => void }): ChannelSetup {
  const channels: ChannelAdapter[] = [];
  const coordinatorTargets: CoordinatorTarget[] = [];
  if (config.TELEGRAM_BOT_TOKEN) {
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
        logger,
      }),
    );
    if (config.COORDINATOR_TELEGRAM_CHAT_ID) coordinatorTargets.push({ channel: 'telegram', address: config.COORDINATOR_TELEGRAM_CHAT_ID });
  }
  if (channels.length === 0) {
    const terminal = new TerminalChannel({ input: process.stdin, output: process.stdout, languageHint: config.DEFAULT_LANGUAGE, onClose: terminalIo.onClose });
    return { channels: [terminal], coordinatorTargets: [{ channel: 'terminal', address: TERMINAL_COORDINATORS }], terminal };
  }
  return { channels, coordinatorTargets };
}
