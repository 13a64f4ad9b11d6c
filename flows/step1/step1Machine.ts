/**
 * The ICOPE Step 1 conversation as an XState v5 machine. Pure: it decides, and emits effects
 * (messages to send, records to write) that the engine performs after committing the new state.
 *
 * Main states: idle → asking → finished, with reminded (a re-screening is due) and declined.
 * Interruptions (words of danger, pause, language, erase) remember where they came from and
 * return there: a finished screening is never reopened by them.
 */
import { and, assign, emit, enqueueActions, setup } from 'xstate';
import type { Outcome, Resumable, Step1Context } from './conversation.js';
import {
  abandon, accept, anotherChoices, back, begin, beginFollowUp, canSkip, danger, dangerOf, distressChoices, endSession, erase, eraseChoices,
  feedback, feedbackChoices, firstContact, greetingFor, help, isForeignScript, languageOfGreeting, languageQuestion, nextPerson,
  initialContext, isUnreadable, languageChoices, nudge, parse, remind, reminderChoices, repeat, reprompt, repromptSafetyPhone,
  resume, safetyPhone, skip, unreadable,
} from './conversation.js';
import type { CommandName } from './lexicon.js';
import { phraseSet } from './lexicon.js';
import type { FlowDeps } from './steps.js';
import { commandOf, matchChoice, readClarity } from './steps.js';
import { equalsPhrase, normalize, words } from './text.js';
import { findPhrases, type Phrase } from './phrases.js';
import type { CompiledLexicon } from './lexicon.js';

/** The whole message is this phrase ("bonjour", "hello there"). */
function findWhole(text: string, phrase: Phrase, c: CompiledLexicon): boolean {
  const tokens = words(text);
  return findPhrases(tokens, [phrase], c.matcher).some((s) => s.start === 0 && s.end === tokens.length);
}
import type { Clarity, Effect, FlowEvent, InputEvent, RemindEvent } from './types.js';

/** Bump when states or context change shape: older snapshots are then restarted politely. */
export const STEP1_MACHINE_VERSION = 'step1-v3';

const RESUMABLE: readonly Resumable[] = ['asking', 'reminded', 'finished', 'declined', 'idle'];

export function createStep1Machine(deps: FlowDeps) {
  const command = (ev: FlowEvent): CommandName | undefined => (ev.type === 'INPUT' ? commandOf(ev.text, deps.readers) : undefined);
  const is = (name: CommandName) => ({ event }: { event: FlowEvent }) => command(event) === name;
  const input = (ev: FlowEvent) => ev as InputEvent;
  const apply = (run: (ctx: Step1Context, ev: InputEvent) => Outcome) =>
    enqueueActions<Step1Context, FlowEvent, undefined, any, any, any, any, any, Effect>(({ context, event, enqueue }) => {
      const out = run(context, input(event));
      if (Object.keys(out.patch).length > 0) enqueue.assign(out.patch);
      for (const effect of out.effects) enqueue.emit(effect);
    });
  // Several guards read the same answer in one transition: read it once per (context, event).
  const answers = new WeakMap<object, WeakMap<object, Outcome | undefined>>();
  const answer = (ctx: Step1Context, ev: InputEvent) => {
    const byContext = answers.get(ev) ?? new WeakMap<object, Outcome | undefined>();
    answers.set(ev, byContext);
    if (byContext.has(ctx)) return byContext.get(ctx);
    const parsed = ctx.completed ? undefined : parse(ctx, ev, deps);
    const out = parsed?.ok ? accept(ctx, ev, deps, parsed) : undefined;
    byContext.set(ctx, out);
    return out;
  };
  const dangers = new WeakMap<object, boolean>();
  const isDanger = (ev: FlowEvent) => {
    if (ev.type !== 'INPUT') return false;
    if (!dangers.has(ev)) dangers.set(ev, dangerOf(ev, deps) !== undefined);
    return dangers.get(ev)!;
  };
  const completes = (out: Outcome | undefined) => !!out?.effects.some((e) => e.type === 'completed');
  const declines = (ctx: Step1Context, ev: InputEvent) => {
    const parsed = ctx.step === 'consent' ? parse(ctx, ev, deps) : undefined;
    return !!parsed?.ok && parsed.value.step === 'consent' && !parsed.value.agree;
  };
  const personDeclines = (ctx: Step1Context, ev: InputEvent) => {
    const parsed = ctx.step === 'personConsent' ? parse(ctx, ev, deps) : undefined;
    return !!parsed?.ok && parsed.value.step === 'personConsent' && !parsed.value.agree;
  };
  // Read at every message, against every language's greetings: each text read once.
  const greetings = new Map<string, boolean>();
  const isGreeting = (ev: FlowEvent) => {
    if (ev.type !== 'INPUT' || ev.text === undefined) return false;
    const t = normalize(ev.text);
    let found = greetings.get(t);
    if (found === undefined) {
      found = deps.readers.compiled.some((c) => c.greetings.some((g) => g.slots.length > 0 && findWhole(t, g, c)));
      if (greetings.size > 5_000) greetings.clear();
      greetings.set(t, found);
    }
    return found;
  };
  const restart = (ctx: Step1Context, ev: InputEvent): Outcome => {
    const out = begin(ctx, ev, { key: 'flow.restarted' });
    return { patch: out.patch, effects: [...abandon(ctx, ev.at), ...out.effects] };
  };
  const text = (ev: FlowEvent) => (ev.type === 'INPUT' && ev.text !== undefined ? normalize(ev.text) : undefined);

  /** Words of danger, from any state: answered at once, then back to where the person was. */
  const dangerFrom = (from: Resumable) => ({
    guard: 'isDanger' as const,
    target: '#step1.safety',
    actions: [{ type: 'remember' as const, params: { from } }, 'dangerAgain' as const],
  });
  /** Interruptions that come back here. */
  const interruptions = (from: Resumable) => [
    dangerFrom(from),
    { guard: 'isForeignScript' as const, target: '#step1.choosingLanguage', actions: [{ type: 'remember' as const, params: { from } }, 'askLanguageForeign' as const] },
    { guard: 'isErase' as const, target: '#step1.confirmingErase', actions: [{ type: 'remember' as const, params: { from } }, 'askErase' as const] },
    { guard: 'isLanguage' as const, target: '#step1.choosingLanguage', actions: [{ type: 'remember' as const, params: { from } }, 'askLanguage' as const] },
  ];
  /** Where a return lands: from idle or after a refusal, the conversation starts (so: asking). */
  const landing = (to: Resumable) => `#step1.${to === 'idle' || to === 'declined' ? 'asking' : to}`;
  /** Interruptions while already interrupted (paused): where to come back to is kept. */
  const nestedInterruptions = [
    { guard: 'isDanger' as const, target: '#step1.safety', actions: 'dangerAgain' as const },
    { guard: 'isForeignScript' as const, target: '#step1.choosingLanguage', actions: 'askLanguageForeign' as const },
    { guard: 'isErase' as const, target: '#step1.confirmingErase', actions: 'askErase' as const },
    { guard: 'isLanguage' as const, target: '#step1.choosingLanguage', actions: 'askLanguage' as const },
  ];
  /** Leaving an interruption when `guard` holds: back to the remembered state, its question asked again. */
  const returns = (action: 'resume' | 'resumeCancelled' | 'resumeInLanguage' | 'resumeQuietly', guard?: 'wantsToContinue' | 'picksLanguage' | 'cancelsErase') =>
    RESUMABLE.map((to) => {
      const back = { type: 'returnsTo' as const, params: { to } };
      return { guard: guard ? and([guard, back]) : back, target: landing(to), actions: action };
    });
  /** Stopping after words of danger, outside a screening: nothing more is asked. */
  const stopsHere = (guard: 'wantsToStop' | 'isPause') =>
    RESUMABLE.map((to) => ({
      guard: and([guard, { type: 'returnsTo' as const, params: { to } }]),
      target: `#step1.${to === 'reminded' ? 'finished' : to}`,
      actions: 'stopSafety' as const,
    }));

  /** "How was it?": a button, its number, or words ("c'était clair"). */
  const clarityOf = (reply: InputEvent | ReturnType<typeof input>, lang: string): Clarity | 'skip' | undefined => {
    const picked = matchChoice(reply, feedbackChoices, lang, deps);
    if (picked) return picked as Clarity | 'skip';
    return reply.text !== undefined ? readClarity(reply.text, deps) : undefined;
  };

  return setup({
    types: {
      context: {} as Step1Context,
      events: {} as FlowEvent,
      input: {} as { lang: string; timeZone: string },
      emitted: {} as Effect,
    },
    guards: {
      isDanger: ({ event }) => isDanger(event),
      isHelp: is('help'),
      isRepeat: is('repeat'),
      isBack: is('back'),
      isPause: is('pause'),
      isRestart: is('restart'),
      isLanguage: is('language'),
      isErase: is('erase'),
      isStop: is('stop'),
      returnsTo: ({ context }, params: { to: Resumable }) => (context.returnTo ?? 'asking') === params.to,
      startsFollowUp: ({ context, event }) =>
        matchChoice(input(event), reminderChoices, context.lang, deps) === 'start' ||
        command(event) === 'start' ||
        (text(event) !== undefined && phraseSet(deps.readers.lexicons, 'yesOrAgree', (l) => [...l.answers.yes, ...l.answers.agree]).has(text(event)!)),
      snoozes: ({ context, event }) =>
        matchChoice(input(event), reminderChoices, context.lang, deps) === 'snooze' ||
        (text(event) !== undefined && phraseSet(deps.readers.lexicons, 'snooze', (l) => l.snooze).has(text(event)!)),
      stopsReminders: ({ context, event }) => matchChoice(input(event), reminderChoices, context.lang, deps) === 'stopReminders',
      confirmsErase: ({ context, event }) => matchChoice(input(event), eraseChoices, context.lang, deps) === 'eraseYes',
      cancelsErase: ({ context, event }) => matchChoice(input(event), eraseChoices, context.lang, deps) === 'eraseNo',
      isUnreadable: ({ event }) => isUnreadable(input(event)),
      canSkip: ({ context, event }) => (command(event) === 'skip' || input(event).choice === 'skip') && canSkip(context),
      wantsToSkip: ({ event }) => command(event) === 'skip' || input(event).choice === 'skip',
      declines: ({ context, event }) => declines(context, input(event)),
      personDeclines: ({ context, event }) => personDeclines(context, input(event)),
      isGreeting: ({ event }) => isGreeting(event),
      isForeignScript: ({ event }) => event.type === 'INPUT' && isForeignScript(event.text),
      needsLanguage: ({ event }) => event.type === 'INPUT' && !!event.languageUnknown && !languageOfGreeting(event.text, deps) && !isForeignScript(event.text),
      afterFeedback: ({ context }) => context.after === 'feedback',
      afterAnother: ({ context }) => context.after === 'another',
      picksFeedback: ({ context, event }) => clarityOf(input(event), context.lang) !== undefined,
      picksAnother: ({ context, event }) => matchChoice(input(event), anotherChoices, context.lang, deps) === 'another',
      picksFinish: ({ context, event }) => matchChoice(input(event), anotherChoices, context.lang, deps) === 'finish',
      canSkipFeedback: ({ event }) => command(event) === 'skip' || input(event).choice === 'skip',
      completes: ({ context, event }) => completes(answer(context, input(event))),
      skipCompletes: ({ context, event }) => completes(skip(context, input(event), deps)),
      isAnswer: ({ context, event }) => answer(context, input(event)) !== undefined,
      askingPhone: ({ context }) => !!context.safety?.askingPhone,
      givesSafetyPhone: ({ context, event }) => safetyPhone(context, input(event), deps) !== undefined,
      wantsToContinue: ({ context, event }) => matchChoice(input(event), distressChoices, context.lang, deps) === 'continue',
      wantsToStop: ({ context, event }) => matchChoice(input(event), distressChoices, context.lang, deps) === 'stop',
      pausesScreening: ({ context }) => (context.returnTo ?? 'asking') === 'asking',
      picksLanguage: ({ context, event }) => matchChoice(input(event), languageChoices(deps), context.lang, deps) !== undefined,
      inScreening: ({ context }) => !!context.screening && !context.completed,
      resumesScreening: ({ context }) => (context.returnTo ?? 'asking') === 'asking' && !!context.screening && !context.completed,
    },
    actions: {
      begin: apply((ctx, ev) => begin(ctx, ev, greetingFor(ev))),
      firstContact: apply((ctx, ev) => firstContact(ctx, ev, deps)),
      askLanguageAll: emit(() => languageQuestion(deps)),
      askLanguageForeign: emit(() => languageQuestion(deps, 'common.notUnderstood')),
      resumeGreeted: apply((ctx) => repeat(ctx, [{ key: 'flow.resumed' }])),
      feedback: apply((ctx, ev) => {
        const picked = clarityOf(ev, ctx.lang);
        return feedback(ctx, picked === 'skip' ? undefined : picked);
      }),
      skipFeedback: apply((ctx) => feedback(ctx, undefined)),
      // Something else than an answer to "how was it?": the question is dropped, the message read as usual.
      skipFeedbackQuietly: apply((ctx) => {
        if (ctx.mode !== 'self') return feedback(ctx, undefined);
        return { patch: { after: undefined }, effects: [{ type: 'reply', parts: [{ key: 'flow.finished' }] }] };
      }),
      nextPerson: apply((ctx, ev) => nextPerson(ctx, ev, deps)),
      endSession: apply((ctx) => endSession(ctx)),
      repromptAfter: apply((ctx) => ({
        patch: {},
        effects: [
          ctx.after === 'feedback'
            ? { type: 'reply', parts: [{ key: 'common.notUnderstood' }, { key: 'flow.feedback' }], choices: feedbackChoices }
            : { type: 'reply', parts: [{ key: 'common.notUnderstood' }, { key: ctx.mode === 'helper' ? 'flow.anotherHelper' : 'flow.another' }], choices: anotherChoices },
        ],
      })),
      restart: apply(restart),
      help: apply((ctx) => help(ctx)),
      repeat: apply((ctx) => repeat(ctx)),
      back: apply((ctx, ev) => back(ctx, ev)),
      skip: apply((ctx, ev) => skip(ctx, ev, deps)),
      skipRefused: apply((ctx) => repeat(ctx, [{ key: 'common.skipRefused' }])),
      answer: apply((ctx, ev) => answer(ctx, ev)!),
      reprompt: apply((ctx, ev) => reprompt(ctx, ev, deps)),
      unreadable: apply((ctx, ev) => unreadable(ctx, ev)),
      dangerAgain: apply((ctx, ev) => danger(ctx, ev, deps, ctx.returnTo ?? 'asking')),
      safetyPhone: apply((ctx, ev) => safetyPhone(ctx, ev, deps)!),
      repromptSafetyPhone: apply((ctx) => repromptSafetyPhone(ctx)),
      remember: assign((_, params: { from: Resumable }) => ({ returnTo: params.from })),
      pause: emit({ type: 'reply', parts: [{ key: 'flow.paused' }] }),
      resume: apply((ctx, ev) => resume(ctx, ev, [{ key: 'flow.resumed' }])),
      resumeQuietly: apply((ctx, ev) => resume(ctx, ev)),
      resumeCancelled: apply((ctx, ev) => resume(ctx, ev, [{ key: 'flow.eraseCancelled' }])),
      resumeInLanguage: apply((ctx, ev) => {
        const lang = matchChoice(ev, languageChoices(deps), ctx.lang, deps)!;
        const out = resume({ ...ctx, lang }, ev, [{ key: 'language.changed' }]);
        return { patch: { ...out.patch, lang }, effects: [{ type: 'languageChanged', lang }, ...out.effects] };
      }),
      pauseAfterSafety: assign({ safety: undefined }),
      stopSafety: apply(() => ({ patch: { safety: undefined, returnTo: undefined }, effects: [{ type: 'reply', parts: [{ key: 'safety.stopped' }] }] })),
      askLanguage: emit(() => ({ type: 'reply', parts: [{ key: 'language.choose' }], choices: languageChoices(deps) }) as Effect),
      repromptLanguage: emit(() => ({ type: 'reply', parts: [{ key: 'common.notUnderstood' }, { key: 'language.choose' }], choices: languageChoices(deps) }) as Effect),
      repromptSafety: emit({ type: 'reply', parts: [{ key: 'safety.continueOrStop' }], choices: distressChoices }),
      finished: emit({ type: 'reply', parts: [{ key: 'flow.finished' }] }),
      askErase: emit({ type: 'reply', parts: [{ key: 'flow.eraseConfirm' }], choices: eraseChoices }),
      repromptErase: emit({ type: 'reply', parts: [{ key: 'common.notUnderstood' }, { key: 'flow.eraseConfirm' }], choices: eraseChoices }),
      erase: apply((ctx, ev) => erase(ctx, ev)),
      remind: apply((_ctx, ev) => remind(ev as unknown as RemindEvent)),
      followUp: apply((ctx, ev) => beginFollowUp(ctx, ev, deps)),
      snooze: emit(({ context, event }) => ({ type: 'snooze', at: (event as InputEvent).at, personId: context.reminder?.person.id }) as Effect),
      snoozed: emit({ type: 'reply', parts: [{ key: 'reminder.snoozed' }] }),
      repromptReminder: apply((ctx) => ({ patch: {}, effects: [{ type: 'reply', parts: [{ key: 'common.notUnderstood' }, { key: 'reminder.choose' }], choices: reminderChoices }] })),
      optOut: emit(({ event }) => ({ type: 'optOut', at: (event as InputEvent).at }) as Effect),
      stopped: emit({ type: 'reply', parts: [{ key: 'reminder.stopped' }] }),
      nudge: apply((ctx) => nudge(ctx)),
      // Abandoned after a long silence: the next message starts afresh (language and consent kept).
      expire: apply((ctx, ev) => ({ patch: { ...initialContext(ctx), consented: ctx.consented }, effects: abandon(ctx, ev.at) })),
      restoreFailed: assign(({ context }) => ({ ...initialContext(context), consented: context.consented })),
    },
  }).createMachine({
    id: 'step1',
    context: ({ input }) => initialContext(input),
    initial: 'idle',
    on: {
      // An unreadable or obsolete snapshot: start again, keeping what the database already holds.
      RESTORE_FAILED: { target: '.idle', actions: ['restoreFailed', emit({ type: 'reply', parts: [{ key: 'flow.restoreFailed' }] })] },
    },
    states: {
      idle: {
        on: {
          REMIND: { target: 'reminded', actions: 'remind' },
          INPUT: [
            dangerFrom('idle'),
            { guard: 'isStop', actions: ['optOut', 'stopped'] },
            // First contact with no hint of the language: from its greeting, else asked in every language.
            { guard: 'isForeignScript', target: 'choosingLanguage', actions: [{ type: 'remember', params: { from: 'idle' } }, 'askLanguageForeign'] },
            { guard: 'needsLanguage', target: 'choosingLanguage', actions: [{ type: 'remember', params: { from: 'idle' } }, 'askLanguageAll'] },
            { target: 'asking', actions: 'firstContact' },
          ],
        },
      },
      asking: {
        on: {
          NUDGE: { actions: 'nudge' },
          EXPIRE: { target: 'idle', actions: 'expire' },
          INPUT: [
            ...interruptions('asking'),
            { guard: 'isStop', target: 'paused', actions: [{ type: 'remember', params: { from: 'asking' } }, 'optOut', 'stopped'] },
            { guard: 'isPause', target: 'paused', actions: [{ type: 'remember', params: { from: 'asking' } }, 'pause'] },
            { guard: 'isRestart', actions: 'restart' },
            { guard: 'isHelp', actions: 'help' },
            { guard: 'isRepeat', actions: 'repeat' },
            { guard: 'isBack', actions: 'back' },
            { guard: 'isUnreadable', actions: 'unreadable' },
            // Skipping the last question (the optional GP question) ends the screening.
            { guard: and(['canSkip', 'skipCompletes']), target: 'finished', actions: 'skip' },
            { guard: 'canSkip', actions: 'skip' },
            // "Bonjour" after a break: welcome back, the same question, not a miss.
            { guard: 'isGreeting', actions: 'resumeGreeted' },
            { guard: 'declines', target: 'declined', actions: 'answer' },
            { guard: 'personDeclines', target: 'finished', actions: 'answer' },
            { guard: 'completes', target: 'finished', actions: 'answer' },
            { guard: 'isAnswer', actions: 'answer' },
            { guard: 'wantsToSkip', actions: 'skipRefused' },
            { actions: 'reprompt' },
          ],
        },
      },
      finished: {
        on: {
          REMIND: { target: 'reminded', actions: 'remind' },
          INPUT: [
            ...interruptions('finished'),
            { guard: 'isStop', actions: ['optOut', 'stopped'] },
            { guard: 'isRestart', target: 'asking', actions: 'begin' },
            // After the summary: "how was it?", then (someone else typing) "another person?".
            { guard: and(['afterFeedback', 'picksFeedback']), actions: 'feedback' },
            { guard: and(['afterFeedback', 'canSkipFeedback']), actions: 'skipFeedback' },
            { guard: and(['afterAnother', 'picksAnother']), target: 'asking', actions: 'nextPerson' },
            { guard: and(['afterAnother', 'picksFinish']), actions: 'endSession' },
            { guard: 'afterAnother', actions: 'repromptAfter' },
            { guard: 'afterFeedback', actions: 'skipFeedbackQuietly' },
            { actions: 'finished' },
          ],
        },
      },
      reminded: {
        on: {
          REMIND: { target: 'reminded', actions: 'remind' },
          INPUT: [
            ...interruptions('reminded'),
            { guard: 'isStop', target: 'finished', actions: ['optOut', 'stopped'] },
            { guard: 'stopsReminders', target: 'finished', actions: ['optOut', 'stopped'] },
            { guard: 'startsFollowUp', target: 'asking', actions: 'followUp' },
            { guard: 'snoozes', target: 'finished', actions: ['snooze', 'snoozed'] },
            { guard: 'isPause', target: 'finished', actions: ['snooze', 'snoozed'] },
            { guard: 'isRestart', target: 'asking', actions: 'begin' },
            { actions: 'repromptReminder' },
          ],
        },
      },
      declined: {
        on: {
          REMIND: { target: 'reminded', actions: 'remind' },
          INPUT: [dangerFrom('declined'), { target: 'asking', actions: 'begin' }],
        },
      },
      paused: {
        on: {
          NUDGE: { guard: 'resumesScreening', target: 'asking', actions: 'nudge' },
          EXPIRE: { guard: 'inScreening', target: 'idle', actions: 'expire' },
          INPUT: [
            ...nestedInterruptions,
            { guard: 'isStop', actions: ['optOut', 'stopped'] },
            { guard: 'isRestart', target: 'asking', actions: 'restart' },
            ...returns('resume'),
          ],
        },
      },
      safety: {
        on: {
          NUDGE: { guard: 'resumesScreening', target: 'asking', actions: 'nudge' },
          EXPIRE: { guard: 'inScreening', target: 'idle', actions: 'expire' },
          INPUT: [
            { guard: 'isDanger', actions: 'dangerAgain' },
            { guard: and(['askingPhone', 'givesSafetyPhone']), actions: 'safetyPhone' },
            { guard: and(['wantsToStop', 'pausesScreening']), target: 'paused', actions: ['pauseAfterSafety', 'pause'] },
            { guard: and(['isPause', 'pausesScreening']), target: 'paused', actions: ['pauseAfterSafety', 'pause'] },
            ...stopsHere('wantsToStop'),
            ...stopsHere('isPause'),
            ...returns('resumeQuietly', 'wantsToContinue'),
            { guard: 'askingPhone', actions: 'repromptSafetyPhone' },
            { actions: 'repromptSafety' },
          ],
        },
      },
      choosingLanguage: {
        on: {
          INPUT: [
            { guard: 'isDanger', target: 'safety', actions: 'dangerAgain' },
            ...returns('resumeInLanguage', 'picksLanguage'),
            { guard: 'isPause', target: 'paused', actions: 'pause' },
            { actions: 'repromptLanguage' },
          ],
        },
      },
      confirmingErase: {
        on: {
          INPUT: [
            { guard: 'isDanger', target: 'safety', actions: 'dangerAgain' },
            { guard: 'confirmsErase', target: 'idle', actions: 'erase' },
            ...returns('resumeCancelled', 'cancelsErase'),
            { guard: 'isPause', target: 'paused', actions: 'pause' },
            { actions: 'repromptErase' },
          ],
        },
      },
    },
  });
}

export type Step1Machine = ReturnType<typeof createStep1Machine>;
