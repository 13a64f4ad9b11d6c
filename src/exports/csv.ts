/**
 * The pseudonymised CSV: one row per completed screening, RFC 4180 (comma, CRLF, fields quoted when
 * needed), written by csv-stringify. No name, phone, chat address or free text: the person is a
 * pseudonym, their age a 5-year band.
 *
 * Item columns hold a readable value (see readingCode): yes / no / dont_know; presented (the three
 * words); correct / wrong / incomplete / dont_know (date, weekday); the count of words recalled;
 * under_14s / 14s_or_more / unable (chair rise) with the seconds in M1_seconds when known; the weight
 * in kg; passed / failed (whisper); not_assessed; skipped; empty when not part of the screening.
 */
import { stringify } from 'csv-stringify/sync';
import type { ExportedScreening } from './load.js';
import { DOMAINS, EXPORT_ITEMS, readingCode } from './readings.js';

const IDENTITY_COLUMNS = [
  'pseudonym',
  'screening',
  'age_band',
  'postcode',
  'territory',
  'mode',
  'helper_kind',
  'kind',
  'questionnaire_version',
  'completed_date',
] as const;

/** Every column, in order. */
export const CSV_COLUMNS: readonly string[] = [
  ...IDENTITY_COLUMNS,
  ...EXPORT_ITEMS.flatMap((id) => (id === 'M1' ? ['M1', 'M1_seconds'] : [id])),
  ...DOMAINS.flatMap((d) => [`${d}_result`, `${d}_reasons`]),
];

export function csvRecord(s: ExportedScreening): Record<string, string> {
  const record: Record<string, string> = {
    pseudonym: s.pseudonym,
    screening: s.screeningCode,
    age_band: s.ageBand,
    postcode: s.postcode ?? '',
    territory: s.territoryId,
    mode: s.mode,
    helper_kind: s.helperKind ?? '',
    kind: s.kind,
    questionnaire_version: s.questionnaireVersion,
    completed_date: s.completedDate,
  };
  for (const id of EXPORT_ITEMS) record[id] = readingCode(s.items[id]);
  const chair = s.items.M1;
  record.M1_seconds = chair.kind === 'chair' && chair.seconds !== undefined ? String(chair.seconds) : '';
  for (const d of DOMAINS) {
    record[`${d}_result`] = s.results[d]?.status ?? '';
    record[`${d}_reasons`] = s.results[d]?.reasons.join(' ') ?? '';
  }
  return record;
}

export function toCsv(screenings: readonly ExportedScreening[]): string {
  return stringify(screenings.map(csvRecord), {
    header: true,
    columns: [...CSV_COLUMNS],
    record_delimiter: 'windows',
    // A postcode is typed by the person: a cell starting with = + - @ is not run as a spreadsheet formula.
    escape_formulas: true,
  });
}
