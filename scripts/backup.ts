/** npm run backup -- <file>: a consistent copy of the live database (the bot may keep running). */
import { backupDatabase } from '../src/db/backup.js';
import { privateByDefault } from '../src/db/privateFiles.js';
import { ConfigError, loadConfig } from '../src/config.js';

async function main(): Promise<void> {
  const destination = process.argv[2];
  if (!destination || destination.startsWith('-')) {
    process.stderr.write('Usage: npm run backup -- <file>   (for example: npm run backup -- backups/icope-2026-11-23.db)\n');
    process.exit(2);
  }
  privateByDefault(); // the copy holds health data: 0600
  const config = loadConfig();
  const { pages } = await backupDatabase(config.DATABASE_URL, destination);
  process.stdout.write(`Backup written to ${destination} (${pages} pages). To restore: stop the bot, copy it over the database file, delete its -wal and -shm files, start the bot.\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `Backup failed: ${(error as Error).message}`}\n`);
  process.exit(1);
});
