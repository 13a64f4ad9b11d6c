/**
 * The compiled bot (dist/src/main.js) run as `npm start` runs it, in its own process: terminal chat,
 * no Telegram token, WhatsApp off, a database in a new temporary folder. Used by `npm run bench:idle`
 * and by the test of the compiled start.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const MAIN = path.join(ROOT, 'dist', 'src', 'main.js');

/** The node options of `npm start` (package.json: "start": "node <options> dist/src/main.js"). */
export function startNodeArgs(): string[] {
  const start = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
  const match = /^node((?: --?[\w=.-]+)*) dist\/src\/main\.js$/.exec(start);
  if (!match) throw new Error(`npm start is not "node [options] dist/src/main.js": ${start}`);
  return match[1]!.split(' ').filter(Boolean);
}

/** Compiles to dist/ if a source is newer (what `npm start` does first); throws if it fails. */
export function ensureBuilt(): void {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed: ${result.stderr}${result.stdout}`);
}

/** Resident memory of a process, from /proc/<pid>/status (Linux), in kB. */
export function rssKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

/** The line the terminal chat prints once everything is started. */
export function readyLine(lang = 'fr'): string {
  const translation = JSON.parse(readFileSync(path.join(ROOT, 'locales', lang, 'translation.json'), 'utf8')) as { terminal: { ready: string } };
  return translation.terminal.ready;
}

export interface CompiledBot {
  readonly pid: number;
  readonly dir: string;
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once the output contains `text`; rejects after `ms` or if the bot exits first. */
  waitFor(text: string, ms?: number): Promise<void>;
  /** Types one line into the terminal chat. */
  write(line: string): void;
  /** Closes the chat (Ctrl+D) and waits for the process to exit; kills it after `ms`. */
  stop(ms?: number): Promise<number | null>;
}

/** Starts dist/src/main.js with `npm start`'s node options (or `nodeArgs`), as npm start would after its build. */
export function startCompiledBot(options: { env?: Record<string, string>; nodeArgs?: string[]; cwd?: string } = {}): CompiledBot {
  const dir = mkdtempSync(path.join(tmpdir(), 'icope-compiled-'));
  const child = spawn(process.execPath, [...(options.nodeArgs ?? startNodeArgs()), MAIN], {
    cwd: options.cwd ?? ROOT,
    env: {
      ...process.env,
      DATABASE_URL: `file:${path.join(dir, 'icope.db')}`,
      // Set, even empty, so that a developer's .env cannot turn a channel on (.env never overrides).
      TELEGRAM_BOT_TOKEN: '',
      WHATSAPP_ENABLED: 'false',
      TERRITORIES_FILE: '',
      LOG_FILE: path.join(dir, 'bot.log'),
      ...options.env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let printed = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    printed += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let closed = false;
  // 'close' comes after the last output, unlike 'exit'.
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      closed = true;
      for (const listener of listeners) listener();
      resolve(code);
    }),
  );

  return {
    pid: child.pid!,
    dir,
    child,
    output: () => printed,
    waitFor(text, ms = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (printed.includes(text)) done(resolve);
          else if (closed) done(() => reject(new Error(`the bot exited (${child.exitCode ?? child.signalCode}) before printing ${JSON.stringify(text)}:\n${printed}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no ${JSON.stringify(text)} within ${ms} ms:\n${printed}`))), ms);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    write(line) {
      child.stdin.write(`${line}\n`);
    },
    async stop(ms = 10_000) {
      if (!closed) {
        child.stdin.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), ms);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}
