/**
 * The message path's statements on a real PostgreSQL: the same Kysely code, compiled for its dialect,
 * against the tables Prisma makes from our schema for PostgreSQL. Every statement is prepared there
 * (names, types, syntax), then a conversation's writes and the dispatcher's reads run with real values.
 * Needs PostgreSQL's server programs (Debian's postgresql package): skipped, saying so, without them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allStatements, type Statement } from '../../src/db/sql.js';
// Every module with statements of the message path, so that they are all built.
import '../../src/engine/engine.js';
import * as rows from '../../src/engine/screeningRows.js';
import '../../src/outbox/dispatcher.js';
import { cancelStatement } from '../../src/reminders/reminders.js';
import { freePort } from '../helpers/freePort.js';

function serverPrograms(): string | undefined {
  const candidates = ['/usr/local/bin', '/usr/bin', ...(existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').map((v) => `/usr/lib/postgresql/${v}/bin`) : [])];
  return candidates.find((dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')) && existsSync(path.join(dir, 'postgres')));
}

const bin = serverPrograms();
// initdb refuses to run as root: as the postgres user then.
const asRoot = process.getuid?.() === 0;
const usable = !!bin && (!asRoot || spawnSync('id', ['postgres']).status === 0);
if (!usable) console.warn('PostgreSQL server programs not found (Debian package postgresql): the PostgreSQL statements test is skipped.');

function run(program: string, args: string[]): void {
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin!, program), ...args]] : [path.join(bin!, program), args];
  execFileSync(cmd, argv, { stdio: 'pipe' });
}

describe.skipIf(!usable)('the message path on PostgreSQL', () => {
  let dir: string;
  let client: pg.Client;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'icope-pg-'));
    if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
    const port = await freePort();
    run('initdb', ['-D', path.join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '--no-sync']);
    // Its output to a file: a pipe would stay open as long as the server runs.
    run('pg_ctl', ['-D', path.join(dir, 'data'), '-l', path.join(dir, 'server.log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses='' -c fsync=off`, 'start']);
    client = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
    await client.connect();
    // The tables as Prisma makes them for PostgreSQL, from our schema with its provider changed.
    const schema = path.join(dir, 'schema.prisma');
    writeFileSync(schema, readFileSync('prisma/schema.prisma', 'utf8').replace('provider = "sqlite"', 'provider = "postgresql"'));
    const ddl = execFileSync('npx', ['prisma', 'migrate', 'diff', '--from-empty', '--to-schema-datamodel', schema, '--script'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    await client.query(ddl);
  }, 120_000);

  afterAll(async () => {
    await client?.end().catch(() => undefined);
    if (dir && existsSync(path.join(dir, 'data'))) {
      try {
        run('pg_ctl', ['-D', path.join(dir, 'data'), '-m', 'immediate', 'stop']);
      } catch {
        /* already stopped */
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('every statement of the message path compiles for PostgreSQL and is accepted by it (prepared: names, types, syntax)', async () => {
    // The statements built per shape when first needed: every shape the code uses.
    for (const [kinds, person, attempt] of [[1, false, false], [2, false, false], [undefined, false, false], [1, false, true], [1, true, false]] as const) cancelStatement(kinds, person, attempt);
    for (const field of rows.PERSON_FIELDS) rows.personUpdate([field]);
    rows.personUpdate(['consentAt', 'consentVersion', 'consentBy']);
    expect(allStatements.length).toBeGreaterThan(45);
    const refused: string[] = [];
    for (const [i, s] of allStatements.entries()) {
      const sql = s.compileFor('postgres').sql;
      try {
        await client.query(`PREPARE s${i} AS ${sql}`);
        await client.query(`DEALLOCATE s${i}`);
      } catch (error) {
        refused.push(`${(error as Error).message}\n    in: ${sql}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('a conversation’s writes and the dispatcher’s reads run with real values', async () => {
    const exec = async <P>(s: Statement<P>, params: P) => {
      const pgStatement = s.compileFor('postgres');
      return client.query(pgStatement.sql, pgStatement.values(params));
    };
    const statement = (part: string) => allStatements.find((s) => s.sql.includes(part))!;
    const now = new Date('2026-11-22T10:00:00Z');
    await client.query('BEGIN');
    try {
      const contact = await exec(statement('insert into "Contact"') as Statement<Record<string, unknown>>, { id: 'c1', channel: 'telegram', address: '42', language: 'fr', now });
      expect(contact.rows[0]).toMatchObject({ id: 'c1', channel: 'telegram' });
      // Written again: the same contact, unblocked.
      const again = await exec(statement('insert into "Contact"') as Statement<Record<string, unknown>>, { id: 'c2', channel: 'telegram', address: '42', language: 'fr', now });
      expect(again.rows[0]).toMatchObject({ id: 'c1' });
      const handled = statement('on conflict ("channel", "externalId") do update') as Statement<Record<string, unknown>>;
      const first = await exec(handled, { channel: 'telegram', externalId: 'u1', kind: 'text', receivedAt: now, contactId: 'c1', now });
      const second = await exec(handled, { channel: 'telegram', externalId: 'u1', kind: 'text', receivedAt: now, contactId: 'c1', now });
      expect([first.rowCount, second.rowCount]).toEqual([1, 0]);
      const saved = statement('insert into "Conversation"') as Statement<Record<string, unknown>>;
      await exec(saved, { contactId: 'c1', machineVersion: 'v', snapshot: '{}', now });
      await exec(saved, { contactId: 'c1', machineVersion: 'v', snapshot: '{"a":1}', now });
      const conversation = await exec(statement('select * from "Conversation"') as Statement<Record<string, unknown>>, { contactId: 'c1' });
      expect(conversation.rows[0]).toMatchObject({ snapshot: '{"a":1}' });
      await exec(rows.personInsert, { id: 'p1', contactId: 'c1', timeZone: 'Europe/Paris', consentAt: now, consentVersion: 'v1', consentBy: 'self', now });
      // The update of a person's given columns, as the bot builds it.
      const updates: [Statement<Record<string, unknown>>, Record<string, unknown>][] = [];
      rows.updatePerson({ run: (s: Statement<Record<string, unknown>>, p: Record<string, unknown>) => updates.push([s, p]) } as never, 'p1', { firstName: 'Jeanne', birthYear: 1947 });
      for (const [s, p] of updates) expect((await exec(s, p)).rowCount).toBe(1);
      await exec(rows.screeningInsert, {
        id: 's1',
        personId: 'p1',
        contactId: 'c1',
        channel: 'telegram',
        kind: 'initial',
        mode: 'self',
        questionnaireVersion: 'q',
        wordSet: 1,
        startedAt: now,
        helperKind: null,
        place: null,
        sessionId: null,
        source: null,
      });
      expect((await exec(rows.screeningOpen, { id: 's1' })).rowCount).toBe(1);
      await exec(rows.answerInsert, { screeningId: 's1', item: 'C1', rawText: 'oui', value: '{"yes":true}', askedAt: now, answeredAt: now });
      const done = await exec(rows.screeningCompleted, { id: 's1', completedAt: now, weightKg: 65.5 });
      expect(done.rows).toEqual([{ mode: 'self' }]);
      expect((await exec(rows.screeningCompleted, { id: 's1', completedAt: now, weightKg: 65.5 })).rows).toEqual([]);
      const known = await exec(statement('from "Person" where "contactId"') as Statement<Record<string, unknown>>, { contactId: 'c1' });
      expect(known.rows[0]).toMatchObject({ id: 'p1', firstName: 'Jeanne', birthYear: 1947 });
      // The outbox: queued once, picked, claimed, sent.
      const queue = statement('insert into "OutboxMessage"') as Statement<Record<string, unknown>>;
      const row = { key: 'k1', channel: 'telegram', address: '42', audience: 'contact', contactId: 'c1', aboutContactId: null, kind: 'send', payload: '{}', ref: null, hasChoices: true, priority: 0, notBefore: now, now };
      expect((await exec(queue, row)).rowCount).toBe(1);
      expect((await exec(queue, row)).rowCount).toBe(0);
      const heads = await exec(statement('not exists') as Statement<Record<string, unknown>>, { channel: 'telegram', now, maxPriority: 1, limit: 100 });
      expect(heads.rows.map((r: { key: string }) => r.key)).toEqual(['k1']);
      const id = heads.rows[0].id as number;
      expect((await exec(statement('"attempts" = "attempts" +') as Statement<Record<string, unknown>>, { id, now, runId: 'run' })).rowCount).toBe(1);
      expect((await exec(statement('set "status" = ?, "sentAt" = ?') as Statement<Record<string, unknown>>, { id, sentAt: now, externalId: 'm1' })).rowCount).toBe(1);
      const cancelled = await exec(statement('"kind" in (?, ?)') as Statement<Record<string, unknown>>, { contactId: 'c1', kind0: 'nudge', kind1: 'expire', personId: '', attempt: 0, reason: 'test', now });
      expect(cancelled.rowCount).toBe(0);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
