/**
 * The writes of a screening's turns (its start and end, the person, answers, results): statements
 * built once (src/db/sql.ts) and prepared once, in the transaction of the message. Values are given
 * as Prisma would write them (ids and the times of `@default(now())` / `@updatedAt` made here).
 */
import type { Statements } from '../db/database.js';
import { statement, type Statement } from '../db/sql.js';

export const contactLanguage = statement<{ id: string; language: string; now: Date }>((db, p) =>
  db.updateTable('Contact').set({ language: p.language, updatedAt: p.now }).where('id', '=', p.id),
);

/** Doing a new screening after "stop" means they are back. */
export const contactBack = statement<{ id: string; now: Date }>((db, p) => db.updateTable('Contact').set({ optedOutAt: null, updatedAt: p.now }).where('id', '=', p.id));

export const personInsert = statement<{
  id: string;
  contactId: string;
  timeZone: string;
  consentAt: Date | null;
  consentVersion: string | null;
  consentBy: string | null;
  now: Date;
}>((db, p) =>
  db.insertInto('Person').values({
    id: p.id,
    contactId: p.contactId,
    timeZone: p.timeZone,
    consentAt: p.consentAt,
    consentVersion: p.consentVersion,
    consentBy: p.consentBy,
    createdAt: p.now,
    updatedAt: p.now,
  }),
);

/** Their own consent, given again for a version they had not agreed to (or none). */
export const personOwnConsent = statement<{ id: string; consentAt: Date; consentVersion: string; now: Date }>((db, p) =>
  db
    .updateTable('Person')
    .set({ consentAt: p.consentAt, consentVersion: p.consentVersion, consentBy: 'self', updatedAt: p.now })
    .where('id', '=', p.id)
    .where((eb) => eb.or([eb('consentVersion', 'is', null), eb('consentVersion', '<>', p.consentVersion)])),
);

/** The columns of Person a turn may set. */
export const PERSON_FIELDS = ['firstName', 'birthYear', 'postcode', 'hasGp', 'gpName', 'consentAt', 'consentVersion', 'consentBy'] as const;
export type PersonField = (typeof PERSON_FIELDS)[number];

/** One statement per set of columns, built the first time it is needed. */
const personUpdates = new Map<string, Statement<Record<string, unknown>>>();

/** The statement that sets these columns of a person (and its updatedAt). */
export function personUpdate(columns: readonly PersonField[]): Statement<Record<string, unknown>> {
  const shape = columns.join(',');
  let update = personUpdates.get(shape);
  if (!update) {
    update = statement<Record<string, unknown>>((db, p) =>
      db
        .updateTable('Person')
        .set(Object.fromEntries([...columns.map((c) => [c, p[c]]), ['updatedAt', p.now]]))
        .where('id', '=', p.id as string),
    );
    personUpdates.set(shape, update);
  }
  return update;
}

/** Sets these columns of a person (the others are left as they are). */
export function updatePerson(sql: Statements, id: string, fields: Partial<Record<PersonField, unknown>>): void {
  for (const key of Object.keys(fields)) if (!(PERSON_FIELDS as readonly string[]).includes(key)) throw new Error(`updatePerson: unknown field ${key}`);
  const columns = PERSON_FIELDS.filter((c) => fields[c] !== undefined);
  sql.run(personUpdate(columns), { ...Object.fromEntries(columns.map((c) => [c, fields[c] ?? null])), now: new Date(), id });
}

/** Whatever this contact left unfinished is over: a new screening starts. */
export const contactScreeningsAbandoned = statement<{ contactId: string; at: Date }>((db, p) =>
  db.updateTable('Screening').set({ status: 'abandoned', abandonedAt: p.at }).where('contactId', '=', p.contactId).where('status', '=', 'started'),
);

export const screeningAbandoned = statement<{ id: string; at: Date }>((db, p) =>
  db.updateTable('Screening').set({ status: 'abandoned', abandonedAt: p.at }).where('id', '=', p.id).where('status', '=', 'started'),
);

export const screeningInsert = statement<{
  id: string;
  personId: string;
  contactId: string;
  channel: string;
  kind: string;
  mode: string;
  questionnaireVersion: string;
  wordSet: number;
  startedAt: Date;
  helperKind: string | null;
  place: string | null;
  sessionId: string | null;
  source: string | null;
}>((db, p) =>
  db.insertInto('Screening').values({
    id: p.id,
    personId: p.personId,
    contactId: p.contactId,
    channel: p.channel,
    kind: p.kind,
    mode: p.mode,
    questionnaireVersion: p.questionnaireVersion,
    wordSet: p.wordSet,
    status: 'started',
    startedAt: p.startedAt,
    helperKind: p.helperKind,
    place: p.place,
    sessionId: p.sessionId,
    source: p.source,
  }),
);

export const screeningClarity = statement<{ id: string; clarity: string }>((db, p) => db.updateTable('Screening').set({ clarity: p.clarity }).where('id', '=', p.id));

export const screeningOpen = statement<{ id: string }>((db, p) => db.selectFrom('Screening').select('id').where('id', '=', p.id).where('status', '<>', 'completed'));

export const answerInsert = statement<{ screeningId: string; item: string; rawText: string | null; value: string; askedAt: Date; answeredAt: Date }>((db, p) =>
  db.insertInto('Answer').values({ screeningId: p.screeningId, item: p.item, rawText: p.rawText, value: p.value, askedAt: p.askedAt, answeredAt: p.answeredAt }),
);

/** Completed once only: nothing is returned the second time. */
export const screeningCompleted = statement<{ id: string; completedAt: Date; weightKg: number | null }>((db, p) =>
  db
    .updateTable('Screening')
    .set({ status: 'completed', completedAt: p.completedAt, weightKg: p.weightKg })
    .where('id', '=', p.id)
    .where('status', '<>', 'completed')
    .returning('mode'),
);

export const personForSummary = statement<{ id: string }>((db, p) => db.selectFrom('Person').select(['firstName', 'postcode', 'phone', 'timeZone']).where('id', '=', p.id));

export const domainResultInsert = statement<{ screeningId: string; domain: string; status: string; reasons: string }>((db, p) =>
  db.insertInto('DomainResult').values({ screeningId: p.screeningId, domain: p.domain, status: p.status, reasons: p.reasons }),
);

export const screeningNextDue = statement<{ id: string; nextDueAt: Date; territoryId: string }>((db, p) =>
  db.updateTable('Screening').set({ nextDueAt: p.nextDueAt, territoryId: p.territoryId }).where('id', '=', p.id),
);

/** The person's earlier screenings were followed by this one (dates are stored so that they compare in time order). */
export const earlierRescreened = statement<{ personId: string; at: Date }>((db, p) =>
  db
    .updateTable('Screening')
    .set({ rescreenedAt: p.at })
    .where('personId', '=', p.personId)
    .where('status', '=', 'completed')
    .where('rescreenedAt', 'is', null)
    .where('completedAt', '<', p.at),
);
