/**
 * Exports of screenings made through the real engine (tests/exports/fixture.ts): the pseudonymised
 * CSV, FHIR R4 JSON validated against HL7's schema, the ICOPE MONITOR layout; periods, territories,
 * stable pseudonyms, and the web workspace's hook.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTRUMENT, itemOf, type AnswerKind } from '../../flows/step1/instrument.js';
import { Database } from '../../src/db/database.js';
import { CSV_COLUMNS, toCsv } from '../../src/exports/csv.js';
import { QUESTIONNAIRE_URL, type Bundle, type Resource } from '../../src/exports/fhir.js';
import { convertValue, ICOPE_MONITOR_COLUMNS, ICOPE_MONITOR_MAPPING } from '../../src/exports/icopeMonitor.js';
import { exportFileFor, exportScreenings, exportUseLine, type ExportOptions, type ExportUse } from '../../src/exports/index.js';
import type { ExportedScreening } from '../../src/exports/load.js';
import { personPseudonym } from '../../src/exports/pseudonym.js';
import { ageBand, EXPORT_ITEMS, readingCode, type ItemReading } from '../../src/exports/readings.js';
import type { WebDeps } from '../../src/web/server.js';
import { fhirSchemaErrors, schemaId } from './fhirSchema.js';
import { buildScreenings, PRIVATE_STRINGS, router } from './fixture.js';

const SECRET = 'test-export-secret-0123456789';
let db: Database;
let now: Date;
let privateIds: string[];

beforeAll(async () => {
  const built = await buildScreenings();
  now = built.now;
  db = await Database.open(built.url);
  privateIds = await db.read(async (tx) => [
    ...(await tx.person.findMany({ select: { id: true } })).map((p) => p.id),
    ...(await tx.contact.findMany({ select: { id: true } })).map((c) => c.id),
    ...(await tx.screening.findMany({ select: { id: true } })).map((s) => s.id),
  ]);
}, 120_000);
afterAll(async () => db?.close());

const run = (o: Partial<ExportOptions> & Pick<ExportOptions, 'format'>) =>
  db.read((tx) => exportScreenings(tx, { router, secret: SECRET, timeZone: 'Europe/Paris', now, ...o }));
const rows = (body: string, delimiter = ','): Array<Record<string, string>> => parse(body, { columns: true, delimiter, record_delimiter: '\r\n' });

describe('the pseudonymised CSV', () => {
  it('one row per completed screening, RFC 4180, with readable values', async () => {
    const file = await run({ format: 'csv' });
    expect(file.count).toBe(4);
    expect(file.mimeType).toBe('text/csv; charset=utf-8');
    expect(file.fileName).toBe('icope-step1-csv-start_2026-11-22.csv');
    expect(file.body.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
    const [arthur, jeanne, paul, marcel] = rows(file.body);
    expect(jeanne).toMatchObject({
      age_band: '75-79', postcode: '31400', territory: 'sud', mode: 'self', helper_kind: '', kind: 'initial',
      questionnaire_version: INSTRUMENT.name, completed_date: '2026-11-22',
      C1: 'no', C2: 'presented', C3_date: 'correct', C3_day: 'correct', C4: '3', M1: 'under_14s', M1_seconds: '',
      N1: 'no', N2: 'no', N3: '65', V1: 'no', H1: 'no', H2: '', P1: 'no', P2: 'no',
      cognition_result: 'normal', mobility_result: 'normal', mood_result: 'normal',
    });
    // With a relative: the whisper test was done, the weight skipped, two domains flagged.
    expect(arthur).toMatchObject({
      age_band: '85-89', postcode: 'SW1A 1AA', territory: 'nord', mode: 'relative', M1: 'unable', N3: 'skipped', V1: 'yes', H2: 'passed',
      mobility_result: 'alert', mobility_reasons: 'chair_unable', vision_result: 'alert', vision_reasons: 'vision_problem', hearing_result: 'normal',
    });
    // The date not assessed: the cognition domain is not_assessed, never normal.
    expect(paul).toMatchObject({ age_band: '65-69', territory: 'nord', C3_date: 'not_assessed', C3_day: 'correct', M1: '14s_or_more', M1_seconds: '16', cognition_result: 'not_assessed', mobility_result: 'alert', mobility_reasons: 'chair_slow' });
    expect(marcel).toMatchObject({ age_band: '85-89', mode: 'helper', helper_kind: 'pharmacist', H2: 'passed', M1: 'unable', N3: '70' });
    expect(new Set([jeanne, arthur, paul, marcel].map((r) => r!.pseudonym)).size).toBe(4);
    for (const r of [jeanne, arthur, paul, marcel]) {
      expect(r!.pseudonym).toMatch(/^P-[0-9a-f]{16}$/);
      expect(r!.screening).toMatch(/^S-[0-9a-f]{16}$/);
    }
  });

  it('holds no name, phone, chat address, GP, place, typed answer or database id', async () => {
    for (const format of ['csv', 'fhir', 'icope-monitor'] as const) {
      const { body } = await run({ format });
      for (const s of [...PRIVATE_STRINGS, ...privateIds]) expect(body, `${format} contains ${s}`).not.toContain(s);
      // Birth years become bands: no column holds one.
      expect(body).not.toMatch(/(^|[,;"\s])(1941|1947|1958)([,;"\s]|$)/m);
    }
  });

  it('gives the same person the same pseudonym in every export with the same secret, and another with another', async () => {
    const first = await run({ format: 'csv' });
    const second = await run({ format: 'csv' });
    expect(second.body).toBe(first.body);
    const other = await run({ format: 'csv', secret: 'another-secret-0123456789' });
    const a = rows(first.body).map((r) => r.pseudonym);
    const b = rows(other.body).map((r) => r.pseudonym);
    expect(b.every((p, i) => p !== a[i])).toBe(true);
    const personIds = await db.read(async (tx) => (await tx.screening.findMany({ where: { status: 'completed' }, orderBy: [{ completedAt: 'asc' }, { id: 'asc' }], select: { personId: true } })).map((s) => s.personId!));
    expect(a).toEqual(personIds.map((id) => personPseudonym(SECRET, id)));
  });

  it('quotes as RFC 4180 says and never lets a typed postcode run as a formula', () => {
    const s = fakeScreening({ postcode: 'A, "B"\nC' });
    const odd = fakeScreening({ postcode: '=HYPERLINK("x")' });
    const body = toCsv([s, odd]);
    expect(body).toContain('"A, ""B""\nC"');
    expect(body).toContain(`"'=HYPERLINK(""x"")"`);
    expect(rows(body)[0]!.postcode).toBe('A, "B"\nC');
  });

  it('keeps to the period and the territories, as the figures count them', async () => {
    expect((await run({ format: 'csv', from: new Date('2026-11-23T00:00:00+01:00') })).count).toBe(0);
    expect((await run({ format: 'csv', to: new Date('2026-11-22T00:00:00+01:00') })).count).toBe(0);
    const day = await run({ format: 'csv', from: new Date('2026-11-22T00:00:00+01:00'), to: new Date('2026-11-23T00:00:00+01:00') });
    expect(day.count).toBe(4);
    expect(day.fileName).toBe('icope-step1-csv-2026-11-22_2026-11-22.csv');
    expect(rows((await run({ format: 'csv', territoryIds: ['sud'] })).body).map((r) => r.postcode)).toEqual(['31400']);
    expect((await run({ format: 'csv', territoryIds: ['nord'] })).count).toBe(3);
    expect((await run({ format: 'csv', territoryIds: ['nord', 'sud'] })).count).toBe(4);
    expect((await run({ format: 'csv', territoryIds: [] })).count).toBe(0);
  });

  it("follows an alert's transfer, and routes the postcode when nothing was stored", async () => {
    const arthur = await db.read((tx) => tx.screening.findFirstOrThrow({ where: { mode: 'relative' }, include: { alert: true } }));
    const jeanne = await db.read((tx) => tx.screening.findFirstOrThrow({ where: { person: { postcode: '31400' } } }));
    try {
      await db.tx(async (tx) => {
        await tx.alert.update({ where: { id: arthur.alert!.id }, data: { territoryId: 'sud', transferredFrom: 'nord' } });
        await tx.screening.update({ where: { id: jeanne.id }, data: { territoryId: null } });
      });
      const sud = rows((await run({ format: 'csv', territoryIds: ['sud'] })).body);
      expect(sud.map((r) => r.postcode).sort()).toEqual(['31400', 'SW1A 1AA']);
      expect(sud.every((r) => r.territory === 'sud')).toBe(true);
    } finally {
      await db.tx(async (tx) => {
        await tx.alert.update({ where: { id: arthur.alert!.id }, data: { territoryId: 'nord', transferredFrom: null } });
        await tx.screening.update({ where: { id: jeanne.id }, data: { territoryId: jeanne.territoryId } });
      });
    }
  });

  it('refuses a short secret, an unknown format and an empty period', async () => {
    await expect(run({ format: 'csv', secret: 'short' })).rejects.toThrow('at least 16 characters');
    await expect(run({ format: 'xml' as 'csv' })).rejects.toThrow('Unknown export format "xml"');
    await expect(run({ format: 'csv', from: now, to: now })).rejects.toThrow('The period is empty');
  });
});

describe('FHIR R4', () => {
  let bundle: Bundle;
  beforeAll(async () => {
    const file = await run({ format: 'fhir' });
    expect(file.mimeType).toBe('application/fhir+json; charset=utf-8');
    expect(file.fileName).toBe('icope-step1-fhir-start_2026-11-22.json');
    expect(file.count).toBe(4);
    bundle = JSON.parse(file.body) as Bundle;
  });
  const ofType = (type: string) => bundle.entry.filter((e) => e.resource.resourceType === type);
  const byUrl = (url: string) => bundle.entry.find((e) => e.fullUrl === url)?.resource;

  it("passes HL7's R4 JSON schema (fhir.schema.json 4.0), the bundle and each resource", () => {
    expect(schemaId()).toBe('http://hl7.org/fhir/json-schema/4.0');
    expect(fhirSchemaErrors(bundle)).toBeNull();
    for (const e of bundle.entry) expect(fhirSchemaErrors(e.resource), `${e.resource.resourceType}/${e.resource.id}`).toBeNull();
  });

  it('fails the schema for broken resources (so this test can fail)', () => {
    const observation = structuredClone(ofType('Observation')[0]!.resource);
    expect(fhirSchemaErrors({ ...observation, status: 'done' })).not.toBeNull();
    const response = structuredClone(ofType('QuestionnaireResponse')[0]!.resource);
    expect(fhirSchemaErrors({ ...response, authored: '22/11/2026' })).not.toBeNull();
    // (A string where a Reference belongs passes: HL7's schema gives complex types no "type": "object".)
    expect(fhirSchemaErrors({ ...response, subject: { pseudonym: 'P-1' } })).not.toBeNull();
    const broken = structuredClone(bundle);
    (broken.entry[0]!.resource as Record<string, unknown>).item = [{ linkId: 'C1', type: 'yes-no' }];
    expect(fhirSchemaErrors(broken)).not.toBeNull();
    expect(fhirSchemaErrors({ ...bundle, type: 'bag' })).not.toBeNull();
  });

  it('a collection with the Questionnaire of the instrument: canonical URL, version, one item per question', () => {
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection', timestamp: now.toISOString() });
    const [q] = ofType('Questionnaire');
    expect(q!.resource).toMatchObject({ url: QUESTIONNAIRE_URL, version: String(INSTRUMENT.version), status: 'active' });
    const items = q!.resource.item as Array<{ linkId: string; type: string }>;
    expect(items.map((i) => i.linkId)).toEqual(INSTRUMENT.items.flatMap((i) => (i.id === 'M1' ? ['M1', 'M1_seconds'] : [i.id])));
    expect(Object.fromEntries(items.map((i) => [i.linkId, i.type]))).toMatchObject({ C1: 'boolean', C2: 'display', C3_date: 'choice', C4: 'integer', M1: 'choice', M1_seconds: 'decimal', N3: 'decimal', H2: 'boolean' });
    expect(ofType('CodeSystem').map((e) => e.resource.id)).toEqual(['icope-domain', 'icope-domain-result', 'icope-step1-answer']);
    const domains = ofType('CodeSystem')[0]!.resource.concept as Array<{ code: string }>;
    expect(domains.map((c) => c.code)).toEqual(['cognition', 'mobility', 'nutrition', 'vision', 'hearing', 'mood']);
  });

  it('per screening a QuestionnaireResponse on a pseudonymous Patient, and one Observation per domain', () => {
    const responses = ofType('QuestionnaireResponse');
    expect(responses).toHaveLength(4);
    expect(ofType('Patient')).toHaveLength(4);
    for (const p of ofType('Patient')) {
      expect(Object.keys(p.resource).sort()).toEqual(['id', 'identifier', 'resourceType']);
      expect((p.resource.identifier as Array<{ value: string }>)[0]!.value).toBe(p.resource.id);
    }
    for (const { fullUrl, resource: r } of responses) {
      expect(r).toMatchObject({ questionnaire: `${QUESTIONNAIRE_URL}|2`, status: 'completed' });
      expect(r.authored).toMatch(/^2026-11-22T\d\d:\d\d:\d\d\+01:00$/);
      const patient = byUrl((r.subject as { reference: string }).reference)!;
      expect(patient.resourceType).toBe('Patient');
      const observations = ofType('Observation').filter((o) => (o.resource.derivedFrom as Array<{ reference: string }>)[0]!.reference === fullUrl);
      expect(observations).toHaveLength(6);
      for (const o of observations) {
        expect(o.resource).toMatchObject({ status: 'final', effectiveDateTime: r.authored, subject: r.subject });
      }
    }
  });

  it('not assessed: no answer but a data-absent reason; the domain has a dataAbsentReason, not a value', () => {
    const paul = responseWith((items) => items.some((i) => i.linkId === 'M1_seconds'));
    const date = (paul.resource.item as Array<Record<string, unknown>>).find((i) => i.linkId === 'C3_date')!;
    expect(date.answer).toBeUndefined();
    expect(date.extension).toEqual([{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'not-performed' }]);
    const seconds = (paul.resource.item as Array<Record<string, unknown>>).find((i) => i.linkId === 'M1_seconds')!;
    expect(seconds.answer).toEqual([{ valueDecimal: 16 }]);
    const cognition = observationOf(paul.fullUrl, 'cognition');
    expect(cognition.valueCodeableConcept).toBeUndefined();
    expect(cognition.dataAbsentReason).toMatchObject({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'not-performed' }] });
    expect((observationOf(paul.fullUrl, 'mobility').valueCodeableConcept as { coding: Array<{ code: string }> }).coding[0]!.code).toBe('alert');
    expect((observationOf(paul.fullUrl, 'vision').valueCodeableConcept as { coding: Array<{ code: string }> }).coding[0]!.code).toBe('normal');
    // Arthur's weight, skipped: declined, not "not performed"; his whisper test recorded.
    const arthur = responseWith((items) => items.some((i) => i.linkId === 'N3' && !i.answer));
    const items = arthur.resource.item as Array<Record<string, unknown>>;
    expect(items.find((i) => i.linkId === 'N3')!.extension).toEqual([{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'asked-declined' }]);
    expect(items.find((i) => i.linkId === 'H2')!.answer).toEqual([{ valueBoolean: true }]);
    expect(items.find((i) => i.linkId === 'V1')!.answer).toEqual([{ valueBoolean: true }]);
  });

  function responseWith(test: (items: Array<Record<string, unknown>>) => boolean) {
    return ofType('QuestionnaireResponse').find((e) => test(e.resource.item as Array<Record<string, unknown>>))!;
  }
  function observationOf(responseUrl: string, domain: string): Resource {
    return ofType('Observation').find(
      (o) => (o.resource.derivedFrom as Array<{ reference: string }>)[0]!.reference === responseUrl && (o.resource.code as { coding: Array<{ code: string }> }).coding[0]!.code === domain,
    )!.resource;
  }
});

describe('the ICOPE MONITOR layout', () => {
  it('the mapped columns, French values, ";" and dd/MM/yyyy', async () => {
    const file = await run({ format: 'icope-monitor' });
    expect(file.fileName).toBe('icope-step1-icope-monitor-start_2026-11-22.csv');
    expect(file.body.split('\r\n')[0]).toBe(ICOPE_MONITOR_COLUMNS.join(';'));
    const [arthur, jeanne, paul, marcel] = rows(file.body, ';');
    expect(jeanne).toMatchObject({
      date_step1: '22/11/2026', type_step1: 'initial', realise_par: 'autoevaluation', tranche_age: '75-79', code_postal: '31400', territoire: 'sud',
      cognition_plainte_memoire: 'non', cognition_trois_mots_presentes: 'oui', cognition_orientation_date: 'juste', cognition_rappel_trois_mots: '3',
      mobilite_lever_chaise: 'moins_de_14s', nutrition_poids_kg: '65', audition_test_chuchotement: '', alerte_cognition: 'non',
    });
    expect(arthur).toMatchObject({ realise_par: 'aidant', mobilite_lever_chaise: 'impossible', nutrition_poids_kg: 'non_renseigne', vision_probleme_yeux: 'oui', audition_test_chuchotement: 'reussi', alerte_mobilite: 'oui', alerte_vision: 'oui' });
    expect(paul).toMatchObject({ cognition_orientation_date: 'non_evalue', mobilite_lever_chaise: '14s_ou_plus', mobilite_lever_chaise_secondes: '16', alerte_cognition: 'a_completer' });
    expect(marcel).toMatchObject({ realise_par: 'intervenant', profession_intervenant: 'pharmacien' });
  });

  it('every value we can write has its conversion, and the mapping document lists every field', () => {
    const possible: Record<AnswerKind, ItemReading[]> = {
      yesNo: [{ kind: 'yesNo', yes: true }, { kind: 'yesNo', yes: false }, { kind: 'yesNo', yes: null }],
      wordsToRemember: [{ kind: 'presented' }],
      date: (['correct', 'wrong', 'incomplete', 'dont_know'] as const).map((result) => ({ kind: 'orientation', result })),
      weekday: (['correct', 'wrong', 'dont_know'] as const).map((result) => ({ kind: 'orientation', result })),
      recall: [], // a count: written as it is
      chairRise: (['under_threshold', 'threshold_or_more', 'unable'] as const).map((result) => ({ kind: 'chair', result })),
      weightKg: [{ kind: 'skipped' }], // and kilos, written with a decimal comma
      whisper: [{ kind: 'whisper', passed: true }, { kind: 'whisper', passed: false }],
    };
    for (const id of EXPORT_ITEMS) {
      const field = ICOPE_MONITOR_MAPPING.fields.find((f) => f.from === id)!;
      for (const r of [...possible[itemOf(id).answer], { kind: 'not_assessed' } as const]) {
        expect(field.values?.[readingCode(r)], `${id} ${readingCode(r)}`).toBeDefined();
      }
    }
    expect(convertValue({ from: 'N3', field: 'x', label: '', numeric: true }, '72.5')).toBe('72,5');
    const doc = readFileSync('docs/icope-monitor-mapping.md', 'utf8');
    for (const f of ICOPE_MONITOR_MAPPING.fields) {
      expect(doc, f.field).toContain(`\`${f.field}\``);
      for (const v of Object.values(f.values ?? {})) expect(doc, `${f.field} ${v}`).toContain(`\`${v}\``);
    }
  });
});

describe('readings and records of use', () => {
  it('five-year age bands from 60, 90+', () => {
    expect([ageBand(1967, 2026), ageBand(1966, 2026), ageBand(1961, 2026), ageBand(1942, 2026), ageBand(1937, 2026), ageBand(1936, 2026), ageBand(1920, 2026), ageBand(null, 2026)]).toEqual([
      'under_60', '60-64', '65-69', '80-84', '85-89', '90+', '90+', '',
    ]);
  });

  it("the web workspace's hook: the session's territories only, each use recorded without content", async () => {
    const uses: ExportUse[] = [];
    // It fits the workspace's `exportFile` as it is declared.
    const hook: NonNullable<WebDeps['exportFile']> & ReturnType<typeof exportFileFor> = exportFileFor({ router, secret: SECRET, timeZone: 'Europe/Paris', clock: () => now, recordUse: (u) => void uses.push(u) });
    const file = await db.read((tx) => hook(tx, { format: 'csv', territoryIds: ['sud'], who: 'Claire' }));
    expect(file.count).toBe(1);
    expect(uses).toEqual([{ at: now, who: 'Claire', format: 'csv', territoryIds: ['sud'], count: 1, fileName: file.fileName }]);
    expect(exportUseLine(uses[0]!)).toBe(`export at=${now.toISOString()} who=Claire format=csv from=- to=- territories=sud count=1 file=${file.fileName}`);
    expect(exportUseLine({ ...uses[0]!, who: 'Dr Anne Roy', territoryIds: undefined })).toContain('who="Dr Anne Roy" format=csv from=- to=- territories=all');
    await expect(db.read((tx) => hook(tx, { format: 'pdf', territoryIds: ['sud'] }))).rejects.toThrow('Unknown export format');
  });
});

function fakeScreening(o: Partial<ExportedScreening>): ExportedScreening {
  const items = Object.fromEntries(EXPORT_ITEMS.map((id) => [id, { kind: 'not_assessed' }])) as ExportedScreening['items'];
  return {
    pseudonym: 'P-0000000000000000',
    screeningCode: 'S-0000000000000000',
    ageBand: '70-74',
    postcode: '31000',
    territoryId: 'nord',
    mode: 'self',
    helperKind: null,
    kind: 'initial',
    questionnaireVersion: INSTRUMENT.name,
    completedAt: new Date('2026-11-22T10:00:00Z'),
    completedDate: '2026-11-22',
    items,
    results: { cognition: undefined, mobility: undefined, nutrition: undefined, vision: undefined, hearing: undefined, mood: undefined },
    ...o,
  };
}
