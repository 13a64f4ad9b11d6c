/**
 * FHIR R4 (4.0.1) JSON: one Bundle of type "collection" holding
 * - the Questionnaire, built from the instrument (flows/step1/instrument.ts): canonical URL and
 *   version, one item per question with its linkId and type;
 * - the three local CodeSystems it uses (ICOPE domains, domain results, answer codes);
 * - per person, a minimal Patient: an id and one identifier, both the pseudonym; nothing else (no
 *   name, birth date, address or telecom);
 * - per screening, a QuestionnaireResponse (questionnaire "url|version", status completed, authored,
 *   subject = that Patient) and one Observation per domain (status final, code from the domain
 *   CodeSystem, valueCodeableConcept normal / alert, or dataAbsentReason "not-performed" when the
 *   domain could not be assessed, derivedFrom the QuestionnaireResponse, effectiveDateTime).
 *
 * Entries are addressed by `urn:uuid:` URLs computed from the pseudonyms (stable across exports);
 * references inside the Bundle use them. An item that could not be assessed carries no answer but the
 * standard data-absent-reason extension ("not-performed"; "asked-unknown" for "I don't know";
 * "asked-declined" for a skipped weight). Validated in tests against HL7's R4 JSON schema.
 */
import { DateTime } from 'luxon';
import { DOMAINS, INSTRUMENT, type AnswerKind, type Domain, type ItemId } from '../../flows/step1/instrument.js';
import type { ExportedScreening } from './load.js';
import { uuidFromName } from './pseudonym.js';
import { CHAIR_THRESHOLD_SECONDS, type ItemReading } from './readings.js';

/**
 * The base of this bot's FHIR definitions. The project publishes none yet: `.invalid` (RFC 2606)
 * says so plainly and can never resolve to someone else's server. A network that publishes its
 * definitions replaces it with its own address; the ids after it stay.
 */
export const FHIR_CANONICAL_BASE = 'https://icope-step1-bot.invalid/fhir';

export const QUESTIONNAIRE_URL = `${FHIR_CANONICAL_BASE}/Questionnaire/${INSTRUMENT.id}`;
export const DOMAIN_SYSTEM = `${FHIR_CANONICAL_BASE}/CodeSystem/icope-domain`;
export const RESULT_SYSTEM = `${FHIR_CANONICAL_BASE}/CodeSystem/icope-domain-result`;
export const ANSWER_SYSTEM = `${FHIR_CANONICAL_BASE}/CodeSystem/icope-step1-answer`;
export const PSEUDONYM_SYSTEM = `${FHIR_CANONICAL_BASE}/NamingSystem/person-pseudonym`;
export const SCREENING_SYSTEM = `${FHIR_CANONICAL_BASE}/NamingSystem/screening-pseudonym`;
const DATA_ABSENT_REASON_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';
const DATA_ABSENT_REASON_SYSTEM = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';
const OBSERVATION_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-category';

/** A FHIR resource as plain JSON. */
export type Resource = { resourceType: string; id?: string } & Record<string, unknown>;
export interface BundleEntry {
  fullUrl: string;
  resource: Resource;
}
export interface Bundle {
  resourceType: 'Bundle';
  type: 'collection';
  timestamp: string;
  entry: BundleEntry[];
}
interface Coding {
  system: string;
  code: string;
  display: string;
}

const DOMAIN_DISPLAY: Record<Domain, string> = {
  cognition: 'Cognitive capacity',
  mobility: 'Locomotor capacity (mobility)',
  nutrition: 'Vitality (nutrition)',
  vision: 'Visual capacity',
  hearing: 'Hearing capacity',
  mood: 'Psychological capacity (mood)',
};
const RESULT_DISPLAY = { normal: 'Normal', alert: 'Alert: worth a professional\'s closer look (Step 2)' } as const;

type AnswerCode = 'correct' | 'wrong' | 'incomplete' | 'dont-know' | 'under-threshold' | 'threshold-or-more' | 'unable';
const ANSWER_DISPLAY: Record<AnswerCode, string> = {
  correct: 'Correct',
  wrong: 'Wrong',
  incomplete: 'Incomplete (no year, even when asked again)',
  'dont-know': "Doesn't know",
  'under-threshold': `Five rises in under ${CHAIR_THRESHOLD_SECONDS} seconds`,
  'threshold-or-more': `Five rises took ${CHAIR_THRESHOLD_SECONDS} seconds or more`,
  unable: 'Could not rise five times',
};
const answerCoding = (code: AnswerCode): Coding => ({ system: ANSWER_SYSTEM, code, display: ANSWER_DISPLAY[code] });

/** Questionnaire item types by kind of answer. The three words (C2) are an instruction: a display item. */
const ITEM_TYPE: Record<AnswerKind, string> = {
  yesNo: 'boolean',
  wordsToRemember: 'display',
  date: 'choice',
  weekday: 'choice',
  recall: 'integer',
  chairRise: 'choice',
  weightKg: 'decimal',
  whisper: 'boolean',
};
const CHOICES: Partial<Record<AnswerKind, AnswerCode[]>> = {
  date: ['correct', 'wrong', 'incomplete', 'dont-know'],
  weekday: ['correct', 'wrong', 'dont-know'],
  chairRise: ['under-threshold', 'threshold-or-more', 'unable'],
};
/** The chair rise's time, when timed or told, is its own item after M1. */
const M1_SECONDS = 'M1_seconds';

function codeSystem(id: string, url: string, title: string, concepts: Array<{ code: string; display: string }>): Resource {
  return {
    resourceType: 'CodeSystem',
    id,
    url,
    version: '1',
    name: id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
    title,
    status: 'active',
    caseSensitive: true,
    content: 'complete',
    concept: concepts,
  };
}

export function codeSystems(): Resource[] {
  return [
    codeSystem('icope-domain', DOMAIN_SYSTEM, 'ICOPE intrinsic-capacity domains (Step 1)', DOMAINS.map((d) => ({ code: d, display: DOMAIN_DISPLAY[d] }))),
    codeSystem('icope-domain-result', RESULT_SYSTEM, 'ICOPE Step 1 domain results', [
      { code: 'normal', display: RESULT_DISPLAY.normal },
      { code: 'alert', display: RESULT_DISPLAY.alert },
    ]),
    codeSystem('icope-step1-answer', ANSWER_SYSTEM, 'ICOPE Step 1 answer codes (chat adaptation)', Object.entries(ANSWER_DISPLAY).map(([code, display]) => ({ code, display }))),
  ];
}

/** The Questionnaire of the current instrument version. */
export function questionnaire(): Resource {
  const current = INSTRUMENT.changelog.find((c) => c.version === INSTRUMENT.version);
  const items = INSTRUMENT.items.flatMap((i) => {
    const choices = CHOICES[i.answer];
    const item: Record<string, unknown> = {
      linkId: i.id,
      text: i.asks,
      type: ITEM_TYPE[i.answer],
      ...(choices ? { answerOption: choices.map((c) => ({ valueCoding: answerCoding(c) })) } : {}),
    };
    if (i.answer !== 'chairRise') return [item];
    return [item, { linkId: M1_SECONDS, text: 'Time for the five rises, in seconds (when timed or told).', type: 'decimal' }];
  });
  return {
    resourceType: 'Questionnaire',
    id: INSTRUMENT.id,
    url: QUESTIONNAIRE_URL,
    version: String(INSTRUMENT.version),
    name: 'WhoIcopeStep1Chat',
    title: 'WHO ICOPE Step 1 screening, adapted for a chat',
    status: 'active',
    ...(current ? { date: current.date } : {}),
    description: INSTRUMENT.source,
    subjectType: ['Patient'],
    item: items,
  };
}

/** "who-icope-step1-chat-2" → "2"; a name of another instrument stays whole. */
export function questionnaireVersionOf(stored: string): string {
  const prefix = `${INSTRUMENT.id}-`;
  return stored.startsWith(prefix) ? stored.slice(prefix.length) : stored;
}

const absent = (code: 'not-performed' | 'asked-unknown' | 'asked-declined') => ({ extension: [{ url: DATA_ABSENT_REASON_EXTENSION, valueCode: code }] });

/** The QuestionnaireResponse item of one reading, or none (not part of the screening, or a display item). */
function responseItem(linkId: ItemId, text: string, r: ItemReading): Array<Record<string, unknown>> {
  const base = { linkId, text };
  switch (r.kind) {
    case 'absent':
    case 'presented':
      return [];
    case 'not_assessed':
      return linkId === 'C2' ? [] : [{ ...base, ...absent('not-performed') }];
    case 'skipped':
      return [{ ...base, ...absent('asked-declined') }];
    case 'yesNo':
      return [r.yes === null ? { ...base, ...absent('asked-unknown') } : { ...base, answer: [{ valueBoolean: r.yes }] }];
    case 'orientation':
      return [{ ...base, answer: [{ valueCoding: answerCoding(r.result === 'dont_know' ? 'dont-know' : r.result) }] }];
    case 'recall':
      return [{ ...base, answer: [{ valueInteger: r.recalled }] }];
    case 'chair': {
      const code: AnswerCode = r.result === 'unable' ? 'unable' : r.result === 'under_threshold' ? 'under-threshold' : 'threshold-or-more';
      const item = { ...base, answer: [{ valueCoding: answerCoding(code) }] };
      const seconds = r.seconds !== undefined ? [{ linkId: M1_SECONDS, text: 'Time for the five rises, in seconds (when timed or told).', answer: [{ valueDecimal: r.seconds }] }] : [];
      return [item, ...seconds];
    }
    case 'whisper':
      return [{ ...base, answer: [{ valueBoolean: r.passed }] }];
    case 'weight':
      return [{ ...base, answer: [{ valueDecimal: r.kg }] }];
  }
}

const urn = (name: string) => `urn:uuid:${uuidFromName(name)}`;

function screeningResources(s: ExportedScreening, patientUrl: string, timeZone: string): BundleEntry[] {
  const authored = DateTime.fromJSDate(s.completedAt, { zone: timeZone }).toISO({ suppressMilliseconds: true })!;
  const responseUrl = urn(`QuestionnaireResponse/${s.screeningCode}`);
  const response: Resource = {
    resourceType: 'QuestionnaireResponse',
    id: s.screeningCode,
    identifier: { system: SCREENING_SYSTEM, value: s.screeningCode },
    questionnaire: `${QUESTIONNAIRE_URL}|${questionnaireVersionOf(s.questionnaireVersion)}`,
    status: 'completed',
    subject: { reference: patientUrl },
    authored,
    item: INSTRUMENT.items.flatMap((i) => responseItem(i.id, i.asks, s.items[i.id])),
  };
  const observations = DOMAINS.flatMap((domain): BundleEntry[] => {
    const result = s.results[domain];
    if (!result) return [];
    const value =
      result.status === 'not_assessed'
        ? { dataAbsentReason: { coding: [{ system: DATA_ABSENT_REASON_SYSTEM, code: 'not-performed', display: 'Not Performed' }], text: 'Not assessed' } }
        : { valueCodeableConcept: { coding: [{ system: RESULT_SYSTEM, code: result.status, display: RESULT_DISPLAY[result.status] }], text: result.status } };
    const id = `${s.screeningCode}-${domain}`;
    return [
      {
        fullUrl: urn(`Observation/${id}`),
        resource: {
          resourceType: 'Observation',
          id,
          status: 'final',
          category: [{ coding: [{ system: OBSERVATION_CATEGORY_SYSTEM, code: 'survey', display: 'Survey' }] }],
          code: { coding: [{ system: DOMAIN_SYSTEM, code: domain, display: DOMAIN_DISPLAY[domain] }], text: DOMAIN_DISPLAY[domain] },
          subject: { reference: patientUrl },
          effectiveDateTime: authored,
          ...value,
          derivedFrom: [{ reference: responseUrl }],
        },
      },
    ];
  });
  return [{ fullUrl: responseUrl, resource: response }, ...observations];
}

export function toFhirBundle(screenings: readonly ExportedScreening[], o: { timeZone: string; now: Date }): Bundle {
  const entries: BundleEntry[] = [
    { fullUrl: QUESTIONNAIRE_URL, resource: questionnaire() },
    ...codeSystems().map((cs) => ({ fullUrl: cs.url as string, resource: cs })),
  ];
  const patients = new Map<string, string>();
  for (const s of screenings) {
    let patientUrl = patients.get(s.pseudonym);
    if (!patientUrl) {
      patientUrl = urn(`Patient/${s.pseudonym}`);
      patients.set(s.pseudonym, patientUrl);
      entries.push({ fullUrl: patientUrl, resource: { resourceType: 'Patient', id: s.pseudonym, identifier: [{ system: PSEUDONYM_SYSTEM, value: s.pseudonym }] } });
    }
    entries.push(...screeningResources(s, patientUrl, o.timeZone));
  }
  return { resourceType: 'Bundle', type: 'collection', timestamp: o.now.toISOString(), entry: entries };
}

export function toFhirJson(screenings: readonly ExportedScreening[], o: { timeZone: string; now: Date }): string {
  return `${JSON.stringify(toFhirBundle(screenings, o), null, 2)}\n`;
}
