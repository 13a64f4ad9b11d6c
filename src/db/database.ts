/** The one door to SQLite: every query runs under one lock, writes inside short transactions. */
import { Mutex } from 'async-mutex';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient, type Prisma } from '../generated/prisma/client.js';

export type Tx = Prisma.TransactionClient;

/**
 * The better-sqlite3 adapter has a single connection: a plain write issued while a transaction is
 * open would join (and maybe roll back with) that transaction. So nothing touches the client
 * except through `tx` or `read`, which take turns.
 */
export class Database {
  private readonly lock = new Mutex();

  private constructor(readonly prisma: PrismaClient) {}

  static async open(url: string): Promise<Database> {
    const prisma = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout: 5000 }) });
    await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await prisma.$queryRawUnsafe('PRAGMA busy_timeout = 5000');
    await prisma.$queryRawUnsafe('PRAGMA foreign_keys = ON');
    await prisma.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
    // Deleted rows are overwritten, so that erased answers do not linger in free pages.
    await prisma.$queryRawUnsafe('PRAGMA secure_delete = ON');
    return new Database(prisma);
  }

  /** Runs `fn` in one transaction: all of it is committed, or none. Keep network I/O out of it. */
  tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.lock.runExclusive(() => this.prisma.$transaction(fn, { timeout: 15_000, maxWait: 15_000 }));
  }

  read<T>(fn: (db: Tx) => Promise<T>): Promise<T> {
    return this.lock.runExclusive(() => fn(this.prisma));
  }

  async close(): Promise<void> {
    await this.lock.waitForUnlock();
    await this.prisma.$disconnect();
  }
}
