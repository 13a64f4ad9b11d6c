import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { singleTerritoryRouter } from '../../src/alerts/alertRouter.js';
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
    const terminal = new TerminalChannel({ input, output, clock, languageHint: 'en', onClose: () => closed() });
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
    input.end(EN_FLAGGED.join('\n') + '\n');
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
    expect(printed).toMatch(/^\[coordinators\] 🔔 Alert no\. 1 – default area$/m);
    expect(printed).toMatch(/^\[coordinators\] • Eyesight: eyesight problems$/m);
  });
});
