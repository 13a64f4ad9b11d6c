/** A document through the outbox to the Telegram emulator: the GP sheet as a person would receive it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpSheetFileName, renderGpSheetPdf, type GpSheetFacts } from '../../../src/alerts/gpSheet.js';
import { loadLocales } from '../../../src/i18n/index.js';
import { enqueue } from '../../../src/outbox/outbox.js';
import { TelegramE2E } from '../../helpers/telegramE2E.js';

let t: TelegramE2E;
beforeAll(async () => {
  t = await TelegramE2E.start('webhook');
});
afterAll(async () => t?.close());

const facts: GpSheetFacts = {
  lang: 'fr',
  firstName: 'Jeanne',
  birthYear: 1948,
  screenedAt: new Date('2026-11-23T13:05:00Z'),
  timeZone: 'Europe/Paris',
  instrumentVersion: 'who-icope-step1-chat-2',
  mode: 'self',
  results: [{ domain: 'cognition', status: 'alert', reasons: [{ code: 'date_wrong' }] }],
  answers: [{ item: 'C3_date', value: '{"status":"answered","date":{"day":21,"month":11,"year":2026}}' }],
  territoryName: 'CPTS du Lac',
};

async function queue(key: string, chatId: string, text: string, pdf: Buffer) {
  const document = { fileName: gpSheetFileName(facts), mimeType: 'application/pdf', dataBase64: pdf.toString('base64') };
  await t.db.tx((tx) => enqueue(tx, { key, channel: 'telegram', address: chatId, audience: 'contact', message: { text, document }, notBefore: new Date(0) }));
  await t.app.dispatcher.drain();
}

describe('Telegram documents end to end', () => {
  it('a PDF queued in the outbox reaches the chat as a document with its caption', async () => {
    const pdf = await renderGpSheetPdf(loadLocales(), facts);
    await queue('doc-1', '301', 'La fiche pour votre médecin traitant', pdf);
    expect(t.documents).toEqual([{ chatId: '301', fileName: 'icope-step1-2026-11-23.pdf', size: pdf.length, caption: 'La fiche pour votre médecin traitant', messageId: expect.any(Number) }]);
    // Stored like a sent message: the caption is its text, the file is described.
    const stored = t.last(301).message as unknown as { text: string; document: { file_name: string; file_size: number } };
    expect(stored.text).toBe('La fiche pour votre médecin traitant');
    expect(stored.document).toMatchObject({ file_name: 'icope-step1-2026-11-23.pdf', file_size: pdf.length });
    const row = await t.db.read((d) => d.outboxMessage.findUniqueOrThrow({ where: { key: 'doc-1' } }));
    expect(row).toMatchObject({ status: 'sent', externalId: String(t.documents[0]!.messageId) });
  });

  it('to a person who blocked the bot: given up for good, not retried', async () => {
    t.blocked.add('302');
    await queue('doc-2', '302', 'La fiche', Buffer.from('%PDF-1.3\n'));
    expect(t.documents.filter((d) => d.chatId === '302')).toEqual([]);
    const row = await t.db.read((d) => d.outboxMessage.findUniqueOrThrow({ where: { key: 'doc-2' } }));
    expect(row).toMatchObject({ status: 'dropped', lastError: expect.stringContaining('blocked') });
  });
});
