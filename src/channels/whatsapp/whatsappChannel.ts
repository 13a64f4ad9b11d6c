/**
 * The WhatsApp channel (whatsapp-web.js): people chat one to one, coordinators act from their group.
 * The client is made by a factory: a new one after every disconnection, with backoff.
 */
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import whatsapp from 'whatsapp-web.js';
import { ChannelUnavailableError, type ChannelAdapter, type InboundHandler, type InboundMessage, type OutgoingMessage, type SendResult } from '../types.js';

export const CHANNEL = 'whatsapp';

/** The part of a whatsapp-web.js Message the adapter reads. */
export interface WaMessage {
  id: { _serialized: string };
  from: string;
  author?: string;
  body: string;
  type: string;
  timestamp: number;
  fromMe: boolean;
  isStatus?: boolean;
  broadcast?: boolean;
  hasQuotedMsg?: boolean;
  getQuotedMessage?: () => Promise<{ id: { _serialized: string } }>;
  _data?: { notifyName?: string };
}

export interface WaChat {
  id: { _serialized: string };
  name: string;
  isGroup: boolean;
  unreadCount: number;
  fetchMessages(options: { limit: number }): Promise<WaMessage[]>;
  sendSeen(): Promise<unknown>;
}

/** A file as whatsapp-web.js's MessageMedia carries it. */
export interface WaMedia {
  mimetype: string;
  /** Base64. */
  data: string;
  filename?: string | null;
  filesize?: number | null;
}

/** The send options the adapter uses. */
export interface WaSendOptions {
  caption?: string;
  sendMediaAsDocument?: boolean;
}

/** The part of a whatsapp-web.js Client the adapter uses. */
export interface WaClient extends EventEmitter {
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  /** A text, or a file (a MessageMedia) with its caption in the options. */
  sendMessage(chatId: string, content: string | WaMedia, options?: WaSendOptions): Promise<{ id: { _serialized: string } }>;
  getMessageById(messageId: string): Promise<{ delete(everyone?: boolean): Promise<unknown> } | null | undefined>;
  getChats(): Promise<WaChat[]>;
  /** "CONNECTED" when all is well (WhatsApp Web's socket state). */
  getState(): Promise<string | null>;
  getWWebVersion(): Promise<string>;
  /** The phone-number id (…@c.us) and the lid (…@lid) of users. */
  getContactLidAndPhone(userIds: string[]): Promise<{ lid?: string; pn?: string }[]>;
}

export interface WhatsAppOptions {
  createClient: () => WaClient;
  /** Coordinators' groups (…@g.us): the only groups the bot reads. */
  coordinatorGroups: ReadonlySet<string>;
  logger: Logger;
  /** One clear line for the person running the bot (QR code, pairing code, what to do when it fails). */
  operator: (line: string) => void;
  showQr?: (qr: string) => void;
  backoff?: { initialMs: number; maxMs: number };
  /** Minimum time between two sends, plus up to as much again at random: WhatsApp bans bulk senders. */
  minGapMs?: number;
  /** Messages older than this are not caught up after a reconnection. */
  catchUpLimit?: number;
  /** Checks the client answers every `everyMs`; rebuilt after two failed checks. */
  watchdog?: { everyMs: number; timeoutMs: number };
  /** The browser is rebuilt after `afterMs` of service, at a moment `isQuiet` says is quiet, no send under way. */
  recycle?: { afterMs: number; isQuiet: (at: Date) => boolean; checkEveryMs: number };
  /** Before each launch (clears a stale profile lock); a throw is told to the operator and retried. */
  beforeLaunch?: () => void;
  /** The WhatsApp Web version served, at each ready. */
  onVersion?: (version: string) => void;
  clock?: () => Date;
}

const MEDIA: Record<string, string> = { ptt: 'voice', audio: 'audio', image: 'photo', video: 'video', sticker: 'sticker', location: 'location', document: 'document', vcard: 'contact', multi_vcard: 'contact' };

export class WhatsAppChannel implements ChannelAdapter {
  readonly name = CHANNEL;
  private client: WaClient | undefined;
  private ready = false;
  private stopped = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private onMessage: InboundHandler | undefined;
  private sendChain: Promise<unknown> = Promise.resolve();
  private lastOperatorLine = '';
  private lastSendAt = 0;
  /** The browser launched at least once (what "Channels:" lists). */
  private launched = false;
  private readySince = 0;
  private sending = 0;
  private watchdogFailures = 0;
  private timers: NodeJS.Timeout[] = [];
  /** …@lid authors resolved to their …@c.us id. */
  private readonly phoneIds = new Map<string, string>();

  constructor(private readonly o: WhatsAppOptions) {}

  get isReady(): boolean {
    return this.ready;
  }

  /** The browser started (even if not linked yet): false when Chromium could not be launched. */
  get started(): boolean {
    return this.launched;
  }

  connected(): boolean {
    return this.ready;
  }

  async start(onMessage: InboundHandler): Promise<void> {
    this.onMessage = onMessage;
    this.stopped = false;
    await this.connect();
    if (this.o.watchdog) this.timers.push(setInterval(() => void this.checkAlive(), this.o.watchdog.everyMs));
    if (this.o.recycle) this.timers.push(setInterval(() => void this.recycleIfDue(), this.o.recycle.checkEveryMs));
    for (const t of this.timers) t.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.ready = false;
    for (const t of this.timers.splice(0)) clearInterval(t);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.client?.destroy().catch(() => undefined);
    this.client = undefined;
  }

  /** Tells the operator, once per distinct situation (not at every retry). */
  private tell(line: string): void {
    if (line === this.lastOperatorLine) return;
    this.lastOperatorLine = line;
    this.o.operator(line);
  }

  private now(): Date {
    return this.o.clock?.() ?? new Date();
  }

  /** The client stopped answering (or is not connected) twice in a row: a new browser, same session. */
  async checkAlive(): Promise<void> {
    const client = this.client;
    if (this.stopped || !client || !this.ready) return;
    const timeoutMs = this.o.watchdog?.timeoutMs ?? 20_000;
    let state: string | null | undefined;
    try {
      state = await Promise.race([client.getState(), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs).unref())]);
    } catch {
      state = undefined;
    }
    if (client !== this.client) return;
    if (state === 'CONNECTED') {
      this.watchdogFailures = 0;
      return;
    }
    this.watchdogFailures += 1;
    this.o.logger.warn({ state: state ?? 'no answer', failures: this.watchdogFailures }, 'whatsapp watchdog check failed');
    if (this.watchdogFailures >= 2) await this.rebuild(`WhatsApp: not answering (${state ?? 'no answer'}); restarting its browser. Messages wait in the outbox meanwhile.`);
  }

  /** Chromium's memory grows over weeks: a new browser after a while, in quiet hours, between sends. */
  async recycleIfDue(): Promise<void> {
    const r = this.o.recycle;
    if (!r || this.stopped || !this.ready || this.sending > 0) return;
    const now = this.now();
    if (now.getTime() - this.readySince < r.afterMs || !r.isQuiet(now)) return;
    this.o.logger.info('whatsapp browser recycled');
    await this.rebuild();
  }

  private async rebuild(line?: string): Promise<void> {
    const old = this.client;
    this.ready = false;
    this.watchdogFailures = 0;
    this.client = undefined;
    if (line) this.tell(line);
    await old?.destroy().catch(() => undefined);
    this.attempt = 0;
    if (!this.stopped) await this.connect();
  }

  private async connect(): Promise<void> {
    try {
      this.o.beforeLaunch?.();
    } catch (err) {
      this.tell(`WhatsApp: ${(err as Error).message} Retrying. The rest of the bot keeps running.`);
      this.scheduleConnect();
      return;
    }
    const client = this.o.createClient();
    this.client = client;
    client.on('qr', (qr: string) => {
      this.tell('WhatsApp: scan this QR code with the bot\'s phone (WhatsApp > Settings > Linked devices > Link a device).');
      this.o.showQr?.(qr);
    });
    client.on('code', (code: string) => {
      this.o.operator(`WhatsApp: on the bot's phone, open WhatsApp > Settings > Linked devices > Link with phone number, and enter the code ${code}.`);
    });
    client.on('ready', () => {
      if (client !== this.client) return;
      this.ready = true;
      this.readySince = this.now().getTime();
      this.attempt = 0;
      this.tell('WhatsApp: connected.');
      void client
        .getWWebVersion()
        .then((version) => {
          this.o.logger.info({ whatsappWebVersion: version }, 'whatsapp ready');
          this.o.onVersion?.(version);
        })
        .catch(() => undefined);
      void this.catchUp(client);
    });
    client.on('auth_failure', (reason: string) => {
      this.tell(`WhatsApp: login failed (${reason}). Delete the session folder (WHATSAPP_SESSION_DIR) and start the bot again to link it anew. The rest of the bot keeps running.`);
    });
    client.on('disconnected', (reason: string) => {
      if (client !== this.client) return;
      this.ready = false;
      if (reason === 'LOGOUT') {
        this.tell('WhatsApp: the bot\'s session was logged out from the phone. A new QR code will be shown: scan it to link the bot again. Messages wait in the outbox meanwhile.');
      } else {
        this.tell(`WhatsApp: disconnected (${reason}); reconnecting. Messages wait in the outbox meanwhile.`);
      }
      this.reconnect(client);
    });
    // A message not recorded because the bot is stopping stays unread: caught up at the next start.
    client.on('message', (msg: WaMessage) => void this.receive(msg).catch((err: unknown) => this.o.logger.warn({ err: (err as Error).message }, 'whatsapp message not recorded')));
    try {
      await client.initialize();
      this.launched = true;
    } catch (err) {
      const reason = (err as Error).message.split('\n')[0] ?? '';
      this.tell(
        /net::|ERR_|ENOTFOUND|ECONNREFUSED/.test(reason)
          ? `WhatsApp: WhatsApp Web cannot be reached (${reason}). Check this machine's internet access; retrying. The rest of the bot keeps running.`
          : `WhatsApp: could not start the browser session (${reason}). Check CHROMIUM_PATH; retrying. The rest of the bot keeps running.`,
      );
      this.reconnect(client);
    }
  }

  private reconnect(old: WaClient): void {
    if (this.stopped) return;
    void old.destroy().catch(() => undefined);
    this.scheduleConnect();
  }

  private scheduleConnect(): void {
    if (this.stopped) return;
    const { initialMs, maxMs } = this.o.backoff ?? { initialMs: 5_000, maxMs: 300_000 };
    const delay = Math.min(maxMs, initialMs * 2 ** this.attempt);
    this.attempt += 1;
    this.o.logger.info({ delay, attempt: this.attempt }, 'whatsapp reconnect scheduled');
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  /** Messages that arrived while the bot was away: read them now (duplicates are ignored downstream). */
  private async catchUp(client: WaClient): Promise<void> {
    try {
      for (const chat of await client.getChats()) {
        if (chat.unreadCount <= 0) continue;
        if (chat.isGroup && !this.o.coordinatorGroups.has(chat.id._serialized)) continue;
        const messages = await chat.fetchMessages({ limit: Math.min(chat.unreadCount, this.o.catchUpLimit ?? 50) });
        for (const msg of messages) await this.receive(msg);
        await chat.sendSeen().catch(() => undefined);
      }
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message }, 'whatsapp catch-up failed');
    }
  }

  private async receive(msg: WaMessage): Promise<void> {
    const inbound = await this.toInbound(msg);
    if (inbound && this.onMessage) await this.onMessage(inbound);
  }

  /** Channel-neutral form of a WhatsApp message, or undefined for what the bot does not read. */
  async toInbound(msg: WaMessage): Promise<InboundMessage | undefined> {
    if (msg.fromMe || msg.isStatus || msg.broadcast || msg.from === 'status@broadcast') return undefined;
    const base = { channel: CHANNEL, address: msg.from, externalId: msg.id._serialized, receivedAt: new Date(msg.timestamp * 1000) };
    if (msg.from.endsWith('@g.us')) {
      if (!this.o.coordinatorGroups.has(msg.from) || msg.type !== 'chat' || !msg.author) return undefined;
      const quoted = msg.hasQuotedMsg && msg.getQuotedMessage ? await msg.getQuotedMessage().catch(() => undefined) : undefined;
      return {
        ...base,
        content: { kind: 'text', text: msg.body },
        group: {
          senderId: await this.phoneId(msg.author),
          ...(msg._data?.notifyName ? { senderName: msg._data.notifyName } : {}),
          ...(quoted ? { quotedId: quoted.id._serialized } : {}),
        },
      };
    }
    if (msg.type === 'chat') return { ...base, content: { kind: 'text', text: msg.body } };
    return { ...base, content: { kind: 'media', mediaType: MEDIA[msg.type] ?? msg.type } };
  }

  /**
   * WhatsApp gives a group member as …@c.us or, more and more, as …@lid: the same coordinator must be
   * the same person either way, so a …@lid is turned into its …@c.us when WhatsApp tells it.
   */
  private async phoneId(author: string): Promise<string> {
    if (!author.endsWith('@lid')) return author;
    const known = this.phoneIds.get(author);
    if (known) return known;
    try {
      const [ids] = (await this.client?.getContactLidAndPhone([author])) ?? [];
      if (ids?.pn?.endsWith('@c.us')) {
        this.phoneIds.set(author, ids.pn);
        return ids.pn;
      }
    } catch (err) {
      this.o.logger.info({ err: (err as Error).message }, 'whatsapp could not resolve a lid');
    }
    return author;
  }

  /** Numbered choices and how to answer them: WhatsApp has no buttons any more. */
  static render(message: OutgoingMessage): string {
    const choices = message.choices ?? [];
    if (choices.length === 0) return message.text;
    const list = choices.map((c, i) => `${i + 1}. ${c.label}`).join('\n');
    return [message.text, list, ...(message.choicesHint ? [message.choicesHint] : [])].join('\n\n');
  }

  /** What client.sendMessage is given: the text, or the file (a real MessageMedia) captioned with it. */
  static content(message: OutgoingMessage): { content: string | WaMedia; options?: WaSendOptions } {
    const text = WhatsAppChannel.render(message);
    const doc = message.document;
    if (!doc) return { content: text };
    const media = new whatsapp.MessageMedia(doc.mimeType, doc.dataBase64, doc.fileName, Buffer.byteLength(doc.dataBase64, 'base64'));
    return { content: media, options: { ...(text ? { caption: text } : {}), sendMediaAsDocument: true } };
  }

  send(address: string, message: OutgoingMessage): Promise<SendResult> {
    // One send at a time, spaced out.
    this.sending += 1;
    const next = this.sendChain.then(async () => {
      try {
        const gap = this.o.minGapMs ?? 0;
        const wait = this.lastSendAt + gap + Math.random() * gap - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const client = this.client;
        if (!this.ready || !client) throw new ChannelUnavailableError('whatsapp is not connected');
        try {
          const { content, options } = WhatsAppChannel.content(message);
          const sent = options ? await client.sendMessage(address, content, options) : await client.sendMessage(address, content);
          return { externalId: sent.id._serialized };
        } catch (err) {
          if (!this.ready) throw new ChannelUnavailableError(`whatsapp disconnected while sending: ${(err as Error).message}`);
          throw err;
        } finally {
          this.lastSendAt = Date.now();
        }
      } finally {
        // What the recycling waits for: no send under way.
        this.sending -= 1;
      }
    });
    this.sendChain = next.catch(() => undefined);
    return next;
  }

  async deleteMessage(_address: string, externalId: string): Promise<boolean> {
    if (!this.ready || !this.client) return false;
    try {
      const msg = await this.client.getMessageById(externalId);
      if (!msg) return false;
      await msg.delete(true); // for everyone
      return true;
    } catch (err) {
      this.o.logger.info({ err: (err as Error).message }, 'whatsapp could not delete a message');
      return false;
    }
  }
}
