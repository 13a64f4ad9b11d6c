import path from 'node:path';

export const DEFAULT_DATABASE_URL = 'file:./data/icope.db';

/** The file behind a `file:` SQLite URL, resolved from the working directory. */
export function sqliteFilePath(url: string): string {
  if (!url.startsWith('file:')) {
    throw new Error(`DATABASE_URL must be a SQLite "file:" URL, got "${url.split(':')[0]}:…"`);
  }
  return path.resolve(url.slice('file:'.length).split('?')[0]!);
}
