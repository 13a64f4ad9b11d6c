/** The steps of a Step 1 conversation, in order: what each asks and how its answer is read. Pure. */
import { isCompleteDate, parseDate, parseWeekday } from './dates.js';
import type { CommandName, Lexicons } from './lexicon.js';
import { allOf } from './lexicon.js';
import { countRecalled } from './recall.js';
import { containsPhrase, equalsPhrase, normalize, phraseIndex, words } from './text.js';
import type { AnswerValue, ChoiceSpec, ItemId, KnownPerson, Mode, Part, StepId } from './types.js';

export const STEP_ORDER: readonly StepId[] = [
  'consent', 'who', 'person', 'firstName', 'birthYear', 'postcode',
  'C2', 'C3_date', 'C3_day', 'C1', 'M1', 'M1_timer', 'N1', 'N2', 'N3', 'V1', 'H1', 'H2', 'P1', 'P2', 'C4',
  // Asked after the recall only when an alert was raised (see conversation.ts).
  'phone',
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
}

export interface StepContext {
  lang: string;
  consented: boolean;
  mode?: Mode;
  persons: KnownPerson[];
  screening?: ScreeningState;
  answers: Partial<Record<ItemId, { value: AnswerValue }>>;
  timerStartedAt?: string;
  /** The phone question offers the channel's share-contact button. */
  phoneButton?: boolean;
}

/** Reads a translated label, so typed words can be matched against the buttons' text. */
export type LabelOf = (lang: string, part: Part) => string;

export interface FlowDeps {
  lexicons: Lexicons;
  labelOf: LabelOf;
  languages: readonly string[];
}

export type StepValue =
  | { step: 'consent'; agree: boolean }
  | { step: 'who'; mode: Mode }
  | { step: 'person'; personId: string | null }
  | { step: 'firstName'; firstName: string | null }
  | { step: 'birthYear'; birthYear: number }
  | { step: 'postcode'; postcode: string }
  | { step: 'phone'; phone: string | null }
  | { step: ItemId; item: ItemId; value: AnswerValue; startTimer?: boolean };

export type Parsed = { ok: true; value: StepValue } | { ok: false; hint?: Part };

export interface Reply {
  text?: string;
  choice?: string;
  phone?: string;
  at: string;
}

const YES_NO_ITEMS: Partial<Record<ItemId, true>> = { C1: true, N1: true, N2: true, V1: true, H1: true, P1: true, P2: true };
/** Items whose wording changes when someone answers for another person. */
const OTHER_WORDING: Partial<Record<StepId, true>> = { C1: true, N1: true, N2: true, N3: true, V1: true, H1: true, P1: true, P2: true };
const OPTIONAL: Partial<Record<StepId, true>> = { firstName: true, N3: true };

export function isOptional(step: StepId): boolean {
  return OPTIONAL[step] === true;
}

export function isItem(step: StepId): step is ItemId {
  return step !== 'phone' && STEP_ORDER.indexOf(step) >= STEP_ORDER.indexOf('C2');
}

function included(step: StepId, ctx: StepContext): boolean {
  const s = ctx.screening;
  switch (step) {
    case 'consent':
      return !ctx.consented;
    case 'person':
      return ctx.persons.length > 0 && !s;
    case 'firstName':
    case 'birthYear':
    case 'postcode':
      return !!s && s.needsDetails[step];
    case 'M1_timer': {
      const v = ctx.answers.M1?.value;
      return !!v && v.status === 'answered' && 'chair' in v && v.chair === 'timing';
    }
    case 'H2':
      return ctx.mode !== undefined && ctx.mode !== 'self';
    case 'phone':
      return false; // only by explicit decision after the recall
    default:
      return true;
  }
}

/** The step after `step`, or 'done' after the last question. */
export function nextStep(step: StepId, ctx: StepContext): StepId | 'done' {
  for (let i = STEP_ORDER.indexOf(step) + 1; i < STEP_ORDER.length; i++) {
    if (included(STEP_ORDER[i]!, ctx)) return STEP_ORDER[i]!;
  }
  return 'done';
}

export function firstStep(ctx: StepContext): StepId {
  return included('consent', ctx) ? 'consent' : 'who';
}

/** "Question n of total": the questionnaire items only, the timer sharing the chair-rise number. */
export function progress(step: StepId, ctx: StepContext): { n: number; total: number } | undefined {
  if (!isItem(step)) return undefined;
  const counted = STEP_ORDER.filter((s) => isItem(s) && s !== 'M1_timer' && (s !== 'H2' || included('H2', ctx)));
  const shown = step === 'M1_timer' ? 'M1' : step;
  return { n: counted.indexOf(shown) + 1, total: counted.length };
}

const yesNoChoices: ChoiceSpec[] = [
  { id: 'yes', label: { key: 'choice.yes' } },
  { id: 'no', label: { key: 'choice.no' } },
];

export function choicesFor(step: StepId, ctx: StepContext, _deps?: FlowDeps): ChoiceSpec[] | undefined {
  if (YES_NO_ITEMS[step as ItemId]) return yesNoChoices;
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
    case 'person':
      return [
        ...ctx.persons.map((p) => ({ id: `p:${p.id}`, label: personLabel(p) })),
        { id: 'new', label: { key: 'flow.personNew' } },
      ];
    case 'firstName':
    case 'N3':
      return [{ id: 'skip', label: { key: 'choice.skip' } }];
    case 'C2':
      return [{ id: 'ready', label: { key: 'choice.ready' } }];
    case 'phone':
      return [
        ...(ctx.phoneButton ? [{ id: 'share_phone', label: { key: 'choice.sharePhone' } }] : []),
        { id: 'no_phone', label: { key: 'choice.noPhone' } },
      ];
    case 'M1':
      return [
        { id: 'start', label: { key: 'item.M1_start' } },
        { id: 'fast', label: { key: 'item.M1_fast' } },
        { id: 'slow', label: { key: 'item.M1_slow' } },
        { id: 'unable', label: { key: 'item.M1_unable' } },
      ];
    case 'M1_timer':
      return [
        { id: 'done', label: { key: 'item.M1_done' } },
        { id: 'unable', label: { key: 'item.M1_timerUnable' } },
      ];
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

/** The question itself (without progress or notices). */
export function promptFor(step: StepId, ctx: StepContext): Part[] {
  const other = ctx.mode !== undefined && ctx.mode !== 'self';
  switch (step) {
    case 'consent':
      return [{ key: 'flow.consent' }];
    case 'who':
      return [{ key: 'flow.who' }];
    case 'person':
      return [{ key: 'flow.person' }];
    case 'firstName':
      return [{ key: other ? 'flow.firstNameOther' : 'flow.firstNameSelf' }];
    case 'birthYear':
      return [{ key: other ? 'flow.birthYearOther' : 'flow.birthYearSelf' }];
    case 'postcode':
      return [{ key: other ? 'flow.postcodeOther' : 'flow.postcodeSelf' }];
    case 'phone':
      return [{ key: ctx.phoneButton ? 'flow.phone' : 'flow.phoneTyped' }];
    case 'C2':
      return [{ key: 'item.C2', vars: { words: (ctx.screening?.words ?? []).join(', ') } }];
    default:
      return [{ key: other && OTHER_WORDING[step] ? `item.${step}_other` : `item.${step}` }];
  }
}

export function helpFor(step: StepId): Part {
  if (YES_NO_ITEMS[step as ItemId]) return { key: 'help.yesno' };
  return { key: `help.${step}` };
}

/** Recognises a command typed as a whole message ("aide", "/help", "back"…), in any language. */
export function commandOf(text: string | undefined, lexicons: Lexicons): CommandName | undefined {
  if (text === undefined) return undefined;
  const raw = text.trim();
  if (raw === '?') return 'help';
  const slash = /^\/([a-z]+)/i.exec(raw);
  // Telegram's /start in the middle of a conversation: show where we are.
  if (slash && slash[1]!.toLowerCase() === 'start') return 'repeat';
  const normalized = normalize(slash ? slash[1]! : raw);
  if (normalized.length === 0) return undefined;
  const names = Object.keys(Object.values(lexicons)[0]!.commands) as CommandName[];
  return names.find((name) => equalsPhrase(normalized, allOf(lexicons, (l) => l.commands[name])));
}

export function isDistress(text: string | undefined, lexicons: Lexicons): boolean {
  return text !== undefined && containsPhrase(normalize(text), allOf(lexicons, (l) => l.distress));
}

type YesNo = 'yes' | 'no' | 'dontKnow';

/** The first yes / no / don't-know phrase in the text; longer phrases win at the same place. */
export function yesNoOf(text: string, lexicons: Lexicons): YesNo | undefined {
  const normalized = normalize(text);
  let best: { kind: YesNo; at: number; len: number } | undefined;
  for (const kind of ['dontKnow', 'yes', 'no'] as const) {
    for (const phrase of allOf(lexicons, (l) => l[kind])) {
      const p = normalize(phrase);
      const at = phraseIndex(normalized, p);
      if (at >= 0 && (!best || at < best.at || (at === best.at && p.length > best.len))) best = { kind, at, len: p.length };
    }
  }
  return best?.kind;
}

const SYNONYMS: Record<string, (l: Lexicons) => string[]> = {
  yes: (l) => allOf(l, (x) => x.yes),
  no: (l) => allOf(l, (x) => x.no),
  no_phone: (l) => allOf(l, (x) => [...x.no, ...x.commands.skip]),
  agree: (l) => allOf(l, (x) => x.yes),
  disagree: (l) => allOf(l, (x) => x.no),
  right: (l) => allOf(l, (x) => x.yes),
  wrong: (l) => allOf(l, (x) => x.no),
  start: (l) => allOf(l, (x) => x.commands.start),
  done: (l) => allOf(l, (x) => x.commands.done),
  skip: (l) => allOf(l, (x) => x.commands.skip),
  self: (l) => allOf(l, (x) => x.choiceWords.self),
  relative: (l) => allOf(l, (x) => x.choiceWords.relative),
  helper: (l) => allOf(l, (x) => x.choiceWords.helper),
  ready: (l) => allOf(l, (x) => [...x.yes, ...x.commands.done, ...x.commands.start]),
};

/** Which choice a reply picks: a button, its number, its words, or a synonym. */
export function matchChoice(reply: Reply, choices: ChoiceSpec[], lang: string, deps: FlowDeps): string | undefined {
  if (reply.choice !== undefined) return choices.some((c) => c.id === reply.choice) ? reply.choice : undefined;
  if (reply.text === undefined) return undefined;
  const normalized = normalize(reply.text);
  const number = /^(?:n|no|numero|number|option|choix|choice)?\s*(\d{1,2})$/.exec(normalized);
  if (number) return choices[Number(number[1]) - 1]?.id;
  const bySynonym = choices.filter((c) => SYNONYMS[c.id] && equalsPhrase(normalized, SYNONYMS[c.id]!(deps.lexicons)));
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

function parseNumber(text: string): number | undefined {
  const m = /(\d+(?:[.,]\d+)?)/.exec(text);
  return m ? Number(m[1]!.replace(',', '.')) : undefined;
}

function yesNoValue(reply: Reply, ctx: StepContext, deps: FlowDeps): boolean | null | undefined {
  const picked = matchChoice(reply, yesNoChoices, ctx.lang, deps);
  if (picked) return picked === 'yes';
  if (reply.text === undefined) return undefined;
  const kind = yesNoOf(reply.text, deps.lexicons);
  return kind === undefined ? undefined : kind === 'dontKnow' ? null : kind === 'yes';
}

/** Reads the reply to `step`. `now` is the reply's reception time. */
export function parseStep(step: StepId, reply: Reply, ctx: StepContext, deps: FlowDeps): Parsed {
  const choices = choicesFor(step, ctx, deps) ?? [];
  const picked = choices.length > 0 ? matchChoice(reply, choices, ctx.lang, deps) : undefined;
  const text = reply.text?.trim() ?? '';
  const answered = (item: ItemId, value: AnswerValue, startTimer?: boolean): Parsed => ({
    ok: true,
    value: { step: item, item, value, ...(startTimer ? { startTimer } : {}) },
  });
  if (YES_NO_ITEMS[step as ItemId]) {
    const yes = yesNoValue(reply, ctx, deps);
    return yes === undefined ? { ok: false } : answered(step as ItemId, { status: 'answered', yes });
  }
  switch (step) {
    case 'consent': {
      const agree = picked ?? (reply.text ? ({ yes: 'agree', no: 'disagree' } as const)[yesNoOf(text, deps.lexicons) as 'yes' | 'no'] : undefined);
      return agree ? { ok: true, value: { step, agree: agree === 'agree' } } : { ok: false };
    }
    case 'who':
      return picked ? { ok: true, value: { step, mode: picked as Mode } } : { ok: false };
    case 'person':
      return picked ? { ok: true, value: { step, personId: picked === 'new' ? null : picked.slice(2) } } : { ok: false };
    case 'firstName': {
      if (picked === 'skip') return { ok: true, value: { step, firstName: null } };
      const name = text.replace(/\s+/g, ' ');
      if (name.length < 1 || name.length > 40 || !/\p{L}/u.test(name) || /\d/.test(name)) return { ok: false };
      return { ok: true, value: { step, firstName: name.charAt(0).toUpperCase() + name.slice(1) } };
    }
    case 'birthYear': {
      const m = /\b(\d{4}|\d{2})\b/.exec(text);
      const thisYear = new Date(reply.at).getUTCFullYear();
      let year = m ? Number(m[1]) : NaN;
      if (m && m[1]!.length === 2) year += 1900;
      if (!(year >= 1900 && year <= thisYear - 18)) return { ok: false, hint: { key: 'flow.birthYearInvalid' } };
      return { ok: true, value: { step, birthYear: year } };
    }
    case 'postcode': {
      const code = text.toUpperCase().replace(/\s+/g, ' ');
      if (!/^[A-Z0-9][A-Z0-9 -]{1,8}[A-Z0-9]$/.test(code) || !/\d/.test(code)) return { ok: false, hint: { key: 'flow.postcodeInvalid' } };
      return { ok: true, value: { step, postcode: /^[\d ]+$/.test(code) ? code.replace(/ /g, '') : code } };
    }
    case 'phone': {
      if (reply.phone) return { ok: true, value: { step, phone: reply.phone } };
      if (picked === 'no_phone') return { ok: true, value: { step, phone: null } };
      const digits = text.replace(/[\s.()-]/g, '');
      if (/^\+?\d{8,15}$/.test(digits)) return { ok: true, value: { step, phone: digits } };
      return { ok: false, hint: { key: 'flow.phoneInvalid' } };
    }
    case 'C2':
      return answered('C2', { status: 'answered', ready: true });
    case 'C3_date': {
      const date = parseDate(text, deps.lexicons);
      if (!date) return { ok: false, hint: { key: 'help.C3_date' } };
      if (!date.dontKnow && !isCompleteDate(date)) return { ok: false, hint: { key: 'item.C3_datePartial' } };
      return answered('C3_date', { status: 'answered', date });
    }
    case 'C3_day': {
      const date = parseWeekday(text, deps.lexicons);
      return date ? answered('C3_day', { status: 'answered', date }) : { ok: false, hint: { key: 'help.C3_day' } };
    }
    case 'M1':
      if (picked === 'start') return answered('M1', { status: 'answered', chair: 'timing' }, true);
      return picked ? answered('M1', { status: 'answered', chair: picked as 'fast' | 'slow' | 'unable' }) : { ok: false };
    case 'M1_timer': {
      if (picked === 'unable') return answered('M1', { status: 'answered', chair: 'unable' });
      if (picked !== 'done' || !ctx.timerStartedAt) return { ok: false };
      const seconds = Math.max(0, Math.round((Date.parse(reply.at) - Date.parse(ctx.timerStartedAt)) / 100) / 10);
      return answered('M1', { status: 'answered', chair: seconds >= 14 ? 'slow' : 'fast', seconds });
    }
    case 'N3': {
      if (picked === 'skip') return answered('N3', { status: 'skipped' });
      const kg = parseNumber(text);
      if (kg === undefined || kg < 25 || kg > 250) return { ok: false, hint: { key: 'item.N3_invalid' } };
      return answered('N3', { status: 'answered', weightKg: kg });
    }
    case 'H2':
      return picked ? answered('H2', { status: 'answered', whisper: picked === 'right' }) : { ok: false };
    case 'C4': {
      const expected = ctx.screening?.words ?? [];
      if (words(normalize(text)).length === 0) return { ok: false };
      // "I don't know" simply recalls nothing; any words given are counted.
      const recalled = countRecalled(text, expected, allOf(deps.lexicons, (l) => l.articles));
      return answered('C4', { status: 'answered', recalled, of: expected.length });
    }
    default:
      return { ok: false };
  }
}
