/** The WhatsApp adapter with the real engine and database, against a fake whatsapp-web.js client. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import whatsapp from 'whatsapp-web.js';
import { createApp, type App } from '../../../src/app.js';
import { singleTerritoryRouter } from '../../../src/alerts/alertRouter.js';
import { ChannelUnavailableError } from '../../../src/channels/types.js';
import { WhatsAppChannel } from '../../../src/channels/whatsapp/whatsappChannel.js';
import { loadConfig } from '../../../src/config.js';
import { Database } from '../../../src/db/database.js';
import { freshDbUrl } from '../../helpers/db.js';
import { FakeWaClient, unreadChat } from '../../helpers/fakeWhatsApp.js';
import { locales } from '../../helpers/harness.js';

const PERSON = '33612345678@c.us';
const COORD = '120363000000000001@g.us';
const OTHER_GROUP = '120363999999999999@g.us';

class Setup {
  clients: FakeWaClient[] = [];
  operator: string[] = [];
  now = new Date('2026-11-22T10:00:00Z');
  nextClient: () => FakeWaClient = () => new FakeWaClient({ ready: true });
  versions: string[] = [];
  isQuiet: (at: Date) => boolean = () => false;
  channel!: WhatsAppChannel;
  app!: App;
  db!: Database;
  private expected = 0;

  async start() {
    const config = loadConfig({ DATABASE_URL: freshDbUrl(), WHATSAPP_ENABLED: 'true', CALLBACK_PHONE: 'ask' });
    this.db = await Database.open(config.DATABASE_URL);
    this.channel = new WhatsAppChannel({
      createClient: () => {
        const c = this.nextClient();
        this.clients.push(c);
        return c;
      },
      coordinatorGroups: new Set([COORD]),
      logger: pino({ level: 'silent' }),
      operator: (line) => this.operator.push(line),
      backoff: { initialMs: 5, maxMs: 20 },
      minGapMs: 0,
      // Checks are run by the tests themselves (checkAlive, recycleIfDue), not by timers.
      watchdog: { everyMs: 3_600_000, timeoutMs: 50 },
      recycle: { afterMs: 24 * 3_600_000, checkEveryMs: 3_600_000, isQuiet: (at) => this.isQuiet(at) },
      clock: () => this.now,
      onVersion: (v) => this.versions.push(v),
    });
    this.app = createApp({
      config,
      db: this.db,
      locales,
      logger: pino({ level: 'silent' }),
      channels: [this.channel],
      router: singleTerritoryRouter({ targets: [{ channel: 'whatsapp', address: COORD }], name: 'MSP du Lac' }),
      clock: () => this.now,
    });
    await this.app.start();
    await this.until(() => this.channel.isReady);
  }

  get client() {
    return this.clients.at(-1)!;
  }

  async until(ok: () => boolean | Promise<boolean>, what = 'condition') {
    for (let i = 0; i < 300; i++) {
      if (await ok()) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** Waits until `expected` inbound messages were recorded and the outbox is empty. */
  async settle(newInbound = 0) {
    this.expected += newInbound;
    await this.until(async () => (await this.db.read((d) => d.inboundMessage.count())) >= this.expected, 'inbound');
    await this.app.engine.idle();
    await this.app.dispatcher.drain();
  }

  async say(body: string, from = PERSON) {
    this.now = new Date(this.now.getTime() + 5000);
    this.client.incoming({ from, body, timestamp: Math.floor(this.now.getTime() / 1000) });
    await this.settle(1);
  }

  sentTo(chatId: string): string[] {
    return this.clients.flatMap((c) => c.sent.filter((s) => s.chatId === chatId).map((s) => s.content));
  }

  async stop() {
    await this.app.stop();
    await this.db.close();
  }
}

let s: Setup;
afterEach(async () => s?.stop().catch(() => undefined));

const today = '22/11/2026';
const script = ['bonjour', '1', '1', 'Jeanne', '1947', '31000', 'ok', today, 'dimanche', '2', '2', '2', '2', 'passer', '1', '2', '2', '2', 'fleur porte riz', 'Dr Martin, Muret'];

describe('WhatsApp channel', () => {
  it('a whole screening one to one: numbered choices, the words deleted for everyone, the alert in the group', async () => {
    s = new Setup();
    await s.start();
    for (const line of script) await s.say(line);
    const seen = s.sentTo(PERSON);
    expect(seen[0]).toContain('1. Oui, c\'est d\'accord\n2. Non merci\n\nRépondez 1 ou 2, ou écrivez votre réponse.');
    expect(seen.find((x) => x.startsWith('Qui répond'))).toContain('Répondez 1, 2 ou 3');
    const words = s.client.sent.find((x) => x.content.includes('fleur, porte, riz'))!;
    expect(s.client.deleted).toEqual([words.id]);
    // WhatsApp gives the number: no phone question; the GP question, then the summary.
    expect(seen.at(-3)).toContain('qui est votre médecin traitant');
    expect(seen.find((t) => t.startsWith("Merci, c'est terminé"))).toContain('Vue : à regarder de plus près');
    const group = s.sentTo(COORD);
    expect(group).toHaveLength(1);
    expect(group[0]).toContain('🔔 Alerte n°1 – MSP du Lac');
    expect(group[0]).toContain('Personne de 75-79 ans');
    expect(group[0]).not.toContain('33612345678');
    expect(group[0]).not.toContain('Jeanne');
  });

  it('words of danger: the number WhatsApp shows is the callback; a …@lid sender is asked for one', async () => {
    s = new Setup();
    await s.start();
    await s.say('bonjour');
    await s.say('au secours je suis tombée et je ne peux pas me relever');
    const reply = s.sentTo(PERSON).at(-1)!;
    expect(reply).toContain('appelez tout de suite le 15 ou le 112');
    expect(reply).not.toContain('numéro de téléphone');
    expect(s.sentTo(COORD).at(-1)).toContain('URGENT');
    s.client.incoming({ from: COORD, author: '33611111111@c.us', body: '/pris 1', _data: { notifyName: 'Claire' } });
    await s.settle(1);
    // WhatsApp lets the bot write to Claire directly: the details go to her own chat.
    expect(s.sentTo('33611111111@c.us').at(-1)).toContain('Rappeler : WhatsApp 06 12 34 56 78');
    const LID = '123456789012345@lid';
    await s.say('bonjour', LID);
    await s.say('je veux en finir avec la vie', LID);
    expect(s.sentTo(LID).at(-1)).toContain('écrire votre numéro de téléphone');
    await s.say('06 11 22 33 44', LID);
    expect(s.sentTo(COORD).at(-1)).toContain('la personne a donné un numéro de rappel (envoyé à qui prend l\'alerte)');
    s.client.incoming({ from: COORD, author: '33611111111@c.us', body: '/pris 2' });
    await s.settle(1);
    expect(s.sentTo('33611111111@c.us').at(-1)).toContain('Rappeler : 06 11 22 33 44');
  });

  it('voice notes, images, stickers get a kind note and the question again; statuses, own messages and other groups are ignored', async () => {
    s = new Setup();
    await s.start();
    await s.say('bonjour');
    for (const type of ['ptt', 'image', 'sticker', 'location', 'document']) {
      s.client.incoming({ from: PERSON, type });
      await s.settle(1);
      expect(s.sentTo(PERSON).at(-1)).toMatch(/^Je ne sais lire que les messages écrits[\s\S]*Êtes-vous d'accord/);
    }
    s.client.incoming({ from: 'status@broadcast', body: 'hello', isStatus: true });
    s.client.incoming({ from: PERSON, body: 'oui', fromMe: true });
    s.client.incoming({ from: OTHER_GROUP, author: '336@c.us', body: '/pris 1' });
    await s.settle(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(await s.db.read((d) => d.inboundMessage.count())).toBe(6);
    expect(s.sentTo(OTHER_GROUP)).toEqual([]);
  });

  it('group commands: a member of the coordinators\' group takes the alert; a stranger\'s group is not listened to', async () => {
    s = new Setup();
    await s.start();
    for (const line of script) await s.say(line);
    s.client.incoming({ from: OTHER_GROUP, author: '33700000000@c.us', body: '/pris 1' });
    await new Promise((r) => setTimeout(r, 50));
    expect(s.sentTo(OTHER_GROUP)).toEqual([]);
    const post = s.client.sent.find((x) => x.chatId === COORD)!;
    s.client.incoming({ from: COORD, author: '33611111111@c.us', body: 'pris', hasQuotedMsg: true, getQuotedMessage: async () => ({ id: { _serialized: post.id } }), _data: { notifyName: 'Claire' } });
    await s.settle(1);
    expect(s.sentTo(COORD).at(-1)).toMatch(/^✅ Alerte n°1 prise en charge par Claire \(attendait depuis \d+ min\)\. Détails envoyés en privé\.$/);
    expect(s.sentTo('33611111111@c.us').at(-1)).toContain('Médecin traitant : Dr Martin, Muret');
    const alert = await s.db.read((d) => d.alert.findUniqueOrThrow({ where: { id: 1 } }));
    expect(alert).toMatchObject({ status: 'taken', takenBy: 'Claire', takerAddress: '33611111111@c.us' });
    // She writes to Jeanne from her own chat; Jeanne's reply comes back to her.
    s.client.incoming({ from: '33611111111@c.us', body: '/ecrire 1 Bonjour Jeanne, je vous appelle demain matin ?' });
    await s.settle(1);
    expect(s.sentTo(PERSON).at(-1)).toContain('Bonjour Jeanne, je vous appelle demain matin ?');
    await s.say('oui très bien');
    expect(s.sentTo('33611111111@c.us').at(-1)).toBe('💬 Alerte n°1 – la personne répond : « oui très bien »');
    // The GP sheet, as a document in her chat.
    s.client.incoming({ from: '33611111111@c.us', body: '/fiche 1' });
    await s.settle(1);
    const sheet = s.clients.flatMap((c) => c.sent).filter((m) => m.chatId === '33611111111@c.us' && m.media).at(-1);
    expect(sheet?.media?.mimetype).toBe('application/pdf');
  });

  it('a disconnection mid-screening and after an alert was queued: reconnects, catches up, delivers everything once', async () => {
    s = new Setup();
    await s.start();
    for (const line of script.slice(0, 18)) await s.say(line);
    const first = s.client;
    // The connection drops just before the recall answer arrives.
    first.emit('disconnected', 'NAVIGATION');
    expect(s.operator.at(-1)).toContain('disconnected');
    // While down, the person answers: WhatsApp keeps it as unread for the next session.
    const recall = { id: { _serialized: 'false_offline_1' }, from: PERSON, body: 'fleur porte riz', type: 'chat', timestamp: Math.floor(s.now.getTime() / 1000) + 5, fromMe: false };
    s.nextClient = () => {
      const c = new FakeWaClient({ ready: true });
      c.chats = [unreadChat(PERSON, [recall])];
      return c;
    };
    await s.until(() => s.clients.length === 2 && s.channel.isReady, 'reconnection');
    await s.settle(1);
    await s.until(() => s.sentTo(PERSON).at(-1)?.includes('médecin traitant') ?? false, 'the GP question');
    await s.say('passer');
    await s.until(() => s.sentTo(COORD).length === 1, 'alert delivery');
    expect(first.destroyed).toBe(true);
    // The summary and the alert went out once, through the new client.
    expect(s.clients[1]!.sent.filter((x) => x.content.includes('Voici le bilan'))).toHaveLength(1);
    expect(s.sentTo(COORD)).toHaveLength(1);
    // The same message seen again (live, after the catch-up) changes nothing.
    s.client.emit('message', recall);
    await new Promise((r) => setTimeout(r, 50));
    await s.settle(0);
    expect(s.sentTo(PERSON).filter((x) => x.includes('Voici le bilan'))).toHaveLength(1);
    const rows = await s.db.read((d) => d.outboxMessage.findMany({ where: { status: { not: 'sent' } } }));
    expect(rows).toEqual([]);
  });

  it('a send that fails is retried after a delay, then delivered once', async () => {
    s = new Setup();
    await s.start();
    s.client.failNextSends = 1;
    await s.say('bonjour');
    expect(s.sentTo(PERSON)).toEqual([]);
    const row = await s.db.read((d) => d.outboxMessage.findFirstOrThrow());
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    s.now = new Date(s.now.getTime() + 1000);
    await s.app.dispatcher.drain();
    expect(s.sentTo(PERSON)).toHaveLength(1);
  });

  it('a logout from the phone: one clear line, and a new QR code to link again', async () => {
    s = new Setup();
    await s.start();
    s.nextClient = () => new FakeWaClient({ qr: true });
    s.client.emit('disconnected', 'LOGOUT');
    await s.until(() => s.clients.length === 2, 'new client');
    await s.until(() => s.operator.some((l) => l.includes('scan this QR code')), 'qr line');
    expect(s.operator.find((l) => l.includes('logged out'))).toMatch(/logged out from the phone.*scan it/);
    expect(s.channel.isReady).toBe(false);
    // Meanwhile messages wait in the outbox without spending their attempts.
    s.client.incoming({ from: PERSON, body: 'bonjour' });
    await s.until(async () => (await s.db.read((d) => d.outboxMessage.count())) === 1, 'queued reply');
    await s.app.dispatcher.drain();
    expect(await s.db.read((d) => d.outboxMessage.findFirstOrThrow())).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('a browser that cannot start: one line for the operator, and it tries again', async () => {
    s = new Setup();
    let calls = 0;
    s.nextClient = () => new FakeWaClient(++calls === 1 ? { failInit: true } : { ready: true });
    await s.start();
    expect(s.operator[0]).toMatch(/could not start the browser session.*CHROMIUM_PATH/);
    expect(s.clients).toHaveLength(2);
  });
});

describe('WhatsApp that keeps working for months', () => {
  it('the watchdog rebuilds a client that stopped answering; what was queued meanwhile goes out once, after', async () => {
    s = new Setup();
    await s.start();
    for (const line of script.slice(0, 3)) await s.say(line);
    expect(s.versions).toEqual(['2.3000.1012345678']);
    const first = s.client;
    first.state = 'hang';
    await s.channel.checkAlive();
    expect(s.clients).toHaveLength(1); // one failed check is not enough
    // The person answers while the browser is stuck: the reply waits.
    first.incoming({ from: PERSON, body: script[3]!, timestamp: Math.floor(s.now.getTime() / 1000) });
    await s.until(async () => (await s.db.read((d) => d.inboundMessage.count())) >= 4, 'recorded');
    await s.channel.checkAlive();
    await s.until(() => s.clients.length === 2 && s.channel.isReady, 'rebuilt');
    expect(first.destroyed).toBe(true);
    expect(s.operator.some((l) => /not answering \(no answer\); restarting its browser/.test(l))).toBe(true);
    await s.settle(1);
    const replies = s.sentTo(PERSON);
    expect(replies.filter((t) => /année de naissance/.test(t))).toHaveLength(1);
    // A client that answers but is not connected (e.g. TIMEOUT) twice in a row: rebuilt too.
    s.client.state = 'TIMEOUT';
    await s.channel.checkAlive();
    await s.channel.checkAlive();
    await s.until(() => s.clients.length === 3 && s.channel.isReady, 'rebuilt again');
    // A healthy client is left alone.
    await s.channel.checkAlive();
    await s.channel.checkAlive();
    expect(s.clients).toHaveLength(3);
  });

  it('the browser is recycled after its time, only in quiet hours, never during a send', async () => {
    s = new Setup();
    await s.start();
    s.now = new Date(s.now.getTime() + 25 * 3_600_000);
    await s.channel.recycleIfDue();
    expect(s.clients).toHaveLength(1); // not quiet
    s.isQuiet = () => true;
    // A send under way (WhatsApp slow to answer): not now.
    let finish!: () => void;
    const slow = s.client;
    const send = slow.sendMessage.bind(slow);
    slow.sendMessage = (chatId, content, options) => new Promise((resolve) => (finish = () => resolve(send(chatId, content, options))));
    const sending = s.channel.send(PERSON, { text: 'Bonjour' });
    await s.until(() => finish !== undefined, 'send started');
    await s.channel.recycleIfDue();
    expect(s.clients).toHaveLength(1);
    finish();
    await sending;
    await s.channel.recycleIfDue();
    await s.until(() => s.clients.length === 2 && s.channel.isReady, 'recycled');
    expect(slow.destroyed).toBe(true);
    // Just recycled: not again until its time has come round.
    await s.channel.recycleIfDue();
    expect(s.clients).toHaveLength(2);
  });

  it('a coordinator given as …@lid is the same coordinator as under their …@c.us id', async () => {
    s = new Setup();
    await s.start();
    for (const line of script) await s.say(line);
    s.client.lids.set('98765432101234@lid', '33611111111@c.us');
    s.client.incoming({ from: COORD, author: '98765432101234@lid', body: '/pris 1', _data: { notifyName: 'Claire' } });
    await s.settle(1);
    s.client.incoming({ from: COORD, author: '33611111111@c.us', body: '/clos 1 injoignable', _data: { notifyName: 'Claire' } });
    await s.settle(1);
    const alert = await s.db.read((d) => d.alert.findUniqueOrThrow({ where: { id: 1 } }));
    expect(alert).toMatchObject({ takerAddress: '33611111111@c.us', status: 'closed' });
    expect(await s.db.read((d) => d.coordinator.count())).toBe(1);
    // A lid WhatsApp cannot resolve stays as it is (not mixed up with anyone).
    s.client.incoming({ from: COORD, author: '11111111111111@lid', body: '/ouvertes' });
    await s.settle(1);
    expect(await s.db.read((d) => d.coordinator.count())).toBe(2);
  });
});

describe('WhatsApp client settings', () => {
  it('WhatsApp Web is pinned under the data folder: the cache beside the session, the first version served kept and asked for again', async () => {
    const { clientConfigOf, createWhatsAppClient, pinWebVersion, webVersionFor } = await import('../../../src/channels/whatsapp/client.js');
    const root = mkdtempSync(path.join(tmpdir(), 'icope-wa-'));
    const config = loadConfig({ DATABASE_URL: freshDbUrl(), WHATSAPP_ENABLED: 'true', WHATSAPP_SESSION_DIR: path.join(root, 'data', 'whatsapp-session') });
    const c = clientConfigOf(config);
    expect(c.webCacheDir).toBe(path.join(root, 'data', 'whatsapp-web-cache'));
    expect(c.takeover).toBe(true);
    expect(webVersionFor(c)).toBeUndefined();
    expect(pinWebVersion(c.webCacheDir, '2.3000.1012345678')).toBe(true);
    expect(pinWebVersion(c.webCacheDir, '2.3000.1099999999')).toBe(false); // the first one stays
    expect(statSync(c.webCacheDir).mode & 0o777).toBe(0o700);
    expect(webVersionFor(c)).toBe('2.3000.1012345678');
    const client = createWhatsAppClient(c) as unknown as { options: Record<string, unknown> };
    expect(client.options).toMatchObject({ webVersion: '2.3000.1012345678', webVersionCache: { type: 'local', path: c.webCacheDir }, takeoverOnConflict: true });
    const pinned = clientConfigOf(loadConfig({ DATABASE_URL: freshDbUrl(), WHATSAPP_SESSION_DIR: c.sessionDir, WHATSAPP_WEB_VERSION: '2.3000.1011111111', WHATSAPP_TAKEOVER: 'false' }));
    expect(webVersionFor(pinned)).toBe('2.3000.1011111111');
    expect((createWhatsAppClient(pinned) as unknown as { options: Record<string, unknown> }).options).toMatchObject({ webVersion: '2.3000.1011111111', takeoverOnConflict: false });
  });

  it("a stale Chromium profile lock is cleared before launch; one held by a live process on this host is kept and named", async () => {
    const { clearStaleProfileLock, profileDir } = await import('../../../src/channels/whatsapp/client.js');
    const session = mkdtempSync(path.join(tmpdir(), 'icope-wa-lock-'));
    const dir = profileDir(session);
    mkdirSync(dir, { recursive: true });
    const lockTo = (target: string) => {
      for (const f of ['SingletonLock', 'SingletonCookie', 'SingletonSocket']) rmSync(path.join(dir, f), { force: true });
      symlinkSync(target, path.join(dir, 'SingletonLock'));
      symlinkSync('123456', path.join(dir, 'SingletonCookie'));
    };
    expect(clearStaleProfileLock(session)).toEqual({ cleared: false }); // no lock
    lockTo(`${hostname()}-999999999`); // a process that is gone
    expect(clearStaleProfileLock(session)).toEqual({ cleared: true });
    expect(readdirSync(dir)).toEqual([]);
    lockTo('another-machine-42'); // left by a container that no longer exists
    expect(clearStaleProfileLock(session)).toEqual({ cleared: true });
    lockTo(`${hostname()}-${process.pid}`); // alive, here: another bot uses it
    expect(clearStaleProfileLock(session)).toEqual({ cleared: false, livePid: process.pid });
    expect(readdirSync(dir).sort()).toEqual(['SingletonCookie', 'SingletonLock']);
  });

  it('a launch refused before starting (the session in use by another Chromium): one line naming WHATSAPP_SESSION_DIR, retried, not listed as started', async () => {
    const operator: string[] = [];
    let blocked = true;
    const client = new FakeWaClient({ ready: true });
    const channel = new WhatsAppChannel({
      createClient: () => client,
      beforeLaunch: () => {
        if (blocked) throw new Error('its session folder (WHATSAPP_SESSION_DIR=data/whatsapp-session) is in use by another Chromium (pid 4242): stop the other copy of the bot.');
      },
      coordinatorGroups: new Set(),
      logger: pino({ level: 'silent' }),
      operator: (line) => operator.push(line),
      backoff: { initialMs: 5, maxMs: 5 },
      minGapMs: 0,
    });
    await channel.start(async () => 'processed');
    expect(channel.started).toBe(false);
    expect(operator).toEqual(['WhatsApp: its session folder (WHATSAPP_SESSION_DIR=data/whatsapp-session) is in use by another Chromium (pid 4242): stop the other copy of the bot. Retrying. The rest of the bot keeps running.']);
    blocked = false;
    for (let i = 0; i < 200 && !channel.isReady; i++) await new Promise((r) => setTimeout(r, 5));
    expect(channel.started).toBe(true);
    await channel.stop();
  });
});

describe('WhatsApp documents', () => {
  const pdf = Buffer.from('%PDF-1.3\n% a sheet\n');
  const document = { fileName: 'icope-step1-2026-11-23.pdf', mimeType: 'application/pdf', dataBase64: pdf.toString('base64') };
  const channelWith = (client: FakeWaClient) =>
    new WhatsAppChannel({ createClient: () => client, coordinatorGroups: new Set(), logger: pino({ level: 'silent' }), operator: () => undefined, minGapMs: 0 });

  it('a document goes as whatsapp-web.js MessageMedia, sent as a document, the text and numbered choices as its caption', async () => {
    const client = new FakeWaClient({ ready: true });
    const channel = channelWith(client);
    await channel.start(async () => undefined);
    for (let i = 0; i < 100 && !channel.isReady; i++) await new Promise((r) => setTimeout(r, 5));
    const result = await channel.send(PERSON, { text: 'La fiche pour votre médecin', document, choices: [{ id: 'ok', label: 'Merci' }], choicesHint: 'Répondez 1.' });
    const sent = client.sent[0]!;
    expect(result).toEqual({ externalId: sent.id });
    expect(sent).toMatchObject({
      chatId: PERSON,
      content: 'La fiche pour votre médecin\n\n1. Merci\n\nRépondez 1.',
      media: { mimetype: 'application/pdf', filename: 'icope-step1-2026-11-23.pdf', size: pdf.length, options: { caption: 'La fiche pour votre médecin\n\n1. Merci\n\nRépondez 1.', sendMediaAsDocument: true } },
    });
    // The real class, so that whatsapp-web.js recognises it as media.
    expect(sent.media!.media).toBeInstanceOf(whatsapp.MessageMedia);
    expect(Buffer.from(sent.media!.data, 'base64').equals(pdf)).toBe(true);
    expect(sent.media!.media.filesize).toBe(pdf.length);
    // Plain texts are sent as before.
    await channel.send(PERSON, { text: 'Bonjour' });
    expect(client.sent[1]).toEqual({ chatId: PERSON, content: 'Bonjour', id: expect.any(String) });
    await channel.stop();
  });

  it('while disconnected a document waits, as a message does', async () => {
    const client = new FakeWaClient({ qr: true });
    const channel = channelWith(client);
    await channel.start(async () => undefined);
    await expect(channel.send(PERSON, { text: 'La fiche', document })).rejects.toBeInstanceOf(ChannelUnavailableError);
    expect(client.sent).toEqual([]);
    await channel.stop();
  });
});
