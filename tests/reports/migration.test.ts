/**
 * The report migration on a database that already holds screenings: what it fills in for them
 * (territory, next Step 1, reminder sent) is what the engine records for new ones.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { harnessPerTest } from '../helpers/harness.js';
import { FR_NORMAL } from '../helpers/scripts.js';

const harness = harnessPerTest();
const MIGRATION = path.resolve('prisma/migrations/20261124000000_report_indexes/migration.sql');

describe('report migration', () => {
  it('fills in territory, re-screening and reminder for screenings made before it', async () => {
    const h = await harness();
    const flagged = [...FR_NORMAL];
    flagged[14] = 'oui'; // an alert (eyesight)
    for (const line of flagged) await h.say(line);
    await h.answerGp('passer');
    await h.remindAt(new Date('2027-05-22T12:00:00Z'));
    for (const line of ['1', 'ok', '22/05/2027', 'samedi', 'non', '2', 'non', 'non', '64', 'non', 'non', 'non', 'non', 'pomme clé ballon']) await h.say(line);
    const read = () =>
      h.db.read((tx) => tx.screening.findMany({ orderBy: { startedAt: 'asc' }, select: { status: true, territoryId: true, rescreenedAt: true, remindedAt: true, completedAt: true } }));
    const engine = await read();
    expect(engine.map((s) => s.status)).toEqual(['completed', 'completed']);
    expect(engine[0]!.rescreenedAt).toEqual(engine[1]!.completedAt);

    // As before the migration, then its statements that fill in existing rows.
    const updates = readFileSync(MIGRATION, 'utf8').split(';').map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter((s) => s.startsWith('UPDATE'));
    expect(updates).toHaveLength(3);
    await h.db.tx(async (tx) => {
      await tx.screening.updateMany({ data: { territoryId: null, rescreenedAt: null, remindedAt: null } });
      for (const statement of updates) await tx.$executeRawUnsafe(statement);
    });
    const migrated = await read();
    // The first screening had an alert: its territory; the follow-up, none: routed by postcode when read.
    expect(migrated.map((s) => s.territoryId)).toEqual(['default', null]);
    expect(migrated[0]!.rescreenedAt).toEqual(engine[1]!.completedAt);
    expect(migrated[1]!.rescreenedAt).toBeNull();
    // The reminder sent on 22 May 2027, found on the Reminder table.
    expect(migrated[0]!.remindedAt?.toISOString()).toBe('2027-05-22T12:00:00.000Z');
    expect(migrated[1]!.remindedAt).toBeNull();
  });
});
