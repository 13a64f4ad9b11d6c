/** The Telegram channel: grammY, long polling by default, webhook when a public URL is configured. */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Bot, GrammyError, InputFile, webhookCallback, type Context } from 'grammy';
import { ConfigError } from '../../config.js';
import type { BotCommand, InlineKeyboardButton } from 'grammy/types';
import type { Logger } from 'pino';
import type { ChannelAdapter, InboundHandler, OutgoingMessage, SendResult } from '../types.js';
import { CHANNEL, toInbound } from './inbound.js';
import { deliveryError, replyMarkup, type ReplyMarkup } from './outbound.js';

/** Telegram's limit for a document's caption; a longer text goes as a message of its own first. */
export const CAPTION_LIMIT = 1024;
const INIT_TIMEOUT_MS = 15_000;

export interface TelegramOptions {
  token: string;
  apiRoot?: string;
  /** Webhook mode: the public URL Telegram posts to, and where to listen for it. */
  webhook?: { url: string; host: string; port: number; secret?: string };
  /** Commands shown in Telegram's menu, per language ('' = default). */
  commands: Record<string, BotCommand[]>;
  logger: Logger;
  clock?: () => Date;
  /** Coordinators' group chats: their texts go to the alert desk. */
  coordinatorChats?: ReadonlySet<string>;
  /** Lets tests pass a ready bot (e.g. with a request transformer). */
  bot?: Bot;
}

export class TelegramChannel implements ChannelAdapter {
  readonly name = CHANNEL;
  readonly bot: Bot;
  private server: Server | undefined;
  private polling: Promise<void> | undefined;
  /** Chats that were shown a reply keyboard (share-contact): the next plain message removes it. */
  private readonly replyKeyboards = new Set<string>();

  constructor(private readonly o: TelegramOptions) {
    this.bot = o.bot ?? new Bot(o.token, o.apiRoot ? { client: { apiRoot: o.apiRoot } } : {});
  }

  /** Registers the update handlers; exposed so handler tests can feed updates without starting. */
  install(onMessage: InboundHandler): void {
    const clock = this.o.clock ?? (() => new Date());
    this.bot.on('callback_query:data', async (ctx) => {
      try {
        const inbound = toInbound(ctx, clock(), this.o.coordinatorChats);
        const result = inbound ? await onMessage(inbound) : undefined;
        await this.markAnswered(ctx, result);
      } finally {
        // Always answered, or the person's button keeps spinning.
        await ctx.answerCallbackQuery().catch(() => undefined);
      }
    });
    // In a group, /chatid answers the group's id: how an operator finds COORDINATOR_TELEGRAM_CHAT_ID.
    this.bot.chatType(['group', 'supergroup']).command('chatid', (ctx) => ctx.reply(String(ctx.chat.id)));
    this.bot.on(['message', 'edited_message'], async (ctx) => {
      const inbound = toInbound(ctx, clock(), this.o.coordinatorChats);
      if (inbound) await onMessage(inbound);
    });
    this.bot.catch((err) => this.o.logger.error({ err: err.error }, 'telegram update failed'));
  }

  async start(onMessage: InboundHandler): Promise<void> {
    this.install(onMessage);
    await this.checkToken();
    await this.registerCommands();
    const allowed_updates = ['message', 'edited_message', 'callback_query'] as const;
    const webhook = this.o.webhook;
    if (webhook) {
      const path = new URL(webhook.url).pathname;
      // Never without a secret: forged updates would be taken for the person's. Without
      // TELEGRAM_WEBHOOK_SECRET, a new one is made and registered at each start.
      const secret = webhook.secret ?? randomBytes(32).toString('hex');
      const handle = webhookCallback(this.bot, 'http', { secretToken: secret });
      this.server = createServer((req, res) => {
        if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== path) {
          res.writeHead(404).end();
          return;
        }
        void handle(req, res);
      });
      await new Promise<void>((resolve, reject) => this.server!.once('error', reject).listen(webhook.port, webhook.host, resolve));
      await this.bot.api.setWebhook(webhook.url, { allowed_updates, secret_token: secret });
      this.o.logger.info({ mode: 'webhook' }, 'telegram started');
    } else {
      this.polling = this.bot.start({ allowed_updates, drop_pending_updates: false });
      this.polling.catch((err: unknown) => this.o.logger.error({ err }, 'telegram polling stopped'));
      this.o.logger.info({ mode: 'polling' }, 'telegram started');
    }
  }

  /** The token and the network, checked at once: one clear line naming what to fix, never the token itself. */
  private async checkToken(): Promise<void> {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new ConfigError(`Telegram: no answer from ${this.o.apiRoot ?? 'api.telegram.org'} within ${INIT_TIMEOUT_MS / 1000} s. Check the network (or TELEGRAM_API_ROOT).`)), INIT_TIMEOUT_MS).unref(),
    );
    try {
      await Promise.race([this.bot.init(), timeout]);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)) {
        throw new ConfigError('Configuration error: TELEGRAM_BOT_TOKEN is refused by Telegram (401 Unauthorized). Copy the token again from @BotFather.');
      }
      const detail = (error as Error).message.split(this.o.token).join('<TELEGRAM_BOT_TOKEN>').slice(0, 200);
      throw new ConfigError(`Telegram could not be reached (${detail}). Check the network (or TELEGRAM_API_ROOT).`);
    }
  }

  async stop(): Promise<void> {
    if (this.server) {
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
      this.server.closeAllConnections?.();
      this.server = undefined;
    }
    if (this.bot.isRunning()) await this.bot.stop();
    await this.polling?.catch(() => undefined);
  }

  async send(address: string, message: OutgoingMessage): Promise<SendResult> {
    let markup = replyMarkup(message);
    if (markup && 'keyboard' in markup) this.replyKeyboards.add(address);
    else if (!markup && this.replyKeyboards.delete(address)) markup = { remove_keyboard: true };
    try {
      if (message.document) return { externalId: await this.sendDocument(address, message, markup) };
      const sent = await this.bot.api.sendMessage(address, message.text, markup ? { reply_markup: markup } : {});
      return { externalId: String(sent.message_id) };
    } catch (error) {
      throw deliveryError(error);
    }
  }

  /** A file with the text as its caption (or, when too long for one, the text just before it). */
  private async sendDocument(address: string, message: OutgoingMessage, markup: ReplyMarkup | undefined): Promise<string> {
    const { fileName, dataBase64 } = message.document!;
    const file = new InputFile(Buffer.from(dataBase64, 'base64'), fileName);
    const extra = markup ? { reply_markup: markup } : {};
    if (message.text.length <= CAPTION_LIMIT) {
      const sent = await this.bot.api.sendDocument(address, file, { ...(message.text ? { caption: message.text } : {}), ...extra });
      return String(sent.message_id);
    }
    await this.bot.api.sendMessage(address, message.text, extra);
    const sent = await this.bot.api.sendDocument(address, file);
    return String(sent.message_id);
  }

  async deleteMessage(address: string, externalId: string): Promise<boolean> {
    try {
      return await this.bot.api.deleteMessage(address, Number(externalId));
    } catch (error) {
      this.o.logger.info({ err: (error as Error).message }, 'telegram could not delete a message');
      return false;
    }
  }

  /**
   * An answered question loses its buttons and shows the chosen answer; a stale one just loses them.
   * Cosmetic: failures are ignored.
   */
  private async markAnswered(ctx: Context, result: string | void): Promise<void> {
    const msg = ctx.callbackQuery?.message;
    if (!msg || !('text' in msg) || msg.text === undefined) return;
    const rows: InlineKeyboardButton[][] = msg.reply_markup?.inline_keyboard ?? [];
    const pressed = rows.flat().find((b) => 'callback_data' in b && b.callback_data === ctx.callbackQuery?.data);
    try {
      if (result === 'processed' && pressed) {
        await ctx.api.editMessageText(msg.chat.id, msg.message_id, `${msg.text}\n\n✅ ${pressed.text}`, { reply_markup: { inline_keyboard: [] } });
      } else if (result === 'stale') {
        await ctx.api.editMessageReplyMarkup(msg.chat.id, msg.message_id, { reply_markup: { inline_keyboard: [] } });
      }
    } catch (err) {
      this.o.logger.debug({ err: (err as Error).message }, 'telegram could not edit an answered question');
    }
  }

  private async registerCommands(): Promise<void> {
    for (const [lang, commands] of Object.entries(this.o.commands)) {
      try {
        await this.bot.api.setMyCommands(commands, lang ? { language_code: lang as never } : {});
      } catch (err) {
        this.o.logger.warn({ err: (err as Error).message, lang }, 'telegram commands not registered');
      }
    }
  }
}
