/**
 * The web workspace's routes through Hono's own request helper, on the real engine and SQLite: the
 * login link from /web, sessions, forms protected against cross-site requests, one territory only,
 * the access log, and actions that do what the group commands do.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { territoryRouter } from '../../src/alerts/territories.js';
import { SESSION_COOKIE } from '../../src/web/server.js';
import { Harness } from '../helpers/harness.js';
import { FR_NORMAL } from '../helpers/scripts.js';

const NORD = 'group-nord';
const SUD = 'group-sud';
const router = territoryRouter({
  defaultTerritory: 'nord',
  territories: [
    { id: 'nord', name: 'CPTS Nord', postcodes: ['31200', '311*'] },
    { id: 'sud', name: 'CPTS Sud', postcodes: ['31400'] },
  ],
});
const withGroup = <T extends { id: string }>(t: T) => ({ ...t, targets: [{ channel: 'test', address: t.id === 'nord' ? NORD : SUD }] });
const routerOnTest = { route: (p: string | null | undefined) => withGroup(router.route(p)), all: () => router.all().map(withGroup), byId: (id: string) => (router.byId(id) ? withGroup(router.byId(id)!) : undefined) };

let h: Harness;
afterEach(async () => h?.close());
const ORIGIN = 'http://localhost';

async function setup(): Promise<Harness> {
  h = await Harness.create({ router: routerOnTest, env: { CALLBACK_PHONE: 'ask', ALERT_DETAILS: 'private', WEB_PORT: '8099' } });
  const script = [...FR_NORMAL];
  script[5] = '31200';
  script[14] = 'oui';
  for (const line of script) await h.say(line);
  await h.say('06 12 34 56 78');
  await h.answerGp('Dr Martin, Muret');
  return h;
}

/** `/web` in a group, the link received privately, opened: the session cookie. */
async function login(group = NORD, nurse = 'nurse-claire', name = 'Claire'): Promise<string> {
  expect(await h.group('/web', group, nurse, { senderName: name })).toEqual(['🔗 Lien vers l\'espace web envoyé en privé (valable 15 minutes, une seule fois).']);
  const link = h.channel.to(nurse).at(-1)!.message.text;
  const url = /(http:\/\/127\.0\.0\.1:8099\/login\/[\w-]+)/.exec(link)![1]!;
  const res = await h.app.web.request(new URL(url).pathname);
  expect(res.status).toBe(303);
  const cookie = res.headers.get('set-cookie')!;
  expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[\\w-]+; Max-Age=\\d+; Path=/; HttpOnly; Secure; SameSite=Lax`));
  // One use only.
  expect((await h.app.web.request(new URL(url).pathname)).status).toBe(403);
  return cookie.split(';')[0]!;
}

const get = (path: string, cookie?: string) => h.app.web.request(path, { headers: cookie ? { cookie } : {} });
const post = (path: string, cookie: string, form: Record<string, string>, origin = ORIGIN) =>
  h.app.web.request(path, { method: 'POST', headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
const csrfOf = async (cookie: string) => /name="_csrf" value="([\w-]+)"/.exec(await (await get('/alerts', cookie)).text())![1]!;

describe('the web workspace', () => {
  it('nothing without a session but the login page; security headers everywhere', async () => {
    await setup();
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('écrivez /web dans le groupe des coordinateurs');
    for (const path of ['/alerts', '/alerts/1', '/figures', '/exports/csv', '/access', '/rescreen']) expect((await get(path)).status, path).toBe(403);
    expect(home.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(home.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(home.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await get('/login/not-a-token')).status).toBe(403);
  });

  it('a link from /web opens a session on the territory; the alert page shows everything and is logged', async () => {
    await setup();
    const cookie = await login();
    const list = await (await get('/alerts', cookie)).text();
    expect(list).toContain('href="/alerts/1"');
    expect(list).toContain('CPTS Nord');
    const page = await (await get('/alerts/1', cookie)).text();
    expect(page).toContain('Personne : Jeanne, 79 ans');
    expect(page).toContain('Rappeler : 06 12 34 56 78');
    expect(page).toContain('Vue : difficultés de vue');
    expect(page).toContain('href="/alerts/1/sheet.pdf"');
    const sheet = await get('/alerts/1/sheet.pdf', cookie);
    expect(sheet.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await sheet.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    const log = await h.db.read((db) => db.accessLog.findMany({ orderBy: { id: 'asc' } }));
    expect(log.map((l) => [l.who, l.action, l.territoryId, l.target])).toEqual([
      ['Claire', 'view_alert', 'nord', '1'],
      ['Claire', 'sheet', 'nord', '1'],
    ]);
    expect(await (await get('/access', cookie)).text()).toContain('view_alert');
    // The figures and a pseudonymised export, logged too.
    expect(await (await get('/figures?from=2026-11-01&to=2026-12-01', cookie)).text()).toMatch(/<svg[^>]*role="img"/);
    const fhir = await get('/exports/fhir', cookie);
    expect(fhir.status).toBe(200);
    const bundle = JSON.parse(await fhir.text()) as { resourceType: string };
    expect(bundle.resourceType).toBe('Bundle');
    expect(JSON.stringify(bundle)).not.toContain('Jeanne');
    expect((await h.db.read((db) => db.accessLog.findMany({ where: { action: 'export' } }))).map((l) => l.target)).toEqual(['fhir']);
  });

  it('take, write, Step 2 and close from the page do what the commands do; the group is told', async () => {
    await setup();
    await h.say('clair');
    const cookie = await login();
    const csrf = await csrfOf(cookie);
    const take = await post('/alerts/1/take', cookie, { _csrf: csrf });
    expect(take.status).toBe(303);
    expect(decodeURIComponent(take.headers.get('location')!)).toContain('Alerte n°1 prise en charge par Claire');
    await h.app.dispatcher.drain();
    expect(h.channel.to(NORD).at(-1)!.message.text).toContain('✅ Alerte n°1 prise en charge par Claire');
    await post('/alerts/1/write', cookie, { _csrf: csrf, text: 'Bonjour Jeanne, je vous appelle demain.' });
    await h.app.dispatcher.drain();
    expect(h.last()).toContain('Bonjour Jeanne, je vous appelle demain.');
    await post('/alerts/1/step2', cookie, { _csrf: csrf, date: '2026-11-30', time: '10:15', place: 'Dr Martin, Muret' });
    await h.app.dispatcher.drain();
    expect(h.last()).toContain('lundi 30 novembre 2026 à 10:15, Dr Martin, Muret');
    const close = await post('/alerts/1/close', cookie, { _csrf: csrf, outcome: 'step2', note: 'RDV pris' });
    expect(close.status).toBe(303);
    await h.app.dispatcher.drain();
    expect(h.channel.to(NORD).at(-1)!.message.text).toContain('☑️ Alerte n°1 close par Claire : étape 2 organisée');
    const alert = await h.db.read((db) => db.alert.findUniqueOrThrow({ where: { id: 1 } }));
    expect(alert).toMatchObject({ status: 'closed', outcome: 'step2', note: 'RDV pris', takenBy: 'Claire' });
    expect(await (await get('/alerts/1', cookie)).text()).toContain('Bonjour Jeanne, je vous appelle demain.');
  });

  it('refuses forms from another site or without the session\'s token', async () => {
    await setup();
    const cookie = await login();
    const csrf = await csrfOf(cookie);
    expect((await post('/alerts/1/take', cookie, { _csrf: csrf }, 'https://evil.example')).status).toBe(403);
    expect((await post('/alerts/1/take', cookie, { _csrf: 'wrong' })).status).toBe(403);
    expect((await h.db.read((db) => db.alert.findUniqueOrThrow({ where: { id: 1 } }))).status).toBe('new');
  });

  it('another territory\'s coordinator cannot see or act on the alert', async () => {
    await setup();
    const cookie = await login(SUD, 'nurse-sud', 'Paul');
    expect(await (await get('/alerts', cookie)).text()).not.toContain('href="/alerts/1"');
    expect((await get('/alerts/1', cookie)).status).toBe(404);
    expect((await get('/alerts/1/sheet.pdf', cookie)).status).toBe(404);
    const csrf = await csrfOf(cookie);
    expect((await post('/alerts/1/take', cookie, { _csrf: csrf })).status).toBe(404);
    expect((await h.db.read((db) => db.alert.findUniqueOrThrow({ where: { id: 1 } }))).status).toBe('new');
  });

  it('a link older than 15 minutes does not open; logout ends the session', async () => {
    await setup();
    await h.group('/web', NORD, 'nurse-claire');
    const url = /(\/login\/[\w-]+)/.exec(h.channel.to('nurse-claire').at(-1)!.message.text)![1]!;
    h.now = new Date(h.now.getTime() + 16 * 60_000);
    expect((await get(url)).status).toBe(403);
    const cookie = await login();
    const csrf = await csrfOf(cookie);
    expect((await post('/logout', cookie, { _csrf: csrf })).status).toBe(303);
    expect((await get('/alerts', cookie)).status).toBe(403);
  });

  it('the re-screening page lists the persons due soon in the territory only', async () => {
    await setup();
    h.now = new Date(h.now.getTime() + 170 * 86_400_000); // due about six months after the screening
    const nord = await login();
    const sud = await login(SUD, 'nurse-sud', 'Paul');
    const page = await (await get('/rescreen', nord)).text();
    expect(page).toContain('1 personne(s) à réévaluer dans les 30 prochains jours');
    expect(page).toMatch(/Jeanne, 80 ans – à refaire vers le \d{2}\/05\/2027/);
    expect(await (await get('/rescreen', sud)).text()).toContain('0 personne(s) à réévaluer');
  });

  it('/web from a private chat or with the workspace off says so', async () => {
    await setup();
    await h.group('/pris 1', NORD, 'nurse-claire');
    expect(await h.say('/web', 'nurse-claire')).toEqual(['Écrivez /web dans le groupe de votre territoire : le lien vous sera envoyé en privé.']);
  });
});
