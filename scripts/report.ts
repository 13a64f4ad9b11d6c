/**
 * The network's figures in the terminal, from the bot's own configuration (.env, DATABASE_URL,
 * TERRITORIES_FILE):
 *
 *   npm run report -- --from 2026-01-01 --to 2026-06-30 [--territory ID] [--lang fr|en]
 *
 * Exit code 2 with one line on bad arguments, 1 on a configuration or database problem.
 */
import { existsSync } from 'node:fs';
import { loadLocales } from '../src/i18n/index.js';
import { runReport } from '../src/reports/cli.js';

if (existsSync('.env')) process.loadEnvFile('.env');
const code = await runReport(process.argv.slice(2), loadLocales(), {
  env: process.env,
  cwd: process.cwd(),
  out: (text) => process.stdout.write(text),
  err: (line) => process.stderr.write(`${line}\n`),
  now: () => new Date(),
});
// Piped output is written asynchronously: let it reach its reader before exiting.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(code);
