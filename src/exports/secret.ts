/**
 * The pseudonym key of the exports: EXPORT_SECRET when set; otherwise a key generated once and kept in
 * a file beside the database (data/export-secret with the default DATABASE_URL), readable by its
 * owner only, reused by every later export so that pseudonyms stay the same. Losing it changes every
 * pseudonym; anyone holding it can recompute them from the database: keep it like the database.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkSecret, ExportError } from './pseudonym.js';

export interface ExportSecret {
  secret: string;
  source: 'env' | 'file';
  /** The file, when the secret came from (or was just written to) one. */
  file?: string;
  /** True when this call generated it. */
  created: boolean;
}

/** Where the generated secret lives: beside the SQLite file. */
export function exportSecretFile(databaseFile: string): string {
  return path.join(path.dirname(databaseFile), 'export-secret');
}

export function exportSecret(env: NodeJS.ProcessEnv, file: string): ExportSecret {
  const fromEnv = env.EXPORT_SECRET;
  if (fromEnv !== undefined && fromEnv !== '') {
    try {
      checkSecret(fromEnv);
    } catch (error) {
      throw new ExportError(`EXPORT_SECRET is not valid: ${(error as Error).message}`);
    }
    return { secret: fromEnv.trim(), source: 'env', created: false };
  }
  const read = (): ExportSecret => {
    const secret = readFileSync(file, 'utf8').trim();
    try {
      checkSecret(secret);
    } catch (error) {
      throw new ExportError(`${file} does not hold a usable export secret: ${(error as Error).message}`);
    }
    return { secret, source: 'file', file, created: false };
  };
  try {
    return read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    // "wx": created once; if another export created it meanwhile, that one is used.
    writeFileSync(file, `${secret}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return read();
    throw error;
  }
  return { secret, source: 'file', file, created: true };
}
