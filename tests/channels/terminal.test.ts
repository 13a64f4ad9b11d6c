import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { singleTerritoryRouter } from '../../src/alerts/alertRouter.js';
import { terminalCoordinatorCommand } from '../../src/channels/channels.js';
import { TERMINAL_COORDINATORS, TerminalChannel } from '../../src/channels/terminal.js';
import { loadConfig } from '../../src/config.js';
import { Database } from '../../src/db/database.js';
import { freshDbUrl } from '../helpers/db.js';
import { locales } from '../helpers/harness.js';
import { EN_FLAGGED } from '../helpers/scripts.js';

let db: Database | undefined;
afterEach(async () => db?.close());

describe('terminal chat', () => {
  it('plays a whole screening through its input and output streams', async () => {
    const config = loadConfig({ DATABASE_URL: freshDbUrl(), DEFAULT_LANGUAGE: 'en', COORDINATOR_LANGUAGE: 'en' });
    db = await Database.open(config.DATABASE_URL);
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
    let closed!: () => void;
    const done = new Promise<void>((resolve) => (closed = resolve));
    // Answers are timed against this date: the script says "22nd of November 2026".
    const clock = () => new Date('2026-11-22T10:00:00Z');
    const terminal = new TerminalChannel({ input, output, clock, languageHint: 'en', onClose: () => closed(), isCoordinatorCommand: terminalCoordinatorCommand(locales) });
    const app = createApp({
      config,
      db,
      locales,
      logger: pino({ level: 'silent' }),
      channels: [terminal],
      router: singleTerritoryRouter({ targets: [{ channel: 'terminal', address: TERMINAL_COORDINATORS }] }),
      clock,
    });
    await app.start();
    input.write(EN_FLAGGED.join('\n') + '\n');
    for (let i = 0; i < 500 && !printed.includes('these questions were…'); i++) await new Promise((r) => setTimeout(r, 10));
    // The coordinator's side, typed in the same terminal: as if written in the coordinators' group.
    input.end('/take 1\n');
    await done;
    await app.stop();
    expect(printed).toContain("I'd like to ask you about ten short questions");
    expect(printed).toContain('  1. Yes, that\'s fine\n  2. No thank you');
    expect(printed).toContain('  2. A relative (I\'m answering with or for a family member)');
    expect(printed).toContain('Question 14 of 14');
    expect(printed).toContain('Does Arthur agree?');
    expect(printed).toContain("What is Arthur's phone number?");
    expect(printed).not.toContain('Share my number'); // no such button in a terminal
    expect(printed).toContain('Here is the summary for Arthur');
    expect(printed).toMatch(/^\[coordinators\] 🔔 Alert no\. 1 – your area$/m);
    expect(printed).toMatch(/^\[coordinators\] Person aged 85-89 years$/m);
    expect(printed).not.toMatch(/^\[coordinators\] • Eyesight/m); // no finding in the group
    expect(printed).toMatch(/^\[coordinators\] ✅ Alert no\. 1 taken by coordinator .*Details sent privately\.$/m);
    expect(printed).toMatch(/^\[coordinator, private\] • Eyesight: eyesight problems$/m);
    expect(printed).toMatch(/^\[coordinator, private\] GP: Dr Patel, Leeds$/m);
  });
});

describe('terminal documents', () => {
  it('writes a sent document into the documents folder (created if missing) and prints its caption and path', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'terminal-docs-')), 'documents');
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
    const terminal = new TerminalChannel({ input: new PassThrough(), output, documentsDir: dir });
    const pdf = Buffer.from('%PDF-1.3\n% a sheet\n');
    const document = { fileName: 'icope-step1-2026-11-23.pdf', mimeType: 'application/pdf', dataBase64: pdf.toString('base64') };
    await terminal.send('local', { text: 'La fiche pour votre médecin', document }, 'contact');
    const file = path.join(dir, 'icope-step1-2026-11-23.pdf');
    expect(readFileSync(file).equals(pdf)).toBe(true);
    expect(printed).toBe(`La fiche pour votre médecin\n📎 ${file}\n\n`);
    // A second sheet of the same day does not overwrite the first; a name never leaves the folder.
    await terminal.send(TERMINAL_COORDINATORS, { text: 'Fiche', document }, 'coordinators');
    await terminal.send('local', { text: '', document: { ...document, fileName: '../../escape.pdf' } }, 'contact');
    expect(readdirSync(dir).sort()).toEqual(['escape.pdf', 'icope-step1-2026-11-23-2.pdf', 'icope-step1-2026-11-23.pdf']);
    expect(printed).toContain(`[coordinators] Fiche\n[coordinators] 📎 ${path.join(dir, 'icope-step1-2026-11-23-2.pdf')}\n`);
    expect(printed.endsWith(`📎 ${path.join(dir, 'escape.pdf')}\n\n`)).toBe(true);
  });
});
