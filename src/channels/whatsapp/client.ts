/** The real whatsapp-web.js client: Debian's Chromium, session kept on disk (LocalAuth). */
import whatsapp from 'whatsapp-web.js';
import type { WaClient } from './whatsappChannel.js';

export interface WaClientConfig {
  sessionDir: string;
  chromiumPath: string;
  pairingNumber?: string;
}

export function createWhatsAppClient(c: WaClientConfig): WaClient {
  const { Client, LocalAuth } = whatsapp;
  return new Client({
    authStrategy: new LocalAuth({ dataPath: c.sessionDir }),
    puppeteer: {
      executablePath: c.chromiumPath,
      headless: true,
      // Running as root in a container needs the sandbox off; /dev/shm is often tiny there.
      args: ['--no-sandbox', '--disable-setuid-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run'],
    },
    ...(c.pairingNumber ? { pairWithPhoneNumber: { phoneNumber: c.pairingNumber, showNotification: true } } : {}),
  }) as unknown as WaClient;
}
