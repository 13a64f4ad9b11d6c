/**
 * npm run leaflet -- --source "Pharmacie du Centre" [--territory cpts-nord] [--telegram IcopeBot]
 *   [--whatsapp 33612345678] [--lang fr] [--out leaflets]
 * Prints the links that open the chat with a source code, and writes their QR codes (PNG and SVG).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadTerritories } from '../src/alerts/territories.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { loadLocales } from '../src/i18n/index.js';
import { LeafletError, makeLeaflet } from '../src/leaflets/leaflet.js';

const fail = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(1);
};

if (existsSync('.env')) process.loadEnvFile('.env');
try {
  const config = loadConfig();
  const { values } = parseArgs({
    options: {
      source: { type: 'string' },
      territory: { type: 'string' },
      telegram: { type: 'string' },
      whatsapp: { type: 'string' },
      lang: { type: 'string' },
      out: { type: 'string', default: 'leaflets' },
    },
  });
  if (!values.source) fail('Say where the leaflet is handed out: npm run leaflet -- --source "Pharmacie du Centre" [--territory ID] [--telegram BOT] [--whatsapp NUMBER]');
  if (values.territory && config.TERRITORIES_FILE) {
    const ids = loadTerritories(config.TERRITORIES_FILE).territories.map((t) => t.id);
    if (!ids.includes(values.territory)) fail(`--territory ${values.territory} is not in ${config.TERRITORIES_FILE} (${ids.join(', ')})`);
  }
  const locales = loadLocales();
  const lang = values.lang ?? config.DEFAULT_LANGUAGE;
  if (!locales.languages.includes(lang)) fail(`--lang ${lang}: one of ${locales.languages.join(', ')}`);
  const telegramBot = values.telegram ?? config.TELEGRAM_BOT_USERNAME;
  const whatsappNumber = values.whatsapp ?? config.WHATSAPP_PAIRING_NUMBER;
  const made = await makeLeaflet({
    source: values.source!,
    ...(values.territory ? { territory: values.territory } : {}),
    ...(telegramBot ? { telegramBot } : {}),
    ...(whatsappNumber ? { whatsappNumber } : {}),
    whatsappText: (code) => locales.text(lang, { key: 'leaflet.whatsappText', vars: { code } }),
    outDir: values.out!,
  });
  process.stdout.write(`Source code: ${made.code}\n`);
  for (const link of made.links) process.stdout.write(`${link.channel === 'telegram' ? 'Telegram' : 'WhatsApp'}: ${link.url}\n  QR code: ${link.files.join(', ')}\n`);
} catch (error) {
  if (error instanceof ConfigError || error instanceof LeafletError) fail(error.message);
  if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) fail(error.message);
  throw error;
}
