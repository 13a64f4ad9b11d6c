/**
 * WAL checkpoints on a thread of their own. Copying the WAL into the database and syncing both to
 * disk took several milliseconds inside a commit every few hundred messages (the slowest replies,
 * and about half of all commit time); on this thread it overlaps with the bot's work. The bot's
 * connection stops checkpointing by itself only once the thread is ready, and starts again if the
 * thread fails: the WAL never grows without bound.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Plain JavaScript run as the thread (nothing to compile: the same under tsx, vitest and dist/). */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Driver = require(workerData.driver);
let db;
try {
  db = new Driver(workerData.file, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
  parentPort.postMessage({ ready: true });
} catch (error) {
  parentPort.postMessage({ ok: false, error: String((error && error.code) || error) });
}
parentPort.on('message', (message) => {
  if (message === 'close') {
    try { db && db.close(); } catch {}
    parentPort.close();
    return;
  }
  try {
    // PASSIVE: as much as can be copied without waiting for the bot's connection. While the bot keeps
    // writing it never catches up, and SQLite only starts the WAL again from its beginning once a
    // checkpoint has: past a size, RESTART waits for the commit under way, copies the rest and makes the
    // next write start the WAL from its beginning (the bot waits that long, on its busy timeout).
    const [passive] = db.pragma('wal_checkpoint(PASSIVE)');
    if (passive && passive.log > workerData.restartPages) db.pragma('wal_checkpoint(RESTART)');
    parentPort.postMessage({ ok: true });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String((error && error.code) || error) });
  }
});
`;

export interface CheckpointerOptions {
  file: string;
  busyTimeoutMs: number;
  /** How often to checkpoint while something is written. */
  intervalMs: number;
  /** WAL pages past which the thread makes the WAL start again (RESTART), not only copies it. */
  restartPages: number;
  /** The thread is ready: the bot's connection may stop checkpointing. */
  onReady: () => void;
  /** The thread failed: the bot's connection must checkpoint again. */
  onFailure: (reason: string) => void;
}

export class Checkpointer {
  private readonly worker: Worker;
  private readonly timer: NodeJS.Timeout;
  private ready = false;
  private running = false;
  private written = false;
  private failed = false;
  private readonly exited: Promise<void>;

  constructor(private readonly o: CheckpointerOptions) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(THREAD, { eval: true, workerData: { driver, file: o.file, busyTimeoutMs: o.busyTimeoutMs, restartPages: o.restartPages } });
    this.worker.unref();
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('message', (m: { ready?: boolean; ok?: boolean; error?: string }) => {
      if (m.ready) {
        this.ready = true;
        o.onReady();
        return;
      }
      this.running = false;
      if (!m.ok) this.fail(m.error ?? 'checkpoint failed');
    });
    this.worker.on('error', (error) => this.fail(error.message));
    this.worker.on('exit', () => this.fail('thread exited'));
    this.timer = setInterval(() => this.tick(), o.intervalMs);
    this.timer.unref();
  }

  /** Something was committed: the next tick checkpoints. */
  wrote(): void {
    this.written = true;
  }

  get healthy(): boolean {
    return !this.failed;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.failed = true;
    this.worker.postMessage('close');
    const timeout = setTimeout(() => void this.worker.terminate(), 2_000);
    await this.exited;
    clearTimeout(timeout);
  }

  private tick(): void {
    if (!this.ready || this.running || !this.written || this.failed) return;
    this.written = false;
    this.running = true;
    this.worker.postMessage('checkpoint');
  }

  private fail(reason: string): void {
    if (this.failed) return;
    this.failed = true;
    clearInterval(this.timer);
    void this.worker.terminate();
    this.o.onFailure(reason);
  }
}
