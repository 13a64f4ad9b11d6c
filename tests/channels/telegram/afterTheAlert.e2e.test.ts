/**
 * After the alert, end to end on the Telegram emulator: a minimal post in the coordinators' group,
 * the details sent privately to whoever takes it (once they opened a chat with the bot), a message
 * to the person and their answer back to the taker, the GP sheet, and a group of another territory
 * that can do nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarDate } from '../../../flows/step1/dates.js';
import { territoryRouter } from '../../../src/alerts/territories.js';
import { TelegramE2E } from '../../helpers/telegramE2E.js';

const NORD = '-1001';
const SUD = '-1002';
const CLAIRE = 7001;
const PAUL = 7002;
const PERSON = 8001;

let t: TelegramE2E;
beforeAll(async () => {
  const router = territoryRouter({
    defaultTerritory: 'nord',
    territories: [
      { id: 'nord', name: 'CPTS Nord', postcodes: ['31000'], telegramChatId: NORD },
      { id: 'sud', name: 'CPTS Sud', postcodes: ['31400'], telegramChatId: SUD },
    ],
  });
  t = await TelegramE2E.start('polling', { ALERT_DETAILS: 'private', TELEGRAM_BOT_USERNAME: 'IcopeNordBot' }, router);
});
afterAll(async () => t?.close());

function today() {
  const d = calendarDate(new Date(), 'Europe/Paris');
  return { date: `${d.day}/${d.month}/${d.year}`, weekday: ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'][d.weekday]! };
}

describe('after the alert, on Telegram', () => {
  it('minimal post, details to the taker in private, a message to the person and the reply back, the GP sheet', async () => {
    const { date, weekday } = today();
    const lines = ['bonjour', 'oui', '1', 'Jeanne', '1947', '31000', 'ok', date, weekday, 'non', '2', 'non', 'non', '65', 'oui', 'non', 'non', 'non', 'fleur porte riz', 'non merci', 'Dr Martin, Muret', 'clair'];
    for (const line of lines) await t.say(PERSON, line);
    const post = t.texts(NORD).at(-1)!;
    expect(post).toContain('🔔 Alerte n°1 – CPTS Nord');
    expect(post).toContain('Personne de 75-79 ans');
    expect(post).not.toContain('Jeanne');
    expect(post).not.toContain('Vue');

    // Another territory's group can do nothing with it.
    await t.sayInGroup(SUD, PAUL, 'Paul', '/pris 1');
    expect(t.texts(SUD).at(-1)).toBe("Je ne trouve pas d'alerte n°1 pour ce territoire.");

    // Claire never wrote to the bot: Telegram does not let it write to her first.
    await t.sayInGroup(NORD, CLAIRE, 'Claire', '/pris 1');
    const taken = t.texts(NORD).at(-1)!;
    expect(taken).toContain('✅ Alerte n°1 prise en charge par Claire');
    expect(taken).toContain('https://t.me/IcopeNordBot');
    expect(t.texts(CLAIRE)).toEqual([]);
    await t.say(CLAIRE, '/start');
    expect(t.texts(CLAIRE).at(-1)).toContain('je vous enverrai ici les détails des alertes que vous prenez');
    await t.say(CLAIRE, '/details 1');
    const details = t.texts(CLAIRE).find((x) => x.includes('Détails de l'))!;
    expect(details).toContain('Personne : Jeanne, 79 ans');
    expect(details).toContain('Médecin traitant : Dr Martin, Muret');
    expect(details).toContain('Pas de numéro donné : vous pouvez lui écrire par le bot avec /ecrire 1');

    // She writes to Jeanne from her own chat; Jeanne's answer comes back to her, not to the group.
    await t.say(CLAIRE, '/ecrire 1 Bonjour Jeanne, je suis Claire, infirmière. Quel est votre numéro pour que je vous appelle ?');
    expect(t.texts(PERSON).at(-1)).toContain('✉️ Message de CPTS Nord');
    await t.say(PERSON, "c'est le 06 12 34 56 78, plutôt le matin");
    expect(t.texts(PERSON).at(-1)).toBe("Merci, c'est transmis à l'équipe.");
    expect(t.texts(CLAIRE).at(-1)).toBe("💬 Alerte n°1 – la personne répond : « c'est le 06 12 34 56 78, plutôt le matin »");
    expect(t.texts(NORD).join('\n')).not.toContain('06 12 34 56 78');

    await t.say(CLAIRE, '/fiche 1');
    const sheet = t.documents.at(-1)!;
    expect(String(sheet.chatId)).toBe(String(CLAIRE));
    expect(sheet.fileName).toMatch(/^icope-step1-\d{4}-\d{2}-\d{2}\.pdf$/);

    await t.say(CLAIRE, '/clos 1 medecin');
    expect(t.texts(NORD).at(-1)).toMatch(/☑️ Alerte n°1 close par Claire : orientée vers le médecin traitant/);
    // Closed: her messages end, and what Jeanne writes is the bot's business again.
    await t.say(PERSON, 'merci beaucoup');
    expect(t.texts(CLAIRE).at(-1)).not.toContain('merci beaucoup');
  });
});
