/**
 * `npm start` runs the compiled bot (dist/, built by prestart), and a channel's library is loaded only
 * when that channel is on. Each case is a real node process, with a hook that writes down every module
 * it loads (tests/helpers/moduleLog.mjs).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './helpers/freePort.js';
import { ensureBuilt, readyLine, ROOT, startCompiledBot, startNodeArgs } from '../scripts/compiledBot.js';

const MODULE_LOG_HOOK = path.join(ROOT, 'tests', 'helpers', 'moduleLog.mjs');
const logs = mkdtempSync(path.join(tmpdir(), 'icope-modules-'));
let logCount = 0;
const newLog = () => path.join(logs, `modules-${++logCount}.log`);

/** The packages (folder names under node_modules) a module log names. */
function packages(log: string): Set<string> {
  const names = readFileSync(log, 'utf8')
    .split('\n')
    .flatMap((line) => [...line.matchAll(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map((m) => m[1]!));
  return new Set(names);
}

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => rmSync(logs, { recursive: true, force: true }));

describe('npm start', () => {
  it('runs compiled JavaScript after a build, never a TypeScript loader', () => {
    const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.prestart).toBe('node scripts/build.mjs');
    expect(scripts.start).toMatch(/^node .*dist\/src\/main\.js$/);
    expect(scripts.start).not.toContain('tsx');
    expect(startNodeArgs().join(' ')).not.toMatch(/tsx|--import|--loader/);
  });

  it('compiles again when a source is newer than the last build, and only then', () => {
    const build = () => spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
    const stamp = path.join(ROOT, 'dist', '.built');
    const fresh = build();
    expect(fresh.status).toBe(0);
    expect(fresh.stderr).toBe('');
    const built = statSync(stamp).mtimeMs;
    // A source saved now (its content unchanged).
    const source = path.join(ROOT, 'src', 'root.ts');
    const now = new Date();
    utimesSync(source, now, now);
    const stale = build();
    expect(stale.status).toBe(0);
    expect(stale.stderr).toMatch(/^Compiled to dist\/ in /);
    expect(statSync(stamp).mtimeMs).toBeGreaterThan(built);
    expect(statSync(path.join(ROOT, 'dist', 'src', 'root.js')).mtimeMs).toBeGreaterThanOrEqual(statSync(stamp).mtimeMs);
  });

  it('starts the terminal chat from dist/ and answers "bonjour" with the first question; WhatsApp, grammY and pdfkit stay unloaded', async () => {
    const log = newLog();
    const bot = startCompiledBot({ nodeArgs: [...startNodeArgs(), '--import', MODULE_LOG_HOOK], env: { MODULE_LOG: log, DEFAULT_LANGUAGE: 'fr', WEB_PORT: String(await freePort()) } });
    try {
      await bot.waitFor(readyLine('fr'));
      bot.write('bonjour');
      await bot.waitFor('Êtes-vous d\'accord ?');
      expect(bot.output()).toContain('Bonjour ! Je vous propose une dizaine de petites questions');
    } finally {
      expect(await bot.stop()).toBe(0);
    }
    const loaded = packages(log);
    // The log is written: the bot's own libraries are in it.
    expect(loaded).toContain('xstate');
    expect(loaded).toContain('@prisma/client');
    for (const heavy of ['whatsapp-web.js', 'puppeteer', 'puppeteer-core', 'grammy', 'qrcode-terminal', 'pdfkit', 'tsx']) expect(loaded).not.toContain(heavy);
    // The compiled files, not the sources.
    const files = readFileSync(log, 'utf8');
    expect(files).toContain(`${ROOT}/dist/src/main.js`);
    expect(files).not.toMatch(/\/src\/main\.ts/);
  });
});

describe('buildChannels', () => {
  /** Runs buildChannels from dist/ in a new process with `env`; returns the channels and the packages loaded. */
  function channelsWith(env: Record<string, string>): { channels: string; loaded: Set<string> } {
    const log = newLog();
    const script = `
      const { loadConfig } = await import('./dist/src/config.js');
      const { buildChannels, buildRouter } = await import('./dist/src/channels/channels.js');
      const { loadLocales } = await import('./dist/src/i18n/index.js');
      const { pino } = await import('pino');
      const config = loadConfig(process.env);
      const setup = await buildChannels(config, loadLocales(), buildRouter(config), pino({ level: 'silent' }), { onClose() {}, operator() {} });
      process.stdout.write(setup.channels.map((c) => c.name).join(','));
      process.exit(0);
    `;
    const result = spawnSync(process.execPath, ['--import', MODULE_LOG_HOOK, '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, TELEGRAM_BOT_TOKEN: '', WHATSAPP_ENABLED: 'false', TERRITORIES_FILE: '', MODULE_LOG: log, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    return { channels: result.stdout, loaded: packages(log) };
  }

  it('loads neither whatsapp-web.js nor grammY when no channel is on', () => {
    const { channels, loaded } = channelsWith({});
    expect(channels).toBe('terminal');
    expect(loaded).toContain('i18next');
    for (const heavy of ['whatsapp-web.js', 'puppeteer', 'puppeteer-core', 'grammy', 'qrcode-terminal']) expect(loaded).not.toContain(heavy);
  });

  it('loads grammY, not whatsapp-web.js, with a Telegram token', () => {
    const { channels, loaded } = channelsWith({ TELEGRAM_BOT_TOKEN: '123456:abcdefghijklmnop' });
    expect(channels).toBe('telegram');
    expect(loaded).toContain('grammy');
    expect(loaded).not.toContain('whatsapp-web.js');
    expect(loaded).not.toContain('puppeteer-core');
  });

  it('loads whatsapp-web.js, not grammY, with WHATSAPP_ENABLED (nothing started)', () => {
    // Any existing file passes the Chromium check: the channel is built, not started.
    const { channels, loaded } = channelsWith({ WHATSAPP_ENABLED: 'true', CHROMIUM_PATH: process.execPath });
    expect(channels).toBe('whatsapp');
    expect(loaded).toContain('whatsapp-web.js');
    expect(loaded).toContain('qrcode-terminal');
    expect(loaded).not.toContain('grammy');
  });
});
