/**
 * The workspace in a real browser (Debian's Chromium, headless, driven by puppeteer-core), with the
 * bot on the Telegram emulator: a coordinator gets a link with /web, logs in, takes and closes an
 * alert, reads the figures, downloads an export, and is refused another territory's alert. Every
 * page passes an automated accessibility check (axe-core).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarDate } from '../../flows/step1/dates.js';
import { territoryRouter } from '../../src/alerts/territories.js';
import { freePort } from '../helpers/freePort.js';
import { TelegramE2E } from '../helpers/telegramE2E.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const NORD = '-1001';
const SUD = '-1002';
const CLAIRE = 7101;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let t: TelegramE2E;
let browser: Browser;
let base: string;

// Without Chromium (apt-get install chromium) these tests cannot run: said plainly, not passed.
describe.skipIf(!existsSync(CHROMIUM))('the web workspace in Chromium', () => {
  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const router = territoryRouter({
      defaultTerritory: 'nord',
      territories: [
        { id: 'nord', name: 'CPTS Nord', postcodes: ['31000'], telegramChatId: NORD },
        { id: 'sud', name: 'CPTS Sud', postcodes: ['31400'], telegramChatId: SUD },
      ],
    });
    t = await TelegramE2E.start('polling', { ALERT_DETAILS: 'private', WEB_PORT: String(port), TELEGRAM_BOT_USERNAME: 'IcopeNordBot' }, router);
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function screen(chat: number, postcode: string) {
    const d = calendarDate(new Date(), 'Europe/Paris');
    const weekday = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'][d.weekday]!;
    for (const line of ['bonjour', 'oui', '1', 'Jeanne', '1947', postcode, 'ok', `${d.day}/${d.month}/${d.year}`, weekday, 'non', '2', 'non', 'non', '65', 'oui', 'non', 'non', 'non', 'fleur porte riz', 'non merci', 'passer']) {
      await t.say(chat, line);
    }
  }

  async function accessible(page: Page): Promise<void> {
    await page.evaluate(axeSource);
    const result = await page.evaluate(async () => {
      const r = await (window as unknown as { axe: { run: () => Promise<{ violations: Array<{ id: string; nodes: unknown[] }> }> } }).axe.run();
      return r.violations.map((v) => `${v.id} (${v.nodes.length})`);
    });
    expect(result, page.url()).toEqual([]);
  }

  it('logs in with a link from /web, takes and closes an alert, reads the figures, downloads an export, is refused another territory', async () => {
    await screen(8101, '31000'); // alert n°1, CPTS Nord
    await screen(8102, '31400'); // alert n°2, CPTS Sud
    await t.say(CLAIRE, '/start'); // Telegram: the bot may write to her once she wrote to it
    await t.sayInGroup(NORD, CLAIRE, 'Claire', '/web');
    const link = /(http:\/\/127\.0\.0\.1:\d+\/login\/[\w-]+)/.exec(t.texts(CLAIRE).at(-1)!)![1]!;

    const page = await browser.newPage();
    await page.setBypassCSP(true); // only to inject axe-core; the pages themselves run no script
    await page.goto(link);
    expect(page.url()).toBe(`${base}/alerts`);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('Alertes ouvertes');
    expect(await page.$$eval('a[href^="/alerts/"]', (as) => as.map((a) => a.getAttribute('href')))).toEqual(['/alerts/1']);
    await accessible(page);

    await page.click('a[href="/alerts/1"]');
    await page.waitForSelector('h1');
    expect(await page.content()).toContain('Personne : Jeanne, 79 ans');
    await accessible(page);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/alerts/1/take"] button')]);
    expect(await page.$eval('.flash', (p) => p.textContent)).toContain('Alerte n°1 prise en charge par Claire');
    await page.select('#outcome', 'gp');
    await page.type('#note', 'Vu avec le Dr Martin');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/alerts/1/close"] button')]);
    expect(await page.$eval('.flash', (p) => p.textContent)).toContain('close par Claire : orientée vers le médecin traitant');
    await t.settle();
    expect(t.texts(NORD).at(-1)).toContain('☑️ Alerte n°1 close par Claire');

    await page.goto(`${base}/figures`);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('Chiffres');
    expect(await page.$$eval('svg[role="img"]', (svgs) => svgs.length)).toBeGreaterThan(0);
    await accessible(page);

    await page.goto(`${base}/exports`);
    await accessible(page);
    const csv = await page.evaluate(async () => {
      const res = await fetch('/exports/csv');
      return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), body: await res.text() };
    });
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    expect(csv.disposition).toMatch(/^attachment; filename=".+\.csv"$/);
    expect(csv.body).not.toContain('Jeanne');
    expect(csv.body.trim().split('\n')).toHaveLength(2); // the header and the territory's one screening

    // Another territory's alert: not found, and nothing leaks.
    const other = await page.goto(`${base}/alerts/2`);
    expect(other!.status()).toBe(404);
    expect(await page.content()).not.toContain('Jeanne');
    await accessible(page);

    for (const path of ['/rescreen', '/access']) {
      await page.goto(`${base}${path}`);
      await accessible(page);
    }
    expect(await page.content()).toContain('view_alert');

    await Promise.all([page.waitForNavigation(), page.click('header form button')]);
    const after = await page.goto(`${base}/alerts`);
    expect(after!.status()).toBe(403);
    await accessible(page);
  }, 120_000);
});
