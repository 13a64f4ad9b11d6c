/**
 * What each turn of the conversation does: pure functions from (context, event) to a context patch
 * and the effects the engine performs. The machine in step1Machine.ts decides which one applies.
 */
import { isMoodFlagged, scoreScreening } from './scoring.js';
import type { FlowDeps, Parsed, ScreeningState, StepContext } from './steps.js';
import { choicesFor, firstStep, helpFor, isItem, isOptional, nextStep, parseStep, progress, promptFor } from './steps.js';
import type { ChoiceSpec, DomainResult, Effect, InputEvent, ItemId, KnownPerson, Mode, Part, RecordedAnswer, RemindEvent, StepId } from './types.js';
import { CONSENT_VERSION, QUESTIONNAIRE_VERSION } from './types.js';

export interface Step1Context extends StepContext {
  timeZone: string;
  step: StepId;
  /** Steps answered in this screening, most recent last, for `back`. */
  trail: StepId[];
  misses: number;
  askedAt: string;
  answers: Partial<Record<ItemId, RecordedAnswer>>;
  /** Where to go back to when the person cancels the deletion of their data. */
  resumeTo?: 'asking' | 'finished';
  /** The reminder being answered: whom it is for, who answered last time. */
  reminder?: { person: KnownPerson; mode: Mode };
}

export interface Outcome {
  patch: Partial<Step1Context>;
  effects: Effect[];
}

export const MAX_TEXT = 1000;
const MISSES_BEFORE_SKIP = 3;

/** A blank context. Optional fields are listed as undefined so that assigning it clears them. */
export function initialContext(input: { lang: string; timeZone: string }): Step1Context {
  return {
    lang: input.lang,
    timeZone: input.timeZone,
    consented: false,
    persons: [],
    answers: {},
    step: 'consent',
    trail: [],
    misses: 0,
    askedAt: new Date(0).toISOString(),
    mode: undefined,
    screening: undefined,
    timerStartedAt: undefined,
    resumeTo: undefined,
    reminder: undefined,
    phoneButton: undefined,
  };
}

function skipChoice(): ChoiceSpec {
  return { id: 'skip', label: { key: 'choice.skip' } };
}

/** The message that asks `step`, with notices before it. */
export function question(ctx: Step1Context, step: StepId, deps: FlowDeps, notices: Part[] = [], misses = 0): Effect {
  const p = progress(step, ctx);
  const parts: Part[] = [...notices];
  if (p) parts.push({ key: 'common.progress', vars: p });
  parts.push(...promptFor(step, ctx));
  let choices = choicesFor(step, ctx, deps);
  if (misses >= MISSES_BEFORE_SKIP && !isOptional(step) && !NEVER_SKIPPED.includes(step)) {
    parts.push({ key: 'common.skipOffer' });
    choices = [...(choices ?? []), skipChoice()];
  }
  return { type: 'reply', parts, ...(choices ? { choices } : {}), ...(step === 'C2' ? { ref: 'words' } : {}) };
}

function askOutcome(ctx: Step1Context, step: StepId, at: string, deps: FlowDeps, notices: Part[] = []): Outcome {
  const effects: Effect[] = [];
  // The recall must not be answerable by scrolling up: hide the three words first.
  if (step === 'C4') effects.push({ type: 'hide', ref: 'words' });
  effects.push(question(ctx, step, deps, notices));
  return { patch: { step, misses: 0, askedAt: at }, effects };
}

/** Fresh conversation start, after a greeting: consent if needed, else "who is answering". */
export function begin(ctx: Step1Context, ev: InputEvent, deps: FlowDeps, greeting: Part): Outcome {
  const consented = ctx.consented || ev.persons.some((p) => p.consentVersion === CONSENT_VERSION);
  const base: Step1Context = { ...ctx, consented, persons: ev.persons, answers: {}, trail: [], screening: undefined, mode: undefined, timerStartedAt: undefined };
  const step = firstStep(base);
  const out = askOutcome(base, step, ev.at, deps, [greeting]);
  return { patch: { ...out.patch, consented, persons: ev.persons, answers: {}, trail: [], screening: undefined, mode: undefined, timerStartedAt: undefined }, effects: out.effects };
}

export function greetingFor(ev: InputEvent): Part {
  return { key: ev.persons.some((p) => p.completedScreenings > 0) ? 'flow.followUpWelcome' : 'flow.welcome' };
}

export function repeat(ctx: Step1Context, deps: FlowDeps, notices: Part[] = []): Outcome {
  return { patch: {}, effects: [question(ctx, ctx.step, deps, notices, ctx.misses)] };
}

export function help(ctx: Step1Context, deps: FlowDeps): Outcome {
  return repeat(ctx, deps, [helpFor(ctx.step), { key: 'common.commands' }]);
}

export function reprompt(ctx: Step1Context, ev: InputEvent, deps: FlowDeps): Outcome {
  const parsed = parseStep(ctx.step, ev, ctx, deps);
  // Choices need no extra hint: buttons explain themselves, numbered lists carry "Reply 1 or 2".
  const hint = (!parsed.ok && parsed.hint) || (choicesFor(ctx.step, ctx, deps) ? undefined : helpFor(ctx.step));
  const misses = ctx.misses + 1;
  const notices: Part[] = [{ key: 'common.notUnderstood' }, ...(hint ? [hint] : [])];
  return { patch: { misses }, effects: [question(ctx, ctx.step, deps, notices, misses)] };
}

/** A reply that is not text we can read: media, an empty or an overlong message. Not counted as a miss. */
export function unreadable(ctx: Step1Context, ev: InputEvent, deps: FlowDeps): Outcome {
  const key =
    ev.media === 'edited' ? 'common.edited' : ev.media !== undefined ? 'common.media' : (ev.text ?? '').length > MAX_TEXT ? 'common.tooLong' : 'common.empty';
  return repeat(ctx, deps, [{ key }]);
}

export function isUnreadable(ev: InputEvent): boolean {
  if (ev.choice !== undefined || ev.phone !== undefined) return false;
  return ev.media !== undefined || (ev.text ?? '').trim().length === 0 || (ev.text ?? '').length > MAX_TEXT;
}

/** Consent and who-is-answering decide what follows: they cannot be skipped. */
const NEVER_SKIPPED: readonly StepId[] = ['consent', 'who', 'person', 'phone'];

export function canSkip(ctx: Step1Context): boolean {
  if (NEVER_SKIPPED.includes(ctx.step)) return false;
  return isOptional(ctx.step) || ctx.misses >= MISSES_BEFORE_SKIP;
}

export function parse(ctx: Step1Context, ev: InputEvent, deps: FlowDeps): Parsed {
  return parseStep(ctx.step, ev, ctx, deps);
}

function raw(ev: InputEvent): string | null {
  return ev.text !== undefined ? ev.text.slice(0, MAX_TEXT) : (ev.choice ?? null);
}

function startScreening(ctx: Step1Context, ev: InputEvent, deps: FlowDeps, personId: string | null): { screening: ScreeningState; effect: Effect } {
  const known = personId ? ctx.persons.find((p) => p.id === personId) : undefined;
  const sets = deps.lexicons[ctx.lang]!.wordSets;
  const wordSet = known?.lastWordSet !== undefined ? (known.lastWordSet + 1) % sets.length : 0;
  const screening: ScreeningState = {
    id: ev.newIds.screening,
    personId: known?.id ?? ev.newIds.person,
    newPerson: !known,
    kind: known && known.completedScreenings > 0 ? 'follow_up' : 'initial',
    mode: ctx.mode!,
    wordSet,
    words: sets[wordSet]!,
    needsDetails: {
      firstName: !known,
      birthYear: !known?.birthYear,
      postcode: !known?.postcode,
    },
    ...(known?.firstName ? { firstName: known.firstName } : {}),
    ...(known?.lastWeightKg !== undefined ? { previousWeightKg: known.lastWeightKg } : {}),
    phoneKnown: !!known?.phone,
  };
  return {
    screening,
    effect: {
      type: 'screeningStarted',
      screeningId: screening.id,
      personId: screening.personId,
      newPerson: screening.newPerson,
      kind: screening.kind,
      mode: screening.mode,
      wordSet,
      questionnaireVersion: QUESTIONNAIRE_VERSION,
      consentVersion: CONSENT_VERSION,
      at: ev.at,
    },
  };
}

/** A reply that answers the current step: record it and ask the next one (or finish). */
export function accept(ctx: Step1Context, ev: InputEvent, deps: FlowDeps, parsed: Extract<Parsed, { ok: true }>): Outcome {
  const v = parsed.value;
  const effects: Effect[] = [];
  const notices: Part[] = [];
  const next: Step1Context = { ...ctx, trail: [...ctx.trail] };
  switch (v.step) {
    case 'consent':
      if (!v.agree) return { patch: { step: 'consent' }, effects: [{ type: 'reply', parts: [{ key: 'flow.declined' }] }] };
      next.consented = true;
      break;
    case 'who':
      next.mode = v.mode;
      if (ctx.persons.length === 0) {
        const s = startScreening(next, ev, deps, null);
        next.screening = s.screening;
        effects.push(s.effect);
      }
      break;
    case 'person': {
      const s = startScreening(next, ev, deps, v.personId);
      next.screening = s.screening;
      effects.push(s.effect);
      break;
    }
    case 'phone': {
      const s = next.screening!;
      if (v.phone) {
        effects.push({ type: 'personUpdated', personId: s.personId, phone: v.phone });
        next.screening = { ...s, phoneKnown: true };
      }
      return finish(next, ev, effects);
    }
    case 'firstName':
    case 'birthYear':
    case 'postcode': {
      const s = next.screening!;
      const value = v.step === 'firstName' ? v.firstName : v.step === 'birthYear' ? v.birthYear : v.postcode;
      effects.push({ type: 'personUpdated', personId: s.personId, [v.step]: value });
      if (v.step === 'firstName' && v.firstName) next.screening = { ...s, firstName: v.firstName };
      if (v.step === 'birthYear' && new Date(ev.at).getUTCFullYear() - v.birthYear < 60) notices.push({ key: 'flow.under60' });
      next.trail.push(ctx.step);
      break;
    }
    default: {
      const s = next.screening!;
      const recorded: RecordedAnswer = { value: v.value, askedAt: ctx.askedAt, answeredAt: ev.at };
      next.answers = { ...ctx.answers, [v.item]: recorded };
      if (v.startTimer) {
        next.timerStartedAt = ev.at;
      } else {
        effects.push({ type: 'answer', screeningId: s.id, item: v.item, raw: raw(ev), value: v.value, askedAt: ctx.askedAt, answeredAt: ev.at });
      }
      if (ctx.step === 'M1_timer' && v.value.status === 'answered' && 'seconds' in v.value && v.value.seconds !== undefined) {
        notices.push({ key: 'item.M1_timed', vars: { seconds: v.value.seconds } });
      }
      if (ctx.step !== 'M1_timer') next.trail.push(ctx.step);
    }
  }
  const following = nextStep(ctx.step, next);
  if (following === 'done' && wantsPhone(next, ev)) {
    next.phoneButton = ev.askPhone === 'button';
    const asked = askOutcome(next, 'phone', ev.at, deps, notices);
    return { patch: { ...diff(next, ctx), ...asked.patch }, effects: [...effects, ...asked.effects] };
  }
  if (following === 'done') return finish(next, ev, effects);
  const asked = askOutcome(next, following, ev.at, deps, notices);
  return { patch: { ...diff(next, ctx), ...asked.patch }, effects: [...effects, ...asked.effects] };
}

/** Skips the current item: an optional one is just skipped, any other is recorded as not assessed. */
export function skip(ctx: Step1Context, ev: InputEvent, deps: FlowDeps): Outcome {
  if (!isItem(ctx.step)) {
    // Details: an unknown first name is fine; a missing birth year or postcode is simply not stored.
    const next = { ...ctx, trail: [...ctx.trail, ctx.step] };
    const following = nextStep(ctx.step, next);
    const asked = askOutcome(next, following as StepId, ev.at, deps);
    return { patch: { trail: next.trail, ...asked.patch }, effects: asked.effects };
  }
  const item: ItemId = ctx.step === 'M1_timer' ? 'M1' : ctx.step;
  const value = isOptional(ctx.step) ? ({ status: 'skipped' } as const) : ({ status: 'not_assessed' } as const);
  return accept(ctx, ev, deps, { ok: true, value: { step: item, item, value } });
}

/** A callback will be needed (an alert) and the channel gave no number: ask once, refusal accepted. */
function wantsPhone(ctx: Step1Context, ev: InputEvent): boolean {
  if (!ev.askPhone || ctx.screening?.phoneKnown) return false;
  return results(ctx).some((r) => r.status === 'alert');
}

function results(ctx: Step1Context): DomainResult[] {
  return scoreScreening({
    answers: ctx.answers,
    timeZone: ctx.timeZone,
    whisperOffered: ctx.mode !== 'self',
    ...(ctx.screening?.previousWeightKg !== undefined ? { previousWeightKg: ctx.screening.previousWeightKg } : {}),
  });
}

function finish(ctx: Step1Context, ev: InputEvent, effects: Effect[]): Outcome {
  const s = ctx.screening!;
  const weight = ctx.answers.N3?.value;
  effects.push({
    type: 'completed',
    screeningId: s.id,
    personId: s.personId,
    results: results(ctx),
    ...(weight?.status === 'answered' && 'weightKg' in weight ? { weightKg: weight.weightKg } : {}),
    moodFlagged: isMoodFlagged(ctx.answers),
    at: ev.at,
  });
  return { patch: { answers: ctx.answers, screening: ctx.screening, mode: ctx.mode, trail: [], misses: 0, timerStartedAt: undefined }, effects };
}

export function back(ctx: Step1Context, ev: InputEvent, deps: FlowDeps): Outcome {
  const trail = [...ctx.trail];
  const previous = trail.pop();
  if (previous === undefined) return repeat(ctx, deps, [{ key: 'common.firstStep' }]);
  const asked = askOutcome(ctx, previous, ev.at, deps);
  return { patch: { trail, timerStartedAt: undefined, ...asked.patch }, effects: asked.effects };
}

/** Leaves the current screening (restart, new version): it stays in the database as abandoned. */
export function abandon(ctx: Step1Context, at: string): Effect[] {
  return ctx.screening && ctx.step !== undefined ? [{ type: 'abandoned', screeningId: ctx.screening.id, at }] : [];
}

export function distress(ctx: Step1Context, ev: InputEvent): Outcome {
  return {
    patch: {},
    effects: [
      { type: 'urgent', ...(ctx.screening ? { screeningId: ctx.screening.id, personId: ctx.screening.personId } : {}), at: ev.at },
      {
        type: 'reply',
        parts: [{ key: 'safety.distress' }, { key: 'safety.continueOrStop' }],
        choices: distressChoices,
      },
    ],
  };
}

export const distressChoices: ChoiceSpec[] = [
  { id: 'continue', label: { key: 'choice.continue' } },
  { id: 'stop', label: { key: 'choice.stopForNow' } },
];

export const eraseChoices: ChoiceSpec[] = [
  { id: 'eraseYes', label: { key: 'choice.eraseYes' } },
  { id: 'eraseNo', label: { key: 'choice.eraseNo' } },
];

/** Everything forgotten: the conversation starts from scratch, consent included. */
export function erase(ctx: Step1Context, ev: InputEvent): Outcome {
  return {
    patch: initialContext(ctx),
    effects: [{ type: 'erase', at: ev.at }, { type: 'reply', parts: [{ key: 'flow.erased' }] }],
  };
}

export const reminderChoices: ChoiceSpec[] = [
  { id: 'start', label: { key: 'reminder.start' } },
  { id: 'snooze', label: { key: 'reminder.snooze' } },
  { id: 'stopReminders', label: { key: 'reminder.stop' } },
];

export function remind(ev: RemindEvent): Outcome {
  const name = ev.person.firstName;
  const key = ev.mode === 'self' ? 'reminder.self' : name ? 'reminder.other' : 'reminder.otherNoName';
  return {
    patch: { reminder: { person: ev.person, mode: ev.mode } },
    effects: [{ type: 'reply', parts: [{ key, ...(name ? { vars: { name } } : {}) }], choices: reminderChoices }],
  };
}

/** "Start now" after a reminder: a follow-up of that person, straight to the first question. */
export function beginFollowUp(ctx: Step1Context, ev: InputEvent, deps: FlowDeps): Outcome {
  const { person, mode } = ctx.reminder!;
  const persons = ev.persons.some((p) => p.id === person.id) ? ev.persons : [...ev.persons, person];
  const base: Step1Context = { ...ctx, consented: true, persons, mode, answers: {}, trail: [], timerStartedAt: undefined, screening: undefined };
  const s = startScreening(base, ev, deps, person.id);
  const next = { ...base, screening: s.screening };
  const asked = askOutcome(next, nextStep('person', next) as StepId, ev.at, deps, [{ key: 'flow.followUpWelcome' }]);
  return {
    patch: { consented: true, persons, mode, answers: {}, trail: [], timerStartedAt: undefined, screening: s.screening, reminder: undefined, ...asked.patch },
    effects: [s.effect, ...asked.effects],
  };
}

export function nudge(ctx: Step1Context, deps: FlowDeps): Outcome {
  return repeat(ctx, deps, [{ key: 'reminder.nudge' }]);
}

export function languageChoices(deps: FlowDeps): ChoiceSpec[] {
  return deps.languages.map((lang) => ({ id: lang, label: { key: 'language.name', vars: { lng: lang } } }));
}

function diff(next: Step1Context, prev: Step1Context): Partial<Step1Context> {
  const patch: Partial<Step1Context> = {};
  for (const key of Object.keys(next) as Array<keyof Step1Context>) {
    if (next[key] !== prev[key]) (patch as Record<string, unknown>)[key] = next[key];
  }
  return patch;
}
