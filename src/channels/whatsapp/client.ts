/** The real whatsapp-web.js client: Debian's Chromium, session and WhatsApp Web versions kept under the data folder. */
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import whatsapp from 'whatsapp-web.js';
import type { Config } from '../../config.js';
import type { WaClient } from './whatsappChannel.js';

export interface WaClientConfig {
  sessionDir: string;
  chromiumPath: string;
  pairingNumber?: string;
  /** Where WhatsApp Web's pages are cached, one per version (the version in use is pinned there). */
  webCacheDir: string;
  /** WHATSAPP_WEB_VERSION: this version rather than the pinned one. */
  webVersion?: string;
  /** Take the session back when the same account is opened in another browser. */
  takeover: boolean;
}

const PIN_FILE = 'pinned-version';

/** The client's settings from the configuration (the bot and npm run whatsapp:groups share them). */
export function clientConfigOf(config: Config): WaClientConfig {
  return {
    sessionDir: config.WHATSAPP_SESSION_DIR,
    chromiumPath: config.CHROMIUM_PATH,
    ...(config.WHATSAPP_PAIRING_NUMBER ? { pairingNumber: config.WHATSAPP_PAIRING_NUMBER } : {}),
    // Beside the session, under the data folder (never in the working folder, where the library would put it).
    webCacheDir: config.WHATSAPP_WEB_CACHE_DIR ?? path.join(path.dirname(path.resolve(config.WHATSAPP_SESSION_DIR)), 'whatsapp-web-cache'),
    ...(config.WHATSAPP_WEB_VERSION ? { webVersion: config.WHATSAPP_WEB_VERSION } : {}),
    takeover: config.WHATSAPP_TAKEOVER,
  };
}

/** The WhatsApp Web version to ask for: the configured one, else the one pinned at the first connection. */
export function webVersionFor(c: Pick<WaClientConfig, 'webCacheDir' | 'webVersion'>): string | undefined {
  if (c.webVersion) return c.webVersion;
  const file = path.join(c.webCacheDir, PIN_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
}

/** Pins the version WhatsApp Web served at the first connection (its page is cached by the library). */
export function pinWebVersion(webCacheDir: string, version: string): boolean {
  const file = path.join(webCacheDir, PIN_FILE);
  if (existsSync(file) || !/^[\d.]+(-\w+)?$/.test(version)) return false;
  mkdirSync(webCacheDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${version}\n`, { mode: 0o600 });
  return true;
}

/** Chromium's profile of LocalAuth's session (no clientId: "session"). */
export function profileDir(sessionDir: string): string {
  return path.join(sessionDir, 'session');
}

/**
 * Chromium refuses to start on a profile whose lock was left by a process that died (a crash, a
 * kill, a container restart). The lock names "host-pid": removed when that process is gone; kept
 * when it is alive on this host (another bot is using the session), which is then returned.
 */
export function clearStaleProfileLock(sessionDir: string, isAlive: (pid: number) => boolean = processAlive): { cleared: boolean; livePid?: number } {
  const dir = profileDir(sessionDir);
  const lock = path.join(dir, 'SingletonLock');
  let target: string;
  try {
    target = readlinkSync(lock);
  } catch {
    return { cleared: false };
  }
  const m = /^(.*)-(\d+)$/.exec(target);
  const pid = m ? Number(m[2]) : undefined;
  if (m && m[1] === hostname() && pid !== undefined && isAlive(pid)) return { cleared: false, livePid: pid };
  for (const name of ['SingletonLock', 'SingletonCookie', 'SingletonSocket']) rmSync(path.join(dir, name), { force: true });
  return { cleared: true };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function createWhatsAppClient(c: WaClientConfig): WaClient {
  const { Client, LocalAuth } = whatsapp;
  const webVersion = webVersionFor(c);
  return new Client({
    authStrategy: new LocalAuth({ dataPath: c.sessionDir }),
    puppeteer: {
      executablePath: c.chromiumPath,
      headless: true,
      // Running as root in a container needs the sandbox off; /dev/shm is often tiny there.
      args: ['--no-sandbox', '--disable-setuid-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run'],
    },
    // WhatsApp Web breaks the library most often when it updates: the version in use is kept and asked for again.
    webVersionCache: { type: 'local', path: c.webCacheDir },
    ...(webVersion ? { webVersion } : {}),
    takeoverOnConflict: c.takeover,
    takeoverTimeoutMs: 0,
    ...(c.pairingNumber ? { pairWithPhoneNumber: { phoneNumber: c.pairingNumber, showNotification: true } } : {}),
  }) as unknown as WaClient;
}
