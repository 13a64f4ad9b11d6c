/** Handler tests: real grammY, the Bot API replaced by a request transformer that records calls. */
import { Bot, InputFile } from 'grammy';
import type { Update } from 'grammy/types';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { TelegramChannel } from '../../../src/channels/telegram/telegramChannel.js';
import { PermanentDeliveryError, RetryAfterError, type InboundMessage } from '../../../src/channels/types.js';

const botInfo = {
  id: 42, is_bot: true as const, first_name: 'ICOPE', username: 'icope_bot', can_join_groups: true,
  can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false,
};

type Call = { method: string; payload: Record<string, unknown> };

function setup(respond: (call: Call) => unknown = () => true, result = 'processed') {
  const bot = new Bot('123:test-token-abcdef', { botInfo: botInfo as never });
  const calls: Call[] = [];
  bot.api.config.use(async (_prev, method, payload) => {
    const call = { method, payload: payload as Record<string, unknown> };
    calls.push(call);
    const r = respond(call);
    if (r && typeof r === 'object' && 'ok' in r) return r as never;
    return { ok: true, result: r ?? true } as never;
  });
  const channel = new TelegramChannel({ token: 'x', commands: {}, logger: pino({ level: 'silent' }), bot, clock: () => new Date('2026-11-22T10:00:07Z') });
  const received: InboundMessage[] = [];
  channel.install(async (m) => {
    received.push(m);
    return result;
  });
  return { bot, channel, calls, received };
}

const user = { id: 7, is_bot: false, first_name: 'Jeanne', language_code: 'fr' };
const chat = { id: 7, type: 'private' as const, first_name: 'Jeanne' };
const msg = (over: Record<string, unknown>): Update => ({ update_id: 1, message: { message_id: 10, date: 1795399200, chat, from: user, ...over } as never });

describe('telegram inbound', () => {
  it('a text message becomes a text inbound, keyed by chat and message id, timed by Telegram', async () => {
    const { bot, received } = setup();
    await bot.handleUpdate(msg({ text: 'oui' }));
    expect(received).toEqual([{
      channel: 'telegram', address: '7', externalId: 'msg:7:10', receivedAt: new Date(1795399200 * 1000),
      content: { kind: 'text', text: 'oui' }, languageHint: 'fr',
    }]);
  });

  it.each([
    [{ sticker: { file_id: 's', file_unique_id: 'u', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } }, 'sticker'],
    [{ voice: { file_id: 'v', file_unique_id: 'u', duration: 3 } }, 'voice'],
    [{ photo: [{ file_id: 'p', file_unique_id: 'u', width: 1, height: 1 }] }, 'photo'],
    [{ location: { latitude: 43.6, longitude: 1.44 } }, 'location'],
  ])('%o is media', async (extra, kind) => {
    const { bot, received } = setup();
    await bot.handleUpdate(msg(extra));
    expect(received[0]!.content).toEqual({ kind: 'media', mediaType: kind });
  });

  it('a private-chat update whose sender is not the chat (forged) is ignored', async () => {
    const { bot, received } = setup();
    await bot.handleUpdate({ update_id: 3, message: { message_id: 12, date: 1795399200, chat, from: { ...user, id: 666 }, text: 'effacer' } } as never);
    expect(received).toEqual([]);
  });

  it('an edited message is reported as such, and a shared own contact as a phone number', async () => {
    const { bot, received } = setup();
    await bot.handleUpdate({ update_id: 2, edited_message: { message_id: 10, date: 1795399200, edit_date: 1795399260, chat, from: user, text: 'non' } as never });
    await bot.handleUpdate(msg({ contact: { phone_number: '+33612345678', first_name: 'Jeanne', user_id: 7 } }));
    await bot.handleUpdate(msg({ message_id: 11, contact: { phone_number: '+33600000000', first_name: 'Paul', user_id: 99 } }));
    expect(received.map((r) => r.content)).toEqual([
      { kind: 'media', mediaType: 'edited' },
      { kind: 'contact', phone: '+33612345678' },
      { kind: 'media', mediaType: 'contact' },
    ]);
  });

  it('ignores group chats, except /chatid which answers the group id for the operator', async () => {
    const { bot, received, calls } = setup(() => ({ message_id: 1, date: 1, chat: { id: -100, type: 'group', title: 'g' } }));
    await bot.handleUpdate(msg({ chat: { id: -100, type: 'group', title: 'g' }, text: 'hello' }));
    expect(received).toEqual([]);
    await bot.handleUpdate(msg({ chat: { id: -100, type: 'group', title: 'g' }, text: '/chatid', entities: [{ type: 'bot_command', offset: 0, length: 7 }] }));
    expect(calls.map((c) => [c.method, c.payload.chat_id, c.payload.text])).toEqual([['sendMessage', -100, '-100']]);
    expect(received).toEqual([]);
  });

  it('a button press: always answered, the question edited to show the answer without buttons', async () => {
    const { bot, received, calls } = setup();
    const question = {
      message_id: 55, date: 1795399200, chat, from: botInfo, text: 'Qui répond aux questions ?',
      reply_markup: { inline_keyboard: [[{ text: 'Moi-même', callback_data: 'c:self' }], [{ text: 'Un proche', callback_data: 'c:relative' }]] },
    };
    await bot.handleUpdate({ update_id: 3, callback_query: { id: 'cb1', from: user, chat_instance: 'i', data: 'c:relative', message: question } as never });
    expect(received[0]).toMatchObject({ externalId: 'cb:cb1', receivedAt: new Date('2026-11-22T10:00:07Z'), content: { kind: 'choice', choiceId: 'relative', messageId: '55' } });
    expect(calls.map((c) => c.method)).toEqual(['editMessageText', 'answerCallbackQuery']);
    expect(calls[0]!.payload).toMatchObject({ message_id: 55, text: 'Qui répond aux questions ?\n\n✅ Un proche', reply_markup: { inline_keyboard: [] } });
  });

  it('a stale press only loses its buttons; the press is still answered even when handling throws', async () => {
    const stale = setup(() => true, 'stale');
    const question = { message_id: 5, date: 1, chat, text: 'old', reply_markup: { inline_keyboard: [[{ text: 'Oui', callback_data: 'c:yes' }]] } };
    await stale.bot.handleUpdate({ update_id: 4, callback_query: { id: 'cb2', from: user, chat_instance: 'i', data: 'c:yes', message: question } as never });
    expect(stale.calls.map((c) => c.method)).toEqual(['editMessageReplyMarkup', 'answerCallbackQuery']);

    const bot = new Bot('123:test-token-abcdef', { botInfo: botInfo as never });
    const calls: string[] = [];
    bot.api.config.use(async (_p, method) => {
      calls.push(method);
      return { ok: true, result: true } as never;
    });
    const channel = new TelegramChannel({ token: 'x', commands: {}, logger: pino({ level: 'silent' }), bot });
    channel.install(async () => {
      throw new Error('boom');
    });
    // handleUpdate rethrows (polling and webhooks route it to bot.catch): the press was answered all the same.
    await expect(bot.handleUpdate({ update_id: 5, callback_query: { id: 'cb3', from: user, chat_instance: 'i', data: 'c:yes', message: question } as never })).rejects.toThrow('boom');
    expect(calls).toEqual(['answerCallbackQuery']);
  });
});

describe('telegram outbound', () => {
  it('choices become one inline button per row; the share-contact question a one-time reply keyboard, removed after', async () => {
    const { channel, calls } = setup(() => ({ message_id: 77, date: 1, chat }));
    expect(await channel.send('7', { text: 'Q?', choices: [{ id: 'yes', label: 'Oui' }, { id: 'no', label: 'Non' }] })).toEqual({ externalId: '77' });
    expect(calls[0]!.payload).toMatchObject({ chat_id: '7', text: 'Q?', reply_markup: { inline_keyboard: [[{ text: 'Oui', callback_data: 'c:yes' }], [{ text: 'Non', callback_data: 'c:no' }]] } });
    await channel.send('7', { text: 'Phone?', choices: [{ id: 'share_phone', label: '📱 Partager' }, { id: 'no_phone', label: 'Non merci' }] });
    expect(calls[1]!.payload.reply_markup).toEqual({ keyboard: [[{ text: '📱 Partager', request_contact: true }], [{ text: 'Non merci' }]], one_time_keyboard: true, resize_keyboard: true });
    await channel.send('7', { text: 'Summary' });
    expect(calls[2]!.payload.reply_markup).toEqual({ remove_keyboard: true });
    await channel.send('7', { text: 'Later' });
    expect(calls[3]!.payload.reply_markup).toBeUndefined();
  });

  it('a question sent again after a crash mid-send removes the buttons of the message just before (its possible first copy), and only then', async () => {
    const { channel, calls } = setup((call) => (call.method === 'editMessageReplyMarkup' ? { ok: false, error_code: 400, description: 'Bad Request: message can\'t be edited' } : { message_id: 78, date: 1, chat }));
    await channel.send('7', { text: 'Q?', choices: [{ id: 'yes', label: 'Oui' }] }, 'contact', { mayRepeat: true });
    expect(calls.map((c) => c.method)).toEqual(['sendMessage', 'editMessageReplyMarkup']);
    expect(calls[1]!.payload).toMatchObject({ chat_id: '7', message_id: 77, reply_markup: { inline_keyboard: [] } });
    // The edit was refused (not the bot's message): the send still succeeded.
    await channel.send('7', { text: 'Q?', choices: [{ id: 'yes', label: 'Oui' }] });
    await channel.send('7', { text: 'Plain text' }, 'contact', { mayRepeat: true });
    expect(calls.map((c) => c.method)).toEqual(['sendMessage', 'editMessageReplyMarkup', 'sendMessage', 'sendMessage']);
  });

  it('403 means blocked for good, 429 waits for retry_after, 400 chat not found means gone', async () => {
    const failWith = (error_code: number, description: string, parameters?: object) =>
      setup(() => ({ ok: false, error_code, description, ...(parameters ? { parameters } : {}) })).channel;
    await expect(failWith(403, 'Forbidden: bot was blocked by the user').send('7', { text: 'x' })).rejects.toMatchObject({ reason: 'blocked' });
    await expect(failWith(403, 'Forbidden').send('7', { text: 'x' })).rejects.toBeInstanceOf(PermanentDeliveryError);
    const retry = failWith(429, 'Too Many Requests: retry after 7', { retry_after: 7 }).send('7', { text: 'x' });
    await expect(retry).rejects.toBeInstanceOf(RetryAfterError);
    await expect(retry).rejects.toMatchObject({ retryAfterMs: 7000 });
    await expect(failWith(400, 'Bad Request: chat not found').send('7', { text: 'x' })).rejects.toMatchObject({ reason: 'gone' });
    await expect(failWith(500, 'Internal Server Error').send('7', { text: 'x' })).rejects.not.toBeInstanceOf(PermanentDeliveryError);
  });

  it('a document goes with sendDocument as an uploaded file, the text as its caption, buttons kept', async () => {
    const { channel, calls } = setup(() => ({ message_id: 88, date: 1, chat }));
    const pdf = Buffer.from('%PDF-1.3\n% a sheet\n');
    const document = { fileName: 'icope-step1-2026-11-23.pdf', mimeType: 'application/pdf', dataBase64: pdf.toString('base64') };
    expect(await channel.send('7', { text: 'La fiche pour votre médecin', document, choices: [{ id: 'ok', label: 'Merci' }] })).toEqual({ externalId: '88' });
    expect(calls.map((c) => c.method)).toEqual(['sendDocument']);
    expect(calls[0]!.payload).toMatchObject({ chat_id: '7', caption: 'La fiche pour votre médecin', reply_markup: { inline_keyboard: [[{ text: 'Merci', callback_data: 'c:ok' }]] } });
    const file = calls[0]!.payload.document as InputFile;
    expect(file).toBeInstanceOf(InputFile);
    expect(file.filename).toBe('icope-step1-2026-11-23.pdf');
    expect(Buffer.from((await file.toRaw()) as Uint8Array).equals(pdf)).toBe(true);
  });

  it('a text too long for a caption goes as a message just before the document', async () => {
    const { channel, calls } = setup(() => ({ message_id: 89, date: 1, chat }));
    const long = 'x'.repeat(1025);
    const document = { fileName: 'a.pdf', mimeType: 'application/pdf', dataBase64: Buffer.from('%PDF').toString('base64') };
    expect(await channel.send('7', { text: long, document })).toEqual({ externalId: '89' });
    expect(calls.map((c) => [c.method, c.payload.text, c.payload.caption])).toEqual([
      ['sendMessage', long, undefined],
      ['sendDocument', undefined, undefined],
    ]);
  });

  it('a document that cannot be delivered fails like a message: blocked, retry later', async () => {
    const document = { fileName: 'a.pdf', mimeType: 'application/pdf', dataBase64: Buffer.from('%PDF').toString('base64') };
    const blocked = setup(() => ({ ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' })).channel;
    await expect(blocked.send('7', { text: 'x', document })).rejects.toMatchObject({ reason: 'blocked' });
    const busy = setup(() => ({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } })).channel;
    await expect(busy.send('7', { text: 'x', document })).rejects.toMatchObject({ retryAfterMs: 3000 });
  });

  it('deleting a message that cannot be deleted resolves false', async () => {
    const { channel } = setup(() => ({ ok: false, error_code: 400, description: "Bad Request: message can't be deleted" }));
    expect(await channel.deleteMessage('7', '5')).toBe(false);
  });
});

describe('starting with a bad token or no network', () => {
  const token = '123456789:AAbadbadbadbadbadbad';
  const start = (respond: (method: string) => unknown) => {
    const bot = new Bot(token); // no botInfo: init() calls getMe
    bot.api.config.use(async (_prev, method) => respond(method) as never);
    return new TelegramChannel({ token, commands: {}, logger: pino({ level: 'silent' }), bot }).start(async () => undefined);
  };

  it('a 401 names TELEGRAM_BOT_TOKEN in one line', async () => {
    await expect(start(() => ({ ok: false, error_code: 401, description: 'Unauthorized' }))).rejects.toThrow(/^Configuration error: TELEGRAM_BOT_TOKEN is refused by Telegram/);
  });

  it('a network failure says so, without the token', async () => {
    const failure = start(() => {
      throw new Error(`request to https://api.telegram.org/bot${token}/getMe failed, reason: getaddrinfo ENOTFOUND`);
    });
    await expect(failure).rejects.toThrow(/^Telegram could not be reached/);
    await expect(failure).rejects.not.toThrow(new RegExp(token.split(':')[1]!));
  });
});
