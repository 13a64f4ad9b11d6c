/**
 * Figures benchmark: a database of N persons (default 1,000,000) with three years of screenings,
 * follow-ups, reminders and alerts written straight into SQLite, then the figures of one year timed,
 * beside raw floors (plain counts) measured in the same run.
 *
 *   npm run bench:report                          # 1,000,000 persons
 *   npm run bench:report -- --persons 100000      # fewer
 *   npm run bench:report -- --db /tmp/r.db --keep # keep (or reuse) the generated file
 *
 * Answers and domain results are not generated: the figures never read them.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { territoryRouter, type TerritoriesFile } from '../src/alerts/territories.js';
import { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { computeFigures } from '../src/reports/figures.js';

const { values: args } = parseArgs({
  options: {
    persons: { type: 'string', default: '1000000' },
    db: { type: 'string' },
    keep: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
  },
});
const PERSONS = Number(args.persons);
const RUNS = Number(args.runs);
if (!Number.isInteger(PERSONS) || PERSONS < 100 || !Number.isInteger(RUNS) || RUNS < 1) {
  process.stderr.write('Usage: npm run bench:report -- [--persons N (at least 100)] [--db file] [--keep] [--runs N]\n');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// The network: six territories, Toulouse's two CPTS inside the DAC of the département, others.
const TERRITORIES: TerritoriesFile = {
  defaultTerritory: 'dac-occitanie',
  territories: [
    { id: 'cpts-toulouse-nord', name: 'CPTS Toulouse Nord', postcodes: ['31200', '31140', '31150', '31240'], takeWithin: 'PT48H' },
    { id: 'cpts-toulouse-sud', name: 'CPTS Toulouse Sud', postcodes: ['31400', '31300', '31100'], takeWithin: 'PT24H' },
    { id: 'dac-31', name: 'DAC 31', postcodes: ['31*'], takeWithin: 'P3D' },
    { id: 'cpts-albi', name: 'CPTS Albi', postcodes: ['81*'], takeWithin: 'PT48H' },
    { id: 'cpts-montauban', name: 'CPTS Montauban', postcodes: ['82*'], takeWithin: 'PT72H' },
    { id: 'dac-occitanie', name: 'DAC Occitanie', postcodes: ['09*', '11*', '12*', '32*', '46*', '65*', '66*'], takeWithin: 'PT48H' },
  ],
};
const router = territoryRouter(TERRITORIES);
const NOW = new Date('2027-01-15T12:00:00Z');
const SPAN_START = Date.UTC(2024, 0, 1);
const SPAN_END = Date.UTC(2027, 0, 1);
const YEAR = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') };

// A seeded generator: the same N gives the same database.
let seed = 0x1c0fe;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
function weighted<T extends string>(w: Record<T, number>): T {
  let r = rand() * Object.values<number>(w).reduce((a, b) => a + b, 0);
  for (const [k, v] of Object.entries<number>(w)) if ((r -= v) < 0) return k as T;
  return Object.keys(w)[0] as T;
}
const hex = (n: number) => Math.floor(n).toString(16).padStart(8, '0');
const uuid = () => {
  const a = hex(rand() * 2 ** 32), b = hex(rand() * 2 ** 32), c = hex(rand() * 2 ** 32), d = hex(rand() * 2 ** 32);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5)}-a${c.slice(1, 4)}-${c.slice(4)}${d}`;
};
/** Log-normal delay in ms around a median. */
const lognormal = (medianMs: number, sigma: number) => {
  const u = 1 - rand(), v = rand();
  return medianMs * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
};
/** ISO text as Prisma stores DateTime on SQLite. */
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
/** + months on the UTC calendar, the day clamped to the month's end. */
function plusMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), last));
  return target.getTime();
}
const DAY = 86_400_000;
const HOUR = 3_600_000;

// Postcodes: every département of the network, and a few outside it (routed to the default).
const POSTCODES: string[] = [];
for (const dep of ['31', '31', '31', '81', '82', '09', '11', '12', '32', '46', '65', '66', '34', '30']) {
  for (let i = 0; i < 120; i++) POSTCODES.push(`${dep}${String(Math.floor(rand() * 990) + 1).padStart(3, '0')}`);
}
POSTCODES.push('31200', '31140', '31400', '31300', '31100', '31150');
const byTerritory = new Map<string, string[]>();
for (const pc of POSTCODES) {
  const id = router.route(pc).id;
  byTerritory.set(id, [...(byTerritory.get(id) ?? []), pc]);
}
const COORDINATORS = new Map(
  router.all().map((t, ti) => [t.id, ['Claire', 'Sophie', 'Karim', 'Nadia', 'Paul'].map((n, i) => ({ name: `${n} (${t.id})`, address: `3361${ti}${i}000000@c.us` }))]),
);
const HELPER_KINDS = { pharmacist: 35, nurse: 25, home_helper: 15, social_worker: 8, doctor: 5, physio: 4, volunteer: 6, other: 2 };
const SOURCES = ['cpts-nord-pharmacie', 'cpts-nord-affiche-mairie', 'cpts-sud-pharmacie', 'dac31-flyer', 'albi-cinema', 'montauban-marche', 'caisse-retraite', 'radio-locale'];
const OUTCOMES = { gp: 45, step2: 20, step2_done: 10, unreachable: 10, false_alarm: 10, declined: 5 };

// ---------------------------------------------------------------------------------------------
interface Stmt {
  run(...params: unknown[]): unknown;
}
interface RawDb {
  prepare(sql: string): Stmt & { all(...params: unknown[]): Array<Record<string, unknown>> };
  exec(sql: string): void;
  pragma(sql: string): unknown;
  transaction<A extends unknown[]>(fn: (...a: A) => void): (...a: A) => void;
  close(): void;
}
// better-sqlite3 (the driver under Prisma's adapter) straight, for bulk inserts with prepared statements.
const BetterSqlite = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => RawDb;

async function generate(file: string): Promise<void> {
  const url = `file:${file}`;
  await migrate(url);
  const raw = new BetterSqlite(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = OFF');
  raw.pragma('cache_size = -2000000');
  raw.pragma('temp_store = MEMORY');
  // Rows are written to a staging file first, then copied in time order (as the bot writes them:
  // ids and pages follow time), with the indexes built once at the end.
  const indexes = raw.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('Contact','Person','Screening','Alert','Reminder')`).all() as Array<{ name: string; sql: string }>;
  for (const i of indexes) raw.exec(`DROP INDEX "${i.name}"`);
  const stageFile = `${file}.stage`;
  rmSync(stageFile, { force: true });
  raw.exec(`ATTACH DATABASE '${stageFile.replace(/'/g, "''")}' AS stage`);
  raw.pragma('stage.journal_mode = OFF');
  raw.pragma('stage.synchronous = OFF');
  const COLUMNS = {
    Contact: ['id', 'channel', 'address', 'language', 'helperKind', 'lastPlace', 'source', 'createdAt', 'updatedAt'],
    Person: ['id', 'contactId', 'firstName', 'birthYear', 'postcode', 'timeZone', 'consentAt', 'consentVersion', 'consentBy', 'createdAt', 'updatedAt'],
    Screening: ['id', 'personId', 'contactId', 'channel', 'kind', 'mode', 'questionnaireVersion', 'wordSet', 'status', 'startedAt', 'completedAt', 'abandonedAt', 'nextDueAt', 'helperKind', 'place', 'sessionId', 'source', 'clarity', 'territoryId', 'rescreenedAt', 'remindedAt'],
    Alert: ['contactId', 'personId', 'screeningId', 'domains', 'toComplete', 'priority', 'danger', 'status', 'territoryId', 'unrouted', 'createdAt', 'lastPostedAt', 'postCount', 'takenAt', 'takenBy', 'closedAt', 'closedBy', 'outcome', 'takerChannel', 'takerAddress', 'step2At'],
    Reminder: ['contactId', 'personId', 'screeningId', 'kind', 'attempt', 'dueAt', 'status', 'doneAt', 'reason', 'createdAt'],
  } as const;
  const ORDER = { Contact: 'createdAt', Person: 'createdAt', Screening: 'startedAt', Alert: 'createdAt', Reminder: 'createdAt' } as const;
  const staged = (table: keyof typeof COLUMNS) => {
    raw.exec(`CREATE TABLE stage.${table} (${COLUMNS[table].join(', ')})`);
    return raw.prepare(`INSERT INTO stage.${table} VALUES (${COLUMNS[table].map(() => '?').join(',')})`);
  };
  const contact = staged('Contact');
  const person = staged('Person');
  const screening = staged('Screening');
  const alert = staged('Alert');
  const reminder = staged('Reminder');

  let addressSeq = 0;
  const newContact = (channel: string, created: number, helper?: { kind: string; place: string }, source?: string | null) => {
    const id = uuid();
    const address = channel === 'whatsapp' ? `33${String(600000000 + ++addressSeq)}@c.us` : String(5_000_000_000 + ++addressSeq);
    contact.run(id, channel, address, rand() < 0.95 ? 'fr' : 'en', helper?.kind ?? null, helper?.place ?? null, source ?? null, iso(created), iso(created));
    return { id, channel, address };
  };

  // Helpers: one chat account per ~250 persons screened with a helper, each at home in a territory.
  const helperCount = Math.max(5, Math.round((PERSONS * 0.38) / 250));
  const helpers: Array<{ id: string; channel: string; address: string; kind: string; places: string[]; territory: string; coordinator?: { name: string; address: string } }> = [];
  const territoryIds = router.all().map((t) => t.id);
  const helperWrite = raw.transaction(() => {
    for (let i = 0; i < helperCount; i++) {
      const kind = weighted(HELPER_KINDS);
      const territory = pick(territoryIds);
      const places = [`${kind === 'pharmacist' ? 'Pharmacie' : 'Cabinet'} ${i}`, ...(rand() < 0.2 ? [`Maison de santé ${i}`] : [])];
      const c = newContact('whatsapp', SPAN_START, { kind, place: places[0]! });
      helpers.push({ ...c, kind, places, territory });
    }
    // One helper is a coordinator of their territory too: alerts on their own Step 1 are not claimed twice.
    const h = helpers[0]!;
    const coordinator = COORDINATORS.get(h.territory)![0]!;
    raw.prepare('UPDATE stage.Contact SET address = ? WHERE id = ?').run(coordinator.address, h.id);
    Object.assign(h, { address: coordinator.address, coordinator });
    // The coordinators seen in their groups.
    const seen = raw.prepare('INSERT INTO Coordinator (channel, address, name, privateChat, lastSeenAt) VALUES (?, ?, ?, 0, ?)');
    for (const list of COORDINATORS.values()) for (const k of list) seen.run('whatsapp', k.address, k.name, iso(NOW.getTime()));
  });
  helperWrite();

  let relative: { c: { id: string; channel: string; address: string }; room: number } | undefined;
  const counts = { contacts: helperCount, persons: 0, screenings: 0, alerts: 0, reminders: 0 };

  const writePerson = (n: number) => {
    const mode = weighted({ self: 32, relative: 30, helper: 38 });
    const initial = SPAN_START + Math.floor(rand() * (SPAN_END - SPAN_START - DAY)) + 8 * HOUR + Math.floor(rand() * 11 * HOUR);
    let c: { id: string; channel: string; address: string };
    let helper: (typeof helpers)[number] | undefined;
    const source = rand() < 0.3 ? pick(SOURCES) : null;
    if (mode === 'helper') {
      helper = pick(helpers);
      c = helper;
    } else if (mode === 'relative' && relative && relative.room > 0) {
      c = relative.c;
      relative.room--;
    } else {
      c = newContact(rand() < 0.6 ? 'whatsapp' : 'telegram', initial - 600_000, undefined, source);
      counts.contacts++;
      if (mode === 'relative') relative = { c, room: rand() < 0.35 ? 1 : 0 };
    }
    const postcode = helper && rand() < 0.9 ? pick(byTerritory.get(helper.territory) ?? POSTCODES) : pick(POSTCODES);
    const territory = router.route(postcode);
    const personId = uuid();
    person.run(personId, c.id, rand() < 0.7 ? `P${n}` : null, 1930 + Math.floor(rand() * 35), postcode, 'Europe/Paris', iso(initial - 500_000), 'consent-1', mode === 'self' ? 'self' : mode, iso(initial - 600_000), iso(initial));
    counts.persons++;
    const base = (kind: string, status: string, started: number) => [
      uuid(), personId, c.id, c.channel, kind, mode, 'icope-step1-2026.1', Math.floor(rand() * 3), status, iso(started),
    ];
    const helperFields = () => (helper ? [helper.kind, pick(helper.places), `session-${helper.id.slice(0, 8)}-${Math.floor(rand() * 400)}`] : [null, null, null]);
    // Some never finish a first one.
    if (rand() < 0.04) {
      const s = base('initial', 'abandoned', initial);
      screening.run(...s, null, iso(initial + 7 * DAY), null, ...helperFields(), source, null, null, null, null);
      counts.screenings++;
      return;
    }
    // The chain of completed Step 1: each falls due 6 months later; 70.4 % come back, most within a week of the reminder.
    const chain: Array<{ at: number; dueAt: number; stopped: boolean }> = [];
    for (let at = initial; ; ) {
      const dueAt = plusMonths(at, 6);
      const stopped = dueAt < NOW.getTime() && rand() < 0.04;
      chain.push({ at, dueAt, stopped });
      const next = rand() < 0.704 ? dueAt + (rand() < 0.5 ? Math.floor(rand() * 7 * DAY) : Math.floor(rand() * 60 * DAY)) : Infinity;
      if (stopped || dueAt >= NOW.getTime() || next >= NOW.getTime()) break;
      at = next;
    }
    chain.forEach(({ at, dueAt, stopped }, k) => {
      const next = chain[k + 1]?.at;
      const s = base(k === 0 ? 'initial' : 'follow_up', 'completed', at - 12 * 60_000);
      const screeningId = s[0] as string;
      const clarity = rand() < 0.6 ? weighted({ clear: 70, a_bit_hard: 25, too_hard: 5 }) : null;
      // The reminder on the due date (none when they came back earlier), one more a week later without an answer.
      const reminded = dueAt < NOW.getTime() && !stopped && (next === undefined || next > dueAt) ? dueAt + HOUR : null;
      screening.run(...s, iso(at), null, iso(dueAt), ...helperFields(), k === 0 ? source : null, clarity, territory.id, next ? iso(next) : null, reminded ? iso(reminded) : null);
      counts.screenings++;
      raiseAlert(c, personId, screeningId, at, territory.id, territory.unrouted ?? false, mode, helper);
      if (dueAt >= NOW.getTime()) {
        reminder.run(c.id, personId, screeningId, 'rescreen', 1, iso(dueAt), 'scheduled', null, null, iso(at));
      } else {
        reminder.run(c.id, personId, screeningId, 'rescreen', 1, iso(dueAt), reminded ? 'done' : 'cancelled', iso(reminded ?? dueAt), reminded ? 'sent' : stopped ? 'opted_out' : 'replaced', iso(at));
        if (reminded && (next === undefined || next > dueAt + 7 * DAY) && dueAt + 7 * DAY < NOW.getTime()) {
          reminder.run(c.id, personId, screeningId, 'rescreen', 2, iso(dueAt + 7 * DAY), 'done', iso(dueAt + 7 * DAY + HOUR), 'sent', iso(reminded));
          counts.reminders++;
        }
      }
      counts.reminders++;
      // Some start the next one and leave it unfinished first.
      if (next && rand() < 0.1) {
        const started = next - 3 * DAY;
        screening.run(...base('follow_up', 'abandoned', started), null, iso(started + 7 * DAY), null, ...helperFields(), null, null, null, null, null);
        counts.screenings++;
      }
    });
    // Words of danger outside a screening.
    if (rand() < 0.003) {
      const when = initial + Math.floor(rand() * (NOW.getTime() - initial));
      raiseAlert(c, personId, null, when, territory.id, territory.unrouted ?? false, mode, helper, weighted({ distress: 60, emergency: 40 }));
    }
  };

  const DOMAIN_P = { cognition: 0.45, mobility: 0.22, nutrition: 0.1, vision: 0.3, hearing: 0.5, mood: 0.35 };
  function raiseAlert(
    c: { id: string; channel: string; address: string },
    personId: string,
    screeningId: string | null,
    at: number,
    territoryId: string,
    unrouted: boolean,
    mode: string,
    helper: (typeof helpers)[number] | undefined,
    danger: string | null = screeningId && rand() < 0.004 ? weighted({ distress: 60, emergency: 40 }) : null,
  ): void {
    if (screeningId && !danger && rand() > (mode === 'self' ? 0.84 : 0.91)) return;
    const domains = screeningId ? Object.entries(DOMAIN_P).filter(([, p]) => rand() < p).map(([d]) => d) : [];
    const toComplete = screeningId && rand() < 0.06 ? [pick(Object.keys(DOMAIN_P))].filter((d) => !domains.includes(d)) : [];
    if (screeningId && !danger && domains.length === 0 && toComplete.length === 0) domains.push('hearing');
    const priority = danger ? 'urgent' : domains.length ? 'normal' : 'low';
    const coordinators = COORDINATORS.get(territoryId)!;
    const taker = helper?.coordinator && helper.territory === territoryId && rand() < 0.6 ? helper.coordinator : pick(coordinators);
    const takenAt = at + lognormal(priority === 'urgent' ? 40 * 60_000 : 18 * HOUR, 1.0);
    const taken = takenAt < NOW.getTime() && rand() < 0.96;
    const closedAt = takenAt + lognormal(6 * DAY, 0.9);
    const closed = taken && closedAt < NOW.getTime() && rand() < 0.93;
    const outcome = closed ? weighted(OUTCOMES) : null;
    const step2 = taken && (outcome === 'step2' || outcome === 'step2_done' || (!closed && rand() < 0.15)) ? takenAt + (10 + Math.floor(rand() * 30)) * DAY : null;
    const closer = closed && rand() < 0.05 ? pick(coordinators) : taker;
    alert.run(
      c.id, personId, screeningId, JSON.stringify(domains), JSON.stringify(toComplete), priority, danger,
      closed ? 'closed' : taken ? 'taken' : 'new', territoryId, unrouted ? 1 : 0, iso(at), iso(at), 1,
      taken ? iso(takenAt) : null, taken ? taker.name : null, closed ? iso(closedAt) : null, closed ? closer.name : null, outcome,
      taken ? 'whatsapp' : null, taken ? taker.address : null, step2 ? iso(step2) : null,
    );
    counts.alerts++;
  }

  const BATCH = 20_000;
  const batch = raw.transaction((start: number, end: number) => {
    for (let n = start; n < end; n++) writePerson(n);
  });
  const t0 = performance.now();
  for (let start = 0; start < PERSONS; start += BATCH) {
    batch(start, Math.min(PERSONS, start + BATCH));
    if ((start / BATCH) % 10 === 9) process.stdout.write(`  ${Math.min(PERSONS, start + BATCH).toLocaleString('en')} persons…\n`);
  }
  for (const table of Object.keys(COLUMNS) as Array<keyof typeof COLUMNS>) {
    const cols = COLUMNS[table].join(', ');
    raw.exec(`INSERT INTO main.${table} (${cols}) SELECT ${cols} FROM stage.${table} ORDER BY ${ORDER[table]}`);
  }
  raw.exec('DETACH DATABASE stage');
  rmSync(stageFile, { force: true });
  const t1 = performance.now();
  for (const i of indexes) raw.exec(i.sql);
  const t2 = performance.now();
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
  process.stdout.write(
    `Generated ${Object.entries(counts).map(([k, v]) => `${v.toLocaleString('en')} ${k}`).join(', ')} in ${((t1 - t0) / 1000).toFixed(1)} s, indexes in ${((t2 - t1) / 1000).toFixed(1)} s.\n`,
  );
}

// ---------------------------------------------------------------------------------------------
const dir = args.db ? undefined : mkdtempSync(path.join(tmpdir(), 'icope-bench-report-'));
const file = path.resolve(args.db ?? path.join(dir!, 'report.db'));
if (existsSync(file) && args.db) process.stdout.write(`Reusing ${file} (delete it to generate again).\n`);
else await generate(file);
process.stdout.write(`Database ${file}: ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB\n`);

const db = await Database.open(`file:${file}`);
const time = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
  const t = performance.now();
  const out = await fn();
  process.stdout.write(`  ${label.padEnd(58)} ${(performance.now() - t).toFixed(0).padStart(6)} ms\n`);
  return out;
};
const count = (sql: string) => db.read(async (tx) => Number((await tx.$queryRawUnsafe<Array<{ n: bigint }>>(sql, YEAR.from, YEAR.to))[0]!.n));
const options = { ...YEAR, router, now: NOW, rescreenInterval: 'P6M', timeZone: 'Europe/Paris' };

process.stdout.write(`Figures for ${YEAR.from.toISOString().slice(0, 10)} – ${YEAR.to.toISOString().slice(0, 10)} (excluded), now ${NOW.toISOString()}:\n`);
await time('floor: SELECT COUNT(*) FROM Screening (whole table)', () => db.read((tx) => tx.$queryRawUnsafe('SELECT COUNT(*) AS n FROM Screening')));
const done = await time('floor: COUNT(*) of screenings completed in the year', () => count('SELECT COUNT(*) AS n FROM Screening WHERE completedAt >= ? AND completedAt < ?'));
await time('floor: COUNT(*) of alerts raised in the year', () => count('SELECT COUNT(*) AS n FROM Alert WHERE createdAt >= ? AND createdAt < ?'));
// The first run reads pages the operating system may not hold in memory yet; the next ones are warm.
let figures;
for (let run = 1; run <= RUNS; run++) figures = await time(`computeFigures, every territory (run ${run})`, () => db.read((tx) => computeFigures(tx, options)));
for (let run = 1; run <= RUNS; run++) {
  await time(`computeFigures, CPTS Toulouse Nord + DAC 31 (run ${run})`, () => db.read((tx) => computeFigures(tx, { ...options, territoryIds: ['cpts-toulouse-nord', 'dac-31'] })));
}
const f = figures!;
process.stdout.write(
  `In the year: ${f.step1.done.toLocaleString('en')} Step 1 done (floor count ${done.toLocaleString('en')}) for ${f.step1.persons.toLocaleString('en')} persons, ` +
    `${f.alerts.raised.toLocaleString('en')} alerts, ${f.rescreening.due.toLocaleString('en')} persons due for re-screening (${((f.rescreening.rate ?? 0) * 100).toFixed(1)} % re-screened), ` +
    `${f.acts.helpers.length} helper rows, ${f.acts.coordinators.length} coordinators.\n`,
);
await db.close();
if (dir && !args.keep) rmSync(dir, { recursive: true, force: true });
else {
  const territories = `${file}.territories.json`;
  writeFileSync(territories, JSON.stringify(TERRITORIES, null, 2));
  process.stdout.write(`Kept ${file}. The same figures as a table:\n  DATABASE_URL=file:${file} TERRITORIES_FILE=${territories} npm run report -- --from 2026-01-01 --to 2026-12-31\n`);
}
