/**
 * The network's figures for a period and territories: what coordinators report to their funders and
 * claim remuneration with.
 *
 * Periods are half-open, [from, to). A Step 1 counts when it was completed in the period, an abandoned
 * one when it was abandoned in it, an alert when it was raised in it (with its fate as known now:
 * taken, closed, Step 2). Acts per person count when the act was done in the period (a Step 1
 * completed, an alert taken or closed), so that two claims never count the same act.
 *
 * Speed (a year of a million persons in well under 3 s, see scripts/bench-report.ts): everything is
 * counted in SQL, never by loading rows, and each query reads one covering index (the `*_figures_*`
 * indexes of prisma/schema.prisma) in that index's own order: grouping then streams without a sort,
 * and no table row is read. What would need a row-by-row search (a person's next Step 1, whether a
 * reminder went out) is kept on the screening when it happens (Screening.rescreenedAt, remindedAt).
 * Only the delays to take and to close are computed row by row, and their medians in JavaScript.
 */
import { createHash } from 'node:crypto';
import { DateTime, Duration } from 'luxon';
import { OUTCOMES, type Outcome } from '../../flows/step1/lexicon.js';
import { CLARITY, DOMAINS, HELPER_KINDS, type Clarity, type Domain, type HelperKind } from '../../flows/step1/types.js';
import { DEFAULT_TERRITORY_ID, type AlertRouter } from '../alerts/alertRouter.js';
import type { Tx } from '../db/database.js';
import { Prisma } from '../generated/prisma/client.js';

/** Share of the persons due who did their 6-month follow-up in the Occitanie ICOPE programme (2020–21). */
export const RESCREEN_REFERENCE = 0.704;

export const PRIORITIES = ['urgent', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface FiguresOptions {
  from: Date;
  /** Excluded: a calendar year runs from 1 January to the next 1 January. */
  to: Date;
  /** Only these territories; undefined: every territory (and screenings of no known territory). */
  territoryIds?: string[];
  router: AlertRouter;
  /** Re-screenings are counted up to now. */
  now: Date;
  /** RESCREEN_INTERVAL: tells a person's last due date in the period from an earlier one. */
  rescreenInterval: string;
  /** Months of the series start at midnight in this zone (DEFAULT_TIME_ZONE); UTC when not given. */
  timeZone?: string;
}

export interface MonthFigures {
  /** "2026-03". */
  month: string;
  start: Date;
  /** Step 1 done in the month. */
  screenings: number;
  /** Alerts raised in the month. */
  alerts: number;
}

export interface HelperActs {
  /** A short stable pseudonym of the helper's chat account (never its address). */
  pseudonym: string;
  helperKind: string | null;
  place: string | null;
  /** Step 1 completed with this helper at this place in the period. */
  done: number;
}

export interface CoordinatorActs {
  /** As recorded when they took or closed the alert (Alert.takenBy, closedBy). */
  name: string;
  /** Alerts taken in the period. */
  taken: number;
  /** Alerts closed in the period: an alert handled. */
  closed: number;
  /** Of those closed, the ones on a Step 1 this same person did from their own chat (helper and coordinator). */
  ownStep1: number;
}

export interface Figures {
  from: Date;
  to: Date;
  now: Date;
  timeZone: string;
  rescreenInterval: string;
  /** The territories asked for (every configured one when no filter was given), with their names. */
  territories: Array<{ id: string; name: string | null }>;
  allTerritories: boolean;
  step1: {
    /** Step 1 done: screenings completed in the period. */
    done: number;
    /** Distinct persons among them. */
    persons: number;
    initial: number;
    followUp: number;
    /** Self-tests. */
    self: number;
    /** With a relative. */
    relative: number;
    /** With a helper (pharmacist, nurse…), and by kind of helper ("unknown" when not said). */
    helper: number;
    byHelperKind: Record<HelperKind | 'unknown', number>;
    /** Screenings abandoned in the period. */
    abandoned: number;
  };
  alerts: {
    raised: number;
    byPriority: Record<Priority, number>;
    /** Alerts flagging each domain (one alert may flag several). */
    byDomain: Record<Domain, number>;
    /** Alerts with each domain left to complete (could not be assessed). */
    toCompleteByDomain: Record<Domain, number>;
    /** Urgent alerts raised by words of distress, or of a physical emergency. */
    danger: { distress: number; emergency: number };
    taken: number;
    /** Taken within their territory's delay (takeWithin). */
    takenInTime: number;
    closed: number;
    byOutcome: Record<Outcome, number>;
    /** Not closed yet (new or taken). */
    open: number;
    /** Median time from raised to taken, and to closed, in milliseconds (to the second); null when none. */
    medianToTakeMs: number | null;
    medianToCloseMs: number | null;
    /** Step 2 arranged: an appointment recorded, or closed as Step 2 arranged or done. */
    step2Arranged: number;
    /** Step 2 done (closed as such). */
    step2Done: number;
  };
  /**
   * A person is due when a Step 1 they completed fell due in the period (nextDueAt), counted once
   * however many times; reminded and re-screened refer to the last such due date of the period:
   * reminded by the bot for it, and another Step 1 completed after the screening that fell due, up to now.
   */
  rescreening: {
    due: number;
    reminded: number;
    rescreened: number;
    /** rescreened / due, or null when nobody was due. */
    rate: number | null;
    reference: number;
  };
  /** Step 1 done by where the person came from (leaflet code; null: no code), most first. */
  sources: Array<{ code: string | null; count: number }>;
  /** "How was it?" among Step 1 done; unanswered: no answer given. */
  clarity: Record<Clarity | 'unanswered', number>;
  /** For remuneration claims: counts of acts, never amounts. */
  acts: { helpers: HelperActs[]; coordinators: CoordinatorActs[] };
  series: {
    months: MonthFigures[];
    /** Alerts flagging each domain, in the instrument's order. */
    alertsByDomain: Array<{ domain: Domain; count: number }>;
    /** due → reminded → re-screened. */
    funnel: Array<{ step: 'due' | 'reminded' | 'rescreened'; count: number }>;
  };
}

/** A short, stable pseudonym of a chat account: the same helper reads the same code in every report. */
export function pseudonym(contactId: string): string {
  const hex = createHash('sha256').update(`icope-helper:${contactId}`).digest('hex');
  return `H-${parseInt(hex.slice(0, 12), 16).toString(36).toUpperCase().padStart(6, '0').slice(-6)}`;
}

/** Month starts covering [from, to) at midnight in `zone`; the first one is `from` itself. */
export function monthStarts(from: Date, to: Date, zone: string): Array<{ month: string; start: Date }> {
  const out: Array<{ month: string; start: Date }> = [];
  for (let m = DateTime.fromJSDate(from, { zone }).startOf('month'); m.toJSDate() < to; m = m.plus({ months: 1 })) {
    out.push({ month: m.toFormat('yyyy-MM'), start: m.toJSDate() < from ? from : m.toJSDate() });
  }
  return out;
}

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : v == null ? 0 : Number(v));
const isOneOf = <T extends string>(list: readonly T[], v: unknown): v is T => typeof v === 'string' && (list as readonly string[]).includes(v);

/** Median of numbers gathered in several lists, or null when there are none. */
function median(lists: number[][]): number | null {
  const values = new Float64Array(lists.reduce((sum, l) => sum + l.length, 0));
  let at = 0;
  for (const l of lists) for (const v of l) values[at++] = v;
  if (values.length === 0) return null;
  values.sort();
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

/** The seconds of an ISO-8601 duration (a month as 30 days), as the desk reads a territory's delay. */
function seconds(iso: string): number {
  const d = Duration.fromISO(iso);
  return d.isValid ? d.toMillis() / 1000 : 0;
}

const { sql, join, raw } = Prisma;

/**
 * The figures of the period for the territories, read in the caller's transaction or read turn:
 * `db.read((tx) => computeFigures(tx, …))`.
 */
export async function computeFigures(tx: Tx, o: FiguresOptions): Promise<Figures> {
  const { from, to, now, router } = o;
  if (!(from.getTime() < to.getTime())) throw new RangeError('computeFigures: `from` must be before `to`');
  const zone = o.timeZone ?? 'UTC';
  const all = o.territoryIds === undefined;
  const ids = all ? router.all().map((t) => t.id) : [...new Set(o.territoryIds)];
  const wanted = new Set(ids);
  const idsJson = JSON.stringify(ids);
  const q = <T>(query: Prisma.Sql) => tx.$queryRaw<T[]>(query);

  // Which territory. An alert: its own; alerts are read territory by territory (every territory
  // they carry when no filter is given). A screening: the one stored at completion; screenings
  // completed before that column existed, without an alert, are routed by their person's postcode
  // (the few postcodes concerned are routed here, once); abandoned ones likewise, further down.
  const alertTerritories = all
    ? (
        await q<{ t: string }>(sql`
          WITH RECURSIVE t(x) AS (
            SELECT (SELECT MIN(territoryId) FROM Alert INDEXED BY Alert_figures_delays_idx)
            UNION ALL
            SELECT (SELECT MIN(territoryId) FROM Alert INDEXED BY Alert_figures_delays_idx WHERE territoryId > t.x) FROM t WHERE t.x IS NOT NULL)
          SELECT x AS t FROM t WHERE x IS NOT NULL`)
      ).map((r) => r.t)
    : ids;
  const alertIn = sql`a.territoryId IN (SELECT value FROM json_each(${JSON.stringify(alertTerritories)}))`;
  // The same, where it is checked row by row rather than sought in an index: nothing to check for all.
  const alertRowIn = all ? sql`1` : alertIn;
  let screeningIn = sql`1`;
  let legacyIn: Prisma.Sql | undefined;
  if (!all) {
    const legacy = await q<{ pc: string }>(sql`
      SELECT DISTINCT COALESCE(p.postcode, '') AS pc FROM Screening s INDEXED BY Screening_figures_step1_idx
      LEFT JOIN Person p ON p.id = s.personId WHERE s.territoryId IS NULL AND s.completedAt IS NOT NULL`);
    const postcodes = legacy.map((r) => r.pc).filter((pc) => wanted.has(router.route(pc || null).id));
    if (postcodes.length) {
      legacyIn = sql`COALESCE((SELECT p.postcode FROM Person p WHERE p.id = s.personId), '') IN (SELECT value FROM json_each(${JSON.stringify(postcodes)}))`;
    }
    screeningIn = sql`(s.territoryId IN (SELECT value FROM json_each(${idsJson})) OR (s.territoryId IS NULL AND ${legacyIn ?? sql`0`}))`;
  }
  const completedIn = sql`s.completedAt >= ${from} AND s.completedAt < ${to}`;
  const raisedIn = sql`a.createdAt >= ${from} AND a.createdAt < ${to}`;

  // ---- Series per month, counted on the two date indexes: their sum is also the check below.
  const months = monthStarts(from, to, zone);
  const bounds = months.map((m, i) => sql`(${i}, ${m.start}, ${months[i + 1]?.start ?? to})`);
  const monthRows = await q<{ i: unknown; screenings: unknown; alerts: unknown }>(sql`
    WITH m(i, a, b) AS (VALUES ${join(bounds)})
    SELECT m.i AS i,
      (SELECT COUNT(*) FROM Screening s INDEXED BY Screening_figures_done_idx WHERE s.completedAt >= m.a AND s.completedAt < m.b AND ${screeningIn}) AS screenings,
      (SELECT COUNT(*) FROM Alert a INDEXED BY Alert_figures_delays_idx WHERE ${alertIn} AND a.createdAt >= m.a AND a.createdAt < m.b) AS alerts
    FROM m`);
  const series = months.map((m) => ({ ...m, screenings: 0, alerts: 0 }));
  for (const r of monthRows) {
    const month = series[num(r.i)];
    if (month) Object.assign(month, { screenings: num(r.screenings), alerts: num(r.alerts) });
  }
  const doneTotal = series.reduce((sum, m) => sum + m.screenings, 0);

  // ---- Step 1 done, by territory, kind, who answered and clarity. Every combination the flow can
  // write is counted on its own stretch of one index (a cell), so only the period is read. A person
  // who completed k screenings in the period has k − 1 of them followed by another one in it.
  type Step1Row = { kind: string; mode: string; helperKind: string | null; clarity: string | null; n: number; repeats: number };
  const present = all
    ? (
        await q<{ t: string }>(sql`
          WITH RECURSIVE t(x) AS (
            SELECT (SELECT MIN(territoryId) FROM Screening INDEXED BY Screening_figures_step1_idx)
            UNION ALL
            SELECT (SELECT MIN(territoryId) FROM Screening INDEXED BY Screening_figures_step1_idx WHERE territoryId > t.x) FROM t WHERE t.x IS NOT NULL)
          SELECT x AS t FROM t WHERE x IS NOT NULL`)
      ).map((r) => r.t)
    : ids;
  const answered: Array<[string, string | null]> = [['self', null], ['relative', null], ...[...HELPER_KINDS, null].map((h): [string, string | null] => ['helper', h])];
  const cells: Prisma.Sql[] = [];
  for (const t of all ? [...present, null] : present) {
    for (const kind of ['initial', 'follow_up']) {
      for (const [mode, helperKind] of answered) for (const c of [...CLARITY, null]) cells.push(sql`(${t}, ${kind}, ${mode}, ${helperKind}, ${c})`);
    }
  }
  const cellRows = !cells.length ? [] : await q<{ kind: string; mode: string; helperKind: string | null; clarity: string | null; v: string | null }>(sql`
    WITH c(t, kind, mode, helperKind, clarity) AS (VALUES ${join(cells)})
    SELECT c.kind AS kind, c.mode AS mode, c.helperKind AS helperKind, c.clarity AS clarity,
      (SELECT json_array(COUNT(*), SUM(s.rescreenedAt < ${to})) FROM Screening s INDEXED BY Screening_figures_step1_idx
       WHERE s.territoryId IS c.t AND s.kind = c.kind AND s.mode = c.mode AND s.helperKind IS c.helperKind AND s.clarity IS c.clarity AND ${completedIn}) AS v
    FROM c`);
  let step1Rows: Step1Row[] = cellRows.map((r) => {
    const [n, repeats] = JSON.parse(r.v ?? '[0,0]') as [number, number | null];
    return { kind: r.kind, mode: r.mode, helperKind: r.helperKind, clarity: r.clarity, n, repeats: repeats ?? 0 };
  });
  const stream = (where: Prisma.Sql) =>
    q<Step1Row>(sql`
      SELECT s.kind AS kind, s.mode AS mode, s.helperKind AS helperKind, s.clarity AS clarity, COUNT(*) AS n, SUM(s.rescreenedAt < ${to}) AS repeats
      FROM Screening s INDEXED BY Screening_figures_step1_idx WHERE ${completedIn} AND ${where}
      GROUP BY s.territoryId, s.kind, s.mode, s.helperKind, s.clarity`);
  // Screenings of no territory, completed before territories were stored: by their person's postcode.
  if (legacyIn) step1Rows.push(...(await stream(sql`s.territoryId IS NULL AND ${legacyIn}`)));
  // A value the flow does not write today (a new kind of helper…) would fall outside the cells:
  // then every combination is read from the whole index instead, in its order.
  if (step1Rows.reduce((sum, r) => sum + num(r.n), 0) !== doneTotal) step1Rows = await stream(screeningIn);
  const step1: Figures['step1'] = {
    done: 0,
    persons: 0,
    initial: 0,
    followUp: 0,
    self: 0,
    relative: 0,
    helper: 0,
    byHelperKind: zeros([...HELPER_KINDS, 'unknown'] as const),
    abandoned: 0,
  };
  const clarity = zeros([...CLARITY, 'unanswered'] as const);
  let repeats = 0;
  for (const r of step1Rows) {
    const n = num(r.n);
    if (n === 0) continue;
    step1.done += n;
    repeats += num(r.repeats);
    if (r.kind === 'follow_up') step1.followUp += n;
    else step1.initial += n;
    if (r.mode === 'helper') {
      step1.helper += n;
      step1.byHelperKind[isOneOf(HELPER_KINDS, r.helperKind) ? r.helperKind : 'unknown'] += n;
    } else if (r.mode === 'relative') step1.relative += n;
    else step1.self += n;
    clarity[isOneOf(CLARITY, r.clarity) ? r.clarity : 'unanswered'] += n;
  }
  step1.persons = step1.done - repeats;

  // ---- Abandoned: their territory is their person's (they never reached completion).
  if (all) {
    const [row] = await q<{ n: unknown }>(sql`
      SELECT COUNT(*) AS n FROM Screening s INDEXED BY Screening_figures_abandoned_idx WHERE s.abandonedAt >= ${from} AND s.abandonedAt < ${to}`);
    step1.abandoned = num(row?.n);
  } else {
    const [stored] = await q<{ n: unknown }>(sql`
      SELECT COUNT(*) AS n FROM Screening s INDEXED BY Screening_figures_abandoned_idx
      WHERE s.abandonedAt >= ${from} AND s.abandonedAt < ${to} AND s.territoryId IN (SELECT value FROM json_each(${idsJson}))`);
    // Counted per person first, so that persons are then read in the order of their index.
    const byPostcode = await q<{ pc: string; n: unknown }>(sql`
      SELECT COALESCE(p.postcode, '') AS pc, SUM(g.n) AS n
      FROM (SELECT s.personId AS personId, COUNT(*) AS n FROM Screening s INDEXED BY Screening_figures_abandoned_idx
            WHERE s.abandonedAt >= ${from} AND s.abandonedAt < ${to} AND s.territoryId IS NULL GROUP BY s.personId) g
      LEFT JOIN Person p INDEXED BY Person_figures_idx ON p.id = g.personId
      GROUP BY 1`);
    step1.abandoned = num(stored?.n);
    for (const r of byPostcode) if (wanted.has(router.route(r.pc || null).id)) step1.abandoned += num(r.n);
  }

  // ---- Where people came from: only first screenings carry a code.
  const sourceRows = await q<{ code: string; n: unknown }>(sql`
    SELECT s.source AS code, COUNT(*) AS n FROM Screening s INDEXED BY Screening_figures_sources_idx
    WHERE s.source IS NOT NULL AND ${completedIn} AND ${screeningIn} GROUP BY s.source`);
  const sources: Figures['sources'] = sourceRows.map((r) => ({ code: r.code, count: num(r.n) })).filter((r) => r.count > 0);
  const coded = sources.reduce((sum, r) => sum + r.count, 0);
  if (step1.done > coded) sources.push({ code: null, count: step1.done - coded });
  sources.sort((a, b) => b.count - a.count || (a.code ?? '\uffff').localeCompare(b.code ?? '\uffff'));

  // ---- Step 1 per helper (chat account in helper mode, place), for remuneration claims.
  const helperRows = await q<{ contactId: string; helperKind: string | null; place: string | null; n: unknown }>(sql`
    SELECT s.contactId AS contactId, s.helperKind AS helperKind, s.place AS place, COUNT(*) AS n
    FROM Screening s INDEXED BY Screening_figures_helpers_idx
    WHERE s.mode = 'helper' AND ${completedIn} AND ${screeningIn}
    GROUP BY s.contactId, s.helperKind, s.place`);
  const helpers = helperRows
    .map((r) => ({ pseudonym: pseudonym(r.contactId), helperKind: r.helperKind, place: r.place, done: num(r.n) }))
    .sort((a, b) => b.done - a.done || a.pseudonym.localeCompare(b.pseudonym) || (a.place ?? '').localeCompare(b.place ?? ''));

  // ---- Re-screening. A due screening is the person's last one due in the period when the next
  // screening they completed (if any) fell due after the period, i.e. was completed after
  // `to` − interval: counting only those counts each person due once.
  const cutoff = DateTime.fromJSDate(to, { zone }).minus(Duration.fromISO(o.rescreenInterval)).toJSDate();
  const [funnel] = await q<{ due: unknown; reminded: unknown; rescreened: unknown }>(sql`
    SELECT COUNT(*) AS due,
      SUM(s.rescreenedAt IS NOT NULL AND s.rescreenedAt <= ${now}) AS rescreened,
      SUM(CASE WHEN s.remindedAt IS NOT NULL THEN s.remindedAt <= ${now} ELSE EXISTS (
        SELECT 1 FROM Reminder r INDEXED BY Reminder_figures_idx WHERE r.dueAt = s.nextDueAt AND r.screeningId = s.id
          AND r.kind = 'rescreen' AND r.status = 'done' AND r.reason = 'sent' AND r.doneAt <= ${now}) END) AS reminded
    FROM Screening s INDEXED BY Screening_figures_due_idx
    WHERE s.nextDueAt >= ${from} AND s.nextDueAt < ${to} AND (s.rescreenedAt IS NULL OR s.rescreenedAt >= ${cutoff}) AND ${screeningIn}`);
  const due = num(funnel?.due);
  const rescreened = num(funnel?.rescreened);
  const rescreening = { due, reminded: num(funnel?.reminded), rescreened, rate: due ? rescreened / due : null, reference: RESCREEN_REFERENCE };

  // ---- Alerts raised, by territory, priority, fate and danger: one cell per combination the desk
  // can write, each counted on its own stretch of one index (only the period is read); a value
  // outside them sends every combination to a read of the whole index instead, in its order.
  type AlertRow = { priority: string; status: string; outcome: string | null; danger: string | null; n: number; step2: number };
  const alertCells: Prisma.Sql[] = [];
  for (const t of alertTerritories) {
    for (const p of PRIORITIES) {
      for (const st of ['new', 'taken', 'closed']) for (const oc of [null, ...OUTCOMES]) for (const d of [null, 'distress', 'emergency']) alertCells.push(sql`(${t}, ${p}, ${st}, ${oc}, ${d})`);
    }
  }
  let alertRows: AlertRow[] = alertCells.length
    ? (
        await q<{ priority: string; status: string; outcome: string | null; danger: string | null; v: string | null }>(sql`
          WITH c(t, priority, status, outcome, danger) AS (VALUES ${join(alertCells)})
          SELECT c.priority AS priority, c.status AS status, c.outcome AS outcome, c.danger AS danger,
            (SELECT json_array(COUNT(*), SUM(a.step2At IS NOT NULL)) FROM Alert a INDEXED BY Alert_figures_idx
             WHERE a.territoryId = c.t AND a.priority = c.priority AND a.status = c.status AND a.outcome IS c.outcome AND a.danger IS c.danger AND ${raisedIn}) AS v
          FROM c`)
      ).map((r) => {
        const [n, step2] = JSON.parse(r.v ?? '[0,0]') as [number, number | null];
        return { priority: r.priority, status: r.status, outcome: r.outcome, danger: r.danger, n, step2: step2 ?? 0 };
      })
    : [];
  const raisedTotal = series.reduce((sum, m) => sum + m.alerts, 0);
  if (alertRows.reduce((sum, r) => sum + r.n, 0) !== raisedTotal) {
    alertRows = await q<AlertRow>(sql`
      SELECT a.priority AS priority, a.status AS status, a.outcome AS outcome, a.danger AS danger, COUNT(*) AS n, SUM(a.step2At IS NOT NULL) AS step2
      FROM Alert a INDEXED BY Alert_figures_idx WHERE ${alertIn} AND ${raisedIn}
      GROUP BY a.territoryId, a.priority, a.status, a.outcome, a.danger`);
  }
  // Domains flagged, and left to complete: each territory's distinct lists found by skipping through
  // an index, then counted on their own stretch of it ("[]", nothing to complete, is not counted).
  const listCounts = async (column: 'domains' | 'toComplete', index: string) => {
    const col = raw(`a.${column}`);
    const idx = raw(index);
    return q<{ v: string; n: unknown }>(sql`
      WITH RECURSIVE t(x) AS (SELECT value FROM json_each(${JSON.stringify(alertTerritories)})),
      d(t, v) AS (
        SELECT t.x, (SELECT MIN(${col}) FROM Alert a INDEXED BY ${idx} WHERE a.territoryId = t.x) FROM t
        UNION ALL
        SELECT d.t, (SELECT MIN(${col}) FROM Alert a INDEXED BY ${idx} WHERE a.territoryId = d.t AND ${col} > d.v) FROM d WHERE d.v IS NOT NULL)
      SELECT d.v AS v, (SELECT COUNT(*) FROM Alert a INDEXED BY ${idx} WHERE a.territoryId = d.t AND ${col} = d.v AND ${raisedIn}) AS n
      FROM d WHERE d.v IS NOT NULL AND d.v <> '[]'`);
  };
  const domainRows = await listCounts('domains', 'Alert_figures_domains_idx');
  const toCompleteRows = await listCounts('toComplete', 'Alert_figures_tocomplete_idx');
  const alerts: Figures['alerts'] = {
    raised: 0,
    byPriority: zeros(PRIORITIES),
    byDomain: zeros(DOMAINS),
    toCompleteByDomain: zeros(DOMAINS),
    danger: { distress: 0, emergency: 0 },
    taken: 0,
    takenInTime: 0,
    closed: 0,
    byOutcome: zeros(OUTCOMES),
    open: 0,
    medianToTakeMs: null,
    medianToCloseMs: null,
    step2Arranged: 0,
    step2Done: 0,
  };
  const domainsOf = (json: string): Domain[] => {
    try {
      const list: unknown = JSON.parse(json);
      return Array.isArray(list) ? [...new Set(list)].filter((d): d is Domain => isOneOf(DOMAINS, d)) : [];
    } catch {
      return [];
    }
  };
  for (const r of domainRows) for (const d of domainsOf(r.v)) alerts.byDomain[d] += num(r.n);
  for (const r of toCompleteRows) for (const d of domainsOf(r.v)) alerts.toCompleteByDomain[d] += num(r.n);
  for (const r of alertRows) {
    const n = num(r.n);
    if (n === 0) continue;
    alerts.raised += n;
    if (isOneOf(PRIORITIES, r.priority)) alerts.byPriority[r.priority] += n;
    if (r.danger === 'distress' || r.danger === 'emergency') alerts.danger[r.danger] += n;
    if (r.status === 'closed') {
      alerts.closed += n;
      if (isOneOf(OUTCOMES, r.outcome)) alerts.byOutcome[r.outcome] += n;
    } else alerts.open += n;
    alerts.step2Arranged += r.outcome === 'step2' || r.outcome === 'step2_done' ? n : num(r.step2);
    if (r.outcome === 'step2_done') alerts.step2Done += n;
  }

  // ---- Delays, territory by territory: each alert's time to take and to close (whole seconds),
  // taken in time against its territory's delay, medians over all of them.
  const delayRows = await q<{ t: string; take: string | null; close: string | null }>(sql`
    SELECT a.territoryId AS t,
      json_group_array(CAST(round((julianday(a.takenAt) - julianday(a.createdAt)) * 86400) AS INTEGER)) FILTER (WHERE a.takenAt IS NOT NULL) AS take,
      json_group_array(CAST(round((julianday(a.closedAt) - julianday(a.createdAt)) * 86400) AS INTEGER)) FILTER (WHERE a.closedAt IS NOT NULL) AS close
    FROM Alert a INDEXED BY Alert_figures_delays_idx
    WHERE ${alertIn} AND ${raisedIn} GROUP BY a.territoryId`);
  const defaultDelay = seconds(router.byId(DEFAULT_TERRITORY_ID)?.takeWithin ?? 'PT48H');
  const takes: number[][] = [];
  const closes: number[][] = [];
  for (const r of delayRows) {
    const take = JSON.parse(r.take ?? '[]') as number[];
    const limit = seconds(router.byId(r.t)?.takeWithin ?? '') || defaultDelay;
    alerts.taken += take.length;
    alerts.takenInTime += take.filter((v) => v <= limit).length;
    takes.push(take);
    closes.push(JSON.parse(r.close ?? '[]') as number[]);
  }
  const toMs = (s: number | null) => (s === null ? null : s * 1000);
  alerts.medianToTakeMs = toMs(median(takes));
  alerts.medianToCloseMs = toMs(median(closes));

  // ---- Alerts handled per coordinator: each name recorded (a skip through the index), then its
  // takes and closes in the period; "own": closed on a Step 1 done from the coordinator's own chat.
  const byName = async (column: 'takenBy' | 'closedBy', at: 'takenAt' | 'closedAt', index: string) => {
    const col = raw(`a.${column}`);
    const idx = raw(index);
    return q<{ name: string; n: unknown }>(sql`
      WITH RECURSIVE names(name) AS (
        SELECT (SELECT MIN(${col}) FROM Alert a INDEXED BY ${idx})
        UNION ALL
        SELECT (SELECT MIN(${col}) FROM Alert a INDEXED BY ${idx} WHERE ${col} > names.name) FROM names WHERE names.name IS NOT NULL)
      SELECT names.name AS name,
        (SELECT COUNT(*) FROM Alert a INDEXED BY ${idx} WHERE ${col} = names.name AND ${raw(`a.${at}`)} >= ${from} AND ${raw(`a.${at}`)} < ${to} AND ${alertRowIn}) AS n
      FROM names WHERE names.name IS NOT NULL`);
  };
  const takenRows = await byName('takenBy', 'takenAt', 'Alert_figures_taken_idx');
  const closedRows = await byName('closedBy', 'closedAt', 'Alert_figures_closed_idx');
  const ownRows = await q<{ name: string | null; n: unknown }>(sql`
    SELECT a.closedBy AS name, COUNT(*) AS n
    FROM Coordinator k CROSS JOIN Contact c ON c.channel = k.channel AND c.address = k.address
    CROSS JOIN Alert a INDEXED BY Alert_contactId_closedAt_idx ON a.contactId = c.id AND a.takerChannel = c.channel AND a.takerAddress = c.address
    WHERE a.closedAt >= ${from} AND a.closedAt < ${to} AND ${alertRowIn} GROUP BY a.closedBy`);
  const acts = new Map<string, CoordinatorActs>();
  const actsOf = (name: string | null) => {
    const key = name ?? '?';
    let row = acts.get(key);
    if (!row) acts.set(key, (row = { name: key, taken: 0, closed: 0, ownStep1: 0 }));
    return row;
  };
  for (const r of takenRows) if (num(r.n)) actsOf(r.name).taken += num(r.n);
  for (const r of closedRows) if (num(r.n)) actsOf(r.name).closed += num(r.n);
  for (const r of ownRows) actsOf(r.name).ownStep1 += num(r.n);
  const coordinators = [...acts.values()].sort((a, b) => b.closed - a.closed || b.taken - a.taken || a.name.localeCompare(b.name));

  return {
    from,
    to,
    now,
    timeZone: zone,
    rescreenInterval: o.rescreenInterval,
    territories: ids.map((id) => ({ id, name: router.byId(id)?.name ?? null })),
    allTerritories: all,
    step1,
    alerts,
    rescreening,
    sources,
    clarity,
    acts: { helpers, coordinators },
    series: {
      months: series,
      alertsByDomain: DOMAINS.map((domain) => ({ domain, count: alerts.byDomain[domain] })),
      funnel: [
        { step: 'due', count: rescreening.due },
        { step: 'reminded', count: rescreening.reminded },
        { step: 'rescreened', count: rescreening.rescreened },
      ],
    },
  };
}
