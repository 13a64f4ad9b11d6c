/**
 * The statements every inbound message runs, prepared once (see sqlOf): Prisma stays for the rest.
 * Rows are stored as Prisma stores them (ids made here, dates as ISO text, booleans 0/1) and read
 * back as Prisma would return them, so both can work on the same rows in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { KnownPerson } from '../../flows/step1/types.js';
import type { Statements } from '../db/database.js';
import type { Contact, Conversation } from '../generated/prisma/client.js';

type Row = Record<string, unknown>;

const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(String(v)));

function contactOf(row: Row): Contact {
  return {
    ...(row as unknown as Contact),
    blockedAt: date(row.blockedAt),
    optedOutAt: date(row.optedOutAt),
    createdAt: date(row.createdAt)!,
    updatedAt: date(row.updatedAt)!,
  };
}

/** null: never recorded; otherwise whether it was handled already. */
export function inboundHandled(sql: Statements, channel: string, externalId: string): boolean | null {
  const row = sql.get<{ processedAt: string | null }>('SELECT "processedAt" FROM "InboundMessage" WHERE "channel" = ? AND "externalId" = ?', channel, externalId);
  return row ? row.processedAt !== null : null;
}

/** The contact of this address (created on its first message); writing again unblocks it. */
export function upsertContact(sql: Statements, a: { channel: string; address: string; language: string; now: Date }): Contact {
  const row = sql.get<Row>(
    `INSERT INTO "Contact" ("id", "channel", "address", "language", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT ("channel", "address") DO UPDATE SET "blockedAt" = NULL, "blockReason" = NULL, "updatedAt" = excluded."updatedAt"
     RETURNING *`,
    randomUUID(),
    a.channel,
    a.address,
    a.language,
    a.now,
    a.now,
  );
  return contactOf(row!);
}

/**
 * The message is handled: tied to its contact, its text dropped. False when it was handled before
 * (nothing written then): one statement decides, no lookup first.
 */
export function markHandled(sql: Statements, m: { channel: string; externalId: string; kind: string; receivedAt: Date; contactId: string; now: Date }): boolean {
  return (
    sql.run(
      `INSERT INTO "InboundMessage" ("channel", "externalId", "kind", "receivedAt", "recordedAt", "contactId", "processedAt", "payload") VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
     ON CONFLICT ("channel", "externalId") DO UPDATE SET "contactId" = excluded."contactId", "processedAt" = excluded."processedAt", "payload" = NULL
     WHERE "InboundMessage"."processedAt" IS NULL`,
    m.channel,
    m.externalId,
    m.kind,
    m.receivedAt,
    m.now,
      m.contactId,
      m.now,
    ) === 1
  );
}

export function coordinatorOf(sql: Statements, channel: string, address: string): { id: number; name: string | null; privateChat: boolean } | undefined {
  const row = sql.get<{ id: number; name: string | null; privateChat: number }>('SELECT "id", "name", "privateChat" FROM "Coordinator" WHERE "channel" = ? AND "address" = ?', channel, address);
  return row ? { ...row, privateChat: row.privateChat === 1 } : undefined;
}

/** Whether a coordinator's conversation with this contact through the bot is open. */
export function hasOpenRelay(sql: Statements, contactId: string): boolean {
  return !!sql.get('SELECT 1 FROM "Alert" WHERE "contactId" = ? AND "relayOpen" = 1 AND "status" <> ? LIMIT 1', contactId, 'closed');
}

export function conversationOf(sql: Statements, contactId: string): Conversation | null {
  const row = sql.get<Row>('SELECT * FROM "Conversation" WHERE "contactId" = ?', contactId);
  return row ? { ...(row as unknown as Conversation), updatedAt: date(row.updatedAt)! } : null;
}

export function saveConversation(sql: Statements, contactId: string, machineVersion: string, snapshot: string, now: Date): void {
  sql.run(
    `INSERT INTO "Conversation" ("contactId", "machineVersion", "snapshot", "updatedAt") VALUES (?, ?, ?, ?)
     ON CONFLICT ("contactId") DO UPDATE SET "machineVersion" = excluded."machineVersion", "snapshot" = excluded."snapshot", "updatedAt" = excluded."updatedAt"`,
    contactId,
    machineVersion,
    snapshot,
    now,
  );
}

/** What the flow needs to know of the persons this contact screened before. */
export function knownPersonsOf(sql: Statements, contactId: string, personId?: string): KnownPerson[] {
  type PersonRow = { id: string; firstName: string | null; birthYear: number | null; postcode: string | null; phone: string | null; hasGp: string | null; consentVersion: string | null; consentBy: string | null };
  type ScreeningRow = { personId: string; status: string; wordSet: number; weightKg: number | null; mode: string };
  const columns = '"id", "firstName", "birthYear", "postcode", "phone", "hasGp", "consentVersion", "consentBy"';
  // One person (a reminder about them): only theirs, however many the contact screened.
  const persons = personId
    ? sql.all<PersonRow>(`SELECT ${columns} FROM "Person" WHERE "id" = ? AND "contactId" = ?`, personId, contactId)
    : sql.all<PersonRow>(`SELECT ${columns} FROM "Person" WHERE "contactId" = ? ORDER BY "createdAt" ASC, rowid ASC`, contactId);
  if (persons.length === 0) return [];
  const screenings = personId
    ? sql.all<ScreeningRow>('SELECT "personId", "status", "wordSet", "weightKg", "mode" FROM "Screening" WHERE "personId" = ? ORDER BY "startedAt" DESC, rowid ASC', personId)
    : sql.all<ScreeningRow>('SELECT "personId", "status", "wordSet", "weightKg", "mode" FROM "Screening" WHERE "contactId" = ? ORDER BY "startedAt" DESC, rowid ASC', contactId);
  return persons
    .filter((p) => p.birthYear !== null || p.firstName !== null)
    .map((p) => {
      const own = screenings.filter((s) => s.personId === p.id);
      const completed = own.filter((s) => s.status === 'completed');
      const lastWeight = completed.find((s) => s.weightKg !== null)?.weightKg;
      return {
        id: p.id,
        ...(p.firstName ? { firstName: p.firstName } : {}),
        ...(p.birthYear !== null ? { birthYear: p.birthYear } : {}),
        ...(p.postcode ? { postcode: p.postcode } : {}),
        ...(p.phone ? { phone: p.phone } : {}),
        ...(p.hasGp ? { hasGp: p.hasGp } : {}),
        ...(p.consentVersion ? { consentVersion: p.consentVersion } : {}),
        ...(p.consentBy ? { consentBy: p.consentBy } : {}),
        ...(own.some((s) => s.mode === 'self') ? { self: true } : {}),
        ...(lastWeight !== undefined && lastWeight !== null ? { lastWeightKg: lastWeight } : {}),
        ...(own[0] ? { lastWordSet: own[0].wordSet } : {}),
        completedScreenings: completed.length,
      };
    });
}
