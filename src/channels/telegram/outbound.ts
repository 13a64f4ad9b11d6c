/** Channel-neutral outgoing messages → Telegram sendMessage options, and Telegram errors → delivery errors. */
import { GrammyError, HttpError } from 'grammy';
import type { InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove } from 'grammy/types';
import { PermanentDeliveryError, RetryAfterError, type OutgoingMessage } from '../types.js';
import { CALLBACK_PREFIX } from './inbound.js';

/** The choice rendered as Telegram's own "share my phone number" button. */
export const SHARE_PHONE = 'share_phone';

export type ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove;

/** One button per row: full labels, big targets. The share-contact question uses a reply keyboard. */
export function replyMarkup(message: OutgoingMessage): ReplyMarkup | undefined {
  const choices = message.choices ?? [];
  if (choices.length === 0) return undefined;
  if (choices.some((c) => c.id === SHARE_PHONE)) {
    return {
      keyboard: choices.map((c) => [c.id === SHARE_PHONE ? { text: c.label, request_contact: true } : { text: c.label }]),
      one_time_keyboard: true,
      resize_keyboard: true,
    };
  }
  return { inline_keyboard: choices.map((c) => [{ text: c.label, callback_data: `${CALLBACK_PREFIX}${c.id}` }]) };
}

/** Sorts a failed Bot API call into: never again (blocked, gone), later (429), or an ordinary retry. */
export function deliveryError(error: unknown): Error {
  if (error instanceof GrammyError) {
    if (error.error_code === 403) return new PermanentDeliveryError(error.description, 'blocked');
    if (error.error_code === 429) return new RetryAfterError(error.description, (error.parameters.retry_after ?? 1) * 1000);
    if (error.error_code === 400 && /chat not found|user not found|chat_id is empty/i.test(error.description)) {
      return new PermanentDeliveryError(error.description, 'gone');
    }
    if (error.error_code === 400) return new PermanentDeliveryError(error.description, 'invalid');
    return new Error(error.description);
  }
  if (error instanceof HttpError) return new Error(`network: ${error.message}`);
  return error instanceof Error ? error : new Error(String(error));
}
