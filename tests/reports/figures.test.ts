/**
 * The network's figures on a population scripted through the real engine (WhatsApp-like chats, two
 * territories, coordinators taking and closing alerts on a controlled clock, a Step 2, an abandoned
 * screening with words of distress, reminders and a follow-up six months later), then the text and
 * HTML renderings of those figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRouter, Territory } from '../../src/alerts/alertRouter.js';
import { territoryRouter } from '../../src/alerts/territories.js';
import { computeFigures, pseudonym, type Figures } from '../../src/reports/figures.js';
import { renderFiguresHtml, renderFiguresText } from '../../src/reports/render.js';
import { figuresHtmlFor } from '../../src/reports/web.js';
import { Harness, locales } from '../helpers/harness.js';
import { RecordingChannel } from '../helpers/recordingChannel.js';

const NORD = 'nord@g.us';
const SUD = 'sud@g.us';
const base = territoryRouter({
  defaultTerritory: 'nord',
  territories: [
    { id: 'nord', name: 'CPTS Nord', postcodes: ['31200', '311*'], takeWithin: 'PT48H' },
    { id: 'sud', name: 'CPTS Sud', postcodes: ['31400', '310*'], takeWithin: 'PT2H' },
  ],
});
const onChannel = (t: Territory): Territory => ({ ...t, targets: [{ channel: 'whatsapp', address: t.id === 'nord' ? NORD : SUD }] });
const router: AlertRouter = {
  route: (p) => onChannel(base.route(p)),
  all: () => base.all().map(onChannel),
  byId: (id) => {
    const t = base.byId(id);
    return t && onChannel(t);
  },
};

// Chats (WhatsApp addresses).
const JEANNE = '33600000001@c.us'; // herself, Nord, no alert; comes back six months later
const SIMONE = '33600000002@c.us'; // herself, from a poster, Sud, eyesight
const CLAIRE_FILLE = '33600000003@c.us'; // a daughter for her father Robert, Sud, getting about and hearing
const LEA = '33699999999@c.us'; // a pharmacist (also a coordinator of Nord) for Marcel and Lucienne
const PAUL = '33600000005@c.us'; // starts, writes words of distress, never finishes (Sud)

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;

const SIMONE_SCRIPT = ['Bonjour ! #cpts-sud-affiche', 'oui', '1', 'Simone', '1947', '31400', 'ok', '22/11/2026', 'dimanche', 'non', '2', 'non', 'non', '65', 'oui', 'non', 'non', 'non', 'la fleur, la porte et le riz', 'passer', 'clair'];
const JEANNE_SCRIPT = ['bonjour', 'oui', '1', 'Jeanne', '1947', '31200', 'ok', '22/11/2026', 'dimanche', 'non', '2', 'non', 'non', '65', 'non', 'non', 'non', 'non', 'la fleur, la porte et le riz', 'clair'];
const ROBERT_SCRIPT = ['bonjour', 'oui', 'pour mon père', 'Robert', "oui il est d'accord", '1947', '31000', 'prêt', 'on est le 22 novembre 2026', 'dimanche', 'non', '3', 'non', 'non', 'passer', 'non', 'oui', 'tout répété', 'non', 'non', 'fleur porte riz', 'Dr Vidal à Cugnaux', "c'était clair"];
const PHARMACY_SCRIPT = [
  'bonjour', 'oui', 'je suis pharmacienne', '1', 'Pharmacie du Centre',
  'Marcel', 'oui', '1941', '31200', 'ok', '22 novembre 2026', 'dimanche', 'non', '4', 'non', 'non', '70', 'non', 'non', 'oui', 'non', 'non', 'fleur porte riz', "il n'a pas de médecin traitant", 'clair', '1',
  'Lucienne', 'oui', '1938', '31100', 'ok', '22/11/2026', 'dimanche', 'non', '2', 'non', 'non', 'passer', 'non', 'non', 'non', 'non', 'non', 'fleur riz', 'passer', 'un peu difficile', "non j'ai fini",
];
const PAUL_SCRIPT = ['bonjour', 'oui', '1', 'Paul', '1950', '31400', 'ok', "j'ai envie de mourir"];
const JEANNE_FOLLOW_UP = ['1', 'ok', '22/05/2027', 'samedi', 'non', '2', 'non', 'non', '64', 'non', 'non', 'non', 'non', 'pomme clé ballon', 'clair'];

// Periods, midnight in Paris.
const NOVEMBER = { from: new Date('2026-10-31T23:00:00Z'), to: new Date('2026-11-30T23:00:00Z') };
const MAY_2027 = { from: new Date('2027-04-30T22:00:00Z'), to: new Date('2027-05-31T22:00:00Z') };

let h: Harness;
let lea: string;

async function play(lines: string[], address: string): Promise<void> {
  for (const line of lines) await h.say(line, address);
}

/** The figures as the engine left them, now. */
const figures = (period: { from: Date; to: Date }, territoryIds?: string[]): Promise<Figures> =>
  h.db.read((tx) =>
    computeFigures(tx, { ...period, ...(territoryIds ? { territoryIds } : {}), router, now: h.now, rescreenInterval: 'P6M', timeZone: 'Europe/Paris' }),
  );

beforeAll(async () => {
  h = await Harness.create({ router, env: { CALLBACK_PHONE: 'never' }, channel: new RecordingChannel('whatsapp') });
  // Sunday 22 November 2026, from 11:00 in Paris.
  await play(JEANNE_SCRIPT, JEANNE);
  await play(SIMONE_SCRIPT, SIMONE);
  await play(ROBERT_SCRIPT, CLAIRE_FILLE);
  await play(PHARMACY_SCRIPT, LEA);
  await play(PAUL_SCRIPT, PAUL);

  const alertOf = (firstName: string) => h.db.read((tx) => tx.alert.findFirstOrThrow({ where: { person: { firstName } } }));
  const [simone, robert, marcel, paul] = [await alertOf('Simone'), await alertOf('Robert'), await alertOf('Marcel'), await alertOf('Paul')];
  lea = (await h.db.read((tx) => tx.contact.findUniqueOrThrow({ where: { channel_address: { channel: 'whatsapp', address: LEA } } }))).id;
  // Coordinators act at chosen delays after each alert (the harness adds 5 s to the clock per message).
  const actions: Array<{ at: number; text: string; group: string; sender: string; name: string }> = [
    { at: paul.createdAt.getTime() + 10 * MIN, text: `/pris ${paul.id}`, group: SUD, sender: '33611111111@c.us', name: 'Claire' },
    { at: simone.createdAt.getTime() + 30 * MIN, text: `/pris ${simone.id}`, group: SUD, sender: '33611111111@c.us', name: 'Claire' },
    { at: simone.createdAt.getTime() + 1 * HOUR, text: `/etape2 ${simone.id} 28/11 14h30 Dr Martin, Muret`, group: SUD, sender: '33611111111@c.us', name: 'Claire' },
    { at: marcel.createdAt.getTime() + 1 * HOUR, text: `/pris ${marcel.id}`, group: NORD, sender: LEA, name: 'Léa <pharmacie>' },
    { at: robert.createdAt.getTime() + 3 * HOUR, text: `/pris ${robert.id}`, group: SUD, sender: '33622222222@c.us', name: 'Sophie' },
    { at: marcel.createdAt.getTime() + 4 * HOUR, text: `/clos ${marcel.id} injoignable`, group: NORD, sender: LEA, name: 'Léa <pharmacie>' },
    { at: robert.createdAt.getTime() + 1 * DAY, text: `/clos ${robert.id} medecin`, group: SUD, sender: '33622222222@c.us', name: 'Sophie' },
    { at: simone.createdAt.getTime() + 2 * DAY, text: `/clos ${simone.id} etape2-faite`, group: SUD, sender: '33611111111@c.us', name: 'Claire' },
  ];
  for (const a of actions.sort((x, y) => x.at - y.at)) {
    h.now = new Date(a.at - 5000);
    await h.group(a.text, a.group, a.sender, { senderName: a.name });
  }
  // Robert's daughter stops the reminders; Paul's screening expires, unfinished.
  h.now = new Date('2026-11-25T10:00:00Z');
  await h.say('stop', CLAIRE_FILLE);
  await h.remindAt(new Date('2026-11-30T10:00:00Z'));
  // Six months later: the reminders go out; Jeanne does it again.
  await h.remindAt(new Date('2027-05-22T12:00:00Z'));
  await play(JEANNE_FOLLOW_UP, JEANNE);
}, 120_000);

afterAll(async () => h?.close());

describe('figures of a scripted month', () => {
  it('the engine left what the story says', async () => {
    const screenings = await h.db.read((tx) => tx.screening.findMany({ orderBy: { startedAt: 'asc' }, include: { person: true } }));
    expect(screenings.map((s) => [s.person?.firstName, s.status, s.kind, s.mode])).toEqual([
      ['Jeanne', 'completed', 'initial', 'self'],
      ['Simone', 'completed', 'initial', 'self'],
      ['Robert', 'completed', 'initial', 'relative'],
      ['Marcel', 'completed', 'initial', 'helper'],
      ['Lucienne', 'completed', 'initial', 'helper'],
      ['Paul', 'abandoned', 'initial', 'self'],
      ['Jeanne', 'completed', 'follow_up', 'self'],
    ]);
    // Stored at completion for the figures.
    expect(screenings.map((s) => s.territoryId)).toEqual(['nord', 'sud', 'sud', 'nord', 'nord', null, 'nord']);
    expect(screenings[0]!.rescreenedAt?.toISOString()).toBe(screenings[6]!.completedAt?.toISOString());
    expect(screenings.slice(1).every((s) => s.rescreenedAt === null)).toBe(true);
  });

  it('November, every territory: Step 1, alerts, delays, outcomes, sources, clarity', async () => {
    const f = await figures(NOVEMBER);
    expect(f.step1).toEqual({
      done: 5,
      persons: 5,
      initial: 5,
      followUp: 0,
      self: 2,
      relative: 1,
      helper: 2,
      byHelperKind: { pharmacist: 2, nurse: 0, doctor: 0, physio: 0, home_helper: 0, social_worker: 0, volunteer: 0, other: 0, unknown: 0 },
      abandoned: 1,
    });
    expect(f.alerts).toEqual({
      raised: 5,
      byPriority: { urgent: 1, normal: 4, low: 0 },
      // Simone: eyesight; Robert: getting about and hearing; Marcel: getting about; Lucienne: memory and hearing.
      byDomain: { cognition: 1, mobility: 2, nutrition: 0, vision: 1, hearing: 2, mood: 0 },
      toCompleteByDomain: { cognition: 0, mobility: 0, nutrition: 0, vision: 0, hearing: 0, mood: 0 },
      danger: { distress: 1, emergency: 0 },
      // Taken after 10 min (Paul, Sud: 2 h), 30 min (Simone, Sud), 1 h (Marcel, Nord: 48 h), 3 h (Robert, Sud: late).
      taken: 4,
      takenInTime: 3,
      closed: 3,
      byOutcome: { step2: 0, step2_done: 1, gp: 1, unreachable: 1, false_alarm: 0, declined: 0 },
      open: 2,
      medianToTakeMs: 45 * MIN,
      // Closed after 4 h (Marcel), 1 day (Robert), 2 days (Simone).
      medianToCloseMs: DAY,
      step2Arranged: 1,
      step2Done: 1,
    });
    expect(f.sources).toEqual([
      { code: null, count: 4 },
      { code: 'cpts-sud-affiche', count: 1 },
    ]);
    expect(f.clarity).toEqual({ clear: 4, a_bit_hard: 1, too_hard: 0, unanswered: 0 });
    expect(f.series.months).toEqual([{ month: '2026-11', start: NOVEMBER.from, screenings: 5, alerts: 5 }]);
    expect(f.series.alertsByDomain).toEqual([
      { domain: 'cognition', count: 1 },
      { domain: 'mobility', count: 2 },
      { domain: 'nutrition', count: 0 },
      { domain: 'vision', count: 1 },
      { domain: 'hearing', count: 2 },
      { domain: 'mood', count: 0 },
    ]);
  });

  it('acts for remuneration claims: Step 1 per helper (a pseudonym, never the address), alerts per coordinator', async () => {
    const f = await figures(NOVEMBER);
    expect(f.acts.helpers).toEqual([{ pseudonym: pseudonym(lea), helperKind: 'pharmacist', place: 'Pharmacie du Centre', done: 2 }]);
    expect(f.acts.helpers[0]!.pseudonym).toMatch(/^H-[0-9A-Z]{6}$/);
    expect(JSON.stringify(f.acts)).not.toContain('33699999999');
    // Léa took and closed Marcel's alert: a Step 1 she did herself, so not claimed again as an alert handled.
    expect(f.acts.coordinators).toEqual([
      { name: 'Claire', taken: 2, closed: 1, ownStep1: 0 },
      { name: 'Léa <pharmacie>', taken: 1, closed: 1, ownStep1: 1 },
      { name: 'Sophie', taken: 1, closed: 1, ownStep1: 0 },
    ]);
  });

  it('one territory: its screenings (the abandoned one by its postcode), its alerts, its coordinators', async () => {
    const sud = await figures(NOVEMBER, ['sud']);
    expect(sud.territories).toEqual([{ id: 'sud', name: 'CPTS Sud' }]);
    expect(sud.allTerritories).toBe(false);
    expect(sud.step1).toMatchObject({ done: 2, persons: 2, self: 1, relative: 1, helper: 0, abandoned: 1 });
    expect(sud.alerts).toMatchObject({ raised: 3, taken: 3, takenInTime: 2, closed: 2, open: 1, medianToTakeMs: 30 * MIN, medianToCloseMs: 1.5 * DAY });
    expect(sud.acts.helpers).toEqual([]);
    expect(sud.acts.coordinators.map((c) => c.name)).toEqual(['Claire', 'Sophie']);
    const nord = await figures(NOVEMBER, ['nord']);
    expect(nord.step1).toMatchObject({ done: 3, persons: 3, self: 1, helper: 2, abandoned: 0 });
    expect(nord.alerts).toMatchObject({ raised: 2, taken: 1, takenInTime: 1, closed: 1, open: 1 });
    expect(nord.sources).toEqual([{ code: null, count: 3 }]);
    const none = await figures(NOVEMBER, []);
    expect(none.step1.done).toBe(0);
    expect(none.alerts.raised).toBe(0);
  });

  it('May 2027: who was due, reminded (not Robert, who said stop, nor Marcel, whose chat then did Lucienne), re-screened (Jeanne)', async () => {
    const f = await figures(MAY_2027);
    expect(f.rescreening).toEqual({ due: 5, reminded: 3, rescreened: 1, rate: 0.2, reference: 0.704 });
    expect(f.series.funnel).toEqual([
      { step: 'due', count: 5 },
      { step: 'reminded', count: 3 },
      { step: 'rescreened', count: 1 },
    ]);
    expect(f.step1).toMatchObject({ done: 1, persons: 1, initial: 0, followUp: 1, self: 1 });
    expect((await figures(MAY_2027, ['nord'])).rescreening).toMatchObject({ due: 3, reminded: 2, rescreened: 1 });
    // Before Jeanne came back, nobody had.
    const before = await h.db.read((tx) => computeFigures(tx, { ...MAY_2027, router, now: new Date('2027-05-22T11:00:00Z'), rescreenInterval: 'P6M', timeZone: 'Europe/Paris' }));
    expect(before.rescreening).toMatchObject({ due: 5, reminded: 0, rescreened: 0, rate: 0 });
  });

  it('a period with nothing in it, and a period the wrong way round', async () => {
    const f = await figures({ from: new Date('2025-01-01T00:00:00Z'), to: new Date('2025-02-01T00:00:00Z') });
    expect(f.step1.done).toBe(0);
    expect(f.alerts).toMatchObject({ raised: 0, medianToTakeMs: null, medianToCloseMs: null });
    expect(f.rescreening.rate).toBeNull();
    expect(f.sources).toEqual([]);
    await expect(figures({ from: NOVEMBER.to, to: NOVEMBER.from })).rejects.toThrow(RangeError);
  });
});

describe('the figures written out', () => {
  it('as a plain-text table, in French and in English, with the numbers', async () => {
    const f = await figures(NOVEMBER);
    const fr = renderFiguresText(locales, 'fr', f);
    expect(fr).toContain('Chiffres du réseau');
    expect(fr).toContain('Du 01/11/2026 au 30/11/2026 inclus');
    expect(fr).toMatch(/Étapes 1 faites +5\n/);
    expect(fr).toMatch(/auto-tests \(la personne seule\) +2 \(40 %\)/);
    expect(fr).toMatch(/Commencées puis abandonnées +1\n/);
    expect(fr).toMatch(/Alertes levées +5\n/);
    expect(fr).toMatch(/dans le délai du territoire +3 \(60 %\)/);
    expect(fr).toMatch(/délai médian pour être prise +45 min/);
    expect(fr).toMatch(/délai médian pour être close +24 h 0 min/);
    expect(fr).toMatch(/issue : étape 2 faite +1/);
    expect(fr).toContain('cpts-sud-affiche');
    expect(fr).toMatch(new RegExp(`${pseudonym(lea)} +Pharmacie +Pharmacie du Centre +2`));
    expect(fr).toMatch(/Léa <pharmacie> +1 +1 +1 +0/);
    expect(fr).not.toMatch(/\{\{|report\./);
    const en = renderFiguresText(locales, 'en', f);
    expect(en).toContain("The network's figures");
    expect(en).toMatch(/Step 1 done +5\n/);
    expect(en).toMatch(/Alerts raised +5\n/);
    expect(en).toMatch(/median time to be taken +45 min/);
    expect(en).not.toMatch(/\{\{|report\./);
  });

  it('as an HTML fragment: tables, and charts drawn as accessible SVG with their numbers', async () => {
    const f = await figures(MAY_2027);
    const html = renderFiguresHtml(locales, 'fr', await figures(NOVEMBER));
    expect(html).not.toMatch(/<html|<body|<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const svgs = html.match(/<svg[^>]*>[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(3);
    for (const svg of svgs) {
      expect(svg).toMatch(/role="img"/);
      const [, title] = /<title id="([^"]+)">/.exec(svg) ?? [];
      const [, desc] = /<desc id="([^"]+)">/.exec(svg) ?? [];
      expect(svg).toContain(`aria-labelledby="${title} ${desc}"`);
    }
    const months = svgs.find((s) => s.includes('par mois'))!;
    expect(months).toContain('<desc id="figures-months-desc">nov. 2026 : 5 étapes 1, 5 alertes</desc>');
    expect(months).toMatch(/>5<\/text>/);
    const domains = svgs.find((s) => s.includes('Alertes par domaine'))!;
    expect(domains).toContain('Déplacements : 2');
    // Names are escaped, the text of the tables is there.
    expect(html).toContain('Léa &lt;pharmacie&gt;');
    expect(html).not.toContain('Léa <pharmacie>');
    expect(html).toMatch(/<th scope="row">Étapes 1 faites<\/th><td class="num">5<\/td>/);
    const funnel = renderFiguresHtml(locales, 'en', f);
    expect(funnel).toContain('<title id="figures-funnel-title">From due date to a new Step 1</title>');
    expect(funnel).toMatch(/Persons due to do Step 1 again: 5; reminded by the bot: 3 \(60%\); did it again: 1 \(20%\)/);
  });

  it("for the web workspace: the page of the session's territories", async () => {
    const page = figuresHtmlFor({ locales, router, rescreenInterval: 'P6M', timeZone: 'Europe/Paris' });
    const html = await h.db.read((tx) => page(tx, { ...NOVEMBER, territoryIds: ['sud'], lang: 'en', now: h.now }));
    expect(html).toContain('Territories: CPTS Sud');
    expect(html).toMatch(/<th scope="row">Step 1 done<\/th><td class="num">2<\/td>/);
    expect(html.match(/role="img"/g)).toHaveLength(3);
  });
});
