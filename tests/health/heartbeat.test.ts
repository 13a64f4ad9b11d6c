/** What a supervisor sees: the heartbeat file and /health say whether the bot really works. */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Heartbeat } from '../../src/health/heartbeat.js';
import { lockDatabase } from '../helpers/lockDatabase.js';
import { harnessPerTest } from '../helpers/harness.js';

const harness = harnessPerTest();

describe('health', () => {
  it('/health answers 200 while the bot works, 503 with the reason while the database is locked, 200 again after', async () => {
    const h = await harness();
    await h.say('bonjour', 'p1');
    const ok = await h.app.web.request('/health');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'ok', database: { ok: true } });
    const { release } = await lockDatabase(h.url);
    const down = await h.app.web.request('/health');
    expect(down.status).toBe(503);
    const report = (await down.json()) as { status: string; database: { reason: string } };
    expect(report).toMatchObject({ status: 'degraded', database: { ok: false, reason: 'locked by another process' } });
    await release();
    expect((await h.app.web.request('/health')).status).toBe(200);
  }, 30_000);

  it('the heartbeat file is private, says ok, and holds no personal data', async () => {
    const h = await harness();
    await h.say('bonjour', 'p1');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'icope-hb-')), 'heartbeat.json');
    const beat = new Heartbeat({ db: h.db, channels: [{ name: 'telegram', lastContact: () => h.now }], clock: () => h.now, silentAfterMs: 120_000, file, everyMs: 30_000 });
    await beat.beat();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = JSON.parse(readFileSync(file, 'utf8')) as { status: string; channels: { name: string; ok: boolean }[] };
    expect(written).toMatchObject({ status: 'ok', channels: [{ name: 'telegram', ok: true }] });
    expect(readFileSync(file, 'utf8')).not.toMatch(/p1|bonjour/);
    // A channel silent for too long (Telegram unreachable): degraded.
    h.now = new Date(h.now.getTime() + 10 * 60_000);
    const silent = new Heartbeat({ db: h.db, channels: [{ name: 'telegram', lastContact: () => new Date(h.now.getTime() - 5 * 60_000) }], clock: () => h.now, silentAfterMs: 120_000, file, everyMs: 30_000 });
    expect((await silent.beat()).status).toBe('degraded');
  });
});
