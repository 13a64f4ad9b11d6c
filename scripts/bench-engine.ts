/**
 * Engine benchmark: many contacts take the whole screening at once, on a real migrated SQLite file.
 * Prints messages per second, per-message latency and memory. Usage: npm run bench [-- contacts]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { singleTerritoryRouter } from '../src/alerts/alertRouter.js';
import type { ChannelAdapter } from '../src/channels/types.js';
import { loadConfig } from '../src/config.js';
import { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { loadLocales } from '../src/i18n/index.js';

const contacts = Number(process.argv[2] ?? 200);
const script = ['bonjour', 'oui', '1', 'Jeanne', '1947', '31000', 'ok', '22/11/2026', 'dimanche', 'non', '2', 'oui', 'non', '65', 'non', 'non', 'non', 'non', 'fleur porte riz', 'non merci'];

const dir = mkdtempSync(path.join(tmpdir(), 'icope-bench-'));
const url = `file:${path.join(dir, 'bench.db')}`;
await migrate(url);
const config = loadConfig({ DATABASE_URL: url });
const db = await Database.open(config.DATABASE_URL);
let sent = 0;
const channel: ChannelAdapter = {
  name: 'bench',
  start: async () => undefined,
  stop: async () => undefined,
  send: async () => ({ externalId: String(++sent) }),
  deleteMessage: async () => true,
};
const now = new Date('2026-11-22T10:00:00Z');
const app = createApp({
  config,
  db,
  locales: loadLocales(),
  logger: pino({ level: 'silent' }),
  channels: [channel],
  router: singleTerritoryRouter({ targets: [{ channel: 'bench', address: 'coordinators' }] }),
  clock: () => now,
});
if (!process.env.NO_DISPATCH) app.dispatcher.start();

const latencies: number[] = [];
const started = performance.now();
await Promise.all(
  Array.from({ length: contacts }, async (_, c) => {
    for (const [i, text] of script.entries()) {
      const t0 = performance.now();
      await app.engine.handle({ channel: 'bench', address: `u${c}`, externalId: `${c}-${i}`, receivedAt: now, content: { kind: 'text', text } });
      latencies.push(performance.now() - t0);
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
await app.stop();
const completed = await db.read((d) => d.screening.count({ where: { status: 'completed' } }));
await db.close();
rmSync(dir, { recursive: true, force: true });

latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
console.log(`contacts: ${contacts}, messages: ${latencies.length}, screenings completed: ${completed}, messages delivered: ${sent}`);
console.log(`throughput: ${(latencies.length / elapsed).toFixed(0)} inbound messages/s (${elapsed.toFixed(2)} s)`);
console.log(`latency per message (queued behind others): p50 ${pct(50)} ms, p95 ${pct(95)} ms, max ${pct(100)} ms`);
console.log(`memory: rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, heap used ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
