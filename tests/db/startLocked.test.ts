/** Starting while another program holds the database: one line, a wait, then a normal start. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { freshDbUrl } from '../helpers/db.js';
import { lockDatabase } from '../helpers/lockDatabase.js';

describe('starting on a locked database', () => {
  it('says so in one line, waits, and starts once the lock is gone', async () => {
    const url = freshDbUrl();
    const lock = await lockDatabase(url);
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TELEGRAM_|WHATSAPP_|DATABASE_URL|LOG_FILE|WEB_)/.test(k)));
    const bot = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...inherited, DATABASE_URL: url }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    bot.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    bot.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const until = async (pattern: RegExp) => {
      for (let i = 0; i < 1500 && !pattern.test(out); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(out).toMatch(pattern);
    };
    try {
      await until(/is locked by another program: waiting for it/);
      expect(out).not.toMatch(/Discussion dans le terminal/);
      await lock.release();
      await until(/Discussion dans le terminal/);
      bot.stdin.write('bonjour\n');
      await until(/Je vous propose une dizaine de petites questions/);
      expect(out.match(/locked by another program/g)).toHaveLength(1);
      expect(out).not.toMatch(/could not start|Error|at .*\.ts:\d+/);
    } finally {
      bot.stdin.end();
      const killer = setTimeout(() => bot.kill('SIGKILL'), 20_000);
      if (bot.exitCode === null) await new Promise((resolve) => bot.once('exit', resolve));
      clearTimeout(killer);
    }
  }, 400_000);
});
