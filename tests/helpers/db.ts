import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';

/** A fresh, migrated SQLite file for one test. */
export function freshDbUrl(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'icope-test-'));
  const file = path.join(dir, 'test.db');
  copyFileSync(inject('templateDb'), file);
  return `file:${file}`;
}
