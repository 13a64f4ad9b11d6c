// Compiles src/ and flows/ to dist/ (tsconfig.build.json) when dist/ is missing or older than a source.
// Run by `npm start` (prestart) and `npm run build` (--force). Plain JavaScript: needs no TypeScript loader.
// Types are not checked here (npm test and npm run typecheck do that): like tsx before, a type error
// does not stop the bot from starting; a syntax error does.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.built');
// Folders and files whose change means a new build. A folder's own time changes when a file in it is
// added, renamed or deleted, so a deleted source is noticed too.
const inputs = ['src', 'flows', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

/** The newest modification time under `p` (files and folders), in ms. */
function newest(p) {
  const stat = statSync(p, { throwIfNoEntry: false });
  if (!stat) return 0;
  let latest = stat.mtimeMs;
  if (stat.isDirectory()) for (const entry of readdirSync(p)) latest = Math.max(latest, newest(path.join(p, entry)));
  return latest;
}

function stale() {
  const built = statSync(stamp, { throwIfNoEntry: false });
  if (!built) return true;
  return inputs.some((input) => newest(path.join(root, input)) > built.mtimeMs);
}

const force = process.argv.includes('--force');
if (!force && !stale()) process.exit(0);

let tsc;
try {
  tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
} catch {
  console.error('The bot must be compiled, and TypeScript is not installed: run `npm install` (it installs the development dependencies too).');
  process.exit(1);
}
if (!existsSync(path.join(root, 'src', 'generated', 'prisma'))) {
  console.error('The database client is missing (src/generated/prisma): run `npm install` (or `npx prisma generate`).');
  process.exit(1);
}

const started = Date.now();
// A clean folder: nothing compiled from a deleted source stays behind.
rmSync(dist, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--noCheck'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error('Compiling the bot failed (see above).');
  process.exit(result.status ?? 1);
}
writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
// Dated when the build began: a source saved during the build makes the next start build again.
utimesSync(stamp, new Date(started), new Date(started));
console.error(`Compiled to dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
