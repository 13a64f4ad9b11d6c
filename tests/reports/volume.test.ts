/**
 * The figures on a few thousand rows written straight into the database, checked against a plain
 * re-reading of the same rows in JavaScript (the definitions, written naively): every territory and
 * one, screenings stored before territories were (routed by postcode), reminders recorded only on the
 * Reminder table, and values the flow does not write today (read from the whole index instead).
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTCOMES } from '../../flows/step1/lexicon.js';
import { CLARITY, DOMAINS, HELPER_KINDS } from '../../flows/step1/types.js';
import { territoryRouter } from '../../src/alerts/territories.js';
import { Database } from '../../src/db/database.js';
import { computeFigures, pseudonym, type Figures } from '../../src/reports/figures.js';
import { freshDbUrl } from '../helpers/db.js';

const router = territoryRouter({
  defaultTerritory: 'nord',
  territories: [
    { id: 'nord', name: 'CPTS Nord', postcodes: ['31200', '311*'], takeWithin: 'PT48H' },
    { id: 'sud', name: 'CPTS Sud', postcodes: ['31400', '310*'], takeWithin: 'PT2H' },
  ],
});
const NOW = new Date('2026-12-31T12:00:00Z');
const H = 3_600_000;
const D = 24 * H;
const POSTCODES = ['31200', '31100', '31400', '31000', '75001'];
const NAMES = ['Alice', 'Bob', 'Chloé'];
const iso = (ms: number) => new Date(ms);
const plus6M = (ms: number) => DateTime.fromMillis(ms, { zone: 'UTC' }).plus({ months: 6 }).toMillis();

interface Row {
  id: string;
  personId: string;
  contactId: string;
  kind: string;
  mode: string;
  helperKind: string | null;
  place: string | null;
  status: string;
  startedAt: number;
  completedAt: number | null;
  abandonedAt: number | null;
  nextDueAt: number | null;
  rescreenedAt: number | null;
  remindedAt: number | null;
  territoryId: string | null;
  source: string | null;
  clarity: string | null;
}
interface AlertRow {
  id: number;
  contactId: string;
  personId: string;
  screeningId: string;
  territoryId: string;
  priority: string;
  danger: string | null;
  domains: string;
  toComplete: string;
  status: string;
  createdAt: number;
  takenAt: number | null;
  takenBy: string | null;
  closedAt: number | null;
  closedBy: string | null;
  outcome: string | null;
  step2At: number | null;
  takerChannel: string | null;
  takerAddress: string | null;
}

const contacts: Array<{ id: string; channel: string; address: string; helperKind: string | null }> = [];
const persons: Array<{ id: string; contactId: string; postcode: string }> = [];
const screenings: Row[] = [];
const alerts: AlertRow[] = [];
const sentReminders: Array<{ screeningId: string; dueAt: number; doneAt: number }> = [];

function build(): void {
  const helpers = [0, 1, 2, 3, 4].map((k) => ({ id: `helper-${k}`, channel: 'whatsapp', address: k === 0 ? 'bob@c.us' : `helper-${k}@c.us`, helperKind: HELPER_KINDS[k % HELPER_KINDS.length]! }));
  contacts.push(...helpers);
  let relative: string | undefined;
  for (let i = 0; i < 400; i++) {
    const personId = `person-${i}`;
    const postcode = POSTCODES[i % POSTCODES.length]!;
    let contactId: string;
    let mode: string;
    let helper: (typeof helpers)[number] | undefined;
    if (i % 3 === 0) {
      contactId = `self-${i}`;
      contacts.push({ id: contactId, channel: 'telegram', address: `${1000 + i}`, helperKind: null });
      mode = 'self';
    } else if (i % 3 === 1) {
      if (!relative || i % 2 === 0) {
        relative = `relative-${i}`;
        contacts.push({ id: relative, channel: 'whatsapp', address: `rel-${i}@c.us`, helperKind: null });
      }
      contactId = relative;
      mode = 'relative';
    } else {
      helper = helpers[i % helpers.length]!;
      contactId = helper.id;
      mode = 'helper';
    }
    persons.push({ id: personId, contactId, postcode });
    const route = router.route(postcode).id;
    const t0 = Date.UTC(2025, 9, 1, 8) + i * 13 * H;
    const chain = [t0];
    if (i % 2 === 0) chain.push(t0 + 182 * D + (i % 10) * D);
    if (i % 4 === 0) chain.push(chain[1]! + 190 * D);
    const done = chain.filter((t) => t < NOW.getTime());
    if (i % 6 === 0) {
      screenings.push({
        id: `ab-${i}`, personId, contactId, kind: 'initial', mode, helperKind: helper?.helperKind ?? null, place: helper ? `Place ${i % 2}` : null,
        status: 'abandoned', startedAt: t0 - 2 * D, completedAt: null, abandonedAt: t0 - D, nextDueAt: null, rescreenedAt: null, remindedAt: null,
        territoryId: null, source: null, clarity: null,
      });
    }
    done.forEach((t, k) => {
      const due = plus6M(t);
      const next = done[k + 1] ?? null;
      const reminded = due < NOW.getTime() && (next === null || next > due);
      const id = `s-${i}-${k}`;
      screenings.push({
        id, personId, contactId, kind: k === 0 ? 'initial' : 'follow_up', mode, helperKind: helper?.helperKind ?? null, place: helper ? `Place ${i % 2}` : null,
        status: 'completed', startedAt: t - 15 * 60_000, completedAt: t, abandonedAt: null, nextDueAt: due, rescreenedAt: next,
        // Some reminders are only on the Reminder table (sent before the column was filled).
        remindedAt: reminded && i % 5 !== 0 ? due + H : null,
        territoryId: i % 7 === 0 ? null : route, source: k === 0 && i % 4 === 1 ? ['flyer-a', 'flyer-b'][i % 2]! : null,
        clarity: [...CLARITY, null][(i + k) % 4]!,
      });
      if (reminded && i % 5 === 0) sentReminders.push({ screeningId: id, dueAt: due, doneAt: due + 2 * H });
      const n = screenings.length;
      if (n % 3 === 2) return;
      const taken = n % 4 !== 0 ? t + ((n % 9) + 1) * 20 * 60_000 : null;
      const closed = taken && n % 8 === 1 ? taken + ((n % 5) + 1) * D : null;
      const name = NAMES[n % 3]!;
      const own = helper?.id === 'helper-0' && name === 'Bob';
      const priority = n % 10 === 0 ? 'low' : n % 17 === 0 ? 'urgent' : 'normal';
      alerts.push({
        id: alerts.length + 1, contactId, personId, screeningId: id, territoryId: route, priority, danger: priority === 'urgent' ? 'emergency' : null,
        domains: JSON.stringify(priority === 'low' ? [] : DOMAINS.filter((_, b) => ((n >> b) & 1) === 1 || b === n % 6)),
        toComplete: priority === 'low' ? '["nutrition"]' : '[]',
        status: closed ? 'closed' : taken ? 'taken' : 'new', createdAt: t, takenAt: taken, takenBy: taken ? name : null,
        closedAt: closed, closedBy: closed ? name : null, outcome: closed ? OUTCOMES[n % OUTCOMES.length]! : null,
        step2At: taken && n % 6 === 1 ? taken + 10 * D : null,
        takerChannel: taken ? 'whatsapp' : null, takerAddress: taken ? (own ? 'bob@c.us' : `${name}@c.us`) : null,
      });
    });
  }
}

/** The definitions, read plainly off the rows. */
function expected(from: Date, to: Date, territoryIds?: string[]) {
  const postcodeOf = new Map(persons.map((p) => [p.id, p.postcode]));
  const territoryOf = (s: Row) => s.territoryId ?? router.route(postcodeOf.get(s.personId)).id;
  const inT = (t: string) => !territoryIds || territoryIds.includes(t);
  const within = (ms: number | null) => ms !== null && ms >= from.getTime() && ms < to.getTime();
  const done = screenings.filter((s) => within(s.completedAt) && inT(territoryOf(s)));
  const byKind = (k: string) => done.filter((s) => s.helperKind === k).length;
  const step1 = {
    done: done.length,
    persons: new Set(done.map((s) => s.personId)).size,
    initial: done.filter((s) => s.kind === 'initial').length,
    followUp: done.filter((s) => s.kind === 'follow_up').length,
    self: done.filter((s) => s.mode === 'self').length,
    relative: done.filter((s) => s.mode === 'relative').length,
    helper: done.filter((s) => s.mode === 'helper').length,
    byHelperKind: { ...Object.fromEntries(HELPER_KINDS.map((k) => [k, byKind(k)])), unknown: done.filter((s) => s.mode === 'helper' && !(HELPER_KINDS as readonly string[]).includes(s.helperKind ?? '')).length },
    abandoned: screenings.filter((s) => within(s.abandonedAt) && inT(territoryOf(s))).length,
  };
  const raised = alerts.filter((a) => within(a.createdAt) && inT(a.territoryId));
  const median = (v: number[]) => {
    const s = [...v].sort((a, b) => a - b);
    return s.length === 0 ? null : s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const limit = (t: string) => (t === 'sud' ? 2 * H : 48 * H);
  const taken = raised.filter((a) => a.takenAt !== null);
  const closed = raised.filter((a) => a.status === 'closed');
  const alertFigures = {
    raised: raised.length,
    byPriority: { urgent: 0, normal: 0, low: 0, ...Object.fromEntries(['urgent', 'normal', 'low'].map((p) => [p, raised.filter((a) => a.priority === p).length])) },
    byDomain: Object.fromEntries(DOMAINS.map((d) => [d, raised.filter((a) => (JSON.parse(a.domains) as string[]).includes(d)).length])),
    toCompleteByDomain: Object.fromEntries(DOMAINS.map((d) => [d, raised.filter((a) => (JSON.parse(a.toComplete) as string[]).includes(d)).length])),
    danger: { distress: raised.filter((a) => a.danger === 'distress').length, emergency: raised.filter((a) => a.danger === 'emergency').length },
    taken: taken.length,
    takenInTime: taken.filter((a) => a.takenAt! - a.createdAt <= limit(a.territoryId)).length,
    closed: closed.length,
    byOutcome: Object.fromEntries(OUTCOMES.map((o) => [o, closed.filter((a) => a.outcome === o).length])),
    open: raised.length - closed.length,
    medianToTakeMs: median(taken.map((a) => a.takenAt! - a.createdAt)),
    medianToCloseMs: median(raised.filter((a) => a.closedAt !== null).map((a) => a.closedAt! - a.createdAt)),
    step2Arranged: raised.filter((a) => a.step2At !== null || a.outcome === 'step2' || a.outcome === 'step2_done').length,
    step2Done: raised.filter((a) => a.outcome === 'step2_done').length,
  };
  // Re-screening: each person due once, for the last of their screenings that fell due in the period.
  const dueNow = screenings.filter((s) => s.status === 'completed' && within(s.nextDueAt) && inT(territoryOf(s)));
  const lastDue = new Map<string, Row>();
  for (const s of dueNow) if (!lastDue.has(s.personId) || s.completedAt! > lastDue.get(s.personId)!.completedAt!) lastDue.set(s.personId, s);
  const later = (s: Row) => screenings.some((n) => n.personId === s.personId && n.completedAt !== null && n.completedAt > s.completedAt! && n.completedAt <= NOW.getTime());
  const reminded = (s: Row) => (s.remindedAt !== null && s.remindedAt <= NOW.getTime()) || sentReminders.some((r) => r.screeningId === s.id && r.doneAt <= NOW.getTime());
  const last = [...lastDue.values()];
  const rescreening = { due: last.length, reminded: last.filter(reminded).length, rescreened: last.filter(later).length };
  const sources = new Map<string | null, number>();
  for (const s of done) sources.set(s.source, (sources.get(s.source) ?? 0) + 1);
  const clarity = { ...Object.fromEntries(CLARITY.map((c) => [c, done.filter((s) => s.clarity === c).length])), unanswered: done.filter((s) => s.clarity === null).length };
  const helperActs = new Map<string, { pseudonym: string; helperKind: string | null; place: string | null; done: number }>();
  for (const s of done.filter((x) => x.mode === 'helper')) {
    const key = `${s.contactId}|${s.helperKind}|${s.place}`;
    const row = helperActs.get(key) ?? { pseudonym: pseudonym(s.contactId), helperKind: s.helperKind, place: s.place, done: 0 };
    row.done++;
    helperActs.set(key, row);
  }
  const contactOf = new Map(contacts.map((c) => [c.id, c]));
  const coordinators = NAMES.map((name) => {
    const closedHere = alerts.filter((a) => a.closedBy === name && within(a.closedAt) && inT(a.territoryId));
    return {
      name,
      taken: alerts.filter((a) => a.takenBy === name && within(a.takenAt) && inT(a.territoryId)).length,
      closed: closedHere.length,
      ownStep1: closedHere.filter((a) => a.takerAddress === contactOf.get(a.contactId)!.address && a.takerAddress === 'bob@c.us').length,
    };
  }).filter((c) => c.taken + c.closed > 0);
  return { step1, alerts: alertFigures, rescreening, sources, clarity, helpers: [...helperActs.values()], coordinators };
}

let db: Database;
const figures = (from: Date, to: Date, territoryIds?: string[]): Promise<Figures> =>
  db.read((tx) => computeFigures(tx, { from, to, ...(territoryIds ? { territoryIds } : {}), router, now: NOW, rescreenInterval: 'P6M', timeZone: 'UTC' }));

beforeAll(async () => {
  build();
  db = await Database.open(freshDbUrl());
  await db.tx(async (tx) => {
    await tx.contact.createMany({ data: contacts.map((c) => ({ id: c.id, channel: c.channel, address: c.address, language: 'fr', helperKind: c.helperKind })) });
    await tx.coordinator.createMany({ data: [{ channel: 'whatsapp', address: 'bob@c.us', name: 'Bob', lastSeenAt: NOW }] });
    await tx.person.createMany({ data: persons.map((p) => ({ id: p.id, contactId: p.contactId, postcode: p.postcode, timeZone: 'Europe/Paris' })) });
    await tx.screening.createMany({
      data: screenings.map((s) => ({
        ...s, channel: 'whatsapp', questionnaireVersion: 'v', wordSet: 0,
        startedAt: iso(s.startedAt), completedAt: s.completedAt === null ? null : iso(s.completedAt), abandonedAt: s.abandonedAt === null ? null : iso(s.abandonedAt),
        nextDueAt: s.nextDueAt === null ? null : iso(s.nextDueAt), rescreenedAt: s.rescreenedAt === null ? null : iso(s.rescreenedAt), remindedAt: s.remindedAt === null ? null : iso(s.remindedAt),
      })),
    });
    await tx.alert.createMany({
      data: alerts.map((a) => ({
        ...a, createdAt: iso(a.createdAt), takenAt: a.takenAt === null ? null : iso(a.takenAt), closedAt: a.closedAt === null ? null : iso(a.closedAt), step2At: a.step2At === null ? null : iso(a.step2At),
      })),
    });
    const contactOfScreening = new Map(screenings.map((s) => [s.id, s]));
    await tx.reminder.createMany({
      data: sentReminders.map((r) => ({
        contactId: contactOfScreening.get(r.screeningId)!.contactId, personId: contactOfScreening.get(r.screeningId)!.personId, screeningId: r.screeningId,
        kind: 'rescreen', dueAt: iso(r.dueAt), status: 'done', doneAt: iso(r.doneAt), reason: 'sent',
      })),
    });
  });
}, 60_000);

afterAll(async () => db?.close());

const PERIODS: Array<[string, Date, Date]> = [
  ['first half of 2026', new Date('2026-01-01T00:00:00Z'), new Date('2026-07-01T00:00:00Z')],
  ['second half of 2026', new Date('2026-07-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z')],
  ['a week', new Date('2026-03-02T00:00:00Z'), new Date('2026-03-09T00:00:00Z')],
  ['2026 (a person may do Step 1 twice)', new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z')],
];

function check(f: Figures, e: ReturnType<typeof expected>): void {
  expect(f.step1).toEqual(e.step1);
  expect(f.alerts).toEqual(e.alerts);
  expect(f.rescreening).toMatchObject(e.rescreening);
  expect(f.rescreening.rate).toBe(e.rescreening.due ? e.rescreening.rescreened / e.rescreening.due : null);
  expect(Object.fromEntries(f.sources.map((s) => [String(s.code), s.count]))).toEqual(Object.fromEntries([...e.sources].map(([k, v]) => [String(k), v])));
  expect(f.clarity).toEqual(e.clarity);
  const order = <T extends { pseudonym: string; place: string | null }>(l: T[]) => [...l].sort((a, b) => `${a.pseudonym}${a.place}`.localeCompare(`${b.pseudonym}${b.place}`));
  expect(order(f.acts.helpers)).toEqual(order(e.helpers));
  expect([...f.acts.coordinators].sort((a, b) => a.name.localeCompare(b.name))).toEqual(e.coordinators);
  expect(f.series.months.reduce((s, m) => s + m.screenings, 0)).toBe(e.step1.done);
  expect(f.series.months.reduce((s, m) => s + m.alerts, 0)).toBe(e.alerts.raised);
}

describe('figures on rows written straight into the database', () => {
  it('the data has what the checks need', () => {
    expect(screenings.length).toBeGreaterThan(700);
    expect(alerts.length).toBeGreaterThan(400);
    expect(screenings.some((s) => s.status === 'completed' && s.territoryId === null)).toBe(true);
    expect(sentReminders.length).toBeGreaterThan(10);
    expect(alerts.some((a) => a.takerAddress === 'bob@c.us' && a.closedAt !== null)).toBe(true);
    const year = expected(new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'));
    expect(year.step1.persons).toBeLessThan(year.step1.done);
    expect(year.rescreening.reminded).toBeLessThan(year.rescreening.due);
  });

  for (const [name, from, to] of PERIODS) {
    it(`${name}: every territory, then Sud alone, as the rows say`, async () => {
      check(await figures(from, to), expected(from, to));
      check(await figures(from, to, ['sud']), expected(from, to, ['sud']));
      check(await figures(from, to, ['nord', 'sud']), expected(from, to));
    });
  }

  it('the months add up, in the time zone asked for', async () => {
    const f = await db.read((tx) =>
      computeFigures(tx, { from: new Date('2025-12-31T23:00:00Z'), to: new Date('2026-06-30T22:00:00Z'), router, now: NOW, rescreenInterval: 'P6M', timeZone: 'Europe/Paris' }),
    );
    expect(f.series.months.map((m) => m.month)).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']);
    expect(f.series.months[1]!.start.toISOString()).toBe('2026-01-31T23:00:00.000Z');
    const e = expected(new Date('2025-12-31T23:00:00Z'), new Date('2026-06-30T22:00:00Z'));
    expect(f.series.months.reduce((s, m) => s + m.screenings, 0)).toBe(e.step1.done);
  });

  it('values the flow does not write today are still counted (read from the whole index)', async () => {
    const before = await figures(PERIODS[0]![1], PERIODS[0]![2]);
    await db.tx(async (tx) => {
      await tx.screening.create({
        data: { id: 'odd', personId: 'person-1', contactId: 'helper-1', channel: 'whatsapp', kind: 'initial', mode: 'helper', helperKind: 'librarian', questionnaireVersion: 'v', wordSet: 0, status: 'completed', startedAt: new Date('2026-02-01T10:00:00Z'), completedAt: new Date('2026-02-01T10:10:00Z'), territoryId: 'nord' },
      });
      await tx.alert.create({
        data: { contactId: 'helper-1', personId: 'person-1', screeningId: 'odd', domains: '["vision"]', priority: 'normal', status: 'closed', outcome: 'moved_away', territoryId: 'nord', createdAt: new Date('2026-02-01T10:10:00Z'), takenAt: new Date('2026-02-01T11:10:00Z'), closedAt: new Date('2026-02-02T10:10:00Z') },
      });
    });
    try {
      const after = await figures(PERIODS[0]![1], PERIODS[0]![2]);
      expect(after.step1.done).toBe(before.step1.done + 1);
      expect(after.step1.helper).toBe(before.step1.helper + 1);
      expect(after.step1.byHelperKind.unknown).toBe(1);
      expect(after.alerts.raised).toBe(before.alerts.raised + 1);
      expect(after.alerts.closed).toBe(before.alerts.closed + 1);
      expect(after.alerts.byDomain.vision).toBe(before.alerts.byDomain.vision + 1);
      expect(Object.values(after.alerts.byOutcome).reduce((a, b) => a + b, 0)).toBe(Object.values(before.alerts.byOutcome).reduce((a, b) => a + b, 0));
    } finally {
      await db.tx(async (tx) => {
        await tx.alert.deleteMany({ where: { screeningId: 'odd' } });
        await tx.screening.deleteMany({ where: { id: 'odd' } });
      });
    }
  });
});
