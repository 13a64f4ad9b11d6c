/** The log rotates by size, keeps a bounded number of files, newest first, all private, and never holds message text. */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeLogger, createLogger } from '../../src/logger.js';

/** The outbox ids logged in a file, in the order written. */
const idsIn = (file: string) => [...readFileSync(file, 'utf8').matchAll(/"outboxId":(\d+)/g)].map((m) => Number(m[1]));

describe('log rotation', () => {
  it('past the size limit the log moves to bot.log.1 (the newest) … bot.log.3 (the oldest), no more than LOG_KEEP of them, each 0600', async () => {
    process.umask(0o077);
    const dir = mkdtempSync(path.join(tmpdir(), 'icope-log-'));
    const file = path.join(dir, 'bot.log');
    const logger = createLogger('info', file, { size: '1K', keep: 3 });
    // Rotation is checked after each line the stream writes: no waiting needed, whatever the machine's speed.
    for (let i = 0; i < 400; i++) logger.info({ outboxId: i, text: 'Jeanne a mal au dos', phone: '0612345678' }, 'delivery failed');
    await closeLogger(logger);
    // Exactly the current file and three old ones: nothing else (no history file) in the folder.
    expect(readdirSync(dir).sort()).toEqual(['bot.log', 'bot.log.1', 'bot.log.2', 'bot.log.3']);
    for (const f of readdirSync(dir)) expect([f, statSync(path.join(dir, f)).mode & 0o777]).toEqual([f, 0o600]);
    for (const f of ['bot.log.1', 'bot.log.2', 'bot.log.3']) {
      expect(statSync(path.join(dir, f)).size).toBeGreaterThanOrEqual(1024);
      expect(statSync(path.join(dir, f)).size).toBeLessThan(1024 + 200);
    }
    // Oldest to newest: .3, .2, .1, then the current file; the last line written is kept.
    const inOrder = ['bot.log.3', 'bot.log.2', 'bot.log.1', 'bot.log'].flatMap((f) => idsIn(path.join(dir, f)));
    expect(inOrder).toEqual(Array.from({ length: inOrder.length }, (_, i) => 400 - inOrder.length + i));
    expect(inOrder.at(-1)).toBe(399);
    const all = readdirSync(dir).map((f) => readFileSync(path.join(dir, f), 'utf8')).join('');
    expect(all).toContain('delivery failed');
    expect(all).not.toMatch(/Jeanne|0612345678/);
  });

  it('a log left by an earlier run is appended to, then rotated, still 0600', async () => {
    process.umask(0o077);
    const dir = mkdtempSync(path.join(tmpdir(), 'icope-log-'));
    const file = path.join(dir, 'bot.log');
    writeFileSync(file, `${'{"msg":"earlier run"}\n'.repeat(40)}`);
    const logger = createLogger('info', file, { size: '1K', keep: 2 });
    for (let i = 0; i < 20; i++) logger.info({ outboxId: i }, 'sent');
    await closeLogger(logger);
    expect(readdirSync(dir).sort()).toEqual(['bot.log', 'bot.log.1', 'bot.log.2']);
    for (const f of readdirSync(dir)) expect(statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dir, 'bot.log.2'), 'utf8')).toContain('earlier run');
    expect([...idsIn(path.join(dir, 'bot.log.2')), ...idsIn(path.join(dir, 'bot.log.1')), ...idsIn(file)]).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
