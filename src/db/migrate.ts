/** Applies the committed Prisma migrations (prisma migrate deploy) to the configured database. */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../root.js';
import { sqliteFilePath } from './url.js';

const run = promisify(execFile);

export async function migrate(url: string): Promise<void> {
  mkdirSync(path.dirname(sqliteFilePath(url)), { recursive: true });
  const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
  try {
    await run(process.execPath, [cli, 'migrate', 'deploy'], {
      cwd: PROJECT_ROOT, // prisma.config.ts and prisma/migrations
      env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    const detail = (e.stderr || e.stdout || e.message).split('\n').filter((l) => l.trim() && !l.includes('nodedir')).slice(-3).join(' ');
    throw new Error(`Could not prepare the database ${sqliteFilePath(url)}: ${detail}`);
  }
}
