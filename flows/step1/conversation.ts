/**
 * What each turn of the conversation does: pure functions from (context, event) to a context patch
 * and the effects the engine performs. The machine in step1Machine.ts decides which one applies.
 */
import { findPhrases } from './phrases.js';
import { readDanger, type Danger } from './reading/danger.js';
import { normalize, words } from './text.js';
import { isMoodFlagged, scoreScreening } from './scoring.js';
import type { FlowDeps, Parsed, ScreeningState, StepContext } from './steps.js';
import { choicesFor, firstStep, helpFor, isItem, isOptional, itemOfStep, nameOf, nextStep, parseStep, progress, promptFor, SHORT_FORMS } from './steps.js';
import type { AnswerValue, ChoiceSpec, Clarity, DangerKind, DomainResult, Effect, InputEvent, ItemId, KnownPerson, Mode, Part, RecordedAnswer, RemindEvent, StepId } from './types.js';
import { CLARITY, CONSENT_VERSION, QUESTIONNAIRE_VERSION } from './types.js';

/** The states a person can come back to after an interruption (danger, pause, language, erase). */
export type Resumable = 'idle' | 'asking' | 'finished' | 'reminded' | 'declined';

export interface Step1Context extends StepContext {
  timeZone: string;
  step: StepId;
  /** Steps answered in this screening, most recent last, for `back`. */
  trail: StepId[];
  misses: number;
  askedAt: string;
  answers: Partial<Record<ItemId, RecordedAnswer>>;
  /** Where an interruption returns to. */
  returnTo?: Resumable;
  /** The reminder being answered: whom it is for, who answered last time. */
  reminder?: { person: KnownPerson; mode: Mode };
  /** Words of danger were read: which, and whether a callback number is being asked for. */
  safety?: { kind: DangerKind; askingPhone: boolean };
  /** The current screening was completed: nothing more is recorded for it. */
  completed?: true;
  /** After the summary: "how was it?", then (someone else typing) "another person?". */
  after?: 'feedback' | 'another';
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
    pending: undefined,
    timer: undefined,
    returnTo: undefined,
    reminder: undefined,
    phoneButton: undefined,
    safety: undefined,
    completed: undefined,
    after: undefined,
    helper: undefined,
    phoneFor: undefined,
  };
}

function skipChoice(): ChoiceSpec {
  return { id: 'skip', label: { key: 'choice.skip' } };
}

/** The message that asks `step`, with notices before it. */
export function question(ctx: Step1Context, step: StepId, notices: Part[] = [], misses = 0): Effect {
  const p = progress(step, ctx);
  const parts: Part[] = [...notices];
  if (p) parts.push({ key: 'common.progress', vars: p });
  // Asked again after a miss: the short form of a long question.
  parts.push(...promptFor(step, ctx, misses > 0 && SHORT_FORMS[step] === true));
  let choices = choicesFor(step, ctx);
  if (misses >= MISSES_BEFORE_SKIP && canSkip({ ...ctx, step, misses })) {
    parts.push({ key: 'common.skipOffer' });
    if (!choices?.some((c) => c.id === 'skip')) choices = [...(choices ?? []), skipChoice()];
  }
  return { type: 'reply', parts, ...(choices ? { choices } : {}), ...(step === 'C2' ? { ref: 'words' } : {}) };
}

function askOutcome(ctx: Step1Context, step: StepId, at: string, notices: Part[] = []): Outcome {
  const effects: Effect[] = [];
  // The recall must not be answerable by scrolling up: hide the three words first.
  if (step === 'C4') effects.push({ type: 'hide', ref: 'words' });
  const next = { ...ctx, step, pending: undefined };
  effects.push(question(next, step, notices));
  return { patch: { step, misses: 0, askedAt: at, pending: undefined }, effects };
}

const FRESH = {
  answers: {}, trail: [], screening: undefined, mode: undefined, timer: undefined, pending: undefined, completed: undefined, safety: undefined,
  returnTo: undefined, after: undefined, phoneFor: undefined,
};

/** What the chat account said before about itself as a helper; the screening day starts afresh. */
function helperOf(ev: InputEvent): Step1Context['helper'] {
  return ev.helper?.kind || ev.helper?.lastPlace ? { ...(ev.helper.kind ? { kind: ev.helper.kind } : {}), ...(ev.helper.lastPlace ? { lastPlace: ev.helper.lastPlace } : {}) } : undefined;
}

/** Fresh conversation start, after a greeting: consent if needed, else "who is answering". */
export function begin(ctx: Step1Context, ev: InputEvent, greeting: Part): Outcome {
  const consented = ctx.consented || ev.persons.some((p) => p.consentVersion === CONSENT_VERSION);
  const helper = helperOf(ev);
  const base: Step1Context = { ...ctx, ...FRESH, consented, persons: ev.persons, helper };
  const step = firstStep(base);
  const out = askOutcome(base, step, ev.at, [greeting, { key: 'flow.notLive' }]);
  return { patch: { ...FRESH, ...out.patch, consented, persons: ev.persons, helper }, effects: out.effects };
}

/** "Welcome" to someone new; a plain "hello" to someone known ("welcome back" waits until we know for whom). */
export function greetingFor(ev: InputEvent): Part {
  return { key: ev.persons.length > 0 ? 'flow.hello' : 'flow.welcome' };
}

export function repeat(ctx: Step1Context, notices: Part[] = []): Outcome {
  return { patch: {}, effects: [question(ctx, ctx.step, notices, ctx.misses)] };
}

export function help(ctx: Step1Context): Outcome {
  return repeat(ctx, [helpFor(ctx.step, ctx), { key: 'common.commands' }, { key: 'flow.notLive' }]);
}

export function reprompt(ctx: Step1Context, ev: InputEvent, deps: FlowDeps): Outcome {
  const parsed = parseStep(ctx.step, ev, ctx, deps);
  // Choices need no extra hint: buttons explain themselves, numbered lists carry "Reply 1 or 2".
  const hint = (!parsed.ok && parsed.hint) || (choicesFor(ctx.step, ctx) ? undefined : helpFor(ctx.step, ctx));
  if (!parsed.ok && parsed.understood && parsed.hint) return { patch: {}, effects: [{ type: 'reply', parts: [parsed.hint] }] };
  const misses = ctx.misses + 1;
  const notices: Part[] = [{ key: 'common.notUnderstood' }, ...(hint ? [hint] : [])];
  return { patch: { misses }, effects: [question(ctx, ctx.step, notices, misses)] };
}

/** A reply that is not text we can read: media, an empty or an overlong message. Not counted as a miss. */
export function unreadable(ctx: Step1Context, ev: InputEvent): Outcome {
  const key =
    ev.media === 'edited' ? 'common.edited' : ev.media !== undefined ? 'common.media' : (ev.text ?? '').length > MAX_TEXT ? 'common.tooLong' : 'common.empty';
  return repeat(ctx, [{ key }]);
}

export function isUnreadable(ev: InputEvent): boolean {
  if (ev.choice !== undefined || ev.phone !== undefined) return false;
  return ev.media !== undefined || (ev.text ?? '').trim().length === 0 || (ev.text ?? '').length > MAX_TEXT;
}

/** Consent and who-is-answering decide what follows: they cannot be skipped. */
const NEVER_SKIPPED: readonly StepId[] = ['consent', 'who', 'helperKind', 'person', 'personConsent', 'phoneWhose', 'phone', 'M1_timer', 'M1_confirm'];

export function canSkip(ctx: Step1Context): boolean {
  if (NEVER_SKIPPED.includes(ctx.step)) return false;
  if (ctx.completed && !itemOfStep(ctx.step)) return false; // the closing questions of a finished screening
  return isOptional(ctx.step) || ctx.misses >= MISSES_BEFORE_SKIP;
}

export function parse(ctx: Step1Context, ev: InputEvent, deps: FlowDeps): Parsed {
  return parseStep(ctx.step, ev, ctx, deps);
}

function raw(ctx: Step1Context, ev: InputEvent): string | null {
  const now = ev.text !== undefined ? ev.text.slice(0, MAX_TEXT) : (ev.choice ?? null);
  // A hedge then its clarification: both kept, so a professional can read how the answer came.
  return ctx.pending ? `${ctx.pending.raw} → ${now ?? ''}` : now;
}

function startScreening(ctx: Step1Context, ev: InputEvent, deps: FlowDeps, personId: string | null): { screening: ScreeningState; effect: Effect } {
  const known = personId ? ctx.persons.find((p) => p.id === personId) : undefined;
  const sets = deps.readers.lexicons[ctx.lang]!.wordSets;
  const wordSet = known?.lastWordSet !== undefined ? (known.lastWordSet + 1) % sets.length : 0;
  const screening: ScreeningState = {
    id: ev.newIds.screening,
    personId: known?.id ?? ev.newIds.person,
    newPerson: !known,
    kind: known && known.completedScreenings > 0 ? 'follow_up' : 'initial',
    mode: ctx.mode!,
    wordSet,
    words: sets[wordSet]!,
    needsDetails: { firstName: !known, birthYear: !known?.birthYear, postcode: !known?.postcode },
    ...(known?.firstName ? { firstName: known.firstName } : {}),
    ...(known?.lastWeightKg !== undefined ? { previousWeightKg: known.lastWeightKg } : {}),
    phoneKnown: !!known?.phone,
    gpKnown: known?.hasGp === 'yes' || known?.hasGp === 'no',
    // Someone screened by another person gives their own consent, once (confirmed by the one typing).
    consented: ctx.mode === 'self' || (!!known && known.consentVersion === CONSENT_VERSION && !!known.consentBy),
  };
  const helper = ctx.mode === 'helper' ? ctx.helper : undefined;
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
      ...(helper?.kind ? { helperKind: helper.kind } : {}),
      ...(helper && helper.place !== undefined ? { place: helper.place } : {}),
      ...(helper?.sessionId ? { sessionId: helper.sessionId } : {}),
    },
  };
}

/** The person screened: the one typing (self mode: the one already known as such), or someone chosen. */
function screenFor(next: Step1Context, ev: InputEvent, deps: FlowDeps, personId: string | null, effects: Effect[], notices: Part[]): void {
  const s = startScreening(next, ev, deps, personId);
  next.screening = s.screening;
  effects.push(s.effect);
  if (s.screening.kind === 'follow_up') notices.push({ key: 'flow.followUpWelcome', vars: { name: s.screening.firstName ?? '' } });
}

/** A reply that answers the current step: record it and ask the next one (or finish). */
export function accept(ctx: Step1Context, ev: InputEvent, deps: FlowDeps, parsed: Extract<Parsed, { ok: true }>): Outcome {
  const v = parsed.value;
  const effects: Effect[] = [];
  const notices: Part[] = [];
  const next: Step1Context = { ...ctx, trail: [...ctx.trail], pending: undefined };
  switch (v.step) {
    case 'pending':
      // Asked again in another form: same step, not a miss.
      return { patch: { pending: v.pending }, effects: [question({ ...ctx, pending: v.pending }, ctx.step)] };
    case 'chair': {
      const timer = v.timer ?? ctx.timer;
      const asked = { ...ctx, timer, pending: undefined, step: v.next };
      return { patch: { step: v.next, timer, misses: 0, askedAt: ev.at, pending: undefined }, effects: [question(asked, v.next)] };
    }
    case 'consent':
      if (!v.agree) return { patch: { step: 'consent' }, effects: [{ type: 'reply', parts: [{ key: 'flow.declined' }] }] };
      next.consented = true;
      break;
    case 'who':
      next.mode = v.mode;
      if (v.mode === 'self') {
        // Self mode: the person already known as "me", or a new one; never "for whom?".
        screenFor(next, ev, deps, ctx.persons.find((p) => p.self)?.id ?? null, effects, notices);
      } else if (v.mode === 'relative' && !ctx.persons.some((p) => !p.self)) {
        screenFor(next, ev, deps, null, effects, notices);
      }
      break;
    case 'helperKind':
      next.helper = { ...ctx.helper, kind: v.kind };
      effects.push({ type: 'helperUpdated', kind: v.kind });
      break;
    case 'place':
      next.helper = { ...ctx.helper, place: v.place, sessionId: ctx.helper?.sessionId ?? ev.newIds.screening };
      if (v.place) effects.push({ type: 'helperUpdated', place: v.place });
      if (!ctx.persons.some((p) => !p.self)) screenFor(next, ev, deps, null, effects, notices);
      break;
    case 'person':
      screenFor(next, ev, deps, v.personId, effects, notices);
      // Named while choosing ("Lucienne"): the first name is not asked again.
      if (v.firstName && next.screening) {
        next.screening = { ...next.screening, firstName: v.firstName, needsDetails: { ...next.screening.needsDetails, firstName: false } };
        effects.push({ type: 'personUpdated', personId: next.screening.personId, firstName: v.firstName });
      }
      break;
    case 'personConsent': {
      const s = next.screening!;
      if (!v.agree) {
        effects.push({ type: 'personDeclined', personId: s.personId, screeningId: s.id });
        const out = anotherPerson({ ...next, screening: undefined }, [{ key: 'flow.personDeclined', vars: { name: nameOf(ctx) } }]);
        return { patch: out.patch, effects: [...effects, ...out.effects] };
      }
      effects.push({ type: 'personConsent', personId: s.personId, by: ctx.mode!, at: ev.at });
      next.screening = { ...s, consented: true };
      next.trail.push(ctx.step);
      break;
    }
    case 'phoneWhose': {
      const s = next.screening!;
      if (v.whose === null) return closing(next, ctx, ev, effects);
      // "My number" on a channel that shows it (WhatsApp): nothing to type.
      if (v.whose === 'typer' && ev.numberShown) {
        effects.push({ type: 'callbackPhone', phone: '', whose: 'typer' });
        return closing({ ...next, screening: { ...s, phoneKnown: true } }, ctx, ev, effects);
      }
      next.phoneFor = v.whose;
      next.phoneButton = v.whose === 'typer' && ev.askPhone === 'button';
      const asked = askOutcome(next, 'phone', ev.at);
      return { patch: { ...diff(next, ctx), ...asked.patch }, effects: [...effects, ...asked.effects] };
    }
    case 'phone': {
      const s = next.screening!;
      if (v.phone) {
        const whose = ctx.mode === 'self' ? 'person' : (ctx.phoneFor ?? 'typer');
        effects.push({ type: 'callbackPhone', phone: v.phone, whose, ...(whose === 'person' ? { personId: s.personId } : {}) });
        next.screening = { ...s, phoneKnown: true };
      }
      return closing(next, ctx, ev, effects);
    }
    case 'gp': {
      const s = next.screening!;
      if (v.hasGp) effects.push({ type: 'personUpdated', personId: s.personId, hasGp: v.hasGp, gpName: v.gpName ?? null });
      return finish({ ...next, screening: { ...s, gpKnown: true } }, ev, effects);
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
      if (ctx.completed) return { patch: {}, effects: [] }; // a finished screening is never answered again
      const s = next.screening!;
      const askedAt = v.item === 'M1' && ctx.timer ? ctx.timer.startedAt || ctx.askedAt : ctx.askedAt;
      const recorded: RecordedAnswer = { value: v.value, askedAt, answeredAt: ev.at };
      next.answers = { ...ctx.answers, [v.item]: recorded };
      next.timer = undefined;
      effects.push({ type: 'answer', screeningId: s.id, item: v.item, raw: raw(ctx, ev), value: v.value, askedAt, answeredAt: ev.at });
      // The chair-rise parts go back to the chair rise itself for `back`.
      next.trail.push(itemOfStep(ctx.step) ?? ctx.step);
      // "lundi 23 novembre 2026": the weekday was given with the date; it is not asked again.
      const given = v.item === 'C3_date' && v.value.status === 'answered' && 'date' in v.value ? v.value.date : undefined;
      if (given && given.weekday !== undefined && !given.dontKnow) {
        const day: AnswerValue = { status: 'answered', date: { weekday: given.weekday } };
        next.answers = { ...next.answers, C3_day: { value: day, askedAt, answeredAt: ev.at } };
        effects.push({ type: 'answer', screeningId: s.id, item: 'C3_day', raw: raw(ctx, ev), value: day, askedAt, answeredAt: ev.at });
        next.trail.push('C3_day');
        const after = nextStep('C3_day', next);
        if (after !== 'done') {
          const asked = askOutcome(next, after, ev.at, notices);
          return { patch: { ...diff(next, ctx), ...asked.patch }, effects: [...effects, ...asked.effects] };
        }
      }
    }
  }
  const following = nextStep(ctx.step, next);
  if (following === 'done' && wantsPhone(next, ev)) {
    // Someone else typing: whose number first (the person's own, or theirs).
    const accompanied = next.mode !== 'self';
    next.phoneButton = !accompanied && ev.askPhone === 'button';
    const asked = askOutcome(next, accompanied ? 'phoneWhose' : 'phone', ev.at, notices);
    return { patch: { ...diff(next, ctx), ...asked.patch }, effects: [...effects, ...asked.effects] };
  }
  if (following === 'done') return closing(next, ctx, ev, effects, notices);
  const asked = askOutcome(next, following, ev.at, notices);
  return { patch: { ...diff(next, ctx), ...asked.patch }, effects: [...effects, ...asked.effects] };
}

/** After the last item (and the number): the GP question when an alert will be raised and the GP is not known, then the end. */
function closing(next: Step1Context, ctx: Step1Context, ev: InputEvent, effects: Effect[], notices: Part[] = []): Outcome {
  const s = next.screening!;
  if (s.gpKnown || ev.teamReachable === false || !results(next).some((r) => r.status !== 'normal')) return finish(next, ev, effects);
  const asked = askOutcome(next, 'gp', ev.at, notices);
  return { patch: { ...diff(next, ctx), ...asked.patch }, effects: [...effects, ...asked.effects] };
}

/** Skips the current item: an optional one is just skipped, any other is recorded as not assessed. */
export function skip(ctx: Step1Context, ev: InputEvent, deps: FlowDeps): Outcome {
  // The place of the day, skipped: the day starts all the same.
  if (ctx.step === 'place') return accept(ctx, ev, deps, { ok: true, value: { step: 'place', place: null } });
  if (ctx.step === 'gp') return accept(ctx, ev, deps, { ok: true, value: { step: 'gp', hasGp: null } });
  if (!itemOfStep(ctx.step)) {
    // Details: an unknown first name is fine; a missing birth year or postcode is simply not stored.
    const next = { ...ctx, trail: [...ctx.trail, ctx.step] };
    const following = nextStep(ctx.step, next);
    const asked = askOutcome(next, following as StepId, ev.at);
    return { patch: { trail: next.trail, ...asked.patch }, effects: asked.effects };
  }
  const item = itemOfStep(ctx.step)!;
  const value = isOptional(ctx.step) ? ({ status: 'skipped' } as const) : ({ status: 'not_assessed' } as const);
  return accept({ ...ctx, pending: undefined }, ev, deps, { ok: true, value: { step: item, item, value } });
}

/**
 * A callback will be needed (an alert, or something to complete) and no number is known: ask once,
 * refusal accepted. With someone else typing, always (whose number is it?); alone, only where the
 * channel gives none.
 */
function wantsPhone(ctx: Step1Context, ev: InputEvent): boolean {
  if (ev.teamReachable === false || ctx.screening?.phoneKnown || !ev.askPhoneEnabled) return false;
  if (ctx.mode === 'self' && (!ev.askPhone || ev.phoneOnFile)) return false;
  return results(ctx).some((r) => r.status !== 'normal');
}

function results(ctx: Step1Context): DomainResult[] {
  return scoreScreening({
    answers: ctx.answers,
    timeZone: ctx.timeZone,
    whisperOffered: ctx.mode !== undefined && ctx.mode !== 'self',
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
  // After the summary (sent with the completion): one optional question, how was it?
  effects.push({ type: 'reply', parts: [{ key: 'flow.feedback' }], choices: feedbackChoices });
  return {
    patch: {
      answers: ctx.answers, screening: ctx.screening, mode: ctx.mode, trail: [], misses: 0, timer: undefined, pending: undefined, completed: true,
      after: 'feedback', helper: ctx.helper, phoneFor: undefined,
    },
    effects,
  };
}

export const feedbackChoices: ChoiceSpec[] = [
  ...CLARITY.map((c) => ({ id: c, label: { key: `choice.clarity.${c}` } })),
  { id: 'skip', label: { key: 'choice.skip' } },
];

export const anotherChoices: ChoiceSpec[] = [
  { id: 'another', label: { key: 'choice.anotherPerson' } },
  { id: 'finish', label: { key: 'choice.doneForNow' } },
];

/** "Another person?" — after a summary or a refused consent, when someone else is typing. */
function anotherPerson(ctx: Step1Context, notices: Part[]): Outcome {
  return {
    patch: { ...diff({ ...ctx }, ctx), screening: ctx.screening, completed: true, after: 'another' },
    effects: [{ type: 'reply', parts: [...notices, { key: ctx.mode === 'helper' ? 'flow.anotherHelper' : 'flow.another' }], choices: anotherChoices }],
  };
}

/** The answer to "how was it?": kept; then, with someone else typing, "another person?". */
export function feedback(ctx: Step1Context, clarity: Clarity | undefined): Outcome {
  const effects: Effect[] = clarity && ctx.screening ? [{ type: 'feedback', screeningId: ctx.screening.id, clarity }] : [];
  if (ctx.mode !== 'self') {
    const out = anotherPerson(ctx, [{ key: 'flow.thanksFeedback' }]);
    return { patch: out.patch, effects: [...effects, ...out.effects] };
  }
  return { patch: { after: undefined }, effects: [...effects, { type: 'reply', parts: [{ key: 'flow.thanksFeedback' }, { key: 'flow.finished' }] }] };
}

/** The next person, straight away: consent, the kind of helper and the place of the day are kept. */
export function nextPerson(ctx: Step1Context, ev: InputEvent, deps: FlowDeps): Outcome {
  // Those already screened in this session are not offered again.
  const done = [...(ctx.helper?.done ?? []), ...(ctx.screening ? [ctx.screening.personId] : [])];
  const helper = { ...ctx.helper, done };
  const persons = ev.persons.filter((p) => !done.includes(p.id));
  const base: Step1Context = { ...ctx, ...FRESH, mode: ctx.mode, helper, persons, consented: true };
  const effects: Effect[] = [];
  const notices: Part[] = [];
  if (!persons.some((p) => !p.self)) screenFor(base, ev, deps, null, effects, notices);
  const step = nextStep('place', base);
  const asked = askOutcome(base, step as StepId, ev.at, notices);
  return {
    patch: { ...FRESH, mode: ctx.mode, helper, persons, consented: true, screening: base.screening, ...asked.patch },
    effects: [...effects, ...asked.effects],
  };
}

/** "J'ai fini": a helper gets the count of their screening day. */
export function endSession(ctx: Step1Context): Outcome {
  const sessionId = ctx.helper?.sessionId;
  const effects: Effect[] = ctx.mode === 'helper' && sessionId ? [{ type: 'sessionSummary', sessionId }] : [];
  effects.push({ type: 'reply', parts: [{ key: 'flow.goodbye' }] });
  return { patch: { after: undefined, helper: ctx.helper ? { ...ctx.helper, place: undefined, sessionId: undefined, done: undefined } : undefined }, effects };
}

export function back(ctx: Step1Context, ev: InputEvent): Outcome {
  // Inside the chair rise or a clarification, `back` returns to the question itself.
  if (ctx.pending || (itemOfStep(ctx.step) === 'M1' && ctx.step !== 'M1')) {
    const step = itemOfStep(ctx.step) ?? ctx.step;
    const asked = askOutcome(ctx, step, ev.at);
    return { patch: { timer: undefined, ...asked.patch }, effects: asked.effects };
  }
  const trail = [...ctx.trail];
  const previous = trail.pop();
  // Nothing answered yet in this screening: back to "who is answering" (the screening started is left).
  if (previous === undefined && ctx.screening && !ctx.completed && ctx.step !== 'who') {
    const base = { ...ctx, screening: undefined, mode: undefined, trail: [] };
    const asked = askOutcome(base, 'who', ev.at);
    return { patch: { screening: undefined, mode: undefined, trail: [], timer: undefined, ...asked.patch }, effects: [...abandon(ctx, ev.at), ...asked.effects] };
  }
  if (previous === undefined) return repeat(ctx, [{ key: 'common.firstStep' }]);
  const asked = askOutcome(ctx, previous, ev.at);
  return { patch: { trail, timer: undefined, ...asked.patch }, effects: asked.effects };
}

/** Leaves the current screening (restart, expiry): it stays in the database as abandoned. */
export function abandon(ctx: Step1Context, at: string): Effect[] {
  return ctx.screening && !ctx.completed ? [{ type: 'abandoned', screeningId: ctx.screening.id, at }] : [];
}

export function dangerOf(ev: InputEvent, deps: FlowDeps): Danger | undefined {
  return readDanger(ev.text, deps.readers);
}

/** Nobody watches this chat live: the numbers to call, an urgent alert, and a way to be called back. */
export function danger(ctx: Step1Context, ev: InputEvent, deps: FlowDeps, returnTo: Resumable): Outcome {
  const read = dangerOf(ev, deps)!;
  const kind: DangerKind = read.emergency ? 'emergency' : 'distress';
  const parts: Part[] = [];
  if (read.emergency) parts.push({ key: 'safety.emergency' });
  if (read.distress) parts.push({ key: read.emergency ? 'safety.distressLines' : 'safety.distress' });
  // After a summary too, the alert is about that person (their details and number are known).
  const screening = ctx.screening;
  const team = ev.teamReachable !== false;
  const askingPhone = team && !!ev.askPhone && !ev.phoneOnFile && !screening?.phoneKnown;
  const effects: Effect[] = [{ type: 'urgent', kind, ...(screening ? { screeningId: screening.id, personId: screening.personId } : {}), at: ev.at }];
  if (askingPhone) {
    parts.push({ key: ev.askPhone === 'button' ? 'safety.phoneAsk' : 'safety.phoneAskTyped' });
    effects.push({ type: 'reply', parts, choices: phoneChoices(ev.askPhone === 'button') });
  } else {
    parts.push({ key: team ? 'safety.teamTold' : 'safety.noTeam' }, { key: 'safety.continueOrStop' });
    effects.push({ type: 'reply', parts, choices: distressChoices });
  }
  return { patch: { safety: { kind, askingPhone }, returnTo, phoneButton: ev.askPhone === 'button' }, effects };
}

function phoneChoices(button: boolean): ChoiceSpec[] {
  return [...(button ? [{ id: 'share_phone', label: { key: 'choice.sharePhone' } }] : []), { id: 'no_phone', label: { key: 'choice.noPhone' } }];
}

/** The number asked for after words of danger: given (recorded on the alert) or refused. */
export function safetyPhone(ctx: Step1Context, ev: InputEvent, deps: FlowDeps): Outcome | undefined {
  const parsed = parseStep('phone', ev, { ...ctx, pending: undefined, phoneButton: ctx.phoneButton }, deps);
  if (!parsed.ok || parsed.value.step !== 'phone') return undefined;
  const effects: Effect[] = [];
  const screening = ctx.screening && !ctx.completed ? ctx.screening : undefined;
  // In self mode the number is the person's; with someone else typing, the one typing is the one who wrote.
  if (parsed.value.phone) {
    const own = !screening || screening.mode === 'self';
    effects.push({ type: 'callbackPhone', phone: parsed.value.phone, whose: own ? 'person' : 'typer', ...(own && screening ? { personId: screening.personId } : {}) });
  }
  const refused = ctx.safety?.kind === 'emergency' ? 'safety.noCallbackEmergency' : 'safety.noCallback';
  const parts: Part[] = [{ key: parsed.value.phone ? 'safety.phoneThanks' : refused }, { key: 'safety.continueOrStop' }];
  effects.push({ type: 'reply', parts, choices: distressChoices });
  return {
    patch: { safety: { kind: ctx.safety!.kind, askingPhone: false }, ...(screening && parsed.value.phone ? { screening: { ...screening, phoneKnown: true } } : {}) },
    effects,
  };
}

export function repromptSafetyPhone(ctx: Step1Context): Outcome {
  return {
    patch: {},
    effects: [{ type: 'reply', parts: [{ key: 'flow.phoneInvalid' }], choices: phoneChoices(!!ctx.phoneButton) }],
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

function reminderMessage(reminder: { person: KnownPerson; mode: Mode }, notices: Part[] = []): Effect {
  const name = reminder.person.firstName;
  const key = reminder.mode === 'self' ? 'reminder.self' : name ? 'reminder.other' : 'reminder.otherNoName';
  return { type: 'reply', parts: [...notices, { key, ...(name ? { vars: { name } } : {}) }], choices: reminderChoices };
}

export function remind(ev: RemindEvent): Outcome {
  const reminder = { person: ev.person, mode: ev.mode };
  return { patch: { reminder }, effects: [reminderMessage(reminder)] };
}

/** Back where the person was before an interruption, with the question of that place again. */
export function resume(ctx: Step1Context, ev: InputEvent, notices: Part[] = []): Outcome {
  const clear = { safety: undefined, returnTo: undefined };
  switch (ctx.returnTo ?? 'asking') {
    case 'asking':
      // Back to the chair rise after an interruption: the timer is not trusted, the exercise is asked again.
      if (ctx.step === 'M1_timer' || ctx.step === 'M1_confirm') {
        const asked = askOutcome({ ...ctx, timer: undefined }, 'M1', ev.at, notices);
        return { patch: { ...clear, timer: undefined, ...asked.patch }, effects: asked.effects };
      }
      return { patch: clear, effects: repeat(ctx, notices).effects };
    case 'reminded':
      return { patch: clear, effects: [reminderMessage(ctx.reminder!, notices)] };
    case 'finished':
      return { patch: clear, effects: [{ type: 'reply', parts: [...notices, { key: 'flow.finished' }] }] };
    case 'idle':
    case 'declined': {
      const out = begin(ctx, ev, { key: 'flow.welcome' });
      return { patch: { ...out.patch, ...clear }, effects: out.effects };
    }
  }
}

/** The language of a first message when the channel gave none: from its greeting ("hello" is English). */
export function languageOfGreeting(text: string | undefined, deps: FlowDeps): string | undefined {
  if (text === undefined) return undefined;
  const tokens = words(normalize(text));
  const hit = deps.readers.compiled.find((c) => findPhrases(tokens, c.greetings, c.matcher).length > 0);
  return hit?.lang;
}

/** Letters, none of them Latin: a language the bot does not read (Arabic, Chinese…). */
export function isForeignScript(text: string | undefined): boolean {
  return text !== undefined && /\p{L}/u.test(text) && !/\p{Script=Latin}/u.test(text);
}

/** The language question, in every language's own words ("Dans quelle langue… / Which language…"). */
export function languageQuestion(deps: FlowDeps, notice?: string): Effect {
  const parts: Part[] = deps.languages.flatMap((lang) => [...(notice ? [{ key: notice, lang }] : []), { key: 'language.choose', lang }]);
  return { type: 'reply', parts, choices: languageChoices(deps) };
}

/** The very first message: in the language of its greeting if it has one, else the language question. */
export function firstContact(ctx: Step1Context, ev: InputEvent, deps: FlowDeps): Outcome {
  const lang = languageOfGreeting(ev.text, deps);
  if (lang && lang !== ctx.lang) {
    const out = begin({ ...ctx, lang }, ev, greetingFor(ev));
    return { patch: { ...out.patch, lang }, effects: [{ type: 'languageChanged', lang }, ...out.effects] };
  }
  return begin(ctx, ev, greetingFor(ev));
}

/** "Start now" after a reminder: a follow-up of that person, straight to the first question. */
export function beginFollowUp(ctx: Step1Context, ev: InputEvent, deps: FlowDeps): Outcome {
  const { person, mode } = ctx.reminder!;
  const persons = ev.persons.some((p) => p.id === person.id) ? ev.persons : [...ev.persons, person];
  const helper = helperOf(ev);
  const base: Step1Context = { ...ctx, ...FRESH, consented: true, persons, mode, helper };
  const s = startScreening(base, ev, deps, person.id);
  const next = { ...base, screening: s.screening };
  const asked = askOutcome(next, nextStep('person', next) as StepId, ev.at, [{ key: 'flow.followUpWelcome', vars: { name: s.screening.firstName ?? '' } }]);
  return {
    patch: { ...FRESH, consented: true, persons, mode, helper, screening: s.screening, reminder: undefined, ...asked.patch },
    effects: [s.effect, ...asked.effects],
  };
}

export function nudge(ctx: Step1Context): Outcome {
  return repeat(ctx, [{ key: 'reminder.nudge' }]);
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

export { isItem };
