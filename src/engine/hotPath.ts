/**
 * The statements every inbound message runs, built once (src/db/sql.ts) and prepared once (see
 * sqlOf): Prisma stays for the rest. Rows are stored as Prisma stores them (ids made here, dates as
 * ISO text, booleans 0/1) and read back as Prisma would return them, so both can work on the same
 * rows in one transaction.
 */
import { randomUUID } from 'node:crypto';
import { sql as raw } from 'kysely';
import type { KnownPerson } from '../../flows/step1/types.js';
import type { Statements } from '../db/database.js';
import { statement, writeOrder } from '../db/sql.js';
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

const inboundProcessed = statement<{ channel: string; externalId: string }>((db, p) =>
  db.selectFrom('InboundMessage').select('processedAt').where('channel', '=', p.channel).where('externalId', '=', p.externalId),
);

/** null: never recorded; otherwise whether it was handled already. */
export function inboundHandled(sql: Statements, channel: string, externalId: string): boolean | null {
  const row = sql.get<{ processedAt: string | null }, { channel: string; externalId: string }>(inboundProcessed, { channel, externalId });
  return row ? row.processedAt !== null : null;
}

type NewContact = { id: string; channel: string; address: string; language: string; now: Date };
const contactUpsert = statement<NewContact>((db, p) =>
  db
    .insertInto('Contact')
    .values({ id: p.id, channel: p.channel, address: p.address, language: p.language, createdAt: p.now, updatedAt: p.now })
    .onConflict((oc) => oc.columns(['channel', 'address']).doUpdateSet((eb) => ({ blockedAt: null, blockReason: null, updatedAt: eb.ref('excluded.updatedAt') })))
    .returningAll(),
);

/** The contact of this address (created on its first message); writing again unblocks it. */
export function upsertContact(sql: Statements, a: { channel: string; address: string; language: string; now: Date }): Contact {
  const row = sql.get<Row, NewContact>(contactUpsert, { id: randomUUID(), ...a });
  return contactOf(row!);
}

type Handled = { channel: string; externalId: string; kind: string; receivedAt: Date; contactId: string; now: Date };
const handledUpsert = statement<Handled>((db, p) =>
  db
    .insertInto('InboundMessage')
    .values({ channel: p.channel, externalId: p.externalId, kind: p.kind, receivedAt: p.receivedAt, recordedAt: p.now, contactId: p.contactId, processedAt: p.now, payload: null })
    .onConflict((oc) =>
      oc
        .columns(['channel', 'externalId'])
        .doUpdateSet((eb) => ({ contactId: eb.ref('excluded.contactId'), processedAt: eb.ref('excluded.processedAt'), payload: null }))
        .where('InboundMessage.processedAt', 'is', null),
    ),
);

/**
 * The message is handled: tied to its contact, its text dropped. False when it was handled before
 * (nothing written then): one statement decides, no lookup first.
 */
export function markHandled(sql: Statements, m: Handled): boolean {
  return sql.run(handledUpsert, m) === 1;
}

const coordinatorByAddress = statement<{ channel: string; address: string }>((db, p) =>
  db.selectFrom('Coordinator').select(['id', 'name', 'privateChat']).where('channel', '=', p.channel).where('address', '=', p.address),
);

export function coordinatorOf(sql: Statements, channel: string, address: string): { id: number; name: string | null; privateChat: boolean } | undefined {
  const row = sql.get<{ id: number; name: string | null; privateChat: number }, { channel: string; address: string }>(coordinatorByAddress, { channel, address });
  return row ? { ...row, privateChat: row.privateChat === 1 } : undefined;
}

const openRelay = statement<{ contactId: string }>((db, p) =>
  db.selectFrom('Alert').select(raw<number>`1`.as('open')).where('contactId', '=', p.contactId).where('relayOpen', '=', true).where('status', '<>', 'closed').limit(1),
);

/** Whether a coordinator's conversation with this contact through the bot is open. */
export function hasOpenRelay(sql: Statements, contactId: string): boolean {
  return !!sql.get(openRelay, { contactId });
}

const conversationByContact = statement<{ contactId: string }>((db, p) => db.selectFrom('Conversation').selectAll().where('contactId', '=', p.contactId));

export function conversationOf(sql: Statements, contactId: string): Conversation | null {
  const row = sql.get<Row, { contactId: string }>(conversationByContact, { contactId });
  return row ? { ...(row as unknown as Conversation), updatedAt: date(row.updatedAt)! } : null;
}

type SavedConversation = { contactId: string; machineVersion: string; snapshot: string; now: Date };
const conversationUpsert = statement<SavedConversation>((db, p) =>
  db
    .insertInto('Conversation')
    .values({ contactId: p.contactId, machineVersion: p.machineVersion, snapshot: p.snapshot, updatedAt: p.now })
    .onConflict((oc) =>
      oc.column('contactId').doUpdateSet((eb) => ({ machineVersion: eb.ref('excluded.machineVersion'), snapshot: eb.ref('excluded.snapshot'), updatedAt: eb.ref('excluded.updatedAt') })),
    ),
);

export function saveConversation(sql: Statements, contactId: string, machineVersion: string, snapshot: string, now: Date): void {
  sql.run(conversationUpsert, { contactId, machineVersion, snapshot, now });
}

const PERSON_COLUMNS = ['id', 'firstName', 'birthYear', 'postcode', 'phone', 'hasGp', 'consentVersion', 'consentBy'] as const;
const SCREENING_COLUMNS = ['personId', 'status', 'wordSet', 'weightKg', 'mode'] as const;
const onePerson = statement<{ personId: string; contactId: string }>((db, p) =>
  db.selectFrom('Person').select(PERSON_COLUMNS).where('id', '=', p.personId).where('contactId', '=', p.contactId),
);
const personsOfContact = statement<{ contactId: string }>((db, p, dialect) =>
  db.selectFrom('Person').select(PERSON_COLUMNS).where('contactId', '=', p.contactId).orderBy('createdAt', 'asc').orderBy(writeOrder(dialect, 'Person.id'), 'asc'),
);
const screeningsOfPerson = statement<{ personId: string }>((db, p, dialect) =>
  db.selectFrom('Screening').select(SCREENING_COLUMNS).where('personId', '=', p.personId).orderBy('startedAt', 'desc').orderBy(writeOrder(dialect, 'Screening.id'), 'asc'),
);
const screeningsOfContact = statement<{ contactId: string }>((db, p, dialect) =>
  db.selectFrom('Screening').select(SCREENING_COLUMNS).where('contactId', '=', p.contactId).orderBy('startedAt', 'desc').orderBy(writeOrder(dialect, 'Screening.id'), 'asc'),
);

/** What the flow needs to know of the persons this contact screened before. */
export function knownPersonsOf(sql: Statements, contactId: string, personId?: string): KnownPerson[] {
  type PersonRow = { id: string; firstName: string | null; birthYear: number | null; postcode: string | null; phone: string | null; hasGp: string | null; consentVersion: string | null; consentBy: string | null };
  type ScreeningRow = { personId: string; status: string; wordSet: number; weightKg: number | null; mode: string };
  // One person (a reminder about them): only theirs, however many the contact screened.
  const persons = personId ? sql.all<PersonRow, { personId: string; contactId: string }>(onePerson, { personId, contactId }) : sql.all<PersonRow, { contactId: string }>(personsOfContact, { contactId });
  if (persons.length === 0) return [];
  const screenings = personId
    ? sql.all<ScreeningRow, { personId: string }>(screeningsOfPerson, { personId })
    : sql.all<ScreeningRow, { contactId: string }>(screeningsOfContact, { contactId });
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
