/** A backup taken while screenings are being written is consistent, and a restored copy works. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupDatabase } from '../../src/db/backup.js';
import { Database } from '../../src/db/database.js';
import { harnessPerTest } from '../helpers/harness.js';
import { FR_NORMAL } from '../helpers/scripts.js';

const harness = harnessPerTest();

describe('backups', () => {
  it('a copy taken under load is consistent and holds everything committed before it', async () => {
    const h = await harness();
    for (const line of FR_NORMAL) await h.say(line, 'before');
    const dest = path.join(mkdtempSync(path.join(tmpdir(), 'icope-backup-')), 'copy.db');
    // Screenings keep being written while the backup runs.
    const load = (async () => {
      for (let i = 0; i < 3; i++) for (const line of FR_NORMAL) await h.say(line, `during-${i}`);
    })();
    const { pages } = await backupDatabase(h.config.DATABASE_URL, dest);
    await load;
    expect(pages).toBeGreaterThan(0);
    const copy = await Database.open(`file:${dest}`);
    try {
      const check = await copy.read((db) => db.$queryRawUnsafe<Array<{ integrity_check: string }>>('PRAGMA integrity_check'));
      expect(check[0]!.integrity_check).toBe('ok');
      const done = await copy.read((db) => db.screening.count({ where: { status: 'completed', contact: { address: 'before' } } }));
      expect(done).toBe(1);
      // Every answer in the copy belongs to a screening in the copy: one consistent moment.
      const orphans = await copy.read((db) => db.$queryRawUnsafe<Array<{ n: number }>>('SELECT COUNT(*) AS n FROM "Answer" a LEFT JOIN "Screening" s ON s.id = a.screeningId WHERE s.id IS NULL'));
      expect(Number(orphans[0]!.n)).toBe(0);
    } finally {
      await copy.close();
    }
    await expect(backupDatabase(h.config.DATABASE_URL, dest)).rejects.toThrow(/already exists/);
  });
});
