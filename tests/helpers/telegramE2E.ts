/** The real bot, on a real SQLite file, against a Telegram Bot API emulator on 127.0.0.1. */
import { Bot, InputFile } from 'grammy';
import { pino } from 'pino';
import telegramTestApi from 'telegram-test-api';
import type { TelegramServer as Emulator } from 'telegram-test-api/lib/telegramServer.js';
import { createApp, type App } from '../../src/app.js';
import { singleTerritoryRouter, type AlertRouter } from '../../src/alerts/alertRouter.js';
import { telegramCommands } from '../../src/channels/channels.js';
import { TelegramChannel } from '../../src/channels/telegram/telegramChannel.js';
import { loadConfig } from '../../src/config.js';
import { Database } from '../../src/db/database.js';
import { freshDbUrl } from './db.js';
import { freePort } from './freePort.js';
import { locales } from './harness.js';

// A CommonJS default export: its class is behind .default or is the module itself, depending on the loader.
const TelegramServer = ((telegramTestApi as unknown as { default?: unknown }).default ?? telegramTestApi) as typeof Emulator;

export const TOKEN = '123456:e2e-test-token-abcdef';
export const COORDINATOR_CHAT = '-1001';
export const WEBHOOK_SECRET = 'e2e-webhook-secret';

type StoredBot = Emulator['storage']['botMessages'][number];

/** A file the bot sent: the emulator has no sendDocument, so this helper takes it (see boot). */
export interface SentDocument {
  chatId: string;
  fileName: string;
  size: number;
  caption?: string;
  messageId: number;
}

/** Every byte of an InputFile as grammY would upload it. */
async function bytesOf(file: InputFile): Promise<Buffer> {
  const raw = await file.toRaw();
  if (raw instanceof Uint8Array) return Buffer.from(raw);
  const chunks: Buffer[] = [];
  for await (const chunk of raw as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export class TelegramE2E {
  db!: Database;
  app!: App;
  channel!: TelegramChannel;
  readonly url = freshDbUrl();
  private webhookPort = 0;
  /** Chats whose sends fail as if the user had blocked the bot. */
  readonly blocked = new Set<string>();
  /** Files the bot sent, in order; each is also stored as a bot message (text = caption, plus `document`). */
  readonly documents: SentDocument[] = [];
  /** How many updates the tests sent: the bot has handled them all when as many are recorded. */
  private sent = 0;
  /** The app's clock is the real one moved by this much: a test sets it to be at a given hour (the round-up's). */
  clockOffsetMs = 0;

  private constructor(
    readonly server: Emulator,
    readonly mode: 'polling' | 'webhook',
    readonly env: Record<string, string>,
    readonly router: AlertRouter,
  ) {}

  /** Posts an update straight to the bot's webhook, as Telegram does (counted as one more update). */
  async postToWebhook(update: unknown, secret: string | undefined = WEBHOOK_SECRET): Promise<number> {
    this.sent += 1;
    const res = await fetch(this.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body: JSON.stringify(update),
    });
    return res.status;
  }

  /** Forgets one expected update: a duplicate delivery records nothing new. */
  expectDuplicate(): void {
    this.sent -= 1;
  }

  get webhookUrl(): string {
    return `http://127.0.0.1:${this.webhookPort}/telegram`;
  }

  static async start(
    mode: 'polling' | 'webhook' = 'polling',
    env: Record<string, string> = {},
    router: AlertRouter = singleTerritoryRouter({ targets: [{ channel: 'telegram', address: COORDINATOR_CHAT }] }),
  ): Promise<TelegramE2E> {
    // Seconds: the emulator keeps messages this long and also cleans up every as many milliseconds (a
    // setInterval, so it must fit in 32 bits: more became a 1 ms busy loop). 23 days: everything kept.
    const server = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 2_000_000 });
    await server.start();
    const e2e = new TelegramE2E(server, mode, env, router);
    e2e.webhookPort = await freePort();
    await e2e.boot();
    return e2e;
  }

  /** Starts (or restarts) the bot on the same database, in webhook mode. */
  async boot(): Promise<void> {
    // No one-second gap per chat here: the test answers as fast as a machine can (pacing has its own tests).
    // Details in the group unless a test asks for private details (the default for real teams).
    const config = loadConfig({ DATABASE_URL: this.url, TELEGRAM_BOT_TOKEN: TOKEN, COORDINATOR_TELEGRAM_CHAT_ID: COORDINATOR_CHAT, TELEGRAM_PER_CHAT_GAP_MS: '0', ALERT_DETAILS: 'group', ...this.env });
    this.db = await Database.open(config.DATABASE_URL);
    const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    const bot = new Bot(TOKEN, { client: { apiRoot: this.server.config.apiURL } });
    // Telegram answers 403 to a user who blocked the bot: the emulator cannot, so this does.
    bot.api.config.use(async (prev, method, payload, signal) => {
      const chatId = String((payload as { chat_id?: unknown }).chat_id ?? '');
      if ((method === 'sendMessage' || method === 'sendDocument') && this.blocked.has(chatId)) {
        return { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } as never;
      }
      // The emulator does not implement sendDocument (a multipart upload): take it here instead.
      if (method === 'sendDocument') return (await this.acceptDocument(payload as never)) as never;
      const result = await prev(method, payload, signal);
      // The emulator answers getUpdates at once instead of long polling: pause a little when empty.
      if (method === 'getUpdates' && result.ok && Array.isArray(result.result) && result.result.length === 0) {
        await new Promise((r) => setTimeout(r, 25));
      }
      return result;
    });
    this.channel = new TelegramChannel({
      token: TOKEN,
      bot,
      commands: telegramCommands(locales, config.DEFAULT_LANGUAGE),
      coordinatorChats: new Set(this.router.all().flatMap((t) => [...t.targets, ...t.escalationTargets]).filter((g) => g.channel === 'telegram').map((g) => g.address)),
      logger,
      ...(this.mode === 'webhook' ? { webhook: { url: this.webhookUrl, host: '127.0.0.1', port: this.webhookPort, secret: WEBHOOK_SECRET } } : {}),
    });
    this.app = createApp({
      config,
      db: this.db,
      locales,
      logger,
      channels: [this.channel],
      router: this.router,
      clock: () => new Date(Date.now() + this.clockOffsetMs),
    });
    await this.app.start();
  }

  /** Records a document as Telegram would answer it: a bot message carrying the file's name and size. */
  private async acceptDocument(p: { chat_id: number | string; document: InputFile | string; caption?: string; reply_markup?: unknown }) {
    const file = p.document instanceof InputFile ? p.document : undefined;
    const fileName = file?.filename ?? 'document';
    const size = file ? (await bytesOf(file)).length : 0;
    const stored = {
      chat_id: p.chat_id,
      text: p.caption ?? '',
      ...(p.caption !== undefined ? { caption: p.caption } : {}),
      ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}),
      document: { file_name: fileName, file_size: size, file_id: `doc-${this.documents.length + 1}`, file_unique_id: `udoc-${this.documents.length + 1}` },
    };
    const result = this.server.addBotMessage(stored as never, TOKEN);
    this.documents.push({ chatId: String(p.chat_id), fileName, size, ...(p.caption !== undefined ? { caption: p.caption } : {}), messageId: result.message_id });
    return { ok: true, result };
  }

  /** Moves the app's clock so that it reads `when` now (it then runs on from there). */
  setClock(when: Date): void {
    this.clockOffsetMs = when.getTime() - Date.now();
  }

  /** The app's clock. */
  now(): Date {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  async shutdown(): Promise<void> {
    await this.app.stop();
    await this.db.close();
  }

  async close(): Promise<void> {
    await this.shutdown().catch(() => undefined);
    await this.server.stop();
  }

  client(chatId: number, languageCode = 'fr') {
    const client = this.server.getClient(TOKEN, { chatId, userId: chatId, type: 'private', firstName: 'Test' });
    const from = { id: chatId, first_name: 'Test', username: `u${chatId}`, is_bot: false, language_code: languageCode };
    return { client, from };
  }

  /** Waits until every update sent was handled and everything queued was delivered. */
  async settle(): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const handled = await this.db.read((d) => d.inboundMessage.count());
      if (handled < this.sent) {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      await this.app.engine.idle();
      await this.app.dispatcher.drain();
      const pending = await this.db.read((d) => d.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } }));
      if (pending === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('outbox did not settle');
  }

  /** Posts to the emulator's client API, as the person's Telegram app would. */
  async post(route: 'sendMessage' | 'sendCallback', body: unknown): Promise<void> {
    this.sent += 1;
    const res = await fetch(`${this.server.config.apiURL}/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`emulator ${route}: ${res.status} ${await res.text()}`);
  }

  async say(chatId: number, text: string, languageCode = 'fr'): Promise<void> {
    const { client, from } = this.client(chatId, languageCode);
    await this.post('sendMessage', { ...client.makeMessage(text), from });
    await this.settle();
  }

  /** A member of a group writes there (a coordinators' group, or any other group the bot is in). */
  async sayInGroup(groupId: string, userId: number, firstName: string, text: string, replyTo?: number): Promise<void> {
    const { client } = this.client(userId);
    const message = {
      ...client.makeMessage(text),
      chat: { id: Number(groupId), type: 'supergroup', title: 'Coordination' },
      from: { id: userId, first_name: firstName, is_bot: false, language_code: 'fr' },
      ...(replyTo !== undefined ? { reply_to_message: { message_id: replyTo, chat: { id: Number(groupId), type: 'supergroup' }, date: 0 } } : {}),
    };
    await this.post('sendMessage', message);
    await this.settle();
  }

  async sendRaw(chatId: number, fields: Record<string, unknown>): Promise<void> {
    const { client, from } = this.client(chatId);
    const message: Record<string, unknown> = { ...client.makeMessage(''), from, ...fields };
    delete message.text;
    await this.post('sendMessage', message);
    await this.settle();
  }

  /** Presses a button of `message` (default: the latest message to this chat that has buttons). */
  async press(chatId: number, label: string, message?: StoredBot): Promise<void> {
    const target = message ?? this.botMessages(chatId).filter((m) => this.buttons(m).length > 0).at(-1);
    if (!target) throw new Error('no message with buttons');
    const button = this.buttons(target).find((b) => b.text === label);
    if (!button) throw new Error(`no button "${label}" in: ${this.buttons(target).map((b) => b.text).join(' | ')}`);
    const { client, from } = this.client(chatId);
    // Real Telegram sends the whole message with the press; the emulator keeps it, so it is copied here.
    const query = client.makeCallbackQuery(button.callback_data, {
      from,
      message: { message_id: target.messageId, text: target.message.text, reply_markup: target.message.reply_markup as never, chat: { id: chatId, type: 'private' } as never },
    });
    await this.post('sendCallback', query);
    await this.settle();
  }

  botMessages(chatId: number | string): StoredBot[] {
    return this.server.storage.botMessages.filter((m) => String(m.message.chat_id) === String(chatId));
  }

  texts(chatId: number | string): string[] {
    return this.botMessages(chatId).map((m) => m.message.text);
  }

  last(chatId: number | string): StoredBot {
    return this.botMessages(chatId).at(-1)!;
  }

  /** The last summary sent in a chat (the "how was it?" question follows it). */
  summary(chatId: number | string): StoredBot {
    return [...this.botMessages(chatId)].reverse().find((m) => /^(Merci, c'est terminé|Thank you, that's all)/.test(m.message.text ?? ''))!;
  }

  buttons(m: StoredBot): Array<{ text: string; callback_data: string }> {
    const markup = m.message.reply_markup as { inline_keyboard?: Array<Array<{ text: string; callback_data: string }>> } | undefined;
    return markup?.inline_keyboard?.flat() ?? [];
  }
}
