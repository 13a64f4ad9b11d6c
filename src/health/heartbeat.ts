/**
 * Whether the bot is really working, for a supervisor: a heartbeat file rewritten every few seconds
 * (its time says the process is alive, its status whether the database answers and the channels
 * reach their platform), and the same report on the workspace's /health. No personal data in it.
 */
import { renameSync, writeFileSync } from 'node:fs';
import type { Database } from '../db/database.js';

export interface ChannelHealth {
  name: string;
  /** When the channel last heard from its platform (undefined: it does not say). */
  lastContact?: () => Date | undefined;
  /** false while the channel is down (WhatsApp logged out, reconnecting…). */
  connected?: () => boolean;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  at: string;
  database: { ok: boolean; since: string; reason?: string };
  channels: { name: string; ok: boolean; lastContact?: string }[];
}

export interface HeartbeatDeps {
  db: Database;
  channels: ChannelHealth[];
  clock: () => Date;
  /** A channel that has not heard from its platform for longer than this is not ok. */
  silentAfterMs: number;
}

/**
 * Checks the database with a real write that changes no data (a row rewritten as it is), so that a
 * lock held by another program, a full disk or a read-only file is seen, and reports.
 */
export async function checkHealth(d: HeartbeatDeps): Promise<HealthReport> {
  await d.db
    .tx(async (tx) => {
      if ((await tx.$executeRawUnsafe('UPDATE "Contact" SET "id" = "id" WHERE rowid = (SELECT max(rowid) FROM "Contact")')) === 0) {
        // No contact yet: the lock alone is checked.
        await tx.$executeRawUnsafe('DELETE FROM "InboundMessage" WHERE 0');
      }
    })
    .catch(() => undefined);
  const db = d.db.status();
  const now = d.clock();
  const channels = d.channels.map((c) => {
    const last = c.lastContact?.();
    const quiet = last !== undefined && now.getTime() - last.getTime() > d.silentAfterMs;
    const ok = (c.connected?.() ?? true) && !quiet;
    return { name: c.name, ok, ...(last ? { lastContact: last.toISOString() } : {}) };
  });
  return {
    status: db.ok && channels.every((c) => c.ok) ? 'ok' : 'degraded',
    at: now.toISOString(),
    database: { ok: db.ok, since: db.since.toISOString(), ...(db.reason ? { reason: db.reason } : {}) },
    channels,
  };
}

/** Rewrites `file` (atomically) with the report every `everyMs`. */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly d: HeartbeatDeps & { file: string; everyMs: number; onError?: (err: unknown) => void },
  ) {}

  start(): void {
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.d.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async beat(): Promise<HealthReport> {
    const report = await checkHealth(this.d);
    try {
      const tmp = `${this.d.file}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(report)}\n`, { mode: 0o600 });
      renameSync(tmp, this.d.file);
    } catch (err) {
      // A full disk: the file ages, which is what the supervisor watches.
      this.d.onError?.(err);
    }
    return report;
  }
}
