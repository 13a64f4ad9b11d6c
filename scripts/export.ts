/**
 * npm run export -- --format csv|fhir|icope-monitor --out <file> [--from 2026-01-01 --to 2026-06-30 --territory ID]
 *
 * Writes the completed screenings of the period (days in DEFAULT_TIME_ZONE, both included) and
 * territories to <file>, pseudonymised with EXPORT_SECRET (or the key generated once beside the
 * database), prints one line with the count and the file, and records the use (a line on stdout).
 * Wrong arguments: one line, exit code 2. Other failures: one line, exit code 1. Never a stack trace.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { ConfigError, loadConfig } from '../src/config.js';
import { buildRouter } from '../src/channels/channels.js';
import { Database } from '../src/db/database.js';
import { sqliteFilePath } from '../src/db/url.js';
import { EXPORT_USAGE, parseExportArgs, UsageError } from '../src/exports/cli.js';
import { ExportError, exportScreenings, recordExportUse } from '../src/exports/index.js';
import { exportSecret, exportSecretFile } from '../src/exports/secret.js';

const fail = (message: string, code: number): never => {
  process.stderr.write(`${message.replace(/\s+/g, ' ').trim()}\n`);
  process.exit(code);
};

function operator(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const router = buildRouter(config);
  const args = parseExportArgs(process.argv.slice(2), { timeZone: config.DEFAULT_TIME_ZONE, territories: router.all().map((t) => t.id) });
  if (args.help) {
    process.stdout.write(`${EXPORT_USAGE}\n`);
    return;
  }
  const databaseFile = sqliteFilePath(config.DATABASE_URL);
  if (!existsSync(databaseFile)) throw new ExportError(`No database at ${databaseFile} (DATABASE_URL): nothing to export.`);
  const db = await Database.open(config.DATABASE_URL);
  try {
    // A database that cannot be read fails here, before a secret is generated for nothing.
    await db.read((tx) => tx.screening.findFirst({ select: { id: true } }));
    const key = exportSecret(process.env, exportSecretFile(databaseFile));
    if (key.created) process.stderr.write(`A new export secret was written to ${key.file}: keep it, pseudonyms depend on it.\n`);
    const now = new Date();
    const file = await db.read((tx) =>
      exportScreenings(tx, {
        format: args.format,
        ...(args.from ? { from: args.from } : {}),
        ...(args.to ? { to: args.to } : {}),
        ...(args.territoryIds ? { territoryIds: args.territoryIds } : {}),
        router,
        secret: key.secret,
        timeZone: config.DEFAULT_TIME_ZONE,
        now,
      }),
    );
    // Pseudonymised, but health data all the same: readable by its owner only.
    writeFileSync(args.out, file.body, { mode: 0o600 });
    await recordExportUse({
      at: now,
      who: operator(),
      format: args.format,
      ...(args.from ? { from: args.from } : {}),
      ...(args.to ? { to: args.to } : {}),
      ...(args.territoryIds ? { territoryIds: args.territoryIds } : {}),
      count: file.count,
      fileName: args.out,
    });
    // In the access log too, as the workspace's exports are: one row per territory exported (none: all).
    await db.tx(async (tx) => {
      for (const territoryId of args.territoryIds ?? [null]) {
        await tx.accessLog.create({ data: { at: now, who: operator(), territoryId, action: 'export', target: `${args.format} (${file.count})` } });
      }
    });
    process.stdout.write(`${file.count} screening${file.count === 1 ? '' : 's'} exported (${args.format}) to ${args.out}\n`);
  } finally {
    await db.close();
  }
}

try {
  await main();
} catch (error) {
  if (error instanceof UsageError) fail(error.message, 2);
  if (error instanceof ConfigError || error instanceof ExportError) fail(error.message, 1);
  const e = error as NodeJS.ErrnoException;
  if (e?.code && e.path) fail(`Export failed: ${e.code} ${e.path}`, 1);
  if (e?.code === 'P2021') fail('Export failed: the database is not migrated (npm run db:migrate).', 1);
  // Prisma's messages start with the code location; the cause is the last line.
  const lines = String(e?.message ?? error).split('\n').map((l) => l.trim()).filter(Boolean);
  fail(`Export failed: ${(String(e?.message ?? '').startsWith('\nInvalid `') ? lines.at(-1) : lines[0]) ?? 'unknown error'}`, 1);
}
