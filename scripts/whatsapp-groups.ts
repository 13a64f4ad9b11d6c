/**
 * Lists the WhatsApp groups the bot's account belongs to, with their ids, so an operator can set
 * COORDINATOR_WHATSAPP_GROUP_ID or the territories file. Links the account first if needed (QR code).
 */
import { existsSync } from 'node:fs';
import qrcode from 'qrcode-terminal';
import { clientConfigOf, createWhatsAppClient } from '../src/channels/whatsapp/client.js';
import { ConfigError, loadConfig } from '../src/config.js';

if (existsSync('.env')) process.loadEnvFile('.env');
let config;
try {
  config = loadConfig();
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
if (!existsSync(config.CHROMIUM_PATH)) {
  process.stderr.write(`Chromium was not found at ${config.CHROMIUM_PATH}: install it (sudo apt-get install chromium) or set CHROMIUM_PATH.\n`);
  process.exit(1);
}
const client = createWhatsAppClient(clientConfigOf(config));
const giveUp = setTimeout(() => {
  process.stderr.write('WhatsApp did not connect within 3 minutes.\n');
  process.exit(1);
}, 180_000);
client.on('qr', (qr: string) => {
  process.stdout.write("Scan this QR code with the bot's phone (WhatsApp > Settings > Linked devices > Link a device):\n");
  qrcode.generate(qr, { small: true });
});
client.on('code', (code: string) => process.stdout.write(`Pairing code: ${code} (WhatsApp > Linked devices > Link with phone number)\n`));
client.on('auth_failure', (reason: string) => {
  process.stderr.write(`Login failed: ${reason}. Delete ${config.WHATSAPP_SESSION_DIR} and try again.\n`);
  process.exit(1);
});
client.on('ready', async () => {
  const groups = (await client.getChats()).filter((c) => c.isGroup);
  if (groups.length === 0) process.stdout.write('The bot\'s account is in no group yet: add it to the coordinators\' group, then run this again.\n');
  for (const g of groups) process.stdout.write(`${g.id._serialized}  ${g.name}\n`);
  clearTimeout(giveUp);
  await client.destroy();
  process.exit(0);
});
process.stdout.write('Starting WhatsApp…\n');
await client.initialize();
