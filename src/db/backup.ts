/**
 * A consistent copy of the live database, taken with SQLite's online backup API (through
 * better-sqlite3, the driver Prisma's adapter already uses) while the bot keeps writing.
 */
import { existsSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { sqliteFilePath } from './url.js';

export async function backupDatabase(databaseUrl: string, destination: string): Promise<{ pages: number }> {
  const source = sqliteFilePath(databaseUrl);
  if (!existsSync(source)) throw new Error(`no database at ${source}`);
  if (existsSync(destination)) throw new Error(`${destination} already exists: choose a new file name`);
  const db = new SQLite(source, { readonly: true, fileMustExist: true });
  try {
    const result = await db.backup(destination);
    return { pages: result.totalPages };
  } finally {
    db.close();
  }
}
