/**
 * Exports of completed screenings, for a period and territories: a pseudonymised CSV, FHIR R4 JSON,
 * and a CSV laid out for ICOPE MONITOR. One entry point for the command line (scripts/export.ts) and
 * the web workspace (`exportFileFor` gives its `exportFile` hook).
 *
 * Read-only: call it inside `db.read` or `db.tx`. Every use should be recorded with `recordExportUse`
 * (today a line on stdout; the web layer passes its own sink to write its access log).
 */
import { DateTime } from 'luxon';
import type { AlertRouter } from '../alerts/alertRouter.js';
import type { Tx } from '../db/database.js';
import { toCsv } from './csv.js';
import { toFhirJson } from './fhir.js';
import { toIcopeMonitorCsv } from './icopeMonitor.js';
import { loadScreenings } from './load.js';
import { checkSecret, ExportError } from './pseudonym.js';

export { ExportError } from './pseudonym.js';

export const EXPORT_FORMATS = ['csv', 'fhir', 'icope-monitor'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

export interface ExportOptions {
  format: ExportFormat;
  /** Completed at or after this instant. */
  from?: Date;
  /** Completed before this instant (excluded): a period is [from, to). */
  to?: Date;
  /** Only screenings counted for these territories; undefined: all of them. */
  territoryIds?: string[];
  router: AlertRouter;
  /** The pseudonym key (EXPORT_SECRET): the same secret gives the same pseudonyms. */
  secret: string;
  /** Dates in the files (completed date, FHIR authored) are written in this zone (DEFAULT_TIME_ZONE). */
  timeZone: string;
  /** The export's own time (FHIR Bundle.timestamp, the file name when no period is given). */
  now?: Date;
}

export interface ExportFile {
  fileName: string;
  mimeType: string;
  body: string;
  /** Screenings in the file. */
  count: number;
}

const MIME: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  fhir: 'application/fhir+json; charset=utf-8',
  'icope-monitor': 'text/csv; charset=utf-8',
};

function checkZone(timeZone: string): void {
  if (!DateTime.now().setZone(timeZone).isValid) throw new ExportError(`Unknown time zone: ${timeZone}`);
}

/** "icope-step1-csv-2026-01-01_2026-06-30.csv": the first and the last day included, in the export's zone. */
export function exportFileName(o: Pick<ExportOptions, 'format' | 'from' | 'to' | 'timeZone'>, now: Date): string {
  const day = (d: Date) => DateTime.fromJSDate(d, { zone: o.timeZone }).toISODate()!;
  const first = o.from ? day(o.from) : 'start';
  const last = o.to ? day(new Date(o.to.getTime() - 1)) : day(now);
  return `icope-step1-${o.format}-${first}_${last}.${o.format === 'fhir' ? 'json' : 'csv'}`;
}

export async function exportScreenings(tx: Tx, o: ExportOptions): Promise<ExportFile> {
  if (!isExportFormat(o.format)) throw new ExportError(`Unknown export format "${String(o.format)}": one of ${EXPORT_FORMATS.join(', ')}.`);
  checkSecret(o.secret);
  checkZone(o.timeZone);
  if (o.from && o.to && o.from.getTime() >= o.to.getTime()) throw new ExportError('The period is empty: "from" must come before "to".');
  const now = o.now ?? new Date();
  const screenings = await loadScreenings(tx, o);
  const body = o.format === 'csv' ? toCsv(screenings) : o.format === 'fhir' ? toFhirJson(screenings, { timeZone: o.timeZone, now }) : toIcopeMonitorCsv(screenings);
  return { fileName: exportFileName(o, now), mimeType: MIME[o.format], body, count: screenings.length };
}

/** One use of an export: who took what. Never the file's content. */
export interface ExportUse {
  at: Date;
  /** The operator ("cli:alice") or the coordinator's name in the web workspace. */
  who: string;
  format: ExportFormat;
  from?: Date;
  to?: Date;
  /** undefined: every territory. */
  territoryIds?: string[];
  count: number;
  fileName: string;
}

/** One line, key=value, for a log: `export at=2026-11-24T09:00:00.000Z who=cli:alice format=csv …`. */
export function exportUseLine(use: ExportUse): string {
  const q = (v: string) => (/^[\w./:@+-]+$/.test(v) ? v : JSON.stringify(v));
  const parts = [
    `at=${use.at.toISOString()}`,
    `who=${q(use.who)}`,
    `format=${use.format}`,
    `from=${use.from ? use.from.toISOString() : '-'}`,
    `to=${use.to ? use.to.toISOString() : '-'}`,
    `territories=${use.territoryIds ? q(use.territoryIds.join(',')) : 'all'}`,
    `count=${use.count}`,
    `file=${q(use.fileName)}`,
  ];
  return `export ${parts.join(' ')}`;
}

export type ExportUseSink = (use: ExportUse) => void | Promise<void>;

/** Today's record of every use: one line on stdout (an access-log table can take its place). */
export const stdoutExportUses: ExportUseSink = (use) => {
  process.stdout.write(`${exportUseLine(use)}\n`);
};

export async function recordExportUse(use: ExportUse, sink: ExportUseSink = stdoutExportUses): Promise<void> {
  await sink(use);
}

export interface ExportDeps {
  router: AlertRouter;
  secret: string;
  timeZone: string;
  clock?: () => Date;
  /** Where each use is recorded (stdout by default). */
  recordUse?: ExportUseSink;
}

/**
 * The web workspace's `exportFile` hook (src/web/server.ts): the session's territories only, each use
 * recorded. `who` is the coordinator's name when the caller has it.
 */
export function exportFileFor(deps: ExportDeps) {
  return async (tx: Tx, o: { format: string; from?: Date; to?: Date; territoryIds: string[]; who?: string }): Promise<ExportFile> => {
    if (!isExportFormat(o.format)) throw new ExportError(`Unknown export format "${o.format}": one of ${EXPORT_FORMATS.join(', ')}.`);
    const now = deps.clock?.() ?? new Date();
    const file = await exportScreenings(tx, {
      format: o.format,
      ...(o.from ? { from: o.from } : {}),
      ...(o.to ? { to: o.to } : {}),
      territoryIds: o.territoryIds,
      router: deps.router,
      secret: deps.secret,
      timeZone: deps.timeZone,
      now,
    });
    await recordExportUse(
      { at: now, who: o.who ?? 'web', format: o.format, ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}), territoryIds: o.territoryIds, count: file.count, fileName: file.fileName },
      deps.recordUse,
    );
    return file;
  };
}
