/**
 * No full-table scan on the conversation, coordinator, reminder and erase paths: every statement the
 * bot runs during a realistic morning (screenings, an alert taken by a reply and by number, the open
 * list, closing, a reminder, a nudge, an erasure, the outbox) is captured and its plan checked.
 */
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { sqliteFilePath } from '../../src/db/url.js';
import { COORDINATORS, harnessPerTest } from '../helpers/harness.js';
import { EN_FLAGGED, FR_NORMAL } from '../helpers/scripts.js';

const harness = harnessPerTest();

/** Tables that grow with the persons screened. */
const BIG = ['Contact', 'Person', 'Screening', 'Answer', 'DomainResult', 'Alert', 'AlertMessage', 'OutboxMessage', 'InboundMessage', 'Reminder', 'Conversation', 'AccessLog'];

describe('query plans', () => {
  it('every statement of the conversation, coordinator, reminder and erase paths uses an index', async () => {
    const statements = new Map<string, string>();
    let capture = false;
    const h = await harness({ env: { CALLBACK_PHONE: 'ask' }, onQuery: (e) => capture && !statements.has(e.query) && statements.set(e.query, e.params) });
    capture = true;
    for (const line of FR_NORMAL) await h.say(line, 'fr-1');
    for (const line of EN_FLAGGED) await h.say(line, 'en-1');
    for (const line of EN_FLAGGED) await h.say(line, 'en-2');
    // Taken by number, and by replying "pris" to the alert's message.
    await h.group('/pris 1', COORDINATORS, 'nurse-1', { senderName: 'Claire' });
    const post = h.channel.sent.filter((m) => m.address === COORDINATORS && /n°2/.test(m.message.text))[0]!;
    await h.group('pris', COORDINATORS, 'nurse-2', { senderName: 'Paul', quotedId: post.externalId });
    await h.group('/ouvertes', COORDINATORS, 'nurse-1');
    await h.group('/details 1', COORDINATORS, 'nurse-1');
    await h.group('/clos 1 injoignable', COORDINATORS, 'nurse-1');
    // Someone stops halfway: the nudge; months later, the re-screening reminder.
    for (const line of FR_NORMAL.slice(0, 8)) await h.say(line, 'fr-2');
    await h.remindAt(new Date(h.now.getTime() + 25 * 3_600_000));
    await h.advance(60_000);
    await h.remindAt(new Date(h.now.getTime() + 200 * 86_400_000));
    // An erasure.
    await h.say('effacer', 'en-2');
    await h.say('1', 'en-2');
    capture = false;

    const db = new BetterSqlite3(sqliteFilePath(h.url), { readonly: true });
    const scans: string[] = [];
    let checked = 0;
    for (const [sql, params] of statements) {
      // Prisma logs a write of several statements that joined the transaction under way as a comment.
      if (/^\s*(BEGIN|COMMIT|ROLLBACK|PRAGMA|SAVEPOINT|RELEASE|--)/i.test(sql)) continue;
      let values: unknown[] = [];
      try {
        values = (JSON.parse(params) as unknown[]).map((v) => (typeof v === 'boolean' ? Number(v) : v !== null && typeof v === 'object' ? JSON.stringify(v) : v));
      } catch {
        values = [];
      }
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...values) as { detail: string }[];
      checked++;
      for (const { detail } of plan) {
        const scan = /^SCAN (?:main\.)?(\w+)/.exec(detail);
        if (scan && BIG.includes(scan[1]!) && !/USING (COVERING )?INDEX/.test(detail)) scans.push(`${detail}\n    in: ${sql.replace(/\s+/g, ' ').slice(0, 300)}`);
      }
    }
    db.close();
    expect(checked).toBeGreaterThan(60);
    expect(scans).toEqual([]);
  }, 120_000);

  it('the planner has statistics: ANALYZE runs (sampled) when the database is opened, so after migrations too', async () => {
    const h = await harness();
    for (const line of FR_NORMAL) await h.say(line, 'fr-1');
    await h.close();
    const reopened = await Database.open(h.url);
    const stats = await reopened.read((db) => db.$queryRawUnsafe<{ tbl: string }[]>('SELECT DISTINCT tbl FROM sqlite_stat1'));
    await reopened.close();
    expect(stats.map((r) => r.tbl)).toEqual(expect.arrayContaining(['Answer', 'OutboxMessage', 'InboundMessage', 'Contact']));
  });
});
