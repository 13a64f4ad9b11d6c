import { describe, expect, it } from 'vitest';
import { Harness, harnessPerTest } from '../helpers/harness.js';
import { EN_FLAGGED, FR_NORMAL } from '../helpers/scripts.js';

const harness = harnessPerTest();

async function play(h: Harness, script: string[], address = 'user-1'): Promise<string[]> {
  const out: string[] = [];
  for (const line of script) out.push(...(await h.say(line, address)));
  return out;
}

async function dbState(h: Harness) {
  return h.db.read(async (db) => ({
    screenings: await db.screening.findMany({ select: { status: true, kind: true, mode: true, questionnaireVersion: true } }),
    answers: await db.answer.findMany({ orderBy: { id: 'asc' }, select: { item: true, value: true } }),
    results: await db.domainResult.findMany({ orderBy: { domain: 'asc' }, select: { domain: true, status: true, reasons: true } }),
    alerts: await db.alert.findMany({ select: { priority: true, status: true, domains: true } }),
    persons: await db.person.findMany({ select: { firstName: true, birthYear: true, postcode: true, consentVersion: true } }),
  }));
}

describe('engine: a whole screening', () => {
  it('in French, all normal: summary, records, no alert', async () => {
    const h = await harness();
    const seen = await play(h, FR_NORMAL);
    expect(seen[0]).toContain('Je vous propose une dizaine de petites questions');
    expect(seen.join('\n')).toContain('Question 13 sur 13');
    const summary = h.summary();
    expect(summary).toContain('Merci, c\'est terminé');
    expect(summary).toContain('Mémoire : tout va bien');
    expect(summary).toContain('Tout va bien : continuez comme ça !');
    const s = await dbState(h);
    expect(s.screenings).toEqual([{ status: 'completed', kind: 'initial', mode: 'self', questionnaireVersion: 'who-icope-step1-chat-2' }]);
    expect(s.persons).toEqual([{ firstName: 'Jeanne', birthYear: 1947, postcode: '31000', consentVersion: 'consent-1' }]);
    expect(s.results.map((r) => r.status)).toEqual(Array(6).fill('normal'));
    expect(s.answers.map((a) => a.item)).toEqual(['C2', 'C3_date', 'C3_day', 'C1', 'M1', 'N1', 'N2', 'N3', 'V1', 'H1', 'P1', 'P2', 'C4']);
    expect(s.alerts).toEqual([]);
    expect(h.channel.to('coordinators-group')).toEqual([]);
  });

  it('in English, for a relative, with flags: one alert, one coordinator message', async () => {
    const h = await harness({ env: { DEFAULT_LANGUAGE: 'en', COORDINATOR_LANGUAGE: 'en', CALLBACK_PHONE: 'ask' } });
    const seen = await play(h, EN_FLAGGED);
    expect(seen.join('\n')).toContain('which number should they use?');
    expect(seen.join('\n')).toContain('Question 14 of 14');
    expect(seen.join('\n')).toContain('whisper three digits');
    const summary = h.summary();
    expect(summary).toContain('Here is the summary for Arthur');
    expect(summary).toContain('Getting about: worth a closer look');
    expect(summary).toContain('Eyesight: worth a closer look');
    expect(summary).toContain('Someone from the local health team will call Arthur');
    const s = await dbState(h);
    expect(s.results.filter((r) => r.status === 'alert').map((r) => r.domain)).toEqual(['mobility', 'vision']);
    expect(s.alerts).toEqual([{ priority: 'normal', status: 'new', domains: '["mobility","vision"]' }]);
    const coord = h.channel.to('coordinators-group');
    expect(coord).toHaveLength(1);
    expect(coord[0]!.message.text).toContain('Alert no. 1');
    expect(coord[0]!.message.text).toContain('Arthur, 85 years old');
    expect(coord[0]!.message.text).toContain('Answered by: a relative');
    expect(coord[0]!.message.text).toContain("Call back: 07700900123 (the person's number)");
    expect(coord[0]!.message.text).toContain('Eyesight: eyesight problems');
    expect(coord[0]!.message.text).toContain('/take 1');
    // Weight skipped: recorded as skipped, not as a value.
    expect(s.answers.find((a) => a.item === 'N3')?.value).toBe('{"status":"skipped"}');
  });

  it('hides the three words before the recall question', async () => {
    const h = await harness();
    await play(h, FR_NORMAL.slice(0, -1));
    const words = h.channel.to('user-1').find((m) => m.message.text.includes('fleur, porte, riz'))!;
    expect(h.channel.deleted).toEqual([words.externalId]);
  });

  it('a follow-up of a known person skips known details, rotates the words, compares the weight', async () => {
    const h = await harness();
    await play(h, FR_NORMAL);
    const again = await play(h, ['recommencer', '1']);
    // Self mode and Jeanne is known as "me": no "for whom?", straight to the questions.
    expect(again.join('\n')).toContain('Nous reprenons les mêmes petites questions');
    expect(again.join('\n')).not.toContain('Pour qui');
    expect(h.last()).toContain('Question 1 sur 13');
    expect(h.last()).toContain('pomme, clé, ballon');
    await play(h, ['ok', '22 novembre 2026', 'dimanche', 'non', '2', 'non', 'non', '61', 'non', 'non', 'non', 'non', 'pomme clé ballon']);
    await h.answerGp('Docteur Roux à Muret');
    const s = await dbState(h);
    expect(s.screenings.map((x) => x.kind)).toEqual(['initial', 'follow_up']);
    expect(s.persons).toHaveLength(1);
    const nutrition = s.results.filter((r) => r.domain === 'nutrition').map((r) => r.status);
    expect(nutrition).toEqual(['normal', 'alert']);
    expect(h.summary()).toContain('Appétit et poids : à regarder de plus près');
  });
});

/** The wording of the next `times` replies fails (a fault while the turn is written, after the answer was read). */
function failReplies(h: Awaited<ReturnType<typeof harness>>, times: number): void {
  const renderer = (h.app.engine as unknown as { d: { renderer: { reply: (...a: unknown[]) => unknown } } }).d.renderer;
  const reply = renderer.reply.bind(renderer);
  let failures = times;
  renderer.reply = (...a: unknown[]) => {
    if (failures-- > 0) throw new Error('a fault');
    return reply(...a);
  };
}

describe('engine: nothing lost, nothing twice', () => {
  it('a duplicate inbound id is processed once', async () => {
    const h = await harness();
    await h.say('bonjour', 'user-1', 'dup-1');
    const second = await h.say('oui', 'user-1', 'dup-2');
    const replay = await h.say('oui', 'user-1', 'dup-2');
    expect(second).toHaveLength(1);
    expect(replay).toEqual([]);
    expect(await h.db.read((db) => db.inboundMessage.count())).toBe(2);
  });

  it('a message whose handling fails is recorded, answered with an apology, and leaves nothing half-written', async () => {
    const h = await harness();
    await h.say('bonjour', 'user-1');
    await h.say('oui', 'user-1');
    // A fault while writing the turn (here: the wording of the reply), after the answer was read; it
    // happens again when the message, recorded, is handled a second time.
    failReplies(h, 2);
    const answered = await h.say('1', 'user-1', 'fails-once');
    expect(answered.join('\n')).toContain('petit problème');
    const row = await h.db.read((db) => db.inboundMessage.findFirst({ where: { externalId: 'fails-once' } }));
    expect(row).toMatchObject({ payload: null });
    expect(row?.processedAt).not.toBeNull();
    // Nothing of the failed turn was kept: the same answer given again is read as the first time.
    const again = await h.say('1', 'user-1');
    expect(again.join('\n')).not.toContain('petit problème');
    expect(again.join('\n')).toContain('Quel est votre prénom');
  });

  it('a fault that does not come back: the message, handled again once recorded, is answered normally', async () => {
    const h = await harness();
    await h.say('bonjour', 'user-1');
    await h.say('oui', 'user-1');
    failReplies(h, 1);
    const answered = await h.say('1', 'user-1');
    expect(answered.join('\n')).toContain('Quel est votre prénom');
    expect(answered.join('\n')).not.toContain('petit problème');
  });

  it('concurrent messages of one contact are handled one after the other', async () => {
    const h = await harness();
    await h.say('bonjour');
    h.now = new Date(h.now.getTime() + 1000);
    const msg = (id: string, text: string) => ({ channel: 'test', address: 'user-1', externalId: id, receivedAt: h.now, content: { kind: 'text' as const, text } });
    await Promise.all([h.app.engine.handle(msg('c1', 'oui')), h.app.engine.handle(msg('c2', '1'))]);
    await h.app.dispatcher.drain();
    expect(h.last()).toContain('Quel est votre prénom ?');
  });

  it('a restart between any two messages resumes at the same question with nothing lost', async () => {
    const reference = await harness();
    await play(reference, FR_NORMAL);
    const expectedTexts = reference.channel.to('user-1').map((m) => m.message.text);
    const expectedState = await dbState(reference);
    for (let cut = 1; cut < FR_NORMAL.length; cut++) {
      const first = await harness();
      await play(first, FR_NORMAL.slice(0, cut));
      await first.close();
      const second = await harness({ url: first.url, channel: first.channel, start: first.now });
      await play(second, FR_NORMAL.slice(cut));
      expect(first.channel.to('user-1').map((m) => m.message.text), `cut after message ${cut}`).toEqual(expectedTexts);
      expect(await dbState(second)).toEqual(expectedState);
    }
  });

  it('an unusable stored snapshot restarts politely and keeps saved answers', async () => {
    const h = await harness();
    await play(h, FR_NORMAL.slice(0, 9));
    await h.db.tx((tx) => tx.conversation.updateMany({ data: { machineVersion: 'step1-v0' } }));
    const seen = await h.say('non');
    expect(seen[0]).toContain('j\'ai été mis à jour');
    const s = await dbState(h);
    expect(s.screenings.map((x) => x.status)).toEqual(['abandoned']);
    expect(s.answers.length).toBe(3);
    await h.db.tx((tx) => tx.conversation.updateMany({ data: { snapshot: '{not json' } }));
    expect((await h.say('bonjour'))[0]).toContain('j\'ai été mis à jour');
  });
});

describe('engine: unexpected input', () => {
  it('a sticker, an empty and a huge message get a re-prompt with the question', async () => {
    const h = await harness();
    await play(h, ['bonjour', 'oui']);
    const sticker = await h.say({ kind: 'media', mediaType: 'sticker' });
    expect(sticker[0]).toContain('Je ne sais lire que les messages écrits');
    expect(sticker[0]).toContain('Qui répond aux questions ?');
    expect((await h.say('   '))[0]).toContain('Je n\'ai rien reçu');
    expect((await h.say('x'.repeat(5000)))[0]).toContain('un peu long');
    const odd = await h.say('banane');
    expect(odd[0]).toContain('Je n\'ai pas bien compris');
    expect(h.choices()).toEqual([
      'Moi-même, pour moi', 'Un proche (je réponds avec ou pour un membre de ma famille)', "J'aide quelqu'un (bénévole ou professionnel)",
    ]);
  });

  it('after three misses an item can be skipped and is recorded as not assessed', async () => {
    const h = await harness();
    await play(h, FR_NORMAL.slice(0, 7));
    await play(h, ['bof', 'hmm', 'euh']);
    expect(h.last()).toContain('vous pouvez la passer');
    await h.say('passer');
    const s = await dbState(h);
    expect(s.answers.at(-1)).toEqual({ item: 'C3_date', value: '{"status":"not_assessed"}' });
    expect(h.last()).toContain('quel jour de la semaine');
  });

  it('help, repeat, back, pause and language work mid-way', async () => {
    const h = await harness();
    await play(h, FR_NORMAL.slice(0, 10));
    expect((await h.say('aide'))[0]).toContain('Levez-vous 5 fois de suite');
    expect((await h.say('répéter'))[0]).toContain('Question 5 sur 13');
    expect((await h.say('retour'))[0]).toContain('Question 4 sur 13');
    expect((await h.say('pause'))[0]).toContain('nous faisons une pause');
    expect((await h.say('me revoilà'))[0]).toContain('Question 4 sur 13');
    await h.say('langue');
    const en = await h.say('English');
    expect(en[0]).toContain('we\'ll continue in English');
    expect(en[0]).toContain('Over the last 6 months');
  });

  it('distress words: support numbers at once, one urgent alert, then continue or stop', async () => {
    const h = await harness();
    await play(h, FR_NORMAL.slice(0, 16));
    const reply = await h.say('non, et parfois j\'ai envie de mourir');
    expect(reply[0]).toContain('3114');
    expect(reply[0]).toContain('Voulez-vous continuer');
    const coord = h.channel.to('coordinators-group');
    expect(coord).toHaveLength(1);
    expect(coord[0]!.message.text).toContain('URGENT');
    await h.say('je veux mourir'); // said again: no second coordinator message
    expect(h.channel.to('coordinators-group')).toHaveLength(1);
    expect((await h.say('1'))[0]).toContain('Ces 2 dernières semaines');
    await play(h, ['oui', 'non', 'fleur porte riz']);
    await h.answerGp('passer');
    const s = await dbState(h);
    expect(s.alerts).toEqual([{ priority: 'urgent', status: 'new', domains: '["mood"]' }]);
    expect(h.summary()).toContain('3114');
    expect(h.channel.to('coordinators-group')).toHaveLength(2);
  });

  it('"effacer" deletes everything kept for the contact, after confirmation; "no" keeps it', async () => {
    const h = await harness();
    await play(h, FR_NORMAL.slice(0, 12));
    expect((await h.say('effacer'))[0]).toContain('Voulez-vous vraiment effacer');
    const kept = await h.say('2');
    expect(kept[0]).toContain('rien n\'a été effacé');
    expect(kept[0]).toContain('Question 7 sur 13');
    await h.say('effacer');
    expect((await h.say('1'))[0]).toContain('toutes vos réponses et informations ont été effacées');
    const s = await dbState(h);
    expect([s.persons, s.screenings, s.answers, s.alerts]).toEqual([[], [], [], []]);
    expect((await h.say('bonjour'))[0]).toContain('Avant de commencer'); // consent is asked again
  });

  it('a refused consent keeps nothing', async () => {
    const h = await harness();
    await play(h, ['bonjour', 'non']);
    expect(h.last()).toContain('je ne garde rien');
    const s = await dbState(h);
    expect(s.persons).toEqual([]);
    expect(s.screenings).toEqual([]);
  });
});
