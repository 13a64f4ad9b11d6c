/**
 * The statements of the message path, written once with Kysely (a typed query builder with a SQLite
 * and a PostgreSQL dialect) and compiled once, when their module loads: no query is built per
 * message. Each takes named parameters (`p.contactId` stands for the value given when it runs) and
 * runs prepared once (see `Statements`). The same code compiles for PostgreSQL (`compileFor`); the
 * tables' types come from Prisma's, so a column renamed in the schema fails to compile here.
 */
import {
  sql,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Compilable,
  type Generated,
  type RawBuilder,
} from 'kysely';
import type * as Prisma from '../generated/prisma/client.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * A Prisma model as a table: the columns with a default in the schema (`@default`, `@updatedAt`)
 * may be left out of an insert. Prisma fills `now()` and `uuid()` itself, not the database: the
 * statements here give those values.
 */
type Table<Model, Defaulted extends keyof Model = never> = Omit<Model, Defaulted> & { [K in Defaulted]: Generated<Model[K]> };

export interface DB {
  Contact: Table<Prisma.Contact, 'id' | 'createdAt' | 'updatedAt'>;
  Person: Table<Prisma.Person, 'id' | 'createdAt' | 'updatedAt'>;
  Screening: Table<Prisma.Screening, 'status'>;
  Answer: Table<Prisma.Answer, 'id'>;
  DomainResult: Table<Prisma.DomainResult, 'id'>;
  Alert: Table<Prisma.Alert, 'id' | 'toComplete' | 'status' | 'territoryId' | 'unrouted' | 'createdAt' | 'postCount' | 'relayOpen'>;
  Coordinator: Table<Prisma.Coordinator, 'id' | 'privateChat'>;
  Conversation: Table<Prisma.Conversation, 'updatedAt'>;
  InboundMessage: Table<Prisma.InboundMessage, 'recordedAt'>;
  OutboxMessage: Table<Prisma.OutboxMessage, 'id' | 'kind' | 'hasChoices' | 'priority' | 'status' | 'attempts' | 'nextAttemptAt' | 'createdAt' | 'interrupted'>;
  Reminder: Table<Prisma.Reminder, 'id' | 'attempt' | 'status' | 'createdAt'>;
}

/** Builders that only compile (they never run anything). */
const builders: Record<Dialect, Kysely<DB>> = {
  sqlite: new Kysely<DB>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  }),
  postgres: new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  }),
};

/** The dialect the bot runs on (Prisma's provider in prisma/schema.prisma). */
export const DIALECT: Dialect = 'sqlite';

/**
 * Ties broken in the order rows were written: SQLite's rowid. PostgreSQL has none: `fallback`, a
 * column that orders them (an id, a time of writing), stands in.
 */
export function writeOrder(dialect: Dialect, fallback: string): RawBuilder<unknown> {
  return dialect === 'sqlite' ? sql`rowid` : sql.ref(fallback);
}

/** Stands for a named parameter while the statement is compiled. */
class Param {
  constructor(readonly name: string) {}
}

type Build<P> = (db: Kysely<DB>, p: P, dialect: Dialect) => Compilable;

/** A statement compiled for one dialect: its SQL, and where each value comes from. */
export class Statement<P = Record<string, never>> {
  private constructor(
    readonly sql: string,
    private readonly slots: readonly ({ name: string } | { value: unknown })[],
    private readonly build: Build<P>,
  ) {}

  static of<P>(build: Build<P>, dialect: Dialect = DIALECT): Statement<P> {
    const p = new Proxy({}, { get: (_, name) => new Param(String(name)) }) as P;
    const compiled = build(builders[dialect], p, dialect).compile();
    const slots = compiled.parameters.map((v) => (v instanceof Param ? { name: v.name } : { value: v }));
    return new Statement(compiled.sql, slots, build);
  }

  /** The values to bind, in order. */
  values(params: P): unknown[] {
    return this.slots.map((slot) => ('name' in slot ? (params as Record<string, unknown>)[slot.name] : slot.value));
  }

  /** The same statement in another dialect (tests, a PostgreSQL deployment). */
  compileFor(dialect: Dialect): Statement<P> {
    return Statement.of(this.build, dialect);
  }
}

/** Every statement made so far (the test that compiles them all for PostgreSQL reads them). */
export const allStatements: Statement<never>[] = [];

/** Builds a statement once, at module load (or once per shape, for those that vary). */
export function statement<P = Record<string, never>>(build: Build<P>): Statement<P> {
  const s = Statement.of(build);
  allStatements.push(s as unknown as Statement<never>);
  return s;
}
