/**
 * A Bot API behind grammY's request transformer that keeps updates like Telegram does: an update is
 * given again by getUpdates until a later call asks for an offset past it. Sends are recorded.
 */
import { Bot } from 'grammy';
import type { Update } from 'grammy/types';

const botInfo = {
  id: 42, is_bot: true as const, first_name: 'ICOPE', username: 'icope_bot', can_join_groups: true,
  can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false,
};

export class OffsetTelegram {
  /** Updates not confirmed yet, oldest first. */
  pending: Update[] = [];
  /** Every text the bot sent, per chat. */
  readonly sent = new Map<number, string[]>();
  /** How many times each update id was handed out. */
  readonly deliveries = new Map<number, number>();
  private nextUpdateId = 1;
  private nextMessageId = 1000;
  private waiters: (() => void)[] = [];

  /** A new bot (as after a restart) talking to this same Telegram. */
  bot(): Bot {
    const bot = new Bot('123:offset-token-abcdef', { botInfo: botInfo as never });
    bot.api.config.use(async (_prev, method, payload, signal) => ({ ok: true, result: await this.call(method, payload as Record<string, unknown>, signal as AbortSignal | undefined) }) as never);
    return bot;
  }

  /** A person writes `text` in their private chat. */
  write(chatId: number, text: string): number {
    const update_id = this.nextUpdateId++;
    const from = { id: chatId, is_bot: false, first_name: 'P', language_code: 'fr' };
    this.pending.push({ update_id, message: { message_id: update_id, date: 1795399200 + update_id, chat: { id: chatId, type: 'private', first_name: 'P' }, from, text } as never });
    for (const wake of this.waiters.splice(0)) wake();
    return update_id;
  }

  /** Telegram delivers an update again (its confirmation was lost). */
  redeliver(update: Update): void {
    this.pending.push(update);
    for (const wake of this.waiters.splice(0)) wake();
  }

  texts(chatId: number): string[] {
    return this.sent.get(chatId) ?? [];
  }

  private async call(method: string, payload: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
    switch (method) {
      case 'getUpdates': {
        const offset = Number(payload.offset ?? 0);
        if (offset > 0) this.pending = this.pending.filter((u) => u.update_id >= offset);
        if (this.pending.length === 0) {
          // Long polling: wait for an update, a short while, or the bot stopping.
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 200);
            this.waiters.push(() => (clearTimeout(timer), resolve()));
            signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()));
          });
          if (signal?.aborted) throw new Error('aborted');
        }
        const batch = this.pending.slice(0, Number(payload.limit ?? 100));
        for (const u of batch) this.deliveries.set(u.update_id, (this.deliveries.get(u.update_id) ?? 0) + 1);
        return batch;
      }
      case 'sendMessage': {
        const chatId = Number(payload.chat_id);
        this.sent.set(chatId, [...this.texts(chatId), String(payload.text)]);
        return { message_id: this.nextMessageId++, date: 0, chat: { id: chatId, type: 'private' }, text: payload.text };
      }
      case 'getMe':
        return botInfo;
      default:
        return true;
    }
  }
}
