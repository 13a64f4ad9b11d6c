/**
 * Four completed screenings made through the real engine on one SQLite file, for the export tests:
 * - Jeanne (self, 1947, 31400 → territory "sud"), all normal;
 * - Arthur (with a relative, 1941, SW1A 1AA → default "nord"), whisper test done, weight skipped,
 *   mobility and vision flagged, his number and GP given;
 * - Paul (self, 1958, 31200 → "nord"), the date not assessed (skipped after three misses), a typed
 *   chair-rise time of 16 s;
 * - Marcel (by a pharmacist, 1941, 31000 → "nord"), could not rise, his number given.
 */
import { territoryRouter } from '../../src/alerts/territories.js';
import type { AlertRouter } from '../../src/alerts/alertRouter.js';
import { Harness } from '../helpers/harness.js';
import { EN_FLAGGED, FR_NORMAL } from '../helpers/scripts.js';

const base = territoryRouter({
  defaultTerritory: 'nord',
  territories: [
    { id: 'nord', name: 'CPTS Nord', postcodes: ['31200', '311*'] },
    { id: 'sud', name: 'CPTS Sud', postcodes: ['31400'] },
  ],
});
const withGroup = <T extends { id: string }>(t: T) => ({ ...t, targets: [{ channel: 'test', address: `group-${t.id}` }] });
export const router: AlertRouter = {
  route: (p) => withGroup(base.route(p)),
  all: () => base.all().map(withGroup),
  byId: (id) => (base.byId(id) ? withGroup(base.byId(id)!) : undefined),
};

export const ADDRESSES = { jeanne: 'user-jeanne', arthur: 'user-arthur', paul: 'user-paul', pharmacist: '33699999999@c.us' };

/** Everything typed that must never reach an export: names, numbers, GP, place, chat addresses, answers' words. */
export const PRIVATE_STRINGS = [
  'Jeanne', 'Arthur', 'Paul', 'Marcel',
  '07700', '900123', '0611111111', '06 11 11',
  'Patel', 'Leeds', 'médecin', 'Pharmacie', 'Centre',
  ...Object.values(ADDRESSES),
  'la fleur', 'fleur porte', 'bof', 'euh',
];

const JEANNE = (() => {
  const s = [...FR_NORMAL];
  s[5] = '31400';
  return s;
})();
/** The date skipped after three misses (not assessed), 16 s typed for the chair rise. */
const PAUL = (() => {
  const s = [...FR_NORMAL.slice(0, 7), 'bof', 'hmm', 'euh', 'passer', ...FR_NORMAL.slice(8)];
  s[3] = 'Paul';
  s[4] = '1958';
  s[5] = '31200';
  s[s.indexOf('2')] = '16 secondes';
  return s;
})();
const MARCEL = ['Marcel', 'oui', '1941', '31000', 'ok', '22 novembre 2026', 'dimanche', 'non', '4', 'non', 'non', '70', 'non', 'non', 'oui', 'non', 'non', 'fleur porte riz', '1', '0611111111', "il n'a pas de médecin traitant"];

async function play(h: Harness, lines: string[], address: string): Promise<void> {
  for (const line of lines) await h.say(line, address);
}

/** Builds the four screenings; returns the SQLite URL and the end of the screening day. */
export async function buildScreenings(): Promise<{ url: string; now: Date }> {
  const en = await Harness.create({ router, env: { DEFAULT_LANGUAGE: 'en', COORDINATOR_LANGUAGE: 'en', CALLBACK_PHONE: 'ask' } });
  await play(en, EN_FLAGGED, ADDRESSES.arthur);
  const url = en.url;
  let now = en.now;
  await en.close();

  const fr = await Harness.create({ router, url, start: now });
  await play(fr, JEANNE, ADDRESSES.jeanne);
  await play(fr, PAUL, ADDRESSES.paul);
  await fr.answerGp('passer', ADDRESSES.paul);
  now = fr.now;
  await fr.close();

  const pharmacy = await Harness.create({ router, url, start: now, env: { CALLBACK_PHONE: 'ask' } });
  await play(pharmacy, ['bonjour', 'oui', 'je suis pharmacienne', '1', 'Pharmacie du Centre'], ADDRESSES.pharmacist);
  await play(pharmacy, MARCEL, ADDRESSES.pharmacist);
  now = pharmacy.now;
  await pharmacy.close();
  return { url, now };
}
