/** The log rotates by size, keeps a bounded number of files, all private, and never holds message text. */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeLogger, createLogger } from '../../src/logger.js';

describe('log rotation', () => {
  it('past the size limit the log moves to bot.log.1, bot.log.2 …, no more than LOG_KEEP of them, each 0600', async () => {
    process.umask(0o077);
    const dir = mkdtempSync(path.join(tmpdir(), 'icope-log-'));
    const file = path.join(dir, 'bot.log');
    const logger = createLogger('info', file, { size: '1K', keep: 3 });
    for (let i = 0; i < 400; i++) {
      logger.info({ outboxId: i, text: 'Jeanne a mal au dos', phone: '0612345678' }, 'delivery failed');
      // Rotation is checked between writes.
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await closeLogger(logger);
    const logs = readdirSync(dir).filter((f) => f.startsWith('bot.log'));
    expect(logs).toContain('bot.log');
    expect(logs).toContain('bot.log.1');
    expect(logs.filter((f) => /^bot\.log\.\d+$/.test(f)).length).toBeLessThanOrEqual(3);
    for (const f of readdirSync(dir)) expect([f, statSync(path.join(dir, f)).mode & 0o777]).toEqual([f, 0o600]);
    const all = logs.map((f) => readFileSync(path.join(dir, f), 'utf8')).join('');
    expect(all).toContain('delivery failed');
    expect(all).not.toMatch(/Jeanne|0612345678/);
  });
});
