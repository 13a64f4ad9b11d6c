/** The Telegram channel: grammY, long polling by default, webhook when a public URL is configured. */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Bot, GrammyError, InputFile, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import { StoppingError } from '../../engine/engine.js';
import { ConfigError } from '../../config.js';
import type { BotCommand, InlineKeyboardButton } from 'grammy/types';
import type { Logger } from 'pino';
import type { ChannelAdapter, InboundHandler, InboundMessage, OutgoingMessage, SendResult } from '../types.js';
import { CHANNEL, toInbound } from './inbound.js';
import { deliveryError, replyMarkup, type ReplyMarkup } from './outbound.js';

/** Telegram's limit for a document's caption; a longer text goes as a message of its own first. */
export const CAPTION_LIMIT = 1024;
const INIT_TIMEOUT_MS = 15_000;
const POLL_TIMEOUT_S = 30;
const WEBHOOK_BODY_LIMIT = 1_000_000;
const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query'] as const;

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
  private readonly abort = new AbortController();
  private lastPoll: Date | undefined;
  private startedAt: Date | undefined;
  /** Messages recorded and being handled (their button answers still to come). */
  private readonly inFlight = new Set<Promise<void>>();
  /** Chats that were shown a reply keyboard (share-contact): the next plain message removes it. */
  private readonly replyKeyboards = new Set<string>();

  constructor(private readonly o: TelegramOptions) {
    this.bot = o.bot ?? new Bot(o.token, o.apiRoot ? { client: { apiRoot: o.apiRoot } } : {});
  }

  /**
   * Registers the update handlers; exposed so handler tests can feed updates without starting.
   * A handler returns as soon as its message is recorded (so that the update can be confirmed to
   * Telegram and the next one taken); handling goes on concurrently, in order within each chat.
   */
  install(onMessage: InboundHandler): void {
    const clock = this.o.clock ?? (() => new Date());
    this.bot.on('callback_query:data', async (ctx) => {
      const inbound = toInbound(ctx, clock(), this.o.coordinatorChats);
      const handled = this.hand(inbound, onMessage, async (result) => {
        await this.markAnswered(ctx, result);
        // Always answered, or the person's button keeps spinning.
        await ctx.answerCallbackQuery().catch(() => undefined);
      });
      await handled;
    });
    // In a group, /chatid answers the group's id: how an operator finds COORDINATOR_TELEGRAM_CHAT_ID.
    this.bot.chatType(['group', 'supergroup']).command('chatid', (ctx) => ctx.reply(String(ctx.chat.id)));
    this.bot.on(['message', 'edited_message'], async (ctx) => {
      await this.hand(toInbound(ctx, clock(), this.o.coordinatorChats), onMessage);
    });
    this.bot.catch((err) => this.o.logger.error({ err: err.error }, 'telegram update failed'));
  }

  /**
   * Hands a message to the engine; resolves once it is recorded (rejects when it could not be), while
   * `after` runs when it has been handled. Handling is tracked so that stop() can wait for it.
   */
  private hand(inbound: InboundMessage | undefined, onMessage: InboundHandler, after?: (result: string | void) => Promise<void>): Promise<void> {
    if (!inbound) return after ? after(undefined) : Promise.resolve();
    let recorded!: () => void;
    const stored = new Promise<void>((resolve) => (recorded = resolve));
    const result = onMessage(inbound, { recorded });
    const done = result
      .then(async (r) => after?.(r))
      .catch(async (err: unknown) => {
        this.o.logger.warn({ err: (err as Error).message }, 'telegram message not recorded');
        await after?.('failed');
      })
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
    // Recorded, or given up on (the handler then resolves without recording it), or not recorded (rejects).
    return Promise.race([stored, result.then(() => undefined)]);
  }

  async start(onMessage: InboundHandler): Promise<void> {
    this.install(onMessage);
    await this.checkToken();
    await this.registerCommands();
    const webhook = this.o.webhook;
    if (webhook) {
      const path = new URL(webhook.url).pathname;
      // Never without a secret: forged updates would be taken for the person's. Without
      // TELEGRAM_WEBHOOK_SECRET, a new one is made and registered at each start.
      const secret = webhook.secret ?? randomBytes(32).toString('hex');
      this.server = createServer((req, res) => void this.onWebhook(req, res, path, secret));
      await new Promise<void>((resolve, reject) => this.server!.once('error', reject).listen(webhook.port, webhook.host, resolve));
      await this.bot.api.setWebhook(webhook.url, { allowed_updates: ALLOWED_UPDATES, secret_token: secret });
      this.o.logger.info({ mode: 'webhook' }, 'telegram started');
    } else {
      // Long polling, after removing a webhook left by an earlier configuration (Telegram refuses both).
      await this.bot.api.deleteWebhook().catch(() => undefined);
      this.startedAt = new Date();
      this.polling = this.poll();
      this.o.logger.info({ mode: 'polling' }, 'telegram started');
    }
  }

  /** When the last getUpdates answered (polling; a webhook cannot tell), for the heartbeat. */
  lastContact(): Date | undefined {
    return this.o.webhook ? undefined : (this.lastPoll ?? this.startedAt);
  }

  /**
   * Long polling that confirms an update to Telegram (by asking for the ones after it) only once it
   * is recorded: an update not recorded (the bot stopped while the database was unavailable) is
   * delivered again. Recording is quick; handling goes on concurrently.
   */
  private async poll(): Promise<void> {
    let offset = 0;
    let failures = 0;
    while (!this.abort.signal.aborted) {
      let updates: Update[];
      try {
        updates = await this.bot.api.getUpdates({ offset, timeout: POLL_TIMEOUT_S, allowed_updates: ALLOWED_UPDATES }, this.abort.signal as Parameters<Bot["api"]["getUpdates"]>[1]);
        this.lastPoll = new Date();
        failures = 0;
      } catch (err) {
        if (this.abort.signal.aborted) return;
        failures++;
        const retryAfter = err instanceof GrammyError ? (err.parameters.retry_after ?? 0) * 1000 : 0;
        this.o.logger.warn({ err: (err as Error).message.split(this.o.token).join('<token>'), failures }, 'telegram getUpdates failed');
        await sleep(Math.max(retryAfter, Math.min(30_000, 500 * 2 ** failures)), undefined, { signal: this.abort.signal }).catch(() => undefined);
        continue;
      }
      for (const update of updates) {
        try {
          await this.bot.handleUpdate(update);
        } catch (err) {
          const cause = (err as { error?: unknown }).error ?? err;
          if (cause instanceof StoppingError || this.abort.signal.aborted) return;
          // Anything else is a fault of this one update: logged (without its content) and skipped.
          this.o.logger.error({ err: cause, updateId: update.update_id }, 'telegram update failed');
        }
        offset = update.update_id + 1;
      }
    }
  }

  /** Telegram posts an update: 200 once it is recorded, 503 (Telegram sends it again) if it could not be. */
  private async onWebhook(req: IncomingMessage, res: ServerResponse, path: string, secret: string): Promise<void> {
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== path) {
      res.writeHead(404).end();
      return;
    }
    const given = Buffer.from(String(req.headers['x-telegram-bot-api-secret-token'] ?? ''));
    const expected = Buffer.from(secret);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(401).end('secret token is wrong');
      return;
    }
    let update: Update;
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > WEBHOOK_BODY_LIMIT) throw new Error('too large');
        chunks.push(chunk as Buffer);
      }
      update = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Update;
      if (typeof update?.update_id !== 'number') throw new Error('not an update');
    } catch {
      res.writeHead(400).end();
      return;
    }
    try {
      await this.bot.handleUpdate(update);
      res.writeHead(200).end();
    } catch (err) {
      const cause = (err as { error?: unknown }).error ?? err;
      if (cause instanceof StoppingError || this.abort.signal.aborted) {
        res.writeHead(503).end();
        return;
      }
      this.o.logger.error({ err: cause, updateId: update.update_id }, 'telegram update failed');
      res.writeHead(200).end();
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
    this.abort.abort();
    if (this.server) {
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
      this.server.closeAllConnections?.();
      this.server = undefined;
    }
    await this.polling?.catch(() => undefined);
    // Presses being handled still get their answer.
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  async send(address: string, message: OutgoingMessage, _audience?: 'contact' | 'coordinators', options?: { mayRepeat?: boolean }): Promise<SendResult> {
    let markup = replyMarkup(message);
    if (markup && 'keyboard' in markup) this.replyKeyboards.add(address);
    else if (!markup && this.replyKeyboards.delete(address)) markup = { remove_keyboard: true };
    try {
      if (message.document) return { externalId: await this.sendDocument(address, message, markup) };
      const sent = await this.bot.api.sendMessage(address, message.text, markup ? { reply_markup: markup } : {});
      if (options?.mayRepeat && markup && 'inline_keyboard' in markup) await this.clearPossibleCopy(address, sent.message_id);
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

  /**
   * A question sent again after a crash mid-send: its first copy, if it arrived, is the message just
   * before in the chat (ids follow each other). Its buttons are removed — harmless whatever that
   * message is: a bot can only edit its own messages, and an earlier question's buttons are stale anyway.
   */
  private async clearPossibleCopy(address: string, sentId: number): Promise<void> {
    await this.bot.api.editMessageReplyMarkup(address, sentId - 1, { reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
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
