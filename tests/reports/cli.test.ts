/** `npm run report`: its arguments, its answers to bad ones (one line, exit code 2), and a real run. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { territoryRouter } from '../../src/alerts/territories.js';
import { parseReportArgs, ReportArgsError, runReport } from '../../src/reports/cli.js';
import { freshDbUrl } from '../helpers/db.js';
import { locales } from '../helpers/harness.js';

const router = territoryRouter({
  defaultTerritory: 'nord',
  territories: [
    { id: 'nord', name: 'CPTS Nord', postcodes: ['31200'] },
    { id: 'sud', name: 'CPTS Sud', postcodes: ['31400'] },
  ],
});
const parse = (argv: string[], messageLang = 'en') => parseReportArgs(argv, { locales, router, timeZone: 'Europe/Paris', defaultLang: 'fr', messageLang });
const error = (argv: string[], messageLang = 'en') => {
  try {
    parse(argv, messageLang);
  } catch (e) {
    expect(e).toBeInstanceOf(ReportArgsError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
};

describe('report arguments', () => {
  it('a period of whole days in the configured time zone, the last day included', () => {
    expect(parse(['--from', '2026-01-01', '--to', '2026-06-30'])).toEqual({
      from: new Date('2025-12-31T23:00:00Z'),
      to: new Date('2026-06-30T22:00:00Z'),
      lang: 'fr',
    });
    expect(parse(['--from', '2026-03-01', '--to', '2026-03-01', '--territory', 'sud', '--territory', 'nord', '--lang', 'en'])).toEqual({
      from: new Date('2026-02-28T23:00:00Z'),
      to: new Date('2026-03-01T23:00:00Z'),
      territoryIds: ['sud', 'nord'],
      lang: 'en',
    });
  });

  it('each mistake gets one clear line', () => {
    expect(error(['--to', '2026-06-30'])).toBe('--from is required. Usage: npm run report -- --from YYYY-MM-DD --to YYYY-MM-DD [--territory ID] [--lang fr|en]');
    expect(error(['--from', '2026-02-30', '--to', '2026-06-30'])).toBe('--from expects a date YYYY-MM-DD, not "2026-02-30".');
    expect(error(['--from', '2026-01-01', '--to', '30/06/2026'])).toBe('--to expects a date YYYY-MM-DD, not "30/06/2026".');
    expect(error(['--from', '2026-06-30', '--to', '2026-01-01'])).toBe('--to (2026-01-01) must be the same day as --from (2026-06-30) or later.');
    expect(error(['--from', '2026-01-01', '--to', '2026-06-30', '--territory', 'est'])).toBe('Unknown territory: "est". Territories: nord, sud.');
    expect(error(['--from', '2026-01-01', '--to', '2026-06-30', '--lang', 'de'])).toBe('--lang expects fr, en, not "de".');
    expect(error(['--from', '2026-01-01', '--to', '2026-06-30', '--year', '2026'])).toMatch(/^Unknown option: --year\. Usage: /);
    expect(error(['--from', '2026-01-01', '--to', '2026-06-30', 'now'])).toMatch(/^Unexpected argument: "now"\. Usage: /);
    expect(error(['--from'])).toMatch(/^--from is required\. Usage: /);
    expect(error(['--from', '2026-02-30', '--to', '2026-06-30'], 'fr')).toBe('--from attend une date AAAA-MM-JJ, pas « 2026-02-30 ».');
    for (const message of [error(['--from', 'x']), error(['--bad'])]) expect(message).not.toContain('\n');
  });
});

describe('the command', () => {
  const io = (env: Record<string, string>) => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { env, cwd: process.cwd(), out: (t: string) => void out.push(t), err: (l: string) => void err.push(l), now: () => new Date('2026-07-01T08:00:00Z') } };
  };

  it('prints the table from the configured database and territories', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'icope-report-'));
    const territories = path.join(dir, 'territories.json');
    writeFileSync(territories, JSON.stringify({ defaultTerritory: 'nord', territories: [{ id: 'nord', name: 'CPTS Nord', postcodes: ['31200'] }, { id: 'sud', name: 'CPTS Sud', postcodes: ['31400'] }] }));
    const run = io({ DATABASE_URL: freshDbUrl(), TERRITORIES_FILE: territories });
    expect(await runReport(['--from', '2026-01-01', '--to', '2026-06-30', '--territory', 'sud', '--lang', 'en'], locales, run.io)).toBe(0);
    expect(run.err).toEqual([]);
    const text = run.out.join('');
    expect(text).toContain("The network's figures");
    expect(text).toContain('From 1/1/2026 to 6/30/2026 inclusive');
    expect(text).toContain('Territories: CPTS Sud');
    expect(text).toMatch(/Step 1 done +0\n/);
  });

  it('bad arguments: exit code 2; no database or an old one: exit code 1; one line each', async () => {
    const bad = io({ DATABASE_URL: freshDbUrl() });
    expect(await runReport(['--from', 'tomorrow', '--to', '2026-06-30'], locales, bad.io)).toBe(2);
    expect(bad.err).toEqual(['--from attend une date AAAA-MM-JJ, pas « tomorrow ».']);
    const missing = io({ DATABASE_URL: `file:${path.join(mkdtempSync(path.join(tmpdir(), 'icope-report-')), 'none.db')}` });
    expect(await runReport(['--from', '2026-01-01', '--to', '2026-06-30', '--lang', 'en'], locales, missing.io)).toBe(1);
    expect(missing.err).toHaveLength(1);
    expect(missing.err[0]).toMatch(/^No database at .*none\.db: check DATABASE_URL\.$/);
    const config = io({ DATABASE_URL: freshDbUrl(), RESCREEN_INTERVAL: 'six months' });
    expect(await runReport(['--from', '2026-01-01', '--to', '2026-06-30'], locales, config.io)).toBe(1);
    expect(config.err).toEqual([expect.stringMatching(/^Configuration error: RESCREEN_INTERVAL=/)]);
  });

  it('run as npm run report does: a bad date is one line on stderr and exit code 2, no stack trace', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/report.ts', '--from', '2026-13-01', '--to', '2026-06-30'], {
      cwd: process.cwd(),
      env: { ...process.env, DATABASE_URL: freshDbUrl(), COORDINATOR_LANGUAGE: 'en' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual(['--from expects a date YYYY-MM-DD, not "2026-13-01".']);
  });
});
