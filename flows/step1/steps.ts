/**
 * The steps of a Step 1 conversation: the intake questions, then the instrument's items in its
 * order, then the callback number when one is needed. What each step asks, which choices it
 * offers, and how its answer is read. Pure.
 */
import { calendarDate, isCompleteDate, parseDate, parseWeekday, type DateAnswer } from './dates.js';
import { INSTRUMENT, itemOf, itemsFor, type ItemId } from './instrument.js';
import type { CommandName, Lexicon, Readers, YesNoItem } from './lexicon.js';
import { allOf, phraseSet, YES_NO_ITEMS } from './lexicon.js';
import { readChairRise } from './reading/durations.js';
import { readWeightKg } from './reading/durations.js';
import { hasNumberWords, withDigits } from './reading/numbers.js';
import { readYesNo } from './reading/yesNo.js';
import { countRecalled } from './recall.js';
import { findPhrases, overlaps, type Phrase, type Span } from './phrases.js';
import { containsPhrase, equalsPhrase, normalize, phraseIndex, words } from './text.js';
import type { AnswerValue, ChairResult, ChoiceSpec, Clarity, KnownPerson, Mode, Part, StepId } from './types.js';
import { CLARITY, HELPER_KINDS } from './types.js';

export const INTAKE: readonly StepId[] = ['consent', 'who', 'helperKind', 'place', 'person', 'firstName', 'personConsent', 'birthYear', 'postcode'];
const CHAIR_STEPS: readonly StepId[] = ['M1_timer', 'M1_confirm', 'M1_manual'];

/** Every step in conversation order (the chair-rise parts right after the chair rise). */
export const STEP_ORDER: readonly StepId[] = [
  ...INTAKE,
  ...INSTRUMENT.items.flatMap((i): StepId[] => (i.id === 'M1' ? ['M1', ...CHAIR_STEPS] : [i.id])),
  'phoneWhose',
  'phone',
  'gp',
];

/** What the flow knows while a screening runs; a slice of the machine context. */
export interface ScreeningState {
  id: string;
  personId: string;
  newPerson: boolean;
  kind: 'initial' | 'follow_up';
  mode: Mode;
  wordSet: number;
  words: string[];
  needsDetails: { firstName: boolean; birthYear: boolean; postcode: boolean };
  firstName?: string;
  previousWeightKg?: number;
  phoneKnown: boolean;
  /** The person's GP is known (or known not to exist): not asked. */
  gpKnown?: boolean;
  /** The person's own consent is on record (or they are the one typing). */
  consented: boolean;
}

/** A question asked again in another form before its answer is recorded. */
export type Pending =
  /** A hedge ("pas souvent"): "rather yes or rather no?". */
  | { kind: 'clarify'; raw: string }
  /** A date without its year: the year is asked for once. */
  | { kind: 'year'; date: DateAnswer; raw: string };

export interface Timer {
  startedAt: string;
  /** The measured time, waiting for confirmation. */
  seconds?: number;
  /** The measure could not be trusted (a restart happened meanwhile). */
  unreliable?: true;
}

export interface StepContext {
  lang: string;
  /** The person's time zone, to check dates against. */
  timeZone: string;
  consented: boolean;
  mode?: Mode;
  persons: KnownPerson[];
  screening?: ScreeningState;
  answers: Partial<Record<ItemId, { value: AnswerValue }>>;
  pending?: Pending;
  timer?: Timer;
  /** The phone question offers the channel's share-contact button. */
  phoneButton?: boolean;
  /** When the current question was asked. */
  askedAt?: string;
  /** Helper mode: the kind of helper, the place of this screening day (null: not given), the day's id. */
  /** `done`: the persons screened in this session, not offered again for "another person". */
  helper?: { kind?: string; place?: string | null; sessionId?: string; lastPlace?: string; done?: string[] };
  /** Whose number the phone question is asking for. */
  phoneFor?: 'person' | 'typer';
}

/** Reads a translated label, so typed words can be matched against the buttons' text. */
export type LabelOf = (lang: string, part: Part) => string;

export interface FlowDeps {
  readers: Readers;
  labelOf: LabelOf;
  languages: readonly string[];
}

/** The answer to a step once read. */
export type StepValue =
  | { step: 'consent'; agree: boolean }
  | { step: 'who'; mode: Mode }
  | { step: 'person'; personId: string | null; firstName?: string }
  | { step: 'firstName'; firstName: string | null }
  | { step: 'birthYear'; birthYear: number }
  | { step: 'postcode'; postcode: string }
  | { step: 'phone'; phone: string | null }
  | { step: 'phoneWhose'; whose: 'person' | 'typer' | null }
  | { step: 'gp'; hasGp: 'yes' | 'no' | null; gpName?: string }
  | { step: 'helperKind'; kind: string }
  | { step: 'place'; place: string | null }
  | { step: 'personConsent'; agree: boolean }
  | { step: ItemId; item: ItemId; value: AnswerValue }
  /** The chair rise goes on to another of its parts. */
  | { step: 'chair'; next: 'M1_timer' | 'M1_confirm' | 'M1_manual'; timer?: Timer }
  /** Asked again in another form: the hedge, the missing year. */
  | { step: 'pending'; pending: Pending };

/** `understood`: the reply was read, but cannot be taken as it is (an age for a year): no "not understood", no miss. */
export type Parsed = { ok: true; value: StepValue } | { ok: false; hint?: Part; understood?: true };

export interface Reply {
  text?: string;
  choice?: string;
  phone?: string;
  at: string;
  engineStartedAt?: string;
}

const OPTIONAL: Partial<Record<StepId, true>> = { firstName: true, N3: true, place: true, gp: true };

export function isOptional(step: StepId): boolean {
  return OPTIONAL[step] === true;
}

export function isItem(step: StepId): step is ItemId {
  return INSTRUMENT.items.some((i) => i.id === step);
}

/** The item a step belongs to (the chair-rise parts belong to M1). */
export function itemOfStep(step: StepId): ItemId | undefined {
  if (CHAIR_STEPS.includes(step)) return 'M1';
  return isItem(step) ? step : undefined;
}

function isYesNo(step: StepId): step is YesNoItem {
  return (YES_NO_ITEMS as readonly StepId[]).includes(step);
}

const accompanied = (ctx: StepContext) => ctx.mode !== undefined && ctx.mode !== 'self';

/** The person's first name for the wording, or '' (rendered "la personne" / "the person"). */
export function nameOf(ctx: StepContext): string {
  return ctx.screening?.firstName ?? '';
}

function included(step: StepId, ctx: StepContext): boolean {
  const s = ctx.screening;
  switch (step) {
    case 'consent':
      return !ctx.consented;
    case 'helperKind':
      return ctx.mode === 'helper' && !ctx.helper?.kind;
    case 'place':
      return ctx.mode === 'helper' && ctx.helper?.place === undefined;
    case 'person':
      return accompanied(ctx) && !s && ctx.persons.some((p) => !p.self);
    case 'personConsent':
      return !!s && accompanied(ctx) && !s.consented;
    case 'firstName':
    case 'birthYear':
    case 'postcode':
      return !!s && s.needsDetails[step];
    case 'M1_timer':
    case 'M1_confirm':
    case 'M1_manual':
    case 'phoneWhose':
    case 'phone':
    case 'gp':
      return false; // reached only from the chair rise, or after the last item when needed
    default:
      return isItem(step) ? itemsFor(accompanied(ctx)).some((i) => i.id === step) : true;
  }
}

/** The step after `step`, or 'done' after the last item. */
export function nextStep(step: StepId, ctx: StepContext): StepId | 'done' {
  const from = CHAIR_STEPS.includes(step) ? STEP_ORDER.indexOf('M1_manual') : STEP_ORDER.indexOf(step);
  for (let i = from + 1; i < STEP_ORDER.length; i++) {
    if (included(STEP_ORDER[i]!, ctx)) return STEP_ORDER[i]!;
  }
  return 'done';
}

export function firstStep(ctx: StepContext): StepId {
  return included('consent', ctx) ? 'consent' : 'who';
}

/** "Question n of total": the instrument's items of this screening, the chair-rise parts sharing its number. */
export function progress(step: StepId, ctx: StepContext): { n: number; total: number } | undefined {
  const item = itemOfStep(step);
  if (!item) return undefined;
  const items = itemsFor(accompanied(ctx));
  return { n: items.findIndex((i) => i.id === item) + 1, total: items.length };
}

const yesNoChoices: ChoiceSpec[] = [
  { id: 'yes', label: { key: 'choice.yes' } },
  { id: 'no', label: { key: 'choice.no' } },
];

const clarifyChoices: ChoiceSpec[] = [
  { id: 'yes', label: { key: 'choice.ratherYes' } },
  { id: 'no', label: { key: 'choice.ratherNo' } },
];

const chairChoices: ChoiceSpec[] = [
  { id: 'fast', label: { key: 'item.M1_fast' } },
  { id: 'slow', label: { key: 'item.M1_slow' } },
  { id: 'unable', label: { key: 'item.M1_unable' } },
];

export function choicesFor(step: StepId, ctx: StepContext): ChoiceSpec[] | undefined {
  if (ctx.pending?.kind === 'clarify') return clarifyChoices;
  if (isYesNo(step)) return yesNoChoices;
  switch (step) {
    case 'consent':
      return [
        { id: 'agree', label: { key: 'choice.agree' } },
        { id: 'disagree', label: { key: 'choice.disagree' } },
      ];
    case 'who':
      return [
        { id: 'self', label: { key: 'flow.whoSelf' } },
        { id: 'relative', label: { key: 'flow.whoRelative' } },
        { id: 'helper', label: { key: 'flow.whoHelper' } },
      ];
    case 'helperKind':
      return HELPER_KINDS.map((k) => ({ id: k, label: { key: `helperKind.${k}` } }));
    case 'place':
      return [
        ...(ctx.helper?.lastPlace ? [{ id: 'last', label: { key: 'flow.placeLast', vars: { place: ctx.helper.lastPlace } } }] : []),
        { id: 'skip', label: { key: 'choice.skip' } },
      ];
    case 'person':
      return [
        ...ctx.persons.filter((p) => !p.self).slice(-8).map((p) => ({ id: `p:${p.id}`, label: personLabel(p) })),
        { id: 'new', label: { key: 'flow.personNew' } },
      ];
    case 'personConsent':
      return [
        { id: 'agree', label: { key: 'choice.personAgrees', vars: { name: nameOf(ctx) } } },
        { id: 'disagree', label: { key: 'choice.personDisagrees', vars: { name: nameOf(ctx) } } },
      ];
    case 'phoneWhose':
      return [
        { id: 'person', label: { key: 'choice.phonePerson', vars: { name: nameOf(ctx) } } },
        { id: 'typer', label: { key: 'choice.phoneMine' } },
        { id: 'no_phone', label: { key: 'choice.noPhone' } },
      ];
    case 'gp':
      return [
        { id: 'no_gp', label: { key: 'choice.noGp' } },
        { id: 'skip', label: { key: 'choice.skip' } },
      ];
    case 'firstName':
    case 'N3':
      return [{ id: 'skip', label: { key: 'choice.skip' } }];
    case 'C2':
      return [{ id: 'ready', label: other(ctx) ? { key: 'choice.ready_helper', vars: { name: nameOf(ctx) } } : { key: 'choice.ready' } }];
    case 'phone':
      return [...(ctx.phoneButton ? [{ id: 'share_phone', label: { key: 'choice.sharePhone' } }] : []), { id: 'no_phone', label: { key: 'choice.noPhone' } }];
    case 'M1':
      return [{ id: 'start', label: { key: 'item.M1_start' } }, ...chairChoices];
    case 'M1_timer':
      return [
        { id: 'done', label: { key: 'item.M1_done' } },
        { id: 'unable', label: { key: 'item.M1_timerUnable' } },
      ];
    case 'M1_confirm':
      return [
        { id: 'right', label: { key: 'item.M1_confirmRight' } },
        { id: 'correct', label: { key: 'item.M1_confirmCorrect' } },
      ];
    case 'M1_manual':
      return chairChoices;
    case 'H2':
      return [
        { id: 'right', label: { key: 'item.H2_right' } },
        { id: 'wrong', label: { key: 'item.H2_wrong' } },
      ];
    default:
      return undefined;
  }
}

function personLabel(p: KnownPerson): Part {
  if (p.firstName && p.birthYear) return { key: 'flow.personKnown', vars: { name: p.firstName, year: p.birthYear } };
  if (p.firstName) return { key: 'flow.personKnownNoYear', vars: { name: p.firstName } };
  return { key: 'flow.personUnnamed', vars: { year: p.birthYear ?? '?' } };
}

/** Seconds the way the person's language writes them: "12,4" in French, "12.4" in English. */
function seconds(lang: string, value: number): string {
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(value);
}

/** The question itself (without progress or notices). */
export function promptFor(step: StepId, ctx: StepContext, short = false): Part[] {
  const other = accompanied(ctx);
  const name = nameOf(ctx);
  if (ctx.pending?.kind === 'clarify') return [{ key: 'common.clarify' }];
  if (ctx.pending?.kind === 'year') return [{ key: other ? 'item.C3_year_helper' : 'item.C3_year', vars: { name } }];
  switch (step) {
    case 'consent':
      return [{ key: short ? 'flow.consentShort' : 'flow.consent' }];
    case 'helperKind':
      return [{ key: 'flow.helperKind' }];
    case 'place':
      return [{ key: 'flow.place' }];
    case 'personConsent':
      return [{ key: short ? 'flow.personConsentShort' : 'flow.personConsent', vars: { name } }];
    case 'phoneWhose':
      return [{ key: 'flow.phoneWhose', vars: { name } }];
    case 'gp':
      return [{ key: other ? 'flow.gpOther' : 'flow.gpSelf', vars: { name } }];
    case 'who':
      return [{ key: 'flow.who' }];
    case 'person':
      return [{ key: 'flow.person' }];
    case 'firstName':
      return [{ key: other ? 'flow.firstNameOther' : 'flow.firstNameSelf' }];
    case 'birthYear':
      return [{ key: other ? 'flow.birthYearOther' : 'flow.birthYearSelf', vars: { name } }];
    case 'postcode':
      return [{ key: other ? 'flow.postcodeOther' : 'flow.postcodeSelf', vars: { name } }];
    case 'phone':
      if (ctx.phoneFor === 'person') return [{ key: 'flow.phonePerson', vars: { name } }];
      return [{ key: ctx.phoneButton ? 'flow.phone' : 'flow.phoneTyped' }];
    case 'C2':
      return [{ key: other ? 'item.C2_helper' : 'item.C2', vars: { words: (ctx.screening?.words ?? []).join(', '), name } }];
    case 'M1_timer':
      return [{ key: other ? 'item.M1_timer_helper' : 'item.M1_timer', vars: { name } }];
    case 'M1_confirm': {
      const s = ctx.timer?.seconds ?? 0;
      const key = s < INSTRUMENT.implausibleChairSeconds ? 'item.M1_confirmFast' : 'item.M1_confirm';
      return [{ key, vars: { seconds: seconds(ctx.lang, s) } }];
    }
    case 'M1_manual':
      return [{ key: ctx.timer?.unreliable ? 'item.M1_unreliable' : 'item.M1_manual' }];
    default: {
      // With someone else typing: what the person must answer alone is put to the helper to ask;
      // what is about the person's life is asked about them.
      const item = itemOf(step);
      if (!other || item.answeredBy === 'helper') return [{ key: short ? `item.${step}_short` : `item.${step}`, vars: { name } }];
      const suffix = item.answeredBy === 'person' ? '_helper' : '_other';
      return [{ key: `item.${step}${suffix}`, vars: { name } }];
    }
  }
}

/** Steps whose question has a short form, used when it is asked again after a miss. */
export const SHORT_FORMS: Partial<Record<StepId, true>> = { consent: true, personConsent: true, M1: true };

export function helpFor(step: StepId, ctx: StepContext): Part {
  if (ctx.pending?.kind === 'clarify') return { key: 'help.clarify' };
  if (isYesNo(step)) return { key: 'help.yesno' };
  return { key: `help.${step}` };
}

/** Recognises a command typed as a whole message ("aide", "/help", "back"…), in any language. */
export function commandOf(text: string | undefined, readers: Readers): CommandName | undefined {
  if (text === undefined) return undefined;
  const raw = text.trim();
  if (raw === '?') return 'help';
  const slash = /^\/([a-z]+)/i.exec(raw);
  // Telegram's /start in the middle of a conversation: show where we are.
  if (slash && slash[1]!.toLowerCase() === 'start') return 'repeat';
  const normalized = normalize(slash ? slash[1]! : raw);
  if (normalized.length === 0) return undefined;
  const names = Object.keys(Object.values(readers.lexicons)[0]!.commands) as CommandName[];
  return names.find((name) => phraseSet(readers.lexicons, `command:${name}`, (l) => l.commands[name]).has(normalized));
}

const SYNONYMS: Record<string, (l: Lexicon) => string[]> = {
  no_phone: (x) => [...x.answers.no, ...x.commands.skip],
  start: (x) => x.commands.start,
  done: (x) => x.commands.done,
  skip: (x) => x.commands.skip,
  ready: (x) => [...x.answers.yes, ...x.commands.done, ...x.commands.start, ...x.answers.agree],
  another: (x) => [...x.answers.yes, ...x.answers.agree],
  finish: (x) => [...x.answers.no, ...x.commands.done, ...x.commands.stop],
  continue: (x) => x.choiceWords.continue,
  stop: (x) => x.choiceWords.stopNow,
};

/** The number of a choice on screen: "2", "n°2", "choix 2". Undefined when the text is not just that. */
export function choiceNumber(text: string): number | undefined {
  const m = /^(?:n|no|numero|number|option|choix|choice|reponse|answer)?\s*(\d{1,2})$/.exec(normalize(text));
  return m ? Number(m[1]) : undefined;
}

/** Which choice a reply picks: a button, its number, its words, or a synonym. Only the choices on screen. */
export function matchChoice(reply: Reply, choices: ChoiceSpec[], lang: string, deps: FlowDeps): string | undefined {
  if (reply.choice !== undefined) return choices.some((c) => c.id === reply.choice) ? reply.choice : undefined;
  if (reply.text === undefined) return undefined;
  const normalized = normalize(reply.text);
  const number = choiceNumber(reply.text);
  if (number !== undefined) return choices[number - 1]?.id;
  const bySynonym = choices.filter((c) => SYNONYMS[c.id] && phraseSet(deps.readers.lexicons, `synonym:${c.id}`, SYNONYMS[c.id]!).has(normalized));
  if (bySynonym.length === 1) return bySynonym[0]!.id;
  const labels = choices.map((c) => ({ id: c.id, label: normalize(deps.labelOf(lang, c.label)) }));
  const exact = labels.find((l) => l.label === normalized);
  if (exact) return exact.id;
  if (normalized.length >= 3) {
    const within = labels.filter((l) => phraseIndex(l.label, normalized) >= 0);
    if (within.length === 1) return within[0]!.id;
  }
  return undefined;
}

/** A yes/no read from a button, a number, or words. 'hedge': to be asked again. */
function yesNoOf(reply: Reply, item: YesNoItem | 'consent', choices: ChoiceSpec[], ctx: StepContext, deps: FlowDeps) {
  const picked = matchChoice(reply, choices, ctx.lang, deps);
  if (picked) return picked === 'yes' || picked === 'agree' ? 'yes' : 'no';
  if (reply.text === undefined || choiceNumber(reply.text) !== undefined) return undefined;
  return readYesNo(reply.text, item, deps.readers);
}

function chairValue(chair: ChairResult, how: 'timer' | 'typed' | 'choice', extra: { seconds?: number; corrected?: true } = {}): AnswerValue {
  return { status: 'answered', chair, how, ...extra };
}

/** A typed chair-rise answer: a time, "faster / slower than 14 s", or could not. */
function typedChair(text: string, ctx: StepContext, deps: FlowDeps, bareNumbers: boolean, corrected?: true): Parsed | undefined {
  const threshold = chairThreshold();
  const read = readChairRise(text, deps.readers, bareNumbers);
  if (!read) return undefined;
  const answered = (value: AnswerValue): Parsed => ({ ok: true, value: { step: 'M1', item: 'M1', value } });
  const extra = corrected ? { corrected } : {};
  switch (read.kind) {
    case 'unable':
      return answered(chairValue('unable', 'typed', { ...extra, ...(read.seconds !== undefined ? { seconds: read.seconds } : {}) }));
    case 'fast':
      return answered(chairValue('fast', 'typed', extra));
    case 'slow':
      return answered(chairValue('slow', 'typed', extra));
    case 'under':
      return read.seconds <= threshold ? answered(chairValue('fast', 'typed', extra)) : { ok: false, hint: { key: 'item.M1_needTime' } };
    case 'over':
      return read.seconds >= threshold - 1 ? answered(chairValue('slow', 'typed', extra)) : { ok: false, hint: { key: 'item.M1_needTime' } };
    case 'seconds':
      if (read.seconds < INSTRUMENT.implausibleChairSeconds) {
        return { ok: true, value: { step: 'chair', next: 'M1_confirm', timer: { startedAt: ctx.timer?.startedAt ?? '', seconds: read.seconds } } };
      }
      return answered(chairValue(read.seconds >= threshold ? 'slow' : 'fast', 'typed', { seconds: read.seconds, ...extra }));
    case 'range':
      // Both sides of 14 seconds: asked; otherwise the slower time counts.
      if (read.low < threshold && read.high >= threshold) return { ok: false, hint: { key: 'item.M1_needTime' } };
      return answered(chairValue(read.high >= threshold ? 'slow' : 'fast', 'typed', { seconds: read.high, ...extra }));
    case 'vague':
      return { ok: false, hint: { key: 'item.M1_needTime' } };
  }
}

const other = (ctx: StepContext) => ctx.mode !== undefined && ctx.mode !== 'self';

export function chairThreshold(): number {
  for (const r of INSTRUMENT.rules) for (const a of r.alertWhen) if (a.when === 'unableOrSecondsAtLeast') return a.seconds;
  throw new Error('the instrument has no chair-rise rule');
}

/** An age said instead of a year: "il a 79 ans", "I'm 80", "quatre-vingt-deux ans". */
function ageIn(prepared: string): number | undefined {
  const n = normalize(prepared);
  const age = /\b(\d{2,3})\s*(?:ans|an|years?|yrs?|y o)\b/.exec(n) ?? /\b(?:i m|im|i am|j ai|il a|elle a|he s|she s|he is|she is)\s+(\d{2,3})\b/.exec(n);
  return age ? Number(age[1]) : undefined;
}

/** A birth year: "1948", "48", "le 3 mars 1947", "3.3.47", "nineteen forty-eight"; not an age, a phone or a postcode. */
function readYear(text: string, at: string, deps: FlowDeps): number | undefined {
  // "1 9 4 9": digits typed apart.
  const joined = /^\s*(\d\s+){3}\d\s*$/.test(text) ? text.replace(/\s+/g, '') : text;
  if ((joined.match(/\d+/g) ?? []).length >= 4) return undefined; // a phone number
  const prepared = hasNumberWords(joined, deps.readers) ? withDigits(joined, deps.readers) : joined;
  const years = [...prepared.matchAll(/(?:^|\D)(1[89]\d\d|20\d\d)(?=\D|$)/g)].map((m) => Number(m[1]));
  // "1950 ou 51", "1947 or 48": not sure which, asked again.
  if (/(?:1[89]|20)\d\d\s*(?:ou|or|\/|-)\s*\d{2,4}\b/.test(prepared) || new Set(years).size > 1) return undefined;
  if (years.length > 0) {
    // "1961 mais j'ai 62 ans": a year and an age that disagree.
    const age = /\b(\d{2,3})\s*(?:ans|years?)\b/.exec(normalize(prepared)) ?? /\b(?:i m|im|i am|j ai)\s+(\d{2,3})\b/.exec(normalize(prepared));
    if (age && Math.abs(new Date(at).getUTCFullYear() - years[0]! - Number(age[1])) > 1) return undefined;
    return years[0];
  }
  if (/\d{5}/.test(prepared)) return undefined;
  // An age ("il a 79 ans", "I'm 80") is not a year: the caller offers the two years it may be.
  if (ageIn(prepared) !== undefined) return undefined;
  const date = /\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*(\d{2})(?:\D|$)/.exec(prepared);
  if (date) return 1900 + Number(date[1]);
  const twoDigits = prepared.match(/(?<!\d)\d{2}(?!\d)/g) ?? [];
  if (twoDigits.length >= 1) return 1900 + Number(twoDigits[twoDigits.length - 1]);
  return undefined;
}

/** "2 oui": a choice number and words that say the other choice. */
function contradicts(text: string, choices: ChoiceSpec[], reading: 'yes' | 'no' | undefined): boolean {
  const lead = /^\s*(\d)\b\s*\S/.exec(text);
  if (!lead || !reading) return false;
  const id = choices[Number(lead[1]) - 1]?.id;
  const says = id === 'yes' || id === 'agree' || id === 'right' ? 'yes' : id === 'no' || id === 'disagree' || id === 'wrong' ? 'no' : undefined;
  return says !== undefined && says !== reading;
}

/** Reads the reply to `step`. */
export function parseStep(step: StepId, reply: Reply, ctx: StepContext, deps: FlowDeps): Parsed {
  const choices = choicesFor(step, ctx) ?? [];
  const picked = choices.length > 0 ? matchChoice(reply, choices, ctx.lang, deps) : undefined;
  const text = reply.text?.trim() ?? '';
  const answered = (item: ItemId, value: AnswerValue): Parsed => ({ ok: true, value: { step: item, item, value } });

  if (isYesNo(step)) {
    const clarifying = ctx.pending?.kind === 'clarify';
    const read = yesNoOf(reply, step, choices, ctx, deps);
    if (read === undefined) return { ok: false };
    if ((read === 'yes' || read === 'no') && contradicts(text, choices, read)) return { ok: true, value: { step: 'pending', pending: { kind: 'clarify', raw: text } } };
    if (read === 'hedge') return clarifying ? { ok: false, hint: { key: 'help.clarify' } } : { ok: true, value: { step: 'pending', pending: { kind: 'clarify', raw: text } } };
    const yes = read === 'dontKnow' ? null : read === 'yes';
    return answered(step, { status: 'answered', yes, ...(clarifying ? { clarified: true as const } : {}) });
  }
  // In a test the person takes (the date, the words), the typer's own view is not their answer.
  const item = itemOfStep(step);
  if (item && ['date', 'weekday', 'recall'].includes(itemOf(item).answer) && other(ctx) && !picked && has(text, deps, (c) => c.helperOpinion)) {
    return { ok: false, understood: true, hint: { key: 'flow.onlyTheirAnswer', vars: { name: nameOf(ctx) } } };
  }
  switch (step) {
    case 'consent': {
      const read = picked ? (picked === 'agree' ? 'yes' : 'no') : text && choiceNumber(text) === undefined ? readYesNo(text, 'consent', deps.readers) : undefined;
      if ((read === 'yes' || read === 'no') && contradicts(text, choices, read)) return { ok: false };
      if (read === 'yes' || read === 'no') return { ok: true, value: { step, agree: read === 'yes' } };
      return { ok: false };
    }
    case 'who': {
      const mode = picked ?? (text && choiceNumber(text) === undefined ? readWho(text, deps) : undefined);
      return mode ? { ok: true, value: { step, mode: mode as Mode } } : { ok: false };
    }
    case 'helperKind': {
      const kind = picked ?? (text && choiceNumber(text) === undefined ? readHelperKind(text, deps) : undefined);
      return kind ? { ok: true, value: { step, kind } } : { ok: false };
    }
    case 'place': {
      if (picked === 'skip') return { ok: true, value: { step, place: null } };
      if (picked === 'last') return { ok: true, value: { step, place: ctx.helper?.lastPlace ?? null } };
      const place = text.replace(/\s+/g, ' ');
      if (place.length < 2 || place.length > 80 || !/\p{L}/u.test(place)) return { ok: false };
      return { ok: true, value: { step, place } };
    }
    case 'personConsent': {
      const read = picked ? (picked === 'agree' ? 'yes' : 'no') : text && choiceNumber(text) === undefined ? readYesNo(text, 'consent', deps.readers) : undefined;
      if ((read === 'yes' || read === 'no') && !contradicts(text, choices, read)) return { ok: true, value: { step, agree: read === 'yes' } };
      return { ok: false };
    }
    case 'gp': {
      if (picked === 'no_gp') return { ok: true, value: { step, hasGp: 'no' } };
      if (picked === 'skip' || onlyDontKnow(text, deps)) return { ok: true, value: { step, hasGp: null } };
      const n = normalize(text);
      // "pas de médecin traitant depuis deux ans" is a no, never a name.
      if (equalsPhrase(n, allOf(deps.readers.lexicons, (l) => l.answers.no)) || containsPhrase(n, allOf(deps.readers.lexicons, (l) => l.gpNone))) {
        return { ok: true, value: { step, hasGp: 'no' } };
      }
      if (equalsPhrase(n, allOf(deps.readers.lexicons, (l) => l.answers.yes))) return { ok: true, value: { step, hasGp: 'yes' } };
      if (!/\p{L}/u.test(text) || choiceNumber(text) !== undefined) return { ok: false };
      // A negation without a doctor's title ("je ne me souviens pas de son nom") is not a name: asked again.
      const negated = words(n).some((w) => allOf(deps.readers.lexicons, (l) => l.negations).includes(w));
      if (negated && !words(n).some((w) => allOf(deps.readers.lexicons, (l) => l.doctorTitles).includes(w))) return { ok: false };
      return { ok: true, value: { step, hasGp: 'yes', gpName: text.replace(/\s+/g, ' ').trim().slice(0, 100) } };
    }
    case 'phoneWhose': {
      if (picked === 'person' || picked === 'typer') return { ok: true, value: { step, whose: picked } };
      if (picked === 'no_phone') return { ok: true, value: { step, whose: null } };
      return { ok: false, hint: { key: 'flow.phoneWhoseHint' } };
    }
    case 'person': {
      if (picked) return { ok: true, value: { step, personId: picked === 'new' ? null : picked.slice(2) } };
      if (!text || choiceNumber(text) !== undefined) return { ok: false };
      // "Lucienne": a known person by first name, or a new one already named.
      const name = firstNameIn(text);
      if (!name || isAnswerWord(text, deps)) return { ok: false };
      const known = ctx.persons.filter((p) => !p.self && p.firstName && normalize(p.firstName) === normalize(name));
      if (known.length === 1) return { ok: true, value: { step, personId: known[0]!.id } };
      return known.length > 1 ? { ok: false } : { ok: true, value: { step, personId: null, firstName: name } };
    }
    case 'firstName': {
      // "non", "no": the name is not given (the question says it is optional); "oui" is no name.
      if (picked === 'skip' || equalsPhrase(normalize(text), allOf(deps.readers.lexicons, (l) => [...l.answers.no, ...l.answers.decline]))) return { ok: true, value: { step, firstName: null } };
      if (isAnswerWord(text, deps)) return { ok: false, hint: { key: 'flow.firstNameHint' } };
      const name = firstNameIn(text);
      if (!name) return { ok: false, hint: { key: 'flow.firstNameHint' } };
      return { ok: true, value: { step, firstName: name } };
    }
    case 'birthYear': {
      const year = readYear(text, reply.at, deps);
      if (year === undefined) {
        // "j'ai 80 ans": born in 1945 or 1946, which one is asked rather than guessed.
        const prepared = hasNumberWords(text, deps.readers) ? withDigits(text, deps.readers) : text;
        const age = ageIn(prepared);
        const now = new Date(reply.at).getUTCFullYear();
        if (age !== undefined && age >= 50 && age < 120) return { ok: false, understood: true, hint: { key: 'flow.birthYearFromAge', vars: { early: now - age - 1, late: now - age } } };
      }
      // Under 50 is taken for a slip (the helper's own year, a typo): asked again.
      if (year === undefined || year < 1900 || year > new Date(reply.at).getUTCFullYear() - 50) return { ok: false, hint: { key: 'flow.birthYearInvalid' } };
      return { ok: true, value: { step, birthYear: year } };
    }
    case 'postcode': {
      const code = postcodeIn(text, deps);
      return code ? { ok: true, value: { step, postcode: code } } : { ok: false, hint: { key: 'flow.postcodeInvalid' } };
    }
    case 'phone': {
      if (reply.phone) return { ok: true, value: { step, phone: reply.phone } };
      if (picked === 'no_phone') return { ok: true, value: { step, phone: null } };
      const digits = text.replace(/[\s.()-]/g, '');
      return plausiblePhone(digits) ? { ok: true, value: { step, phone: digits } } : { ok: false, hint: { key: 'flow.phoneInvalid' } };
    }
    case 'C2':
      // Any words say "ready"; a number that is not the one choice on screen, or a question, is not an answer.
      if (!picked && (choiceNumber(text) !== undefined || text.includes('?'))) return { ok: false, hint: { key: other(ctx) ? 'help.C2_helper' : 'help.C2' } };
      return answered('C2', { status: 'answered', ready: true });
    case 'C3_date':
      return parseDateStep(text, reply.at, ctx, deps);
    case 'C3_day': {
      const date = parseWeekday(text, deps.readers.lexicons);
      return date ? answered('C3_day', { status: 'answered', date }) : { ok: false, hint: { key: 'help.C3_day' } };
    }
    case 'M1': {
      if (picked === 'start') return { ok: true, value: { step: 'chair', next: 'M1_timer', timer: { startedAt: reply.at } } };
      if (picked) return answered('M1', chairValue(picked as ChairResult, 'choice'));
      const typed = typedChair(text, ctx, deps, true);
      if (typed) return typed;
      // "I don't know" (not done, not timed): not assessed, never normal.
      if (onlyDontKnow(text, deps)) return answered('M1', { status: 'not_assessed' });
      // "ok, ready, go": a short reply that says to start.
      if (words(normalize(text)).length <= 5 && has(text, deps, (c) => c.start)) return { ok: true, value: { step: 'chair', next: 'M1_timer', timer: { startedAt: reply.at } } };
      return { ok: false };
    }
    case 'M1_timer':
      return parseTimer(reply, text, picked, ctx, deps);
    case 'M1_confirm': {
      // Less than 4 seconds cannot be 5 rises: "yes" does not make it right, the time is asked.
      if (picked === 'right' && (ctx.timer?.seconds ?? 0) < INSTRUMENT.implausibleChairSeconds) return { ok: true, value: { step: 'chair', next: 'M1_manual' } };
      if (picked === 'right') {
        const s = ctx.timer!.seconds!;
        return answered('M1', chairValue(s >= chairThreshold() ? 'slow' : 'fast', ctx.timer?.startedAt ? 'timer' : 'typed', { seconds: s }));
      }
      if (picked === 'correct') return { ok: true, value: { step: 'chair', next: 'M1_manual' } };
      const typed = text ? typedChair(text, ctx, deps, false, true) : undefined;
      if (typed?.ok && typed.value.step === 'chair') return { ok: false, hint: { key: 'item.M1_needTime' } };
      return typed ?? { ok: false };
    }
    case 'M1_manual': {
      if (picked) return answered('M1', chairValue(picked as ChairResult, 'choice', ctx.timer?.seconds !== undefined ? { corrected: true } : {}));
      return typedChair(text, ctx, deps, true, ctx.timer?.seconds !== undefined ? true : undefined) ?? { ok: false };
    }
    case 'N3': {
      if (picked === 'skip') return answered('N3', { status: 'skipped' });
      const kg = readWeightKg(text, deps.readers);
      // "60 la dernière fois, mais j'ai maigri": not today's weight.
      const changed = has(text, deps, (c) => c.weightChanged) && /dernier|derniere|last time|used to|avant|before/i.test(normalize(text));
      if (kg !== undefined && !changed) return answered('N3', { status: 'answered', weightKg: kg });
      // Optional: "je ne sais pas", "je préfère pas le dire", "non" skip it.
      if (kg === undefined && !/\d/.test(text) && (readYesNo(text, 'consent', deps.readers) === 'no' || has(text, deps, (c) => c.answers.dontKnow) || has(text, deps, (c) => c.answers.decline))) {
        return answered('N3', { status: 'skipped' });
      }
      return { ok: false, hint: { key: 'item.N3_invalid' } };
    }
    case 'H2': {
      if (picked) return answered('H2', { status: 'answered', whisper: picked === 'right' });
      if (!text || choiceNumber(text) !== undefined) return { ok: false };
      if (onlyDontKnow(text, deps)) return answered('H2', { status: 'not_assessed' });
      const read = readWhisper(text, deps);
      return read === undefined ? { ok: false } : answered('H2', { status: 'answered', whisper: read });
    }
    case 'C4': {
      const expected = ctx.screening?.words ?? [];
      // A lone number ("1", a button of the previous question) is not a recall: asked again.
      if (words(normalize(text)).length === 0 || choiceNumber(text) !== undefined) return { ok: false };
      // "I don't know" simply recalls nothing; any words given are counted.
      const recalled = countRecalled(text, expected, allOf(deps.readers.lexicons, (l) => l.articles), deps.readers);
      return answered('C4', { status: 'answered', recalled, of: expected.length });
    }
    default:
      return { ok: false };
  }
}

/** The end of a timed chair rise: a press of "done" (or any short reply), or could not finish. */
function parseTimer(reply: Reply, text: string, picked: string | undefined, ctx: StepContext, deps: FlowDeps): Parsed {
  if (picked === 'unable') return { ok: true, value: { step: 'M1', item: 'M1', value: chairValue('unable', 'timer') } };
  const typed = picked === undefined && text ? typedChair(text, ctx, deps, false) : undefined;
  if (typed?.ok) return typed;
  // One key is enough: "done", a dot, a letter. Longer texts that say nothing are not taken as done.
  const done = picked === 'done' || (picked === undefined && text.length > 0 && text.length <= 3 && choiceNumber(text) === undefined);
  if (!done || !ctx.timer) return { ok: false };
  const started = ctx.timer.startedAt;
  // A restart between the start and the end: the bot's own delay would be counted.
  if (reply.engineStartedAt && Date.parse(reply.engineStartedAt) > Date.parse(started)) {
    return { ok: true, value: { step: 'chair', next: 'M1_manual', timer: { startedAt: started, unreliable: true } } };
  }
  const measured = Math.max(0, Math.round((Date.parse(reply.at) - Date.parse(started)) / 100) / 10);
  return { ok: true, value: { step: 'chair', next: 'M1_confirm', timer: { startedAt: started, seconds: measured } } };
}

/** The date; once without its year, the year is asked for; a second time without it, it counts as given. */
function parseDateStep(text: string, at: string, ctx: StepContext, deps: FlowDeps): Parsed {
  const lexicons = deps.readers.lexicons;
  const pending = ctx.pending?.kind === 'year' ? ctx.pending : undefined;
  // "22 novembre 2026 ? non attendez, 23": what follows a correction replaces what it corrects.
  const [first, ...corrected] = splitCorrections(text, deps);
  // Number words ("vingt-deux novembre deux mille vingt-six") as digits; punctuation kept otherwise.
  const prep = (t: string) => (hasNumberWords(t, deps.readers) ? withDigits(t, deps.readers) : t);
  const prepared = prep(first!);
  // Asked for the year: "26", "2026", "deux mille vingt-six" alone are the year, not a day.
  const year = pending && /^\s*\d{2}(\d{2})?\s*[.!]?\s*$/.test(prepared) ? yearOnly(prepared) : undefined;
  let date = year ?? parseDate(prepared, lexicons) ?? (pending ? yearOnly(prepared) : undefined);
  for (const part of corrected) {
    const again = parseDate(prep(part), lexicons);
    if (again) date = { ...(date ?? {}), ...again };
  }
  if (!date) return { ok: false, hint: { key: 'help.C3_date' } };
  if (pending && !date.dontKnow && date.day === undefined && date.month === undefined) date = { ...pending.date, ...date };
  const value = (d: DateAnswer): Parsed => ({ ok: true, value: { step: 'C3_date', item: 'C3_date', value: { status: 'answered', date: d, ...(pending ? { askedAgain: true as const } : {}) } } });
  if (date.dontKnow || isCompleteDate(date)) return value(date);
  if (pending) return value(date); // asked once more, still no year: scored as not known
  if (date.day !== undefined && date.month !== undefined) {
    // A day or month already wrong: asking for the year would change nothing.
    const given = date;
    const today = [at, ...(ctx.askedAt ? [ctx.askedAt] : [])].map((t) => calendarDate(new Date(t), ctx.timeZone));
    if (!today.some((d) => d.day === given.day && d.month === given.month)) return value(date);
    return { ok: true, value: { step: 'pending', pending: { kind: 'year', date, raw: text } } };
  }
  return { ok: false, hint: { key: 'item.C3_datePartial' } };
}

/** The text cut at each correction ("non attendez", "no wait"); one piece when there is none. */
function splitCorrections(text: string, deps: FlowDeps): string[] {
  const markers = Object.values(deps.readers.lexicons).flatMap((l) => l.corrections ?? []).map(normalize).sort((a, b) => b.length - a.length);
  const lower = text.toLowerCase();
  const norm = normalize(text);
  for (const m of markers) {
    const at = ` ${norm} `.indexOf(` ${m} `);
    if (at < 0) continue;
    // Cut the original text at the same word position.
    const before = norm.slice(0, at).split(' ').filter(Boolean).length;
    const words = lower.split(/\s+/);
    const cut = words.slice(0, before).join(' ');
    const after = words.slice(before + m.split(' ').length).join(' ');
    return after.trim() ? [cut, ...splitCorrections(after, deps)] : [cut];
  }
  return [text];
}

function yearOnly(prepared: string): DateAnswer | undefined {
  const m = /\b(\d{4}|\d{2})\b/.exec(prepared);
  if (!m) return undefined;
  const n = Number(m[1]);
  return { year: n < 100 ? 2000 + n : n };
}

/**
 * A first name: "Jeanne", or said in a sentence ("Papa s'appelle Jean", "my name is Ada"). More than
 * three words with no such phrase is not taken as a name.
 */
function firstNameIn(text: string): string | undefined {
  const said = /(?:s'appelle|s’appelle|m'appelle|m’appelle|je suis|prénom est|prenom est|prénom c'est|name is|name's|called|i'm|i am|c'est)\s+(\p{L}[\p{L}'’-]*(?:\s+\p{L}[\p{L}'’-]*)?)\s*[.!]*$/iu.exec(text.trim());
  const name = (said ? said[1]! : text).trim().replace(/\s+/g, ' ').replace(/[.!]+$/, '');
  if (name.length < 1 || name.length > 40 || !/\p{L}/u.test(name) || /\d/.test(name) || name.split(' ').length > 3) return undefined;
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** A French postcode (5 digits), a UK postcode ("SW1A 1AA") or an Irish Eircode ("D02 X285"). */
function postcodeIn(raw: string, deps: FlowDeps): string | undefined {
  // Said in words ("douze mille", "E C one A one B B"): digits, and letters spelt one by one joined.
  let text = raw;
  if (hasNumberWords(raw, deps.readers)) {
    const spoken = words(normalize(raw));
    const digit = (t: string) => deps.readers.compiled.map((c) => c.numberWords.get(t)).find((n) => n !== undefined && n < 10);
    // Spelt out character by character ("E C one A one B B", "un deux zéro zéro zéro"): joined.
    const oneByOne = spoken.every((t) => t.length === 1 || (digit(t) !== undefined && !['a', 'an'].includes(t)));
    text = oneByOne ? spoken.map((t) => (t.length === 1 ? t : String(digit(t)))).join('') : withDigits(raw, deps.readers);
  }
  const upper = text.toUpperCase();
  // Two postcodes given: not sure which, asked again.
  if ((upper.match(/[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}/g) ?? []).length > 1 || (upper.match(/(?:^|\D)\d{5}(?!\d)/g) ?? []).length > 1) return undefined;
  const fr = /(?:^|\D)(\d{2}\s?\d{3})(?:\D|$)/.exec(upper);
  if (fr && (upper.match(/\d/g) ?? []).length <= 8) return fr[1]!.replace(/\s/g, '');
  const uk = /(?:^|[^A-Z0-9])([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})(?:[^A-Z0-9]|$)/.exec(upper);
  if (uk) return `${uk[1]} ${uk[2]}`;
  const eircode = /(?:^|[^A-Z0-9])([AC-FHKNPRTV-Y]\d{2}|D6W)\s*([0-9AC-FHKNPRTV-Y]{4})(?:[^A-Z0-9]|$)/.exec(upper);
  if (eircode) return `${eircode[1]} ${eircode[2]}`;
  return undefined;
}

function has(text: string, deps: FlowDeps, pick: (c: Readers['compiled'][number]) => Phrase[]): boolean {
  const tokens = words(normalize(text));
  return deps.readers.compiled.some((c) => findPhrases(tokens, pick(c), c.matcher).length > 0);
}

/** "c'était clair", "un peu difficile", "pas clair du tout": the answer to "how was it?" in words; the longest phrase wins. */
export function readClarity(text: string, deps: FlowDeps): Clarity | undefined {
  const tokens = words(normalize(text));
  const found = deps.readers.compiled.flatMap((c) =>
    CLARITY.flatMap((kind) => findPhrases(tokens, c.clarity[kind], c.matcher).map((span) => ({ span, kind }))),
  );
  const kept = found.filter((f) => !found.some((g) => g !== f && overlaps(g.span, f.span) && g.span.end - g.span.start > f.span.end - f.span.start));
  const kinds = new Set(kept.map((k) => k.kind));
  return kinds.size === 1 ? [...kinds][0] : undefined;
}

/** "oui", "non", "je ne sais pas", "ok" alone: an answer, not a first name. */
function isAnswerWord(text: string, deps: FlowDeps): boolean {
  const n = normalize(text);
  return phraseSet(deps.readers.lexicons, 'answerWords', (l) => [...l.answers.yes, ...l.answers.no, ...l.answers.dontKnow, ...l.answers.decline, ...l.answers.ambiguous, ...l.answers.agree]).has(n);
}

/** "je ne sais pas", "dunno" and nothing else: a result nobody can give ("she mumbled" is asked again). */
function onlyDontKnow(text: string, deps: FlowDeps): boolean {
  return phraseSet(deps.readers.lexicons, 'dontKnow', (l) => l.answers.dontKnow).has(normalize(text));
}

/** A number someone can dial: +33… (8 to 15 digits), or a national number starting with 0 (10 or 11 digits). */
export function plausiblePhone(digits: string): boolean {
  if (/^\+\d{8,15}$/.test(digits)) return true;
  if (/^0\d{9,10}$/.test(digits)) return true;
  return /^[1-9]\d{7,14}$/.test(digits);
}

/** "elle a tout répété" / "deux sur trois" / "oui sauf le dernier": the whisper test in words. Any miss is a miss. */
function readWhisper(text: string, deps: FlowDeps): boolean | undefined {
  const prepared = withDigits(text.replace(/(\d)\s*\/\s*3/g, '$1 sur 3'), deps.readers);
  const score = /\b(\d)\s*(?:sur|out of|of)\s*3\b/.exec(prepared);
  if (score) return Number(score[1]) === 3;
  // "elle a dit 5 2 8, j'avais chuchoté 5 2 8": two groups of three digits compared.
  const groups = [...prepared.matchAll(/\b(\d)[\s,.-]*(\d)[\s,.-]*(\d)\b/g)].map((m) => `${m[1]}${m[2]}${m[3]}`);
  if (groups.length === 2) return groups[0] === groups[1];
  if (has(text, deps, (c) => c.whisper.wrong)) return false;
  if (has(text, deps, (c) => c.whisper.right)) return true;
  const read = readYesNo(text, 'consent', deps.readers);
  return read === 'yes' ? true : read === 'no' ? false : undefined;
}

/** What kind of helper, in words: "je suis pharmacienne", "aide à domicile", "district nurse". */
function readHelperKind(text: string, deps: FlowDeps): string | undefined {
  const tokens = words(normalize(text));
  for (const kind of HELPER_KINDS) {
    if (deps.readers.compiled.some((c) => findPhrases(tokens, c.helperKinds[kind] ?? [], c.matcher).length > 0)) return kind;
  }
  return undefined;
}

/**
 * Who is answering, in words: a profession outweighs a relative, which outweighs "I help", then
 * "me"; a phrase inside a longer one of another kind gives way to it ("aidant familial" is family).
 */
function readWho(text: string, deps: FlowDeps): Mode | undefined {
  const tokens = words(normalize(text));
  const hits: Array<{ kind: 'helper' | 'relative' | 'helperWeak' | 'self'; span: Span }> = [];
  for (const c of deps.readers.compiled) {
    const not = findPhrases(tokens, c.who.notRelative, c.matcher);
    for (const kind of ['helper', 'relative', 'helperWeak', 'self'] as const) {
      for (const span of findPhrases(tokens, c.who[kind], c.matcher)) {
        if (kind === 'relative' && not.some((n) => overlaps(n, span))) continue;
        hits.push({ kind, span });
      }
    }
  }
  const len = (x: Span) => x.end - x.start;
  const kept = hits.filter((h) => !hits.some((o) => o.kind !== h.kind && o.span.start <= h.span.start && o.span.end >= h.span.end && len(o.span) > len(h.span)));
  for (const kind of ['helper', 'relative', 'helperWeak', 'self'] as const) {
    if (kept.some((h) => h.kind === kind)) return kind === 'helperWeak' ? 'helper' : kind;
  }
  return undefined;
}
