/**
 * The conversation corpus: answers as people type them (tests/corpus/<lang>/answers.json) and words of
 * danger with their look-alikes (safety.json), written without looking at the lexicons. Each case is
 * played through the engine on SQLite; this module reaches a question and reads back what was stored.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dateIsRight, weekdayIsRight } from '../../flows/step1/dates.js';
import type { AnswerValue, ItemId, StepId } from '../../flows/step1/types.js';
import type { Harness } from '../helpers/harness.js';

const DIR = path.dirname(fileURLToPath(import.meta.url));

export type Expect = string | number;
export interface Case {
  say: string;
  expect: Expect;
  seconds?: number;
  note?: string;
}
export interface AnswerCorpus {
  lang: string;
  today: string;
  items: Record<string, Case[]>;
}
export interface SafetyCorpus {
  lang: string;
  distress: Array<string>;
  emergency: Array<string>;
  notDistress: Array<{ say: string; note?: string }>;
  notEmergency: Array<{ say: string; note?: string }>;
}

/** Every file of a kind for a language: answers.json, answers-2.json (a held-out set written later)… */
function files<T>(lang: string, kind: 'answers' | 'safety'): T[] {
  return readdirSync(path.join(DIR, lang))
    .filter((f) => f.startsWith(kind) && f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(DIR, lang, f), 'utf8')) as T);
}

export function answerCorpus(lang: string): AnswerCorpus {
  const all = files<AnswerCorpus>(lang, 'answers');
  const items: Record<string, Case[]> = {};
  for (const file of all) for (const [item, cases] of Object.entries(file.items)) items[item] = [...(items[item] ?? []), ...cases];
  return { lang, today: all[0]!.today, items };
}

export function safetyCorpus(lang: string): SafetyCorpus {
  const all = files<SafetyCorpus>(lang, 'safety');
  // Phrases are strings, or { say, note } objects in the later files.
  const say = (x: string | { say: string }) => (typeof x === 'string' ? x : x.say);
  return {
    lang,
    distress: all.flatMap((f) => f.distress.map(say)),
    emergency: all.flatMap((f) => f.emergency.map(say)),
    notDistress: all.flatMap((f) => f.notDistress),
    notEmergency: all.flatMap((f) => f.notEmergency),
  };
}

/** What the flow holds for a contact: read from the stored snapshot. */
export interface FlowState {
  value: string;
  step: StepId;
  mode?: string;
  consented: boolean;
  pending?: { kind: string };
}

export async function flowState(h: Harness, address: string): Promise<FlowState> {
  const row = await h.db.read((db) =>
    db.conversation.findFirst({ where: { contact: { address } }, select: { snapshot: true } }),
  );
  const snap = JSON.parse(row!.snapshot) as { value: string; context: FlowState };
  return { ...snap.context, value: String(snap.value) };
}

export async function lastAnswer(h: Harness, address: string, item: ItemId): Promise<{ id: number; value: AnswerValue; askedAt: Date; answeredAt: Date } | undefined> {
  const row = await h.db.read((db) =>
    db.answer.findFirst({ where: { item, screening: { contact: { address } } }, orderBy: { id: 'desc' } }),
  );
  return row ? { id: row.id, value: JSON.parse(row.value) as AnswerValue, askedAt: row.askedAt, answeredAt: row.answeredAt } : undefined;
}

/** Canonical answers that move a self-mode screening on, step by step (numbers pick choices). */
const ON: Record<string, (lang: string) => string> = {
  consent: () => '1',
  who: () => '1',
  helperKind: () => '1',
  place: (lang) => (lang === 'fr' ? 'passer' : 'skip'),
  personConsent: () => '1',
  firstName: () => 'Jeanne',
  birthYear: () => '1947',
  postcode: () => '31000',
  C2: () => '1',
  C3_date: () => '22/11/2026',
  C3_day: (lang) => (lang === 'fr' ? 'dimanche' : 'sunday'),
  C1: () => '2',
  M1: () => '2',
  N1: () => '2',
  N2: () => '2',
  N3: () => '65',
  V1: () => '2',
  H1: () => '2',
  H2: () => '1',
  P1: () => '2',
  P2: () => '2',
};

/** Plays a new contact up to `target` (helper mode when the whisper test is wanted). */
export async function reach(h: Harness, address: string, target: StepId, lang: string): Promise<void> {
  await h.say(lang === 'fr' ? 'bonjour' : 'hello', address);
  for (let guard = 0; guard < 30; guard++) {
    const state = await flowState(h, address);
    if (state.step === target) return;
    const answer = state.step === 'who' && target === 'H2' ? '3' : ON[state.step]?.(lang);
    if (!answer) throw new Error(`cannot move on from ${state.step}`);
    await h.say(answer, address);
  }
  throw new Error(`never reached ${target}`);
}

export type Outcome =
  | { kind: 'recorded'; value: AnswerValue; askedAt: Date; answeredAt: Date }
  | { kind: 'clarify' }
  | { kind: 'year' }
  | { kind: 'step'; step: StepId }
  | { kind: 'none' };

/** Sends one answer at the current item and says what became of it. */
export async function answerAt(h: Harness, address: string, item: ItemId, text: string): Promise<Outcome> {
  const before = await lastAnswer(h, address, item);
  await h.say(text, address);
  const after = await lastAnswer(h, address, item);
  if (after && after.id !== before?.id) return { kind: 'recorded', value: after.value, askedAt: after.askedAt, answeredAt: after.answeredAt };
  const state = await flowState(h, address);
  if (state.pending?.kind === 'clarify') return { kind: 'clarify' };
  if (state.pending?.kind === 'year') return { kind: 'year' };
  if (state.step !== item) return { kind: 'step', step: state.step };
  return { kind: 'none' };
}

/** Does the outcome match what the corpus expects for `item`? Returns a reason when it does not. */
export function judge(item: string, c: Case, o: Outcome, timeZone: string): string | undefined {
  const v = o.kind === 'recorded' ? (o.value as Record<string, unknown>) : undefined;
  const got = JSON.stringify(o.kind === 'recorded' ? o.value : o);
  const e = c.expect;
  const notRecorded = o.kind === 'none' || o.kind === 'clarify';
  switch (item) {
    case 'C1': case 'N1': case 'N2': case 'V1': case 'H1': case 'P1': case 'P2': {
      if (e === 'ask') return o.kind === 'clarify' ? undefined : got;
      if (e === 'unclear') return notRecorded ? undefined : got;
      const want = e === 'yes' ? true : e === 'no' ? false : null;
      return v && 'yes' in v && v.yes === want ? undefined : got;
    }
    case 'C3_date':
    case 'C3_day': {
      if (e === 'noYear') return o.kind === 'year' ? undefined : got;
      if (e === 'unclear') return notRecorded ? undefined : got;
      if (!v || !('date' in v) || o.kind !== 'recorded') return got;
      const date = v.date as { dontKnow?: boolean };
      if (e === 'dontKnow') return date.dontKnow ? undefined : got;
      const instants = [o.askedAt, o.answeredAt];
      const right = item === 'C3_date' ? dateIsRight(v.date as never, instants, timeZone) : weekdayIsRight(v.date as never, instants, timeZone);
      return (e === 'right') === right && !date.dontKnow ? undefined : got;
    }
    case 'M1': {
      if (e === 'timer') return o.kind === 'step' && o.step === 'M1_timer' ? undefined : got;
      if (e === 'ask') return o.kind === 'none' || (o.kind === 'step' && o.step === 'M1_confirm') ? undefined : got;
      if (e === 'unclear') return o.kind === 'none' ? undefined : got;
      if (!v || v.chair !== e) return got;
      if (c.seconds !== undefined && v.seconds !== c.seconds) return got;
      return undefined;
    }
    case 'N3': {
      if (e === 'skip') return v && v.status === 'skipped' ? undefined : got;
      if (e === 'unclear') return notRecorded ? undefined : got;
      return v && typeof v.weightKg === 'number' && Math.abs(v.weightKg - Number(e)) <= 0.15 ? undefined : got;
    }
    case 'H2': {
      if (e === 'unclear') return notRecorded ? undefined : got;
      return v && v.whisper === (e === 'right') ? undefined : got;
    }
    case 'C4':
      return v && v.recalled === e ? undefined : got;
    default:
      return `no judge for ${item}`;
  }
}
