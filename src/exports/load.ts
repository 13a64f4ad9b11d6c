/**
 * Reads the completed screenings of a period and territories into one pseudonymised shape that every
 * format writes from. Only what an export may contain is selected from the database: no first name,
 * phone, chat address, GP, place or free text is ever read here, so no format can leak them.
 */
import { DateTime } from 'luxon';
import type { AlertRouter } from '../alerts/alertRouter.js';
import type { Tx } from '../db/database.js';
import type { Prisma } from '../generated/prisma/client.js';
import { personPseudonym, screeningPseudonym } from './pseudonym.js';
import { ageBand, DOMAINS, EXPORT_ITEMS, readItem, type Domain, type ItemId, type ItemReading } from './readings.js';

export type DomainStatus = 'normal' | 'alert' | 'not_assessed';

export interface ExportedScreening {
  /** The person's pseudonym (HMAC of the person id). */
  pseudonym: string;
  /** The screening's pseudonym (HMAC of the screening id). */
  screeningCode: string;
  ageBand: string;
  postcode: string | null;
  territoryId: string;
  /** self | relative | helper */
  mode: string;
  /** Helper mode: pharmacist, nurse… (null otherwise or when not said). */
  helperKind: string | null;
  /** initial | follow_up */
  kind: string;
  questionnaireVersion: string;
  completedAt: Date;
  /** The completion day in the export's time zone (YYYY-MM-DD). */
  completedDate: string;
  items: Record<ItemId, ItemReading>;
  /** One per domain; undefined if none was stored (should not happen for a completed screening). */
  results: Record<Domain, { status: DomainStatus; reasons: string[] } | undefined>;
}

export interface LoadOptions {
  from?: Date;
  /** Excluded: [from, to). */
  to?: Date;
  territoryIds?: string[];
  router: AlertRouter;
  secret: string;
  timeZone: string;
}

const PAGE = 500;

const select = {
  id: true,
  personId: true,
  kind: true,
  mode: true,
  helperKind: true,
  questionnaireVersion: true,
  completedAt: true,
  territoryId: true,
  person: { select: { birthYear: true, postcode: true, timeZone: true } },
  alert: { select: { territoryId: true } },
  answers: { select: { item: true, value: true, askedAt: true, answeredAt: true }, orderBy: { id: 'asc' } },
  results: { select: { domain: true, status: true, reasons: true } },
} satisfies Prisma.ScreeningSelect;

type Row = Prisma.ScreeningGetPayload<{ select: typeof select }>;

/**
 * The territory a screening counts for, as the figures (src/reports) count it: its alert's (which
 * follows a transfer), else the one stored at completion, else its person's postcode routed now.
 */
export function territoryOf(row: { alert: { territoryId: string } | null; territoryId: string | null; person: { postcode: string | null } | null }, router: AlertRouter): string {
  return row.alert?.territoryId ?? row.territoryId ?? router.route(row.person?.postcode).id;
}

function reasonsOf(json: string): string[] {
  try {
    const list = JSON.parse(json) as Array<{ code?: unknown }>;
    return Array.isArray(list) ? list.flatMap((r) => (r && typeof r.code === 'string' ? [r.code] : [])) : [];
  } catch {
    return [];
  }
}

function shape(row: Row, o: LoadOptions): ExportedScreening {
  const completedAt = row.completedAt!;
  const local = DateTime.fromJSDate(completedAt, { zone: o.timeZone });
  const personZone = row.person?.timeZone || o.timeZone;
  const items = Object.fromEntries(EXPORT_ITEMS.map((id) => [id, readItem(id, row.answers, personZone)])) as Record<ItemId, ItemReading>;
  const results = Object.fromEntries(
    DOMAINS.map((d) => {
      const r = row.results.find((x) => x.domain === d);
      return [d, r ? { status: r.status as DomainStatus, reasons: reasonsOf(r.reasons) } : undefined];
    }),
  ) as ExportedScreening['results'];
  return {
    pseudonym: personPseudonym(o.secret, row.personId!),
    screeningCode: screeningPseudonym(o.secret, row.id),
    ageBand: ageBand(row.person?.birthYear, local.year),
    postcode: row.person?.postcode ?? null,
    territoryId: territoryOf(row, o.router),
    mode: row.mode,
    helperKind: row.mode === 'helper' ? (row.helperKind ?? null) : null,
    kind: row.kind,
    questionnaireVersion: row.questionnaireVersion,
    completedAt,
    completedDate: local.toISODate()!,
    items,
    results,
  };
}

/** The completed screenings of the period and territories, oldest first, read page by page. */
export async function loadScreenings(tx: Tx, o: LoadOptions): Promise<ExportedScreening[]> {
  const ids = o.territoryIds ? [...new Set(o.territoryIds)] : undefined;
  const where: Prisma.ScreeningWhereInput = {
    status: 'completed',
    // A completed screening always has its person; one without (never seen) could not be pseudonymised.
    personId: { not: null },
    completedAt: { not: null, ...(o.from ? { gte: o.from } : {}), ...(o.to ? { lt: o.to } : {}) },
    // A first cut in SQL; the territory is decided exactly below (the postcode is routed in code).
    ...(ids
      ? {
          OR: [
            { alert: { is: { territoryId: { in: ids } } } },
            { alert: { is: null }, territoryId: { in: ids } },
            { alert: { is: null }, territoryId: null },
          ],
        }
      : {}),
  };
  const out: ExportedScreening[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page: Row[] = await tx.screening.findMany({
      where,
      select,
      orderBy: [{ completedAt: 'asc' }, { id: 'asc' }],
      take: PAGE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    for (const row of page) {
      const s = shape(row, o);
      if (!ids || ids.includes(s.territoryId)) out.push(s);
    }
    if (page.length < PAGE) break;
    cursor = page.at(-1)!.id;
  }
  return out;
}
