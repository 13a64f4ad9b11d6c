/** A stand-in for whatsapp-web.js's Client: an EventEmitter with the methods the adapter calls. */
import { EventEmitter } from 'node:events';
import type { WaChat, WaClient, WaMedia, WaMessage, WaSendOptions } from '../../src/channels/whatsapp/whatsappChannel.js';

/** A file sent through the fake: what whatsapp-web.js would upload. */
export interface SentMedia {
  mimetype: string;
  filename: string | null | undefined;
  /** Bytes, decoded from the base64 data. */
  size: number;
  data: string;
  /** The MessageMedia as given, to check it is whatsapp-web.js's own class. */
  media: WaMedia;
  options: WaSendOptions | undefined;
}

export class FakeWaClient extends EventEmitter implements WaClient {
  /** Texts sent, and files (`content` is then the caption, "" without one). */
  readonly sent: Array<{ chatId: string; content: string; id: string; media?: SentMedia }> = [];
  readonly deleted: string[] = [];
  failNextSends = 0;
  destroyed = false;
  /** What getChats() returns: chats with unread messages, for the catch-up after ready. */
  chats: WaChat[] = [];
  private n = 0;

  constructor(private readonly behaviour: { ready?: boolean; qr?: boolean; failInit?: boolean } = { ready: true }) {
    super();
  }

  async initialize(): Promise<void> {
    if (this.behaviour.failInit) throw new Error('Failed to launch the browser process!');
    if (this.behaviour.qr) this.emit('qr', '2@fake-qr-data');
    if (this.behaviour.ready) setImmediate(() => this.emit('ready'));
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
  }

  async sendMessage(chatId: string, content: string | WaMedia, options?: WaSendOptions): Promise<{ id: { _serialized: string } }> {
    if (this.destroyed) throw new Error('Protocol error: Session closed.');
    if (this.failNextSends > 0) {
      this.failNextSends--;
      throw new Error('Evaluation failed: temporary');
    }
    const id = `true_${chatId}_OUT${++this.n}`;
    if (typeof content === 'string') this.sent.push({ chatId, content, id });
    else {
      const media: SentMedia = {
        mimetype: content.mimetype,
        filename: content.filename,
        size: Buffer.from(content.data, 'base64').length,
        data: content.data,
        media: content,
        options,
      };
      this.sent.push({ chatId, content: options?.caption ?? '', id, media });
    }
    return { id: { _serialized: id } };
  }

  async getMessageById(id: string) {
    return { delete: async (everyone?: boolean) => void (everyone && this.deleted.push(id)) };
  }

  async getChats(): Promise<WaChat[]> {
    return this.chats;
  }

  /** What getState() answers; `hang` never answers (a browser that stopped responding). */
  state: string | 'hang' = 'CONNECTED';
  stateChecks = 0;
  version = '2.3000.1012345678';
  /** …@lid → …@c.us, as WhatsApp would tell it. */
  lids = new Map<string, string>();

  async getState(): Promise<string | null> {
    this.stateChecks += 1;
    if (this.state === 'hang') return new Promise(() => undefined);
    return this.state;
  }

  async getWWebVersion(): Promise<string> {
    return this.version;
  }

  async getContactLidAndPhone(userIds: string[]): Promise<{ lid?: string; pn?: string }[]> {
    return userIds.map((id) => ({ lid: id, ...(this.lids.has(id) ? { pn: this.lids.get(id)! } : {}) }));
  }

  /** A message arriving from WhatsApp. */
  incoming(m: Partial<WaMessage> & { from: string }): WaMessage {
    const msg: WaMessage = {
      id: { _serialized: `false_${m.from}_IN${++this.n}` },
      body: '',
      type: 'chat',
      timestamp: Math.floor(Date.now() / 1000),
      fromMe: false,
      ...m,
    };
    this.emit('message', msg);
    return msg;
  }
}

export function unreadChat(id: string, messages: WaMessage[]): WaChat & { seen: boolean } {
  const chat = {
    id: { _serialized: id },
    name: id,
    isGroup: id.endsWith('@g.us'),
    unreadCount: messages.length,
    seen: false,
    fetchMessages: async ({ limit }: { limit: number }) => messages.slice(-limit),
    sendSeen: async () => {
      chat.seen = true;
      return true;
    },
  };
  return chat;
}
