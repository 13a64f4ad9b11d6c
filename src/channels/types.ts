/** The channel-neutral messages the engine works with. Adapters translate to and from their platform. */

export type InboundContent =
  | { kind: 'text'; text: string }
  /** A button press; `messageId` is the platform id of the message that carried the button. */
  | { kind: 'choice'; choiceId: string; messageId?: string }
  /** A phone number shared with the platform's own button. */
  | { kind: 'contact'; phone: string }
  | { kind: 'media'; mediaType: string };

export interface InboundMessage {
  channel: string;
  /** The sender's address exactly as the platform gives it (chat id, …@c.us, …@lid). */
  address: string;
  /** The platform's id for this message: a second delivery with the same id is ignored. */
  externalId: string;
  /** When the platform received it. */
  receivedAt: Date;
  content: InboundContent;
  /** The user's language as the platform reports it, used for a new contact. */
  languageHint?: string;
  /** Set when the message was written in a coordinators' group (`address` is then the group). */
  group?: { senderId: string; senderName?: string; quotedId?: string };
}

export interface Choice {
  id: string;
  label: string;
}

export interface OutgoingMessage {
  text: string;
  choices?: Choice[];
  /** "Reply 1, 2 or 3": for channels that show choices as numbered lines. */
  choicesHint?: string;
  /** A file sent with the message (a PDF sheet, …): `text` is then its caption. */
  document?: OutgoingDocument;
}

export interface OutgoingDocument {
  /** Shown to the recipient; no path, no person's name in it. */
  fileName: string;
  mimeType: string;
  /** The file's bytes, base64: outgoing messages are stored as JSON in the outbox. */
  dataBase64: string;
}

export interface SendResult {
  /** The platform's id of the sent message, to delete or edit it later. */
  externalId?: string;
}

/** A delivery that must not be retried: the user blocked the bot, the chat is gone. */
export class PermanentDeliveryError extends Error {
  constructor(
    message: string,
    readonly reason: 'blocked' | 'gone' | 'invalid',
  ) {
    super(message);
  }
}

/**
 * Handles one inbound message; resolves with what became of it ('processed', 'duplicate', 'stale',
 * 'failed'). `receipt.recorded()` is called as soon as the message is safely stored: a platform
 * that re-delivers unconfirmed messages (Telegram) is told only then. Rejects only when the message
 * could not be recorded (the bot is stopping while the database is unavailable).
 */
export type InboundHandler = (message: InboundMessage, receipt?: { recorded(): void }) => Promise<string | void>;

export interface ChannelAdapter {
  readonly name: string;
  start(onMessage: InboundHandler): Promise<void>;
  stop(): Promise<void>;
  /**
   * `mayRepeat`: an earlier attempt was interrupted by a crash and may have arrived; the adapter
   * makes a possible first copy harmless where its platform allows (Telegram: its buttons removed).
   */
  send(address: string, message: OutgoingMessage, audience: 'contact' | 'coordinators', options?: { mayRepeat?: boolean }): Promise<SendResult>;
  /** Removes a message sent earlier; resolves false where the platform cannot. */
  deleteMessage(address: string, externalId: string): Promise<boolean>;
  /** When the channel last heard from its platform, for the heartbeat (if it can tell). */
  lastContact?(): Date | undefined;
  /** false while the channel is down (for the heartbeat), if it can tell. */
  connected?(): boolean;
}

/** The channel is down for now (not connected, logged out): wait without spending an attempt. */
export class ChannelUnavailableError extends Error {}

/** The platform asks to slow down (Telegram 429): try again after that delay. */
export class RetryAfterError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}
