/**
 * Leaflet and poster links: a chat opened with a source code, so that reports can say where people
 * came from (a pharmacy's counter, a health centre's waiting room, a town-hall poster).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import QRCode from 'qrcode';

export interface LeafletRequest {
  /** Where the leaflet is handed out: "pharmacie-du-centre". */
  source: string;
  /** The territory it is for, prefixed to the code: "cpts-nord". */
  territory?: string;
  /** The Telegram bot's username, without the @. */
  telegramBot?: string;
  /** The WhatsApp number of the bot, international digits only. */
  whatsappNumber?: string;
  /** The first message a WhatsApp link writes for the person, carrying "#<code>". */
  whatsappText: (code: string) => string;
  outDir: string;
}

export interface LeafletLink {
  channel: 'telegram' | 'whatsapp';
  url: string;
  files: string[];
}

export class LeafletError extends Error {}

const CODE = /^[a-z0-9][a-z0-9_-]{1,63}$/;

/** "Pharmacie du Centre" → "pharmacie-du-centre"; with a territory, "cpts-nord-pharmacie-du-centre". */
export function leafletCode(source: string, territory?: string): string {
  const slug = (s: string) =>
    s
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '');
  const code = [territory, source].filter((x): x is string => !!x).map(slug).filter(Boolean).join('-');
  // Telegram takes 64 characters after ?start=.
  if (!CODE.test(code)) throw new LeafletError(`"${[territory, source].filter(Boolean).join(' ')}" does not make a code of 2 to 64 letters, digits, - or _`);
  return code;
}

export function telegramLink(bot: string, code: string): string {
  const name = bot.replace(/^@/, '');
  if (!/^[A-Za-z][A-Za-z0-9_]{3,31}$/.test(name)) throw new LeafletError(`"${bot}" is not a Telegram bot username (letters, digits and _, e.g. IcopeNordBot)`);
  return `https://t.me/${name}?start=${code}`;
}

export function whatsappLink(number: string, text: string): string {
  const digits = number.replace(/[\s+()-]/g, '');
  if (!/^\d{8,15}$/.test(digits)) throw new LeafletError(`"${number}" is not a WhatsApp number in international format (e.g. 33612345678)`);
  return `https://wa.me/${digits}?text=${encodeURIComponent(text)}`;
}

/** Builds the links and writes a PNG (to print) and an SVG (to lay out) QR code for each. */
export async function makeLeaflet(r: LeafletRequest): Promise<{ code: string; links: LeafletLink[] }> {
  const code = leafletCode(r.source, r.territory);
  const wanted: Array<{ channel: LeafletLink['channel']; url: string }> = [];
  if (r.telegramBot) wanted.push({ channel: 'telegram', url: telegramLink(r.telegramBot, code) });
  if (r.whatsappNumber) wanted.push({ channel: 'whatsapp', url: whatsappLink(r.whatsappNumber, r.whatsappText(code)) });
  if (wanted.length === 0) throw new LeafletError('no channel to link to: give --telegram <bot username> or --whatsapp <number> (or set TELEGRAM_BOT_USERNAME / WHATSAPP_PAIRING_NUMBER)');
  await mkdir(r.outDir, { recursive: true });
  const links: LeafletLink[] = [];
  for (const w of wanted) {
    const base = path.join(r.outDir, `${code}-${w.channel}`);
    // Level M survives a crease or a smudge on a printed leaflet; 1024 px prints sharp at 8 cm.
    await QRCode.toFile(`${base}.png`, w.url, { type: 'png', errorCorrectionLevel: 'M', margin: 4, width: 1024 });
    await writeFile(`${base}.svg`, await QRCode.toString(w.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }));
    links.push({ ...w, files: [`${base}.png`, `${base}.svg`] });
  }
  return { code, links };
}
