/** End to end: the real bot against a Telegram Bot API emulator on 127.0.0.1, long polling (the default). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarDate } from '../../../flows/step1/dates.js';
import { COORDINATOR_CHAT, TelegramE2E } from '../../helpers/telegramE2E.js';

let t: TelegramE2E;
beforeAll(async () => {
  t = await TelegramE2E.start();
});
afterAll(async () => t?.close());

/** Today's date and weekday in Paris, as a person would type them. */
function today(lang: 'fr' | 'en') {
  const d = calendarDate(new Date(), 'Europe/Paris');
  const days = { fr: ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'], en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] };
  return { date: `${d.day}/${d.month}/${d.year}`, weekday: days[lang][d.weekday]! };
}

const db = () => t.db;

describe('Telegram end to end', () => {
  it('French, with buttons: a restart in the middle, a stale button, a sticker, a shared contact', async () => {
    const chat = 101;
    await t.say(chat, '/start');
    expect(t.last(chat).message.text).toContain('Je vous propose une dizaine de petites questions');
    const consent = t.last(chat);
    const consentAsSent = structuredClone(consent); // the emulator edits messages in place
    await t.press(chat, "Oui, c'est d'accord");
    // The answered question shows the answer and lost its buttons.
    expect(t.botMessages(chat).find((m) => m.messageId === consent.messageId)!.message.text).toMatch(/✅ Oui, c'est d'accord$/);
    expect(t.buttons(t.botMessages(chat).find((m) => m.messageId === consent.messageId)!)).toEqual([]);

    // An old button pressed again: a gentle note, not a second answer.
    await t.press(chat, "Oui, c'est d'accord", consentAsSent);
    expect(t.last(chat).message.text).toContain('question déjà passée');

    await t.press(chat, 'Moi-même, pour moi');
    await t.say(chat, 'Jeanne');

    // The bot restarts here: nothing is lost.
    await t.shutdown();
    await t.boot();

    await t.say(chat, '1947');
    expect(t.last(chat).message.text).toContain('code postal');
    await t.sendRaw(chat, { sticker: { file_id: 's1', file_unique_id: 'u1', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false } });
    expect(t.last(chat).message.text).toContain('Je ne sais lire que les messages écrits');
    expect(t.last(chat).message.text).toContain('code postal');
    await t.say(chat, '31000');
    const words = t.last(chat);
    expect(words.message.text).toContain('fleur, porte, riz');
    await t.press(chat, "C'est bon, je les ai retenus");
    const { date, weekday } = today('fr');
    await t.say(chat, date);
    await t.say(chat, weekday);
    await t.press(chat, 'Non');
    await t.press(chat, 'Démarrer le chronomètre');
    await t.press(chat, 'Terminé');
    // The measured time is shown, with a way to correct it (here implausibly fast: asked).
    expect(t.last(chat).message.text).toMatch(/J'ai mesuré (seulement )?[\d,]+ secondes/);
    await t.press(chat, 'Non, je corrige');
    await t.press(chat, 'Fait en moins de 14 secondes');
    await t.press(chat, 'Non');
    await t.press(chat, 'Non');
    await t.press(chat, 'Passer cette question');
    await t.press(chat, 'Oui'); // eyesight: flagged
    await t.press(chat, 'Non');
    await t.press(chat, 'Non');
    await t.press(chat, 'Non');
    // Before the recall, the three words were deleted from the chat.
    expect(t.botMessages(chat).some((m) => m.messageId === words.messageId)).toBe(false);
    await t.say(chat, 'riz, porte, fleur');
    expect(t.last(chat).message.text).toContain('partager votre numéro');
    expect(t.last(chat).message.reply_markup).toMatchObject({ keyboard: [[{ text: '📱 Partager mon numéro', request_contact: true }], [{ text: 'Non merci' }]] });
    await t.sendRaw(chat, { contact: { phone_number: '+33612345678', first_name: 'Jeanne', user_id: chat } });
    expect(t.last(chat).message.text).toContain('qui est votre médecin traitant');
    await t.say(chat, 'Docteur Roux, Muret');
    const summary = t.summary(chat).message;
    expect(summary.text).toContain('Vue : à regarder de plus près');
    expect(summary.text).toContain('Déplacements : tout va bien');
    expect(summary.reply_markup).toEqual({ remove_keyboard: true });

    const coordinators = t.texts(COORDINATOR_CHAT).filter((x) => x.includes('Jeanne'));
    expect(coordinators).toHaveLength(1);
    expect(coordinators[0]).toContain('Rappeler : 06 12 34 56 78');
    expect(coordinators[0]).toContain('Médecin traitant : Docteur Roux, Muret');
    expect(coordinators[0]).toContain('Vue : difficultés de vue');

    const screening = await db().read((d) => d.screening.findFirstOrThrow({ where: { contact: { address: String(chat) } }, include: { results: true, answers: true, person: true } }));
    expect(screening.status).toBe('completed');
    expect(screening.person?.phone).toBe('+33612345678');
    expect(screening.results.find((r) => r.domain === 'vision')?.status).toBe('alert');
    expect(screening.results.find((r) => r.domain === 'cognition')?.status).toBe('normal');
    expect(screening.answers.filter((a) => a.item === 'C1')).toHaveLength(1); // the stale press did not answer twice
    const alerts = await db().read((d) => d.alert.count({ where: { screeningId: screening.id } }));
    expect(alerts).toBe(1);
  });

  it('English, typed answers, language from Telegram, a duplicate update processed once', async () => {
    const chat = 202;
    await t.say(chat, 'hello', 'en');
    expect(t.last(chat).message.text).toContain("I'd like to ask you about ten short questions");
    const script = ['yes', 'a relative', 'Arthur', 'yes', '1941', 'SW1A 1AA', 'ok', today('en').date, today('en').weekday, 'no', 'done in under 14 seconds', 'no', 'no', '70', 'no', 'no', 'yes, all three', 'no', 'no', 'flower door rice'];
    for (const line of script) await t.say(chat, line, 'en');
    const summary = t.summary(chat).message.text;
    expect(summary).toContain('Here is the summary for Arthur');
    expect(summary).toContain('All good: keep it up!');
    const screening = await db().read((d) => d.screening.findFirstOrThrow({ where: { contact: { address: String(chat) } }, include: { results: true } }));
    expect(screening.results.every((r) => r.status === 'normal')).toBe(true);
    expect(screening.mode).toBe('relative');
    const contact = await db().read((d) => d.contact.findFirstOrThrow({ where: { address: String(chat) } }));
    expect(contact.language).toBe('en');

    // Polling after a crash delivers the same update again: it is processed once.
    const before = t.texts(chat).length;
    const { client, from } = t.client(chat, 'en');
    await t.post('sendMessage', { ...client.makeMessage('restart'), from });
    await t.settle();
    const update = t.server.storage.userMessages.at(-1)!;
    update.isRead = false; // the emulator hands it out once more, before the next message
    await t.post('sendMessage', { ...client.makeMessage('placeholder'), from: { ...from, id: 999999 }, chat: { id: 999999, type: 'private' } });
    await t.settle();
    expect(t.texts(chat).length).toBe(before + 1);
  });

  it('words of distress: support numbers, the share-number button at once, the number added to the urgent alert', async () => {
    const chat = 404;
    await t.say(chat, 'bonjour');
    await t.press(chat, "Oui, c'est d'accord");
    await t.say(chat, "j'en ai marre de vivre");
    const reply = t.last(chat).message;
    expect(reply.text).toContain('3114');
    expect(reply.reply_markup).toMatchObject({ keyboard: [[{ text: '📱 Partager mon numéro', request_contact: true }], [{ text: 'Non merci' }]] });
    await t.sendRaw(chat, { contact: { phone_number: '+33698765432', first_name: 'X', user_id: chat } });
    expect(t.last(chat).message.text).toContain('continuer les questions');
    const alert = await db().read((d) => d.alert.findFirstOrThrow({ where: { contact: { address: String(chat) } } }));
    expect(alert).toMatchObject({ priority: 'urgent', danger: 'distress', callbackPhone: '+33698765432' });
    expect(t.texts(COORDINATOR_CHAT).join('\n')).toContain('numéro de rappel reçu : 06 98 76 54 32');
    // "Continuer": back where the person was, the "who is answering" question.
    await t.press(chat, 'Continuer les questions');
    expect(t.last(chat).message.text).toContain('Qui répond aux questions ?');
  });

  it('a user who blocked the bot is marked blocked, and what was queued for them is dropped', async () => {
    const chat = 303;
    t.blocked.add(String(chat));
    await t.say(chat, 'bonjour');
    const contact = await db().read((d) => d.contact.findFirstOrThrow({ where: { address: String(chat) } }));
    expect(contact.blockReason).toBe('blocked');
    const rows = await db().read((d) => d.outboxMessage.findMany({ where: { contactId: contact.id } }));
    expect(rows.map((r) => r.status)).toEqual(['dropped']);
    expect(t.texts(chat)).toEqual([]);
  });

  it('a pharmacist from a leaflet link screens two people with the buttons, each named in what they read', async () => {
    const chat = 505;
    const { date, weekday } = today('fr');
    await t.say(chat, '/start cpts-nord-pharmacie-du-centre');
    await t.press(chat, "Oui, c'est d'accord");
    await t.press(chat, "J'aide quelqu'un (bénévole ou professionnel)");
    await t.press(chat, 'Pharmacie');
    await t.say(chat, 'Pharmacie du Centre');
    const screen = async (name: string, chair: string) => {
      await t.say(chat, name);
      expect(t.last(chat).message.text).toContain(`demandez à ${name} son accord`);
      await t.press(chat, `Oui, ${name} est d'accord`);
      await t.say(chat, '1944');
      await t.say(chat, '31000');
      expect(t.last(chat).message.text).toContain(`ces trois mots à ${name}`);
      await t.press(chat, `C'est bon, ${name} les a entendus`);
      expect(t.last(chat).message.text).toContain(`Demandez à ${name} la date`);
      await t.say(chat, date);
      await t.say(chat, weekday);
      await t.press(chat, 'Non');
      // Buttons here: "choisissez « Démarrer »" is right; the chair rise is watched, not done by the pharmacist.
      expect(t.last(chat).message.text).toContain(`${name} se lève d'une chaise`);
      await t.press(chat, chair);
      for (let i = 0; i < 2; i++) await t.press(chat, 'Non');
      await t.press(chat, 'Passer cette question');
      await t.press(chat, 'Non');
      await t.press(chat, 'Non');
      await t.press(chat, 'Oui, les trois chiffres étaient justes');
      await t.press(chat, 'Non');
      await t.press(chat, 'Non');
      await t.say(chat, 'fleur porte riz');
    };
    await screen('Marcel', "Je n'ai pas pu le faire");
    await t.press(chat, `Le numéro de Marcel`);
    await t.say(chat, '06 11 11 11 11');
    expect(t.last(chat).message.text).toContain('qui est le médecin traitant de Marcel');
    await t.press(chat, 'Pas de médecin traitant');
    expect(t.summary(chat).message.text).toContain('appellera Marcel');
    await t.press(chat, 'Claires');
    await t.press(chat, 'Oui, une autre personne');
    await screen('Lucienne', 'Fait en moins de 14 secondes');
    expect(t.summary(chat).message.text).toContain('Tout va bien');
    await t.press(chat, 'Un peu difficiles');
    await t.press(chat, "Non, j'ai fini");
    expect(t.texts(chat).join('\n')).toContain("Aujourd'hui : 2 personnes ont fait les questions, dont 1 avec un point à regarder de plus près.");

    const screenings = await db().read((d) =>
      d.screening.findMany({ where: { contact: { address: String(chat) } }, include: { person: true }, orderBy: { startedAt: 'asc' } }),
    );
    expect(screenings.map((s) => [s.person?.firstName, s.person?.consentBy, s.helperKind, s.place, s.clarity])).toEqual([
      ['Marcel', 'helper', 'pharmacist', 'Pharmacie du Centre', 'clear'],
      ['Lucienne', 'helper', 'pharmacist', 'Pharmacie du Centre', 'a_bit_hard'],
    ]);
    // The leaflet's code stays with the first screening: where the pharmacist came from.
    expect(screenings[0]!.source).toBe('cpts-nord-pharmacie-du-centre');
    const post = t.texts(COORDINATOR_CHAT).find((x) => x.includes('Marcel'))!;
    expect(post).toContain('Pharmacie – Pharmacie du Centre');
    expect(post).toContain('06 11 11 11 11 (le numéro de la personne)');
    expect(post).toContain('Médecin traitant : aucun');
  });
});

describe('Telegram webhook mode', () => {
  it('takes updates on its webhook, answers through the Bot API, and ignores a repeated update', async () => {
    const w = await TelegramE2E.start('webhook');
    try {
      const { client, from } = w.client(404);
      const update = { update_id: 77, message: { ...client.makeMessage('bonjour'), from, message_id: 5001 } };
      expect(await w.postToWebhook(update)).toBe(200);
      await w.settle();
      expect(w.texts(404)).toHaveLength(1);
      expect(w.texts(404)[0]).toContain('Je vous propose une dizaine de petites questions');
      w.expectDuplicate();
      expect(await w.postToWebhook(update)).toBe(200);
      await w.settle();
      expect(w.texts(404)).toHaveLength(1);
      // Forged updates (no secret, or a wrong one) are refused and change nothing.
      const forged = { update_id: 78, message: { ...client.makeMessage('effacer'), from, message_id: 5002 } };
      for (const secret of ['', 'guessed']) {
        w.expectDuplicate(); // not recorded: refused before the engine
        expect(await w.postToWebhook(forged, secret)).toBe(401);
      }
      await w.settle();
      expect(w.texts(404)).toHaveLength(1);
      // Wrong path: not ours.
      const res = await fetch(w.webhookUrl.replace('/telegram', '/other'), { method: 'POST', body: '{}' });
      expect(res.status).toBe(404);
    } finally {
      await w.close();
    }
  });
});

describe('Telegram reminders', () => {
  it('with RESCREEN_INTERVAL of a few seconds and quiet hours off, the reminder arrives and "Start now" begins the follow-up', async () => {
    const r = await TelegramE2E.start('polling', { RESCREEN_INTERVAL: 'PT3S', QUIET_HOURS: 'off', REMINDER_TICK_SECONDS: '0.5', CALLBACK_PHONE: 'never' });
    try {
      const chat = 505;
      const script = ['hello', 'yes', 'me', 'Ada', '1950', '75011', 'ok', today('en').date, today('en').weekday, 'no', '2', 'no', 'no', 'skip', 'no', 'no', 'no', 'no', 'flower door rice'];
      for (const line of script) await r.say(chat, line, 'en');
      expect(r.summary(chat).message.text).toContain("I'll suggest doing these questions again around");
      const deadline = Date.now() + 15_000;
      while (!r.texts(chat).some((x) => x.includes('A few months ago')) && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 100));
      const reminder = r.last(chat);
      expect(reminder.message.text).toContain('A few months ago you answered our short questions');
      expect(r.buttons(reminder).map((b) => b.text)).toEqual(['Start now', 'Remind me in a week', 'No more reminders']);
      await r.press(chat, 'Start now');
      expect(r.last(chat).message.text).toContain("We'll go through the same short questions as last time");
      expect(r.last(chat).message.text).toContain('Question 1 of 13');
    } finally {
      await r.close();
    }
  });
});
