/** After a start, every file the bot keeps is readable by its own user only, even when left open by an earlier version. */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const mode = (p: string) => statSync(p).mode & 0o777;

describe('file modes after start', () => {
  it('the data folder is 0700; the database, its WAL, the log, the heartbeat and the WhatsApp session are 0600/0700', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'icope-modes-'));
    const data = path.join(root, 'data');
    mkdirSync(data, { mode: 0o755 });
    chmodSync(data, 0o755);
    // A session folder left world-readable by an earlier version.
    const session = path.join(data, 'whatsapp-session');
    mkdirSync(path.join(session, 'Default'), { recursive: true, mode: 0o755 });
    writeFileSync(path.join(session, 'Default', 'Cookies'), 'x', { mode: 0o644 });
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TELEGRAM_|WHATSAPP_|DATABASE_URL|LOG_FILE|WEB_|HEARTBEAT_)/.test(k)));
    const bot = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/main.ts')], {
      cwd: process.cwd(),
      env: { ...inherited, DATABASE_URL: `file:${path.join(data, 'icope.db')}`, WHATSAPP_SESSION_DIR: session },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    bot.stdout.on('data', (c: Buffer) => (out += c.toString()));
    bot.stderr.on('data', (c: Buffer) => (out += c.toString()));
    try {
      for (let i = 0; i < 1500 && !/Discussion dans le terminal/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
      bot.stdin.write('bonjour\n');
      for (let i = 0; i < 1500 && !/Je vous propose/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
      for (let i = 0; i < 600 && !readdirSync(data).includes('heartbeat.json'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(/Je vous propose/);
      expect(mode(data)).toBe(0o700);
      for (const file of ['icope.db', 'icope.db-wal', 'icope.db-shm', 'bot.log', 'heartbeat.json']) expect([file, mode(path.join(data, file))]).toEqual([file, 0o600]);
      expect(mode(session)).toBe(0o700);
      expect(mode(path.join(session, 'Default'))).toBe(0o700);
      expect(mode(path.join(session, 'Default', 'Cookies'))).toBe(0o600);
    } finally {
      bot.stdin.end();
      const killer = setTimeout(() => bot.kill('SIGKILL'), 20_000);
      if (bot.exitCode === null) await new Promise((r) => bot.once('exit', r));
      clearTimeout(killer);
    }
  }, 400_000);
});
