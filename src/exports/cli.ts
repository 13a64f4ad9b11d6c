/**
 * The command line of `npm run export`: arguments read and checked here (pure, so tests can call it),
 * run by scripts/export.ts.
 *
 *   npm run export -- --format csv|fhir|icope-monitor --out <file>
 *                     [--from 2026-01-01] [--to 2026-06-30] [--territory ID]…
 *
 * --from and --to are calendar days in DEFAULT_TIME_ZONE, both included. --territory may be repeated
 * or given as a comma-separated list.
 */
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { EXPORT_FORMATS, isExportFormat, type ExportFormat } from './index.js';

export const EXPORT_USAGE =
  'Usage: npm run export -- --format csv|fhir|icope-monitor --out <file> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--territory ID]';

/** A wrong argument: one line for the operator, exit code 2. */
export class UsageError extends Error {}

export interface ExportArgs {
  format: ExportFormat;
  out: string;
  from?: Date;
  /** Excluded: the day after --to, at midnight. */
  to?: Date;
  territoryIds?: string[];
  help?: true;
}

function day(value: string, flag: string, timeZone: string): DateTime {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(value) ? DateTime.fromISO(value, { zone: timeZone }) : undefined;
  if (!d?.isValid) throw new UsageError(`${flag} ${value}: expected a date such as 2026-01-31.`);
  return d.startOf('day');
}

/** Reads the arguments; `territories` are the known territory ids. Throws UsageError. */
export function parseExportArgs(argv: string[], o: { timeZone: string; territories: string[] }): ExportArgs {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        format: { type: 'string' },
        out: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        territory: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} ${EXPORT_USAGE}`);
  }
  if (values.help) return { format: 'csv', out: '', help: true };
  const format = values.format as string | undefined;
  if (!format) throw new UsageError(`Missing --format. ${EXPORT_USAGE}`);
  if (!isExportFormat(format)) throw new UsageError(`--format ${format}: one of ${EXPORT_FORMATS.join(', ')}.`);
  const out = values.out as string | undefined;
  if (!out) throw new UsageError(`Missing --out <file>. ${EXPORT_USAGE}`);
  const from = values.from !== undefined ? day(values.from as string, '--from', o.timeZone) : undefined;
  const last = values.to !== undefined ? day(values.to as string, '--to', o.timeZone) : undefined;
  if (from && last && last < from) throw new UsageError(`--to ${values.to as string} comes before --from ${values.from as string}.`);
  const territoryIds = values.territory ? [...new Set((values.territory as string[]).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean))] : undefined;
  if (values.territory && !territoryIds?.length) throw new UsageError('--territory needs a territory id.');
  for (const id of territoryIds ?? []) {
    if (!o.territories.includes(id)) throw new UsageError(`--territory ${id} is not a known territory (${o.territories.join(', ')}).`);
  }
  return {
    format,
    out,
    ...(from ? { from: from.toJSDate() } : {}),
    ...(last ? { to: last.plus({ days: 1 }).toJSDate() } : {}),
    ...(territoryIds ? { territoryIds } : {}),
  };
}
