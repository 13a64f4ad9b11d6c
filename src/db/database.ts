/**
 * The one door to SQLite: every query runs under one lock, writes inside short transactions.
 * A failure of the database itself (disk full, locked by another process, I/O error) never wedges
 * it: the connection is dropped and opened again at the next use, and the error is a
 * DatabaseUnavailableError that callers retry.
 */
import { Mutex } from 'async-mutex';
import type BetterSqlite3 from 'better-sqlite3';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient, type Prisma } from '../generated/prisma/client.js';
import { Checkpointer } from './checkpointer.js';
import type { Statement } from './sql.js';
import { sqliteFilePath } from './url.js';

export type Tx = Prisma.TransactionClient;

const inTransaction = new WeakMap<Tx, Statements>();

/**
 * Statements prepared once, running inside the transaction `tx` belongs to (the same connection): for
 * the statements of the per-message path, where Prisma's query building costs more than SQLite.
 */
export function sqlOf(tx: Tx): Statements {
  const statements = inTransaction.get(tx);
  if (!statements) throw new Error('sqlOf: not a transaction of Database.tx');
  // After Prisma's timeout the transaction is rolled back: a statement now would commit on its own.
  if (!statements.connection.inTransaction) throw new Error('sqlOf: the transaction is over');
  return statements;
}

/** The database cannot be used for now (disk full, locked, I/O error): try again later. */
export class DatabaseUnavailableError extends Error {
  constructor(
    /** What the operator should know, in one short phrase: "disk full", "locked by another process"… */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`database unavailable: ${reason}`, options);
  }
}

/** A statement that ran: `params` as JSON; `values` too when it was prepared here (no JSON made unless read). */
export interface QueryEvent {
  query: string;
  readonly params: string;
  values?: readonly unknown[];
  durationMs?: number;
}

/** The database's health, for the heartbeat and the operator line. */
export interface DatabaseHealth {
  ok: boolean;
  /** Since when it is in this state. */
  since: Date;
  reason?: string;
}

export interface DatabaseOptions {
  /** How long SQLite waits for another process's lock before giving up (it blocks the event loop meanwhile). */
  busyTimeoutMs?: number;
  /** Told when the database becomes unavailable, and when it works again. */
  onHealthChange?: (health: DatabaseHealth) => void;
  /** Every SQL statement run, through Prisma or prepared (tests that check query plans, the benchmark). */
  onQuery?: (event: QueryEvent) => void;
  clock?: () => Date;
  /** WAL checkpoints on a thread of their own once the bot writes steadily (default true; see Checkpointer). */
  checkpointThread?: boolean;
}

/** Group commit: at most this many transactions in one, and none joins after this long. */
const GROUP_MAX = 32;
const GROUP_MAX_MS = 5;

interface Waiting {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Commits before the checkpoint thread starts: a bot that barely writes never needs it. */
const CHECKPOINT_THREAD_AFTER = 100;
const CHECKPOINT_EVERY_MS = 100;
/** Pages past which the checkpoint thread makes the WAL start again (about 16 MB). */
const WAL_RESTART_PAGES = 4000;
/** With the thread, the connection still checkpoints in its commits past this many pages (about 40 MB): a thread that falls behind never lets the WAL grow without bound. */
const WAL_FALLBACK_PAGES = 10_000;
/** Bytes a WAL is cut back to when it starts again. */
const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

const UNAVAILABLE: [RegExp, string][] = [
  [/SQLITE_FULL|database or disk is full|no space left/i, 'disk full'],
  [/SQLITE_BUSY|SQLITE_LOCKED|database is locked|database table is locked/i, 'locked by another process'],
  [/SQLITE_READONLY|readonly database/i, 'read-only'],
  [/SQLITE_CORRUPT|SQLITE_NOTADB|malformed|not a database/i, 'corrupted'],
  [/SQLITE_CANTOPEN|unable to open database/i, 'cannot be opened'],
  [/SQLITE_IOERR|disk I\/O error/i, 'disk full or input/output error'],
  // Prisma's own transaction timeouts: the connection is not trusted any more.
  [/Unable to start a transaction in the given time|Transaction already closed|expired transaction/i, 'not answering'],
];

/** The reason, when `error` means the database (not the query) failed. */
export function unavailableReason(error: unknown): string | undefined {
  if (error instanceof DatabaseUnavailableError) return error.reason;
  const e = error as { message?: unknown; code?: unknown; cause?: unknown; meta?: unknown } | undefined;
  const text = [e?.message, e?.code, JSON.stringify(e?.meta ?? null), (e?.cause as { message?: unknown } | undefined)?.message, (e?.cause as { code?: unknown } | undefined)?.code]
    .filter((v) => typeof v === 'string')
    .join(' ');
  return UNAVAILABLE.find(([pattern]) => pattern.test(text))?.[1];
}

type Adapter = { client: BetterSqlite3.Database; startTransaction(isolationLevel?: string): Promise<unknown> };

/** Prisma's adapter factory, keeping hold of the connection it opens so that it can be closed and reopened. */
class ConnectionFactory {
  readonly provider = 'sqlite' as const;
  readonly adapterName: string;
  connection: BetterSqlite3.Database | undefined;
  /** Database.tx has begun a transaction on the connection: Prisma's own join it. */
  joined = false;
  private readonly inner: PrismaBetterSQLite3;

  constructor(
    url: string,
    private readonly busyTimeoutMs: number,
    private analyze: boolean,
    /** Whether the checkpoint thread does the checkpoints (this connection's own are off then). */
    private readonly checkpointsElsewhere: () => boolean,
  ) {
    this.inner = new PrismaBetterSQLite3({ url, timeout: busyTimeoutMs });
    this.adapterName = this.inner.adapterName;
  }

  async connect() {
    const adapter = await this.inner.connect();
    const connection = (adapter as unknown as Adapter).client;
    // A Prisma write of several statements (nested records) opens a transaction of its own: inside
    // Database.tx it joins the one under way (committed or rolled back by Database.tx), as it did in
    // Prisma's interactive transactions.
    const own = adapter as unknown as Adapter;
    const startTransaction = own.startTransaction.bind(adapter);
    own.startTransaction = (isolationLevel?: string) => {
      if (!this.joined) return startTransaction(isolationLevel);
      return Promise.resolve({
        provider: adapter.provider,
        adapterName: adapter.adapterName,
        options: { usePhantomQuery: true },
        queryRaw: adapter.queryRaw.bind(adapter),
        executeRaw: adapter.executeRaw.bind(adapter),
        commit: () => Promise.resolve(),
        rollback: () => Promise.resolve(),
      });
    };
    connection.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
    connection.pragma('journal_mode = WAL');
    connection.pragma('foreign_keys = ON');
    connection.pragma('synchronous = NORMAL');
    connection.pragma(`wal_autocheckpoint = ${this.checkpointsElsewhere() ? WAL_FALLBACK_PAGES : 1000}`);
    // A WAL that was large is cut back to this size when it starts again.
    connection.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    // Deleted rows are overwritten, so that erased answers do not linger in free pages.
    connection.pragma('secure_delete = ON');
    // The planner's statistics, refreshed where they are missing or stale (cheap on a big database:
    // each index is sampled, not read whole). At the first connection of each start, so also after
    // migrations; not when reconnecting after a failure (it writes, and the disk may be full).
    if (!this.analyze) {
      // Reconnecting after a failure: on a full disk the WAL may hold all the space left, and it is
      // only reset after a commit, which cannot happen: checkpointed and truncated now.
      try {
        connection.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        /* still full, or locked: the next retry tries again */
      }
    }
    if (this.analyze) {
      this.analyze = false;
      try {
        connection.pragma('analysis_limit = 1000');
        connection.pragma('optimize = 0x10002');
      } catch {
        /* statistics are an optimisation: never a reason not to start */
      }
    }
    this.connection = connection;
    return adapter;
  }

  connectToShadowDb() {
    return this.inner.connectToShadowDb();
  }
}

export class Database {
  private readonly lock = new Mutex();
  private client: PrismaClient;
  private factory: ConnectionFactory;
  private health: DatabaseHealth;
  private prepared: Statements | undefined;
  private checkpointer: Checkpointer | undefined;
  private checkpointsElsewhere = false;
  private commits = 0;
  private closing = false;
  private checkpointThreadFailed = false;
  /** Transactions waiting to run (see tx). */
  private waiting: Waiting[] = [];

  private constructor(
    private readonly url: string,
    private readonly options: DatabaseOptions,
  ) {
    [this.client, this.factory] = this.connect();
    this.health = { ok: true, since: this.now() };
  }

  static async open(url: string, options: DatabaseOptions = {}): Promise<Database> {
    const db = new Database(url, options);
    await db.read((tx) => tx.$queryRawUnsafe('SELECT 1'));
    return db;
  }

  /** The Prisma client for tools off the hot path; prefer `tx` and `read`, which take turns. */
  get prisma(): PrismaClient {
    return this.client;
  }

  /**
   * Runs `fn` in one transaction: all of it is committed, or none, and the promise settles only once
   * it is committed. Keep network I/O out of it.
   *
   * The transaction is SQLite's own on the one connection (not Prisma's interactive transactions,
   * which cost more than the statements of a message): Prisma queries through `tx` and prepared
   * statements through `sqlOf(tx)` both run inside it, and nothing else runs meanwhile (the lock).
   * Group commit: those waiting while one runs are run next together, each in a savepoint (one that
   * fails is undone alone), under one COMMIT.
   */
  tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      // The first to wait starts a group; the others join it.
      if (this.waiting.length === 1) void this.txGroup();
    });
  }

  private async txGroup(): Promise<void> {
    const members: { member: Waiting; outcome?: { value: unknown } | { error: unknown } }[] = [];
    try {
      await this.guarded(async () => {
        if (this.waiting.length === 0) return;
        // The first is taken before anything can fail: a failure to connect or to begin is then told
        // to it (and it retries later), instead of leaving everyone waiting while groups restart.
        members.push({ member: this.waiting.shift()! });
        const statements = await this.statements();
        const { connection } = statements;
        const tx: Tx = this.client;
        const started = performance.now();
        statements.run('BEGIN');
        this.factory.joined = true;
        inTransaction.set(tx, statements);
        try {
          // Those that come while the group runs join it, within bounds: the first one waits for the commit.
          for (let i = 0; i < members.length || (this.waiting.length > 0 && members.length < GROUP_MAX && performance.now() - started < GROUP_MAX_MS); i++) {
            if (i === members.length) members.push({ member: this.waiting.shift()! });
            const entry = members[i]!;
            // The first one needs no savepoint: undoing it is undoing the transaction.
            const first = i === 0;
            if (!first) statements.run('SAVEPOINT "member"');
            try {
              entry.outcome = { value: await entry.member.fn(tx) };
              if (!first) statements.run('RELEASE "member"');
            } catch (error) {
              // The database itself failed: the whole group is undone (and retried by its callers).
              if (unavailableReason(error) !== undefined) throw error;
              entry.outcome = { error };
              // SQLite ended the transaction (an interrupt, out of memory…): this one is told its own
              // error; the others were undone with it and retry.
              if (!connection.inTransaction) throw new DatabaseUnavailableError('transaction ended', { cause: error });
              if (first) {
                statements.run('ROLLBACK');
                statements.run('BEGIN');
              } else {
                statements.run('ROLLBACK TO "member"');
                statements.run('RELEASE "member"');
              }
            }
          }
          statements.run('COMMIT');
        } catch (error) {
          // A failed COMMIT may have ended the transaction already; a ROLLBACK that fails too leaves the
          // connection to rollBackLeftovers or the reconnection.
          try {
            if (connection.open && connection.inTransaction) statements.run('ROLLBACK');
          } catch {
            /* the original error says more */
          }
          throw error;
        } finally {
          this.factory.joined = false;
          inTransaction.delete(tx);
        }
      }, true);
      for (const { member, outcome } of members) {
        if (outcome && 'value' in outcome) member.resolve(outcome.value);
        else member.reject(outcome?.error);
      }
    } catch (groupError) {
      // Nothing of the group was committed: each is told why (its own error, or the group's).
      for (const { member, outcome } of members) member.reject(outcome && 'error' in outcome ? outcome.error : groupError);
    } finally {
      // Some came while this group ran but did not fit in it: the next group.
      if (this.waiting.length > 0) void this.txGroup();
    }
  }

  /** A read works while another program holds the write lock: its success says nothing of the database's health. */
  read<T>(fn: (db: Tx) => Promise<T>): Promise<T> {
    return this.guarded(() => fn(this.client), false);
  }

  /**
   * Runs `fn` synchronously in one transaction on the same connection, with statements prepared once
   * (the hot path: no query building per call). All of it is committed, or none.
   */
  write<T>(fn: (sql: Statements) => T): Promise<T> {
    return this.guarded(async () => {
      const statements = await this.statements();
      return statements.connection.transaction(() => fn(statements))();
    }, true);
  }

  /** Who checkpoints the WAL now: the checkpoint thread, or the bot's connection as it commits. */
  checkpoints(): 'thread' | 'connection' {
    return this.checkpointsElsewhere ? 'thread' : 'connection';
  }

  /** Whether the last use of the database worked, and since when. */
  status(): DatabaseHealth {
    return { ...this.health };
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.lock.waitForUnlock();
    await this.checkpointer?.stop();
    await this.client.$disconnect();
  }

  /** A commit that wrote: the checkpoint thread is told, or started once the bot writes steadily. */
  private committed(): void {
    if (this.checkpointer) return this.checkpointer.wrote();
    if (++this.commits < CHECKPOINT_THREAD_AFTER || this.options.checkpointThread === false || this.closing || this.checkpointThreadFailed) return;
    const useConnection = (elsewhere: boolean) => {
      this.checkpointsElsewhere = elsewhere;
      try {
        this.factory.connection?.pragma(`wal_autocheckpoint = ${elsewhere ? WAL_FALLBACK_PAGES : 1000}`);
      } catch {
        /* a closed connection: the next one reads checkpointsElsewhere */
      }
    };
    try {
      this.checkpointer = new Checkpointer({
        file: sqliteFilePath(this.url),
        busyTimeoutMs: this.options.busyTimeoutMs ?? 2000,
        intervalMs: CHECKPOINT_EVERY_MS,
        restartPages: WAL_RESTART_PAGES,
        onReady: () => useConnection(true),
        onFailure: () => useConnection(false),
      });
    } catch {
      // No thread to be had (the system's limit on threads): the connection keeps checkpointing, as
      // without one; never tried again.
      this.checkpointThreadFailed = true;
    }
  }

  /** SQLite's count of rows changed on this connection since it opened. */
  private changes(): number | undefined {
    try {
      return this.prepared?.connection.open ? (this.prepared.connection.prepare('SELECT total_changes() AS n').get() as { n: number }).n : undefined;
    } catch {
      return undefined;
    }
  }

  private async statements(): Promise<Statements> {
    if (!this.factory.connection) await this.client.$connect();
    const connection = this.factory.connection;
    if (!connection) throw new DatabaseUnavailableError('cannot be opened');
    if (this.prepared?.connection !== connection) this.prepared = new Statements(connection, this.options.onQuery);
    return this.prepared;
  }

  private connect(): [PrismaClient, ConnectionFactory] {
    const factory = new ConnectionFactory(this.url, this.options.busyTimeoutMs ?? 2000, !this.factory, () => this.checkpointsElsewhere);
    const onQuery = this.options.onQuery;
    if (!onQuery) return [new PrismaClient({ adapter: factory }), factory];
    const client = new PrismaClient({ adapter: factory, log: [{ emit: 'event', level: 'query' }] });
    client.$on('query', (e) => onQuery({ query: e.query, params: e.params, durationMs: Number(e.duration) }));
    return [client, factory];
  }

  private async guarded<T>(work: () => Promise<T>, proves: boolean, prepare = false): Promise<T> {
    return this.lock.runExclusive(async () => {
      try {
        if (prepare) await this.statements();
        // On a full disk a write that changes nothing still commits: only one that wrote proves the database works.
        const before = proves && !this.health.ok ? this.changes() : undefined;
        const result = await work();
        if (proves && (this.health.ok || this.changes() !== before)) {
          // Bookkeeping after the commit: whatever befalls it, the work is committed and said so.
          try {
            this.setHealth(undefined);
            this.committed();
          } catch {
            /* the next commit tries again */
          }
        }
        return result;
      } catch (error) {
        const reason = unavailableReason(error);
        if (reason === undefined) {
          this.rollBackLeftovers();
          throw error;
        }
        this.reconnect();
        this.setHealth(reason);
        throw new DatabaseUnavailableError(reason, { cause: error });
      }
    });
  }

  /** A failed COMMIT can leave SQLite inside the transaction: end it, or every later BEGIN fails. */
  private rollBackLeftovers(): void {
    const connection = this.factory.connection;
    try {
      if (connection?.open && connection.inTransaction) connection.exec('ROLLBACK');
    } catch {
      this.reconnect();
    }
  }

  /**
   * The driver adapter holds its own transaction lock, which a failed BEGIN or COMMIT never gives
   * back: the connection and its client are dropped, and a new one opens at the next use.
   */
  private reconnect(): void {
    const { connection } = this.factory;
    const old = this.client;
    try {
      // Closing rolls back whatever is open and releases SQLite's locks on the file.
      if (connection?.open) connection.close();
    } catch {
      /* already unusable */
    }
    void old.$disconnect().catch(() => undefined);
    [this.client, this.factory] = this.connect();
  }

  private setHealth(reason: string | undefined): void {
    const ok = reason === undefined;
    if (ok === this.health.ok && reason === this.health.reason) return;
    this.health = { ok, since: this.now(), ...(reason ? { reason } : {}) };
    this.options.onHealthChange?.(this.status());
  }

  private now(): Date {
    return this.options.clock?.() ?? new Date();
  }
}

/** A value as Prisma stores it in SQLite: dates as ISO text with "+00:00", booleans as 0/1. */
export function sqlValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().replace('Z', '+00:00');
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** SQL statements prepared once per connection, run with Prisma's storage conventions. */
export class Statements {
  private readonly cache = new Map<string, BetterSqlite3.Statement>();

  constructor(
    readonly connection: BetterSqlite3.Database,
    private readonly observe?: (event: QueryEvent) => void,
  ) {}

  get<T, P = Record<string, never>>(statement: Statement<P>, params?: P): T | undefined;
  get<T>(sql: string, ...params: unknown[]): T | undefined;
  get<T>(sql: string | Statement<never>, ...params: unknown[]): T | undefined {
    return this.timed(sql, params, (s, v) => s.get(...v) as T | undefined);
  }

  all<T, P = Record<string, never>>(statement: Statement<P>, params?: P): T[];
  all<T>(sql: string, ...params: unknown[]): T[];
  all<T>(sql: string | Statement<never>, ...params: unknown[]): T[] {
    return this.timed(sql, params, (s, v) => s.all(...v) as T[]);
  }

  /** Returns the number of rows changed. */
  run<P = Record<string, never>>(statement: Statement<P>, params?: P): number;
  run(sql: string, ...params: unknown[]): number;
  run(sql: string | Statement<never>, ...params: unknown[]): number {
    return this.timed(sql, params, (s, v) => s.run(...v).changes);
  }

  private timed<R>(statement: string | Statement<never>, params: unknown[], run: (statement: BetterSqlite3.Statement, values: unknown[]) => R): R {
    // A statement of src/db/sql.ts takes its values by name; plain SQL, in order.
    const sql = typeof statement === 'string' ? statement : statement.sql;
    const values = (typeof statement === 'string' ? params : statement.values((params[0] ?? {}) as never)).map(sqlValue);
    if (!this.observe) return run(this.prepare(sql), values);
    const start = performance.now();
    const result = run(this.prepare(sql), values);
    this.observe({
      query: sql,
      values,
      get params() {
        return JSON.stringify(values);
      },
      durationMs: performance.now() - start,
    });
    return result;
  }

  private prepare(sql: string): BetterSqlite3.Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      // The adapter reads integers as BigInt; plain numbers here.
      statement = this.connection.prepare(sql).safeIntegers(false);
      this.cache.set(sql, statement);
    }
    return statement;
  }
}
