/**
 * `npm run export`: its arguments (pure), and the script itself run as the operator runs it (tsx, a
 * real SQLite file): wrong arguments give one line and exit code 2; an export writes the file, one
 * line with the count and the file, a line recording the use, and keeps its generated secret.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { parseExportArgs, UsageError } from '../../src/exports/cli.js';
import { Harness } from '../helpers/harness.js';
import { FR_NORMAL } from '../helpers/scripts.js';

const ZONE = { timeZone: 'Europe/Paris', territories: ['nord', 'sud'] };

describe('export arguments', () => {
  it('reads the format, the file, a period of whole days and territories', () => {
    expect(parseExportArgs(['--format', 'fhir', '--out', 'x.json', '--from', '2026-01-01', '--to', '2026-06-30', '--territory', 'nord', '--territory', 'sud,nord'], ZONE)).toEqual({
      format: 'fhir',
      out: 'x.json',
      from: new Date('2026-01-01T00:00:00+01:00'),
      // --to is included: the period ends at the next midnight (summer time in Paris).
      to: new Date('2026-07-01T00:00:00+02:00'),
      territoryIds: ['nord', 'sud'],
    });
    expect(parseExportArgs(['--format=csv', '--out=a.csv'], ZONE)).toEqual({ format: 'csv', out: 'a.csv' });
  });

  it.each([
    [['--out', 'a.csv'], 'Missing --format'],
    [['--format', 'xml', '--out', 'a.csv'], '--format xml: one of csv, fhir, icope-monitor'],
    [['--format', 'csv'], 'Missing --out'],
    [['--format', 'csv', '--out', 'a', '--from', '2026-13-01'], '--from 2026-13-01: expected a date'],
    [['--format', 'csv', '--out', 'a', '--to', '30/06/2026'], '--to 30/06/2026: expected a date'],
    [['--format', 'csv', '--out', 'a', '--from', '2026-06-30', '--to', '2026-01-01'], 'comes before --from'],
    [['--format', 'csv', '--out', 'a', '--territory', 'ouest'], '--territory ouest is not a known territory (nord, sud)'],
    [['--format', 'csv', '--out', 'a', '--territory', ','], '--territory needs a territory id'],
    [['--format', 'csv', '--out', 'a', '--secret', 'x'], "Unknown option '--secret'"],
    [['--format', 'csv', '--out', 'a', 'extra'], 'Unexpected argument'],
  ])('%j → %s', (argv, message) => {
    expect(() => parseExportArgs(argv, ZONE)).toThrow(UsageError);
    expect(() => parseExportArgs(argv, ZONE)).toThrow(message);
  });
});

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>): Promise<Ran> {
  const { EXPORT_SECRET: _ignored, TERRITORIES_FILE: _none, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/export.ts', ...args], { env: { ...inherited, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('npm run export', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    const h = await Harness.create();
    for (const line of FR_NORMAL) await h.say(line);
    const file = h.url.slice('file:'.length);
    await h.close();
    dir = path.dirname(file);
    env = { DATABASE_URL: `file:${file}`, DEFAULT_TIME_ZONE: 'Europe/Paris' };
  }, 60_000);

  it('wrong arguments: one line, exit code 2, no stack trace', async () => {
    for (const args of [['--format', 'xml', '--out', 'x'], ['--format', 'csv'], ['--format', 'csv', '--out', 'x', '--territory', 'nowhere'], ['--format', 'csv', '--out', 'x', '--from', 'yesterday']]) {
      const ran = await runCli(args, env);
      expect(ran.code, ran.stderr).toBe(2);
      expect(ran.stdout).toBe('');
      expect(ran.stderr.trim().split('\n'), ran.stderr).toHaveLength(1);
      expect(ran.stderr).not.toMatch(/\n\s+at /);
    }
    const unknown = await runCli(['--format', 'csv', '--out', 'x', '--territory', 'nowhere'], env);
    expect(unknown.stderr.trim()).toBe('--territory nowhere is not a known territory (default).');
  });

  it('a short EXPORT_SECRET or a missing database: one line, exit code 1', async () => {
    const short = await runCli(['--format', 'csv', '--out', path.join(dir, 'a.csv')], { ...env, EXPORT_SECRET: 'short' });
    expect(short.code).toBe(1);
    expect(short.stderr.trim()).toBe('EXPORT_SECRET is not valid: The export secret must be at least 16 characters long.');
    const missing = await runCli(['--format', 'csv', '--out', path.join(dir, 'a.csv')], { ...env, DATABASE_URL: `file:${path.join(mkdtempSync(path.join(tmpdir(), 'icope-none-')), 'none.db')}` });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^No database at .*none\.db \(DATABASE_URL\): nothing to export\.\n$/);
  });

  it('writes the file, says how many and where, records the use, and keeps the generated secret', async () => {
    const out = path.join(dir, 'step1.csv');
    const first = await runCli(['--format', 'csv', '--out', out, '--from', '2026-11-01', '--to', '2026-11-30', '--territory', 'default'], env);
    expect(first.code, first.stderr).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^export at=\S+Z who=cli:\S+ format=csv from=2026-10-31T23:00:00.000Z to=2026-11-30T23:00:00.000Z territories=default count=1 file=\S+step1\.csv$/);
    expect(lines[1]).toBe(`1 screening exported (csv) to ${out}`);
    expect(first.stderr).toContain('A new export secret was written to');
    const secretFile = path.join(dir, 'export-secret');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const pseudonym = (parse(readFileSync(out, 'utf8'), { columns: true }) as Array<{ pseudonym: string }>)[0]!.pseudonym;

    // The same secret again: the same pseudonym; nothing generated this time.
    const second = await runCli(['--format', 'csv', '--out', out], env);
    expect(second.code).toBe(0);
    expect(second.stderr).toBe('');
    expect((parse(readFileSync(out, 'utf8'), { columns: true }) as Array<{ pseudonym: string }>)[0]!.pseudonym).toBe(pseudonym);

    // EXPORT_SECRET wins over the file.
    const withEnv = await runCli(['--format', 'csv', '--out', out], { ...env, EXPORT_SECRET: 'an-operator-chosen-secret-42' });
    expect(withEnv.code).toBe(0);
    expect((parse(readFileSync(out, 'utf8'), { columns: true }) as Array<{ pseudonym: string }>)[0]!.pseudonym).not.toBe(pseudonym);

    // Another period: nothing, said so.
    const none = await runCli(['--format', 'fhir', '--out', path.join(dir, 'none.json'), '--from', '2027-01-01'], env);
    expect(none.code).toBe(0);
    expect(none.stdout.trim().split('\n').at(-1)).toBe(`0 screenings exported (fhir) to ${path.join(dir, 'none.json')}`);
    expect(JSON.parse(readFileSync(path.join(dir, 'none.json'), 'utf8'))).toMatchObject({ resourceType: 'Bundle', type: 'collection' });

    // Every use is in the access log, like the workspace's.
    const db = await Database.open(env.DATABASE_URL!);
    try {
      const log = await db.read((tx) => tx.accessLog.findMany({ where: { action: 'export' }, orderBy: { id: 'asc' } }));
      expect(log.map((l) => [l.territoryId, l.target])).toEqual([
        ['default', 'csv (1)'],
        [null, 'csv (1)'],
        [null, 'csv (1)'],
        [null, 'fhir (0)'],
      ]);
      expect(log.every((l) => l.who.startsWith('cli'))).toBe(true);
    } finally {
      await db.close();
    }
  });
});
