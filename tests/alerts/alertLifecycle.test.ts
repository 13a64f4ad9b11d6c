/** Alerts from raise to close: routing to the right group, commands, re-posts and digest, on a controllable clock. */
import { afterEach, describe, expect, it } from 'vitest';
import { territoryRouter } from '../../src/alerts/territories.js';
import { Harness } from '../helpers/harness.js';
import { FR_NORMAL } from '../helpers/scripts.js';

const NORD = 'group-nord';
const SUD = 'group-sud';
const router = territoryRouter({
  defaultTerritory: 'nord',
  territories: [
    { id: 'nord', name: 'CPTS Nord', postcodes: ['31200', '311*'], takeWithinHours: 48, phone: '05 61 00 00 01' },
    { id: 'sud', name: 'CPTS Sud', postcodes: ['31400'], takeWithinHours: 24 },
  ].map((t) => ({ ...t, telegramChatId: undefined })),
});
// The recording channel stands in for the groups: give each territory its group on it.
const routerOnTest = {
  route: (p: string | null | undefined) => withGroup(router.route(p)),
  all: () => router.all().map(withGroup),
  byId: (id: string) => (router.byId(id) ? withGroup(router.byId(id)!) : undefined),
};
function withGroup<T extends { id: string }>(t: T) {
  return { ...t, targets: [{ channel: 'test', address: t.id === 'nord' ? NORD : SUD }] };
}

let h: Harness;
afterEach(async () => h?.close());

/** A flagged screening (eyesight) for a person living at `postcode`. */
async function flagged(postcode: string, address = 'user-1') {
  const script = [...FR_NORMAL];
  script[5] = postcode;
  script[14] = 'oui'; // V1
  for (const line of script) await h.say(line, address);
  // The channel gives no number: the callback number is asked before the summary.
  if (h.last(address).includes('numéro de téléphone')) await h.say('06 12 34 56 78', address);
  await h.answerGp('Dr Martin, Muret', address);
}

describe('alert lifecycle', () => {
  it('goes to the group of the territory of the postcode, with what the coordinators need', async () => {
    h = await Harness.create({ router: routerOnTest, env: { CALLBACK_PHONE: 'ask' } });
    await flagged('31400');
    expect(h.channel.to(NORD)).toEqual([]);
    const [post] = h.channel.to(SUD).map((s) => s.message.text);
    expect(post).toContain('🔔 Alerte n°1 – CPTS Sud');
    expect(post).toContain('Personne : Jeanne, 79 ans');
    expect(post).toContain('Vue : difficultés de vue');
    expect(post).toContain('/pris 1');
    expect(post).toContain('Rappeler : 06 12 34 56 78');
    expect(post).toContain('Médecin traitant : Dr Martin, Muret');
    expect(post).toContain('Premier repérage');
    expect(h.summary()).toContain('Quelqu\'un de CPTS Sud vous appellera');
  });

  it('never promises a call when no number was given: the territory\'s phone instead', async () => {
    h = await Harness.create({ router: routerOnTest, env: { CALLBACK_PHONE: 'ask' } });
    const script = [...FR_NORMAL];
    script[5] = '31200';
    script[14] = 'oui';
    for (const line of script) await h.say(line);
    await h.say('non merci');
    await h.answerGp('pas de médecin traitant');
    expect(h.summary()).not.toContain('vous appellera');
    expect(h.summary()).toContain('Vous pouvez appeler CPTS Nord au 05 61 00 00 01');
    expect(h.channel.to(NORD)[0]!.message.text).toContain('Pas de numéro donné : vous pouvez lui écrire par le bot avec /ecrire 1');
    expect(h.channel.to(NORD)[0]!.message.text).toContain('Médecin traitant : aucun');
  });

  it('an unknown postcode goes to the default territory, marked as unrouted', async () => {
    h = await Harness.create({ router: routerOnTest, env: { CALLBACK_PHONE: 'ask' } });
    await flagged('75011');
    const [post] = h.channel.to(NORD).map((s) => s.message.text);
    expect(post).toContain('hors des territoires connus');
    expect(h.summary()).toContain('Vous pouvez aussi les appeler au 05 61 00 00 01');
  });

  it('take, already taken, close, open list — only from the territory\'s own group', async () => {
    h = await Harness.create({ router: routerOnTest, env: { CALLBACK_PHONE: 'ask' } });
    await flagged('31200');
    expect(await h.group('/pris 1', SUD, 'stranger')).toEqual(['Je ne trouve pas d\'alerte n°1 pour ce territoire.']);
    expect(await h.group('/pris 1', NORD, 'nurse-1', { senderName: 'Claire' })).toEqual([expect.stringMatching(/^✅ Alerte n°1 prise en charge par Claire \(attendait depuis \d+ min\)\.$/)]);
    expect((await h.group('/pris 1', NORD, 'nurse-2', { senderName: 'Paul' }))[0]).toMatch(/déjà prise en charge par Claire/);
    expect((await h.group('/ouvertes', NORD))[0]).toMatch(/Alertes ouvertes \(1\) :\n• n°1 · normale · ouverte il y a \d+ min · prise par Claire en \d+ min/);
    expect(await h.group('/clos 1 bof', NORD)).toEqual([expect.stringContaining('Pour clore une alerte : /clos 12 <issue>')]);
    expect(await h.group('/clos 1 etape2 RDV avec le Dr Martin', NORD, 'nurse-1', { senderName: 'Claire' })).toEqual([expect.stringMatching(/^☑️ Alerte n°1 close par Claire : étape 2 organisée \(ouverte il y a \d+ min\)\.$/)]);
    expect(await h.group('/ouvertes', NORD)).toEqual(['Aucune alerte ouverte. 👍']);
    expect(await h.group('bonne soirée à tous', NORD)).toEqual([]); // chat is not a command
    const alert = await h.db.read((d) => d.alert.findUniqueOrThrow({ where: { id: 1 } }));
    expect(alert).toMatchObject({ status: 'closed', takenBy: 'Claire', closedBy: 'Claire', outcome: 'step2', note: 'RDV avec le Dr Martin' });
    expect(alert.closedAt!.getTime()).toBeGreaterThan(alert.takenAt!.getTime());
  });

  it('replying "pris" to the alert message takes it', async () => {
    h = await Harness.create({ router: routerOnTest, env: { CALLBACK_PHONE: 'ask' } });
    await flagged('31200');
    const post = h.channel.to(NORD)[0]!;
    expect(await h.group('pris', NORD, 'nurse-3', { senderName: 'Inès', quotedId: post.externalId })).toEqual([expect.stringContaining('✅ Alerte n°1 prise en charge par Inès')]);
    expect(await h.group('pris', NORD, 'nurse-3', { quotedId: 'some-other-message' })).toEqual([expect.stringContaining('Répondez « pris » à un message d\'alerte')]);
  });

  it('not taken within the territory\'s delay: posted again, until someone takes it', async () => {
    h = await Harness.create({ router: routerOnTest, env: { DIGEST_HOUR: '23' } }); // no digest in the way
    await flagged('31400'); // CPTS Sud: 24 h
    expect(await h.advance(23 * 3_600_000)).toBe(0);
    expect(await h.advance(1 * 3_600_000)).toBe(1);
    const repost = h.channel.to(SUD).at(-1)!.message.text;
    expect(repost).toMatch(/^⏰ Relance : pas encore prise en charge, signalée il y a 24 h\n🔔 Alerte n°1/);
    expect(await h.advance(1 * 3_600_000)).toBe(0);
    await h.group('/pris 1', SUD);
    expect(await h.advance(48 * 3_600_000)).toBe(0);
    expect(h.channel.to(SUD).filter((s) => s.message.text.includes('Relance'))).toHaveLength(1);
  });

  it('urgent alerts (distress words) are posted again every hour until taken', async () => {
    h = await Harness.create({ router: routerOnTest, env: { DIGEST_HOUR: '23' } });
    for (const line of FR_NORMAL.slice(0, 6)) await h.say(line);
    await h.say('je veux mourir');
    expect(h.channel.to(NORD)[0]!.message.text).toContain('🚨 URGENT – Alerte n°1 – CPTS Nord');
    expect(await h.advance(59 * 60_000)).toBe(0);
    expect(await h.advance(60_000)).toBe(1);
    expect(await h.advance(60 * 60_000)).toBe(1);
    expect(h.channel.to(NORD)).toHaveLength(3);
    await h.group('/pris 1', NORD);
    expect(await h.advance(3 * 60 * 60_000)).toBe(0);
  });

  it('a daily digest after DIGEST_HOUR lists open alerts by age, once a day, and nothing when none is open', async () => {
    h = await Harness.create({ router: routerOnTest, start: new Date('2026-11-22T05:00:00Z') }); // 06:00 in Paris
    await flagged('31200', 'user-a');
    await flagged('31200', 'user-b');
    await h.group('/pris 2', NORD, 'nurse-1', { senderName: 'Claire' });
    expect(await h.advance(60 * 60_000)).toBe(0); // 07:00
    expect(await h.advance(2 * 60 * 60_000)).toBe(1); // 09:0x: digest, during its hour only
    const digest = h.channel.to(NORD).at(-1)!.message.text;
    expect(digest).toMatch(/^📋 Point du jour – CPTS Nord : 2 alerte\(s\) ouverte\(s\)\n• n°1 · normale · ouverte il y a 3 h · à prendre\n• n°2 · normale · ouverte il y a 3 h · prise par Claire en \d+ min\nSur 30 jours \(1 alertes\) : prise en charge en \d+ min en moyenne\.$/);
    expect(await h.advance(5 * 60 * 60_000)).toBe(0); // same day: not again
    expect(h.channel.to(SUD)).toEqual([]); // nothing open there: no digest
    await h.group('/clos 1 injoignable', NORD);
    await h.group('/clos 2 medecin', NORD);
    expect(await h.advance(24 * 60 * 60_000)).toBe(0); // next day, nothing open: silent
  });
});
