/** Leaflet links and their QR codes: decoded back from the PNG written, and the code read by the engine. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsqrModule from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { sourceCodeOf } from '../../src/engine/engine.js';
import { leafletCode, LeafletError, makeLeaflet } from '../../src/leaflets/leaflet.js';
import { locales } from '../helpers/harness.js';

// jsqr is CommonJS with a default export: under NodeNext the function sits on .default.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = ((jsqrModule as unknown as { default?: Decode }).default ?? jsqrModule) as unknown as Decode;

function decode(file: string): string | undefined {
  const png = PNG.sync.read(readFileSync(file));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

describe('leaflets', () => {
  it('writes a QR code per channel that scans back to a link carrying the source code', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'leaflet-'));
    const made = await makeLeaflet({
      source: 'Pharmacie du Centre',
      territory: 'cpts-nord',
      telegramBot: '@IcopeNordBot',
      whatsappNumber: '+33 6 12 34 56 78',
      whatsappText: (code) => locales.text('fr', { key: 'leaflet.whatsappText', vars: { code } }),
      outDir: out,
    });
    expect(made.code).toBe('cpts-nord-pharmacie-du-centre');
    const [telegram, whatsapp] = made.links;
    expect(telegram!.url).toBe('https://t.me/IcopeNordBot?start=cpts-nord-pharmacie-du-centre');
    expect(decode(telegram!.files[0]!)).toBe(telegram!.url);
    expect(readFileSync(telegram!.files[1]!, 'utf8')).toMatch(/^<svg/);
    expect(decode(whatsapp!.files[0]!)).toBe(whatsapp!.url);
    // What WhatsApp writes for the person is their first message: the engine finds the code in it.
    const firstMessage = decodeURIComponent(new URL(whatsapp!.url).searchParams.get('text')!);
    expect(sourceCodeOf(firstMessage)).toBe('cpts-nord-pharmacie-du-centre');
    expect(sourceCodeOf('/start cpts-nord-pharmacie-du-centre')).toBe('cpts-nord-pharmacie-du-centre');
  });

  it('says clearly what is wrong instead of writing a useless code', async () => {
    expect(() => leafletCode('!')).toThrow(LeafletError);
    await expect(makeLeaflet({ source: 'mairie', whatsappText: () => '', outDir: tmpdir() })).rejects.toThrow(/no channel/);
    await expect(makeLeaflet({ source: 'mairie', telegramBot: 'a b', whatsappText: () => '', outDir: tmpdir() })).rejects.toThrow(/not a Telegram bot username/);
    await expect(makeLeaflet({ source: 'mairie', whatsappNumber: '12', whatsappText: () => '', outDir: tmpdir() })).rejects.toThrow(/international format/);
  });

  it('a postcode or a word after "code" is not a source code', () => {
    expect(sourceCodeOf('mon code postal est 75012')).toBeUndefined();
    expect(sourceCodeOf('bonjour')).toBeUndefined();
  });
});
