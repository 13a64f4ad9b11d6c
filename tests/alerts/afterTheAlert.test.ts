/**
 * After the alert, through the engine on SQLite with a controllable clock: minimal group posts and
 * private details, writing to the person through the bot, escalation, Step 2, transfer, overdue
 * re-screens, the GP sheet, honest promises, and what another territory's group cannot do.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { territoryRouter, type TerritoriesFile } from '../../src/alerts/territories.js';
import { Harness } from '../helpers/harness.js';
import { FR_NORMAL } from '../helpers/scripts.js';

const NORD = 'group-nord';
const SUD = 'group-sud';
const DAC = 'group-dac';
const NURSE = 'nurse-claire';

const FILE: TerritoriesFile = {
  defaultTerritory: 'nord',
  territories: [
    {
      id: 'nord',
      name: 'CPTS Nord',
      postcodes: ['31200', '311*'],
      takeWithin: 'PT48H',
      escalateAfter: 'PT72H',
      urgentEscalateAfter: 'PT2H',
      phone: '05 61 00 00 01',
      callbackWithin: 'P2D',
      busyAbove: 1,
      resources: { vision: [{ name: 'Centre basse vision de Toulouse', phone: '05 61 22 33 44', offer: 'bilan et aides visuelles' }] },
    },
    { id: 'sud', name: 'CPTS Sud', postcodes: ['31400'], takeWithinHours: 24 },
  ],
};
const router = territoryRouter(FILE);
// The recording channel stands in for the groups: each territory's group and the escalation group on it.
const withGroups = <T extends { id: string }>(t: T) => ({
  ...t,
  targets: [{ channel: 'test', address: t.id === 'nord' ? NORD : SUD }],
  escalationTargets: t.id === 'nord' ? [{ channel: 'test', address: DAC }] : [],
});
const routerOnTest = {
  route: (p: string | null | undefined) => withGroups(router.route(p)),
  all: () => router.all().map(withGroups),
  byId: (id: string) => (router.byId(id) ? withGroups(router.byId(id)!) : undefined),
};

let h: Harness;
afterEach(async () => h?.close());

async function create(env: Record<string, string> = {}, start?: Date): Promise<Harness> {
  h = await Harness.create({ router: routerOnTest, env: { CALLBACK_PHONE: 'ask', ALERT_DETAILS: 'private', DIGEST_HOUR: '23', ...env }, ...(start ? { start } : {}) });
  return h;
}

/** Jeanne, 79, flags her eyesight (V1 yes), gives her number and her GP. */
async function flagged(address = 'user-1', postcode = '31200', gp = 'Dr Martin, Muret') {
  const script = [...FR_NORMAL];
  script[5] = postcode;
  script[14] = 'oui'; // V1
  for (const line of script) await h.say(line, address);
  await h.say('06 12 34 56 78', address);
  await h.answerGp(gp, address);
}

const texts = (address: string) => h.channel.to(address).map((m) => m.message.text);

describe('minimal posts, details to whoever takes the alert', () => {
  it('the group sees no identity and no finding; the taker gets everything privately', async () => {
    await create();
    await flagged();
    const [post] = texts(NORD);
    expect(post).toContain('🔔 Alerte n°1 – CPTS Nord');
    expect(post).toContain('Personne de 75-79 ans');
    expect(post).toContain('1 domaine(s) à regarder');
    expect(post).toContain('/pris 1');
    for (const personal of ['Jeanne', '31200', '06 12', 'Vue', 'Martin', 'vue']) expect(post).not.toContain(personal);

    const reply = await h.group('/pris 1', NORD, NURSE, { senderName: 'Claire' });
    expect(reply).toEqual([expect.stringMatching(/^✅ Alerte n°1 prise en charge par Claire \(attendait depuis \d+ min\)\. Détails envoyés en privé\.$/)]);
    const [details] = texts(NURSE);
    expect(details).toContain("🔒 Détails de l'alerte n°1");
    expect(details).toContain('Personne : Jeanne, 79 ans');
    expect(details).toContain('Code postal : 31200');
    expect(details).toContain('Rappeler : 06 12 34 56 78');
    expect(details).toContain('Médecin traitant : Dr Martin, Muret');
    expect(details).toContain('Premier repérage');
    expect(details).toContain('Vue : difficultés de vue');
    expect(details).toContain('Centre basse vision de Toulouse – bilan et aides visuelles – 05 61 22 33 44');
    expect(details).toContain('Issues : etape2 (étape 2 organisée), etape2-faite (étape 2 faite)');
    // Asked again later, privately, by the taker only.
    expect(await h.group('/details 1', NORD, 'nurse-paul')).toEqual([expect.stringContaining('envoyés à la personne qui l\'a prise')]);
    expect(await h.say('/details 1', NURSE)).toEqual([expect.stringContaining('Personne : Jeanne'), "Détails de l'alerte n°1 ci-dessus."]);
  });

  it('a follow-up says so, with the earlier alert and how each domain changed; "no GP" is shown', async () => {
    await create();
    await flagged();
    await h.group('/clos 1 medecin', NORD, NURSE);
    await h.say('clair');
    // Six months later: eyesight fine now, but the appetite has gone.
    h.now = new Date('2027-05-25T08:00:00Z');
    const again = ['recommencer', '1', 'ok', '25/05/2027', 'mardi', 'non', '2', 'oui', 'non', '60', 'non', 'non', 'non', 'non', 'pomme clé ballon'];
    for (const line of again) await h.say(line);
    expect(h.last()).not.toContain('médecin traitant'); // the GP is known: not asked again
    await h.group('/pris 2', NORD, NURSE, { senderName: 'Claire' });
    const details = texts(NURSE).at(-1)!;
    expect(texts(NORD).find((t) => t.includes('Alerte n°2'))).toContain('Déjà repérée auparavant (suivi)');
    expect(details).toMatch(/Repérage de suivi \(le précédent date du 22\/11\/2026\)/);
    expect(details).toMatch(/Alertes précédentes : n°1 du 22\/11\/2026 \(close : orientée vers le médecin traitant\)/);
    expect(details).toContain('Évolution depuis le repérage précédent : Appétit et poids normal → alerte ; Vue alerte → normal');
  });

  it('ALERT_DETAILS=group keeps the details in the group post', async () => {
    await create({ ALERT_DETAILS: 'group' });
    await flagged('user-1', '31200', 'pas de médecin traitant');
    const [post] = texts(NORD);
    expect(post).toContain('Personne : Jeanne, 79 ans');
    expect(post).toContain('Médecin traitant : aucun');
  });

  it('a number that is no alert, or out of range, gets "no such alert", never an error', async () => {
    await create();
    for (const n of ['99999999999999999999', '0', '2147483648', '7']) {
      expect(await h.group(`/pris ${n}`, NORD)).toEqual([`Je ne trouve pas d'alerte n°${n} pour ce territoire.`]);
    }
    expect(await h.group('/ecrire', NORD)).toEqual([expect.stringContaining('/ecrire 12 Bonjour')]);
    expect(await h.group('/etape2 1 hier', NORD)).toEqual([expect.stringContaining('/etape2 12 28/11 14h30')]);
  });
});

describe('writing to the person through the bot', () => {
  it('the person gets the team\'s message; their reply reaches the taker, is not an answer, and "stop" ends it', async () => {
    await create();
    await flagged();
    await h.say('clair');
    await h.group('/pris 1', NORD, NURSE, { senderName: 'Claire' });
    expect(await h.group('/ecrire 1 Bonjour Jeanne, je suis Claire, infirmière. Puis-je vous appeler demain à 10 h ?', NORD, NURSE)).toEqual([
      expect.stringContaining('✉️ Message envoyé à la personne de l\'alerte n°1'),
    ]);
    const message = h.last();
    expect(message).toContain('✉️ Message de CPTS Nord');
    expect(message).toContain('Puis-je vous appeler demain à 10 h ?');
    expect(message).toContain('répondez « stop »');
    const answersBefore = await h.db.read((db) => db.answer.count());
    const ack = await h.say('oui demain 10h ça me va, merci');
    expect(ack).toEqual(["Merci, c'est transmis à l'équipe."]);
    expect(texts(NURSE).at(-1)).toBe('💬 Alerte n°1 – la personne répond : « oui demain 10h ça me va, merci »');
    expect(await h.db.read((db) => db.answer.count())).toBe(answersBefore);
    // Nothing went to the group: someone took it.
    expect(texts(NORD).some((t) => t.includes('la personne répond'))).toBe(false);
    // The taker writes from their own chat too.
    expect(await h.say('/ecrire 1 Très bien, à demain.', NURSE)).toEqual([expect.stringContaining('Message envoyé')]);
    expect(h.last()).toContain('Très bien, à demain.');
    const stop = await h.say('stop');
    expect(stop.join('\n')).toContain("l'équipe ne vous écrira plus par ici");
    expect(texts(NURSE).at(-1)).toContain('ne souhaite plus recevoir de messages');
    const contact = await h.db.read((db) => db.contact.findFirstOrThrow({ where: { address: 'user-1' } }));
    expect(contact.optedOutAt).toBeNull(); // the 6-month reminders go on
    const kept = await h.db.read((db) => db.alertMessage.findMany({ orderBy: { id: 'asc' } }));
    expect(kept.map((m) => [m.direction, m.by])).toEqual([
      ['toPerson', 'Claire'],
      ['fromPerson', null],
      ['toPerson', 'Claire'],
      ['fromPerson', null],
    ]);
  });

  it('nobody took it: the reply goes to the group; words of danger still get the support numbers and an urgent alert', async () => {
    await create();
    await flagged('user-1', '31200', 'passer');
    await h.say('clair');
    await h.group('/ecrire 1 Bonjour, ici l\'équipe de la CPTS Nord. Comment allez-vous ?', NORD, NURSE);
    await h.say('pas très bien, je veux mourir');
    expect(texts(NORD).some((t) => t.includes('la personne répond : « pas très bien, je veux mourir »'))).toBe(true);
    expect(h.channel.to('user-1').map((m) => m.message.text).join('\n')).toContain('3114');
    const urgent = await h.db.read((db) => db.alert.findFirst({ where: { priority: 'urgent' } }));
    expect(urgent).not.toBeNull();
  });

  it('a member of another territory\'s group can do none of it, nor a coordinator who did not take it', async () => {
    await create();
    await flagged();
    for (const command of ['/pris 1', '/details 1', '/ecrire 1 bonjour', '/etape2 1 28/11', '/transfert 1 sud', '/fiche 1', '/clos 1 injoignable']) {
      expect(await h.group(command, SUD, 'nurse-sud'), command).toEqual(["Je ne trouve pas d'alerte n°1 pour ce territoire."]);
    }
    await h.group('/pris 1', NORD, NURSE);
    await h.group('/ouvertes', NORD, 'nurse-paul'); // Paul is a known coordinator now, but did not take it
    expect(await h.say('/ecrire 1 bonjour', 'nurse-paul')).toEqual([expect.stringContaining("n'est pas une alerte que vous avez prise")]);
    expect(h.channel.to('user-1').some((m) => m.message.text.includes('Message de'))).toBe(false);
  });
});

describe('delays and escalation', () => {
  it('not taken: posted again after the delay to take, then to the escalation group, which can take it', async () => {
    await create();
    await flagged();
    expect(await h.advance(47 * 3_600_000)).toBe(0);
    expect(await h.advance(1 * 3_600_000)).toBe(1);
    expect(texts(NORD).at(-1)).toMatch(/^⏰ Relance : pas encore prise en charge, signalée il y a 2 j\n🔔 Alerte n°1/);
    expect(await h.advance(23 * 3_600_000)).toBe(0);
    expect(await h.advance(1 * 3_600_000)).toBe(1); // 72 h: escalation
    const [escalation] = texts(DAC);
    expect(escalation).toMatch(/^⬆️ Escalade : alerte non prise en charge depuis 3 j/);
    expect(escalation).not.toContain('Jeanne');
    expect(await h.advance(24 * 3_600_000)).toBe(1); // re-posted in the territory's group, not escalated twice
    expect(texts(DAC)).toHaveLength(1);
    expect(await h.group('/pris 1', DAC, 'dac-nurse', { senderName: 'Sophie (DAC)' })).toEqual([expect.stringContaining('prise en charge par Sophie (DAC)')]);
    expect(texts('dac-nurse')[0]).toContain('Personne : Jeanne');
    // The open list shows the time it took to take it.
    expect((await h.group('/ouvertes', NORD))[0]).toMatch(/n°1 · normale · ouverte il y a 4 j · prise par Sophie \(DAC\) en 4 j/);
  });

  it('an urgent alert escalates on its own, sooner', async () => {
    await create();
    for (const line of FR_NORMAL.slice(0, 6)) await h.say(line);
    await h.say('je veux mourir');
    expect(texts(NORD)[0]).toContain('🚨 URGENT – Alerte n°1 – CPTS Nord');
    expect(texts(NORD)[0]).toContain('Danger signalé');
    expect(texts(NORD)[0]).not.toContain('mourir');
    await h.advance(119 * 60_000);
    expect(texts(DAC)).toEqual([]);
    await h.advance(60_000);
    expect(texts(DAC)[0]).toContain('⬆️ Escalade');
  });

  it('the open list puts alerts past their delay first; the round-up comes only at its hour, with the delays', async () => {
    // 20:00 in Paris: an alert in the evening does not bring the round-up with it.
    await create({ DIGEST_HOUR: '9' }, new Date('2026-11-22T19:00:00Z'));
    await flagged('user-a');
    await h.group('/pris 1', NORD, NURSE, { senderName: 'Claire' });
    expect(await h.advance(60_000)).toBe(0);
    h.now = new Date('2026-11-24T19:00:00Z');
    await flagged('user-b');
    expect(await h.advance(60_000)).toBe(0);
    expect((await h.group('/ouvertes', NORD))[0]).toMatch(/\(2\) :\n• n°1 · normale · ouverte il y a 2 j · prise par Claire en \d+ min\n• n°2 · normale · ouverte il y a \d+ min · à prendre$/);
    h.now = new Date('2026-11-27T07:30:00Z'); // 08:30: not yet (n°2 is re-posted: past its 48 h)
    await h.advance(0);
    expect(texts(NORD).some((t) => t.startsWith('📋'))).toBe(false);
    expect(await h.advance(31 * 60_000)).toBe(1); // 09:01: the round-up
    const digest = texts(NORD).at(-1)!;
    expect(digest).toMatch(/^📋 Point du jour – CPTS Nord : 2 alerte\(s\) ouverte\(s\)\n• n°2 · normale · ouverte il y a 2 j · ⚠️ à prendre, délai dépassé\n• n°1/);
    expect(digest).toContain('Sur 30 jours (1 alertes) : prise en charge en');
    expect(await h.advance(30 * 60_000)).toBe(0); // once a day
  });
});

describe('Step 2, transfer, the GP sheet', () => {
  it('an appointment is recorded, told to the person, reminded the day before, and closed as done', async () => {
    await create();
    await flagged();
    await h.say('clair');
    await h.group('/pris 1', NORD, NURSE, { senderName: 'Claire' });
    const reply = await h.group('/etape2 1 28/11 14h30 Dr Martin, Muret', NORD, NURSE, { senderName: 'Claire' });
    expect(reply[0]).toContain('📅 Alerte n°1 : étape 2 notée le 28/11/2026 14:30 Dr Martin, Muret');
    expect(h.last()).toBe('📅 Votre rendez-vous pour un bilan plus complet (étape 2) est prévu le samedi 28 novembre 2026 à 14:30, Dr Martin, Muret. Je vous le rappellerai la veille.');
    expect(await h.remindAt(new Date('2026-11-27T08:00:00Z'))).toBe(0); // 09:00 the day before: not yet
    expect(await h.remindAt(new Date('2026-11-27T09:00:00Z'))).toBe(1);
    expect(h.last()).toBe('📅 Rappel : demain, samedi 28 novembre 2026 à 14:30, votre rendez-vous pour le bilan (étape 2), Dr Martin, Muret.');
    expect((await h.group('/ouvertes', NORD))[0]).toContain('étape 2 le 28/11/2026');
    expect(await h.group('/clos 1 etape2-faite', NORD, NURSE, { senderName: 'Claire' })).toEqual([expect.stringContaining('close par Claire : étape 2 faite')]);
    const alert = await h.db.read((db) => db.alert.findUniqueOrThrow({ where: { id: 1 } }));
    expect(alert).toMatchObject({ outcome: 'step2_done', step2Place: 'Dr Martin, Muret' });
    expect(alert.step2At!.toISOString()).toBe('2026-11-28T13:30:00.000Z');
  });

  it('a transfer moves the alert to the other territory, which is told; the first can no longer act on it', async () => {
    await create();
    await flagged();
    expect(await h.group('/transfert 1 inconnu', NORD)).toEqual([expect.stringContaining('Territoires : nord, sud')]);
    expect(await h.group('/transfert 1 CPTS Sud', NORD, NURSE, { senderName: 'Claire' })).toEqual(['➡️ Alerte n°1 transférée à CPTS Sud par Claire.']);
    const [post] = texts(SUD);
    expect(post).toMatch(/^➡️ Transférée depuis CPTS Nord\.\n🔔 Alerte n°1 – CPTS Sud/);
    expect(await h.group('/pris 1', NORD)).toEqual(["Je ne trouve pas d'alerte n°1 pour ce territoire."]);
    expect(await h.group('/pris 1', SUD, 'nurse-sud')).toEqual([expect.stringContaining('prise en charge')]);
  });

  it('the GP sheet goes to the taker as a PDF, and to the person "to show your doctor"', async () => {
    await create();
    await flagged();
    await h.say('clair');
    await h.group('/pris 1', NORD, NURSE);
    expect(await h.group('/fiche 1', NORD, NURSE)).toEqual(["📄 Fiche de l'alerte n°1 envoyée en privé."]);
    const sheet = h.channel.to(NURSE).at(-1)!.message;
    expect(sheet.text).toBe('📄 Fiche pour le médecin traitant – alerte n°1');
    expect(sheet.document?.mimeType).toBe('application/pdf');
    expect(Buffer.from(sheet.document!.dataBase64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    expect(sheet.document!.fileName).not.toContain('Jeanne');
    expect(await h.group('/fiche 1 personne', NORD, NURSE)).toEqual(["📄 Fiche de l'alerte n°1 envoyée à la personne."]);
    const mine = h.channel.to('user-1').at(-1)!.message;
    expect(mine.text).toContain('à montrer à votre médecin');
    expect(mine.document?.mimeType).toBe('application/pdf');
  });
});

describe('honest promises and local resources', () => {
  it('the summary gives the usual delay and the resources for the flagged domain; a busy team says so', async () => {
    await create();
    await flagged('user-a');
    const first = h.summary('user-a');
    expect(first).toContain('Quelqu\'un de CPTS Nord vous appellera, en général sous 2 jours, pour en parler.');
    expect(first).toContain('Près de chez vous :\n• Centre basse vision de Toulouse – bilan et aides visuelles – 05 61 22 33 44');
    expect(first).not.toContain('beaucoup de demandes');
    await flagged('user-b');
    await flagged('user-c');
    expect(h.summary('user-c')).toContain("L'équipe a beaucoup de demandes en ce moment : le rappel peut prendre plus de temps que d'habitude. Vous pouvez appeler le 05 61 00 00 01.");
  });
});

describe('overdue re-screens', () => {
  it('/arelancer lists, privately, the persons reminded who did not come back, with how to reach them', async () => {
    await create({ RESCREEN_INTERVAL: 'P6M' });
    for (const line of FR_NORMAL) await h.say(line);
    expect(await h.group('/arelancer', NORD, NURSE)).toEqual(['Aucune personne en retard de réévaluation. 👍']);
    // The reminder at six months, then its one retry a week later: no answer.
    expect(await h.remindAt(new Date('2027-05-24T09:00:00Z'))).toBe(1);
    expect(await h.remindAt(new Date('2027-06-01T09:00:00Z'))).toBe(1);
    h.now = new Date('2027-06-10T09:00:00Z');
    expect(await h.group('/arelancer', NORD, NURSE)).toEqual(['📞 1 personne(s) à relancer : liste envoyée en privé.']);
    const list = texts(NURSE).at(-1)!;
    expect(list).toContain('📞 À relancer par téléphone (1)');
    expect(list).toContain('• Jeanne, 80 ans – dernier repérage le 22/11/2026 – pas de numéro (joignable par le bot seulement)');
    expect(list).toContain('La relance téléphonique reste indispensable.');
  });
});

describe('coordinators in English', () => {
  it('take, write and Step 2 work with the English commands', async () => {
    await create({ COORDINATOR_LANGUAGE: 'en' });
    await flagged();
    expect(texts(NORD)[0]).toContain('Person aged 75-79 years');
    expect(await h.group('/take 1', NORD, NURSE, { senderName: 'Claire' })).toEqual([expect.stringContaining('Alert no. 1 taken by Claire')]);
    expect(texts(NURSE)[0]).toContain('GP: Dr Martin, Muret');
    expect(await h.group('/write 1 Bonjour Jeanne', NORD, NURSE)).toEqual([expect.stringContaining('Message sent')]);
    expect(await h.group('/step2 1 2026-12-02 9h', NORD, NURSE)).toEqual([expect.stringContaining('Step 2 booked on 02/12/2026')]);
    expect(h.last()).toContain('mercredi 2 décembre 2026 à 09:00'); // the person is told in her language
  });
});
