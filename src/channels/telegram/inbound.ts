/** Telegram updates → channel-neutral inbound messages. Pure translation, no decisions. */
import type { Context } from 'grammy';
import type { InboundMessage } from '../types.js';

export const CHANNEL = 'telegram';
export const CALLBACK_PREFIX = 'c:';

/** What kind of thing a non-text message is, for the "I can only read text" answer. */
function mediaType(msg: NonNullable<Context['message']>): string {
  const kinds = ['sticker', 'voice', 'audio', 'video_note', 'video', 'photo', 'animation', 'document', 'location', 'venue', 'poll', 'dice', 'contact'] as const;
  return kinds.find((k) => k in msg && (msg as unknown as Record<string, unknown>)[k] !== undefined) ?? 'other';
}

/**
 * The inbound message for a private-chat update or a coordinators' group text, or undefined for
 * updates the bot does not read. `now` stamps button presses, for which Telegram gives no time.
 */
export function toInbound(ctx: Context, now: Date, coordinatorChats: ReadonlySet<string> = new Set()): InboundMessage | undefined {
  const chat = ctx.chat;
  if (chat && chat.type !== 'private') {
    const msg = ctx.message;
    if (!coordinatorChats.has(String(chat.id)) || msg?.text === undefined || !ctx.from) return undefined;
    return {
      channel: CHANNEL,
      address: String(chat.id),
      externalId: `msg:${chat.id}:${msg.message_id}`,
      receivedAt: new Date(msg.date * 1000),
      content: { kind: 'text', text: msg.text },
      group: {
        senderId: String(ctx.from.id),
        senderName: [ctx.from.first_name, ctx.from.last_name].filter(Boolean).join(' '),
        ...(msg.reply_to_message ? { quotedId: String(msg.reply_to_message.message_id) } : {}),
      },
    };
  }
  if (!chat) return undefined;
  // In a private chat the sender is the chat: an update claiming otherwise is not the person's.
  if (!ctx.from || String(ctx.from.id) !== String(chat.id)) return undefined;
  const base = {
    channel: CHANNEL,
    address: String(chat.id),
    ...(ctx.from?.language_code ? { languageHint: ctx.from.language_code } : {}),
  };
  const cb = ctx.callbackQuery;
  if (cb?.data !== undefined) {
    if (!cb.data.startsWith(CALLBACK_PREFIX)) return undefined;
    return {
      ...base,
      externalId: `cb:${cb.id}`,
      receivedAt: now,
      content: {
        kind: 'choice',
        choiceId: cb.data.slice(CALLBACK_PREFIX.length),
        ...(cb.message ? { messageId: String(cb.message.message_id) } : {}),
      },
    };
  }
  const edited = ctx.editedMessage;
  if (edited) {
    return {
      ...base,
      externalId: `edit:${chat.id}:${edited.message_id}:${edited.edit_date ?? edited.date}`,
      receivedAt: new Date((edited.edit_date ?? edited.date) * 1000),
      content: { kind: 'media', mediaType: 'edited' },
    };
  }
  const msg = ctx.message;
  if (!msg) return undefined;
  const common = { ...base, externalId: `msg:${chat.id}:${msg.message_id}`, receivedAt: new Date(msg.date * 1000) };
  if (msg.text !== undefined) return { ...common, content: { kind: 'text', text: msg.text } };
  // Only the person's own card counts as a shared number: not a contact card of someone else.
  if (msg.contact && msg.contact.user_id === ctx.from?.id) return { ...common, content: { kind: 'contact', phone: msg.contact.phone_number } };
  return { ...common, content: { kind: 'media', mediaType: mediaType(msg) } };
}
