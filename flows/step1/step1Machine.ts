/**
 * The ICOPE Step 1 conversation as an XState v5 machine. Pure: it decides, and emits effects
 * (messages to send, records to write) that the engine performs after committing the new state.
 */
import { and, assign, emit, enqueueActions, setup } from 'xstate';
import type { Outcome, Step1Context } from './conversation.js';
import {
  abandon, accept, back, begin, canSkip, distress, distressChoices, greetingFor, help, initialContext,
  beginFollowUp, erase, eraseChoices, isUnreadable, languageChoices, nudge, parse, remind, reminderChoices, repeat, reprompt, skip, unreadable,
} from './conversation.js';
import type { CommandName } from './lexicon.js';
import type { FlowDeps } from './steps.js';
import { commandOf, isDistress, matchChoice } from './steps.js';
import type { Effect, FlowEvent, InputEvent, RemindEvent } from './types.js';
import { equalsPhrase, normalize } from './text.js';
import { allOf } from './lexicon.js';

/** Bump when states or context change shape: older snapshots are then restarted politely. */
export const STEP1_MACHINE_VERSION = 'step1-v2';

export function createStep1Machine(deps: FlowDeps) {
  const command = (ev: FlowEvent): CommandName | undefined =>
    ev.type === 'INPUT' ? commandOf(ev.text, deps.lexicons) : undefined;
  const is = (name: CommandName) => ({ event }: { event: FlowEvent }) => command(event) === name;
  const input = (ev: FlowEvent) => ev as InputEvent;
  const apply = (run: (ctx: Step1Context, ev: InputEvent) => Outcome) =>
    enqueueActions<Step1Context, FlowEvent, undefined, any, any, any, any, any, Effect>(({ context, event, enqueue }) => {
      const out = run(context, input(event));
      if (Object.keys(out.patch).length > 0) enqueue.assign(out.patch);
      for (const effect of out.effects) enqueue.emit(effect);
    });
  const answer = (ctx: Step1Context, ev: InputEvent) => {
    const parsed = parse(ctx, ev, deps);
    return parsed.ok ? accept(ctx, ev, deps, parsed) : undefined;
  };
  const completes = (out: Outcome | undefined) => !!out?.effects.some((e) => e.type === 'completed');
  const declines = (ctx: Step1Context, ev: InputEvent) => {
    const parsed = ctx.step === 'consent' ? parse(ctx, ev, deps) : undefined;
    return !!parsed?.ok && parsed.value.step === 'consent' && !parsed.value.agree;
  };
  const restart = (ctx: Step1Context, ev: InputEvent): Outcome => {
    const out = begin(ctx, ev, deps, { key: 'flow.restarted' });
    return { patch: out.patch, effects: [...abandon(ctx, ev.at), ...out.effects] };
  };

  return setup({
    types: {
      context: {} as Step1Context,
      events: {} as FlowEvent,
      input: {} as { lang: string; timeZone: string },
      emitted: {} as Effect,
    },
    guards: {
      isDistress: ({ event }) => event.type === 'INPUT' && isDistress(event.text, deps.lexicons),
      isHelp: is('help'),
      isRepeat: is('repeat'),
      isBack: is('back'),
      isPause: is('pause'),
      isRestart: is('restart'),
      isLanguage: is('language'),
      isErase: is('erase'),
      isStop: ({ context, event }) => command(event) === 'stop' || (event.type === 'INPUT' && matchChoice(event, reminderChoices, context.lang, deps) === 'stopReminders'),
      startsFollowUp: ({ context, event }) => matchChoice(input(event), reminderChoices, context.lang, deps) === 'start' || command(event) === 'start' || (input(event).text !== undefined && equalsPhrase(normalize(input(event).text!), allOf(deps.lexicons, (l) => l.yes))),
      snoozes: ({ context, event }) =>
        matchChoice(input(event), reminderChoices, context.lang, deps) === 'snooze' ||
        (input(event).text !== undefined && equalsPhrase(normalize(input(event).text!), allOf(deps.lexicons, (l) => l.snooze))),
      confirmsErase: ({ context, event }) => matchChoice(input(event), eraseChoices, context.lang, deps) === 'eraseYes',
      cancelsErase: ({ context, event }) => matchChoice(input(event), eraseChoices, context.lang, deps) === 'eraseNo',
      resumesFinished: ({ context }) => context.resumeTo === 'finished',
      isUnreadable: ({ event }) => isUnreadable(input(event)),
      canSkip: ({ context, event }) => (command(event) === 'skip' || input(event).choice === 'skip') && canSkip(context),
      declines: ({ context, event }) => declines(context, input(event)),
      completes: ({ context, event }) => completes(answer(context, input(event))),
      isAnswer: ({ context, event }) => answer(context, input(event)) !== undefined,
      wantsToContinue: ({ context, event }) => {
        const picked = matchChoice(input(event), distressChoices, context.lang, deps);
        return picked === 'continue';
      },
      wantsToStop: ({ context, event }) => matchChoice(input(event), distressChoices, context.lang, deps) === 'stop',
      picksLanguage: ({ context, event }) =>
        matchChoice(input(event), languageChoices(deps), context.lang, deps) !== undefined,
    },
    actions: {
      begin: apply((ctx, ev) => begin(ctx, ev, deps, greetingFor(ev))),
      restart: apply(restart),
      help: apply((ctx) => help(ctx, deps)),
      repeat: apply((ctx) => repeat(ctx, deps)),
      back: apply((ctx, ev) => back(ctx, ev, deps)),
      skip: apply((ctx, ev) => skip(ctx, ev, deps)),
      answer: apply((ctx, ev) => answer(ctx, ev)!),
      reprompt: apply((ctx, ev) => reprompt(ctx, ev, deps)),
      unreadable: apply((ctx, ev) => unreadable(ctx, ev, deps)),
      distress: apply((ctx, ev) => distress(ctx, ev)),
      pause: emit({ type: 'reply', parts: [{ key: 'flow.paused' }] }),
      resume: apply((ctx) => repeat(ctx, deps, [{ key: 'flow.resumed' }])),
      askLanguage: emit(() => ({ type: 'reply', parts: [{ key: 'language.choose' }], choices: languageChoices(deps) }) as Effect),
      repromptLanguage: emit(() => ({
        type: 'reply',
        parts: [{ key: 'common.notUnderstood' }, { key: 'language.choose' }],
        choices: languageChoices(deps),
      }) as Effect),
      setLanguage: apply((ctx, ev) => {
        const lang = matchChoice(ev, languageChoices(deps), ctx.lang, deps)!;
        const next = { ...ctx, lang };
        const asked = repeat(next, deps, [{ key: 'language.changed' }]);
        return { patch: { lang }, effects: [{ type: 'languageChanged', lang }, ...asked.effects] };
      }),
      repromptDistress: emit({ type: 'reply', parts: [{ key: 'safety.continueOrStop' }], choices: distressChoices }),
      finished: emit({ type: 'reply', parts: [{ key: 'flow.finished' }] }),
      askErase: emit({ type: 'reply', parts: [{ key: 'flow.eraseConfirm' }], choices: eraseChoices }),
      repromptErase: emit({ type: 'reply', parts: [{ key: 'common.notUnderstood' }, { key: 'flow.eraseConfirm' }], choices: eraseChoices }),
      erase: apply((ctx, ev) => erase(ctx, ev)),
      eraseCancelled: emit({ type: 'reply', parts: [{ key: 'flow.eraseCancelled' }] }),
      resumeAfterCancel: apply((ctx) => repeat(ctx, deps, [{ key: 'flow.eraseCancelled' }])),
      fromAsking: assign({ resumeTo: 'asking' as const }),
      remind: apply((_ctx, ev) => remind(ev as unknown as RemindEvent)),
      followUp: apply((ctx, ev) => beginFollowUp(ctx, ev, deps)),
      snooze: emit(({ context, event }) => ({ type: 'snooze', at: (event as InputEvent).at, personId: context.reminder?.person.id }) as Effect),
      snoozed: emit({ type: 'reply', parts: [{ key: 'reminder.snoozed' }] }),
      repromptReminder: emit({ type: 'reply', parts: [{ key: 'common.notUnderstood' }], choices: reminderChoices }),
      optOut: emit(({ event }) => ({ type: 'optOut', at: (event as InputEvent).at }) as Effect),
      stopped: emit({ type: 'reply', parts: [{ key: 'reminder.stopped' }] }),
      nudge: apply((ctx) => nudge(ctx, deps)),
      // Abandoned after a long silence: the next message starts afresh (language and consent kept).
      expire: apply((ctx, ev) => ({ patch: { ...initialContext(ctx), consented: ctx.consented }, effects: abandon(ctx, ev.at) })),
      fromFinished: assign({ resumeTo: 'finished' as const }),
      restoreFailed: assign(({ context }) => ({ ...initialContext(context), consented: context.consented })),
    },
  }).createMachine({
    id: 'step1',
    context: ({ input }) => initialContext(input),
    initial: 'idle',
    on: {
      // Six months later (or after a snooze): whatever state the conversation was left in.
      REMIND: { target: '.reminded', actions: 'remind' },
      // An unreadable or obsolete snapshot: start again, keeping what the database already holds.
      RESTORE_FAILED: { target: '.idle', actions: ['restoreFailed', emit({ type: 'reply', parts: [{ key: 'flow.restoreFailed' }] })] },
    },
    states: {
      idle: {
        on: {
          INPUT: [
            { guard: 'isDistress', target: 'distress', actions: 'distress' },
            { guard: 'isStop', actions: ['optOut', 'stopped'] },
            { target: 'asking', actions: 'begin' },
          ],
        },
      },
      asking: {
        on: {
          NUDGE: { target: 'asking', actions: 'nudge' },
          EXPIRE: { target: 'idle', actions: 'expire' },
          INPUT: [
            { guard: 'isDistress', target: 'distress', actions: 'distress' },
            { guard: 'isStop', target: 'paused', actions: ['optOut', 'stopped'] },
            { guard: 'isErase', target: 'confirmingErase', actions: ['fromAsking', 'askErase'] },
            { guard: 'isPause', target: 'paused', actions: 'pause' },
            { guard: 'isLanguage', target: 'choosingLanguage', actions: 'askLanguage' },
            { guard: 'isRestart', actions: 'restart' },
            { guard: 'isHelp', actions: 'help' },
            { guard: 'isRepeat', actions: 'repeat' },
            { guard: 'isBack', actions: 'back' },
            { guard: 'isUnreadable', actions: 'unreadable' },
            { guard: 'canSkip', actions: 'skip' },
            { guard: 'declines', target: 'declined', actions: 'answer' },
            { guard: 'completes', target: 'finished', actions: 'answer' },
            { guard: 'isAnswer', actions: 'answer' },
            { actions: 'reprompt' },
          ],
        },
      },
      distress: {
        on: {
          NUDGE: { target: 'asking', actions: 'nudge' },
          EXPIRE: { target: 'idle', actions: 'expire' },
          INPUT: [
            { guard: 'isDistress', actions: 'distress' },
            { guard: 'wantsToStop', target: 'paused', actions: 'pause' },
            { guard: 'isPause', target: 'paused', actions: 'pause' },
            { guard: 'wantsToContinue', target: 'asking', actions: 'repeat' },
            { actions: 'repromptDistress' },
          ],
        },
      },
      choosingLanguage: {
        on: {
          NUDGE: { target: 'asking', actions: 'nudge' },
          EXPIRE: { target: 'idle', actions: 'expire' },
          INPUT: [
            { guard: 'isDistress', target: 'distress', actions: 'distress' },
            { guard: 'picksLanguage', target: 'asking', actions: 'setLanguage' },
            { guard: 'isPause', target: 'paused', actions: 'pause' },
            { actions: 'repromptLanguage' },
          ],
        },
      },
      paused: {
        on: {
          NUDGE: { target: 'asking', actions: 'nudge' },
          EXPIRE: { target: 'idle', actions: 'expire' },
          INPUT: [
            { guard: 'isDistress', target: 'distress', actions: 'distress' },
            { guard: 'isStop', actions: ['optOut', 'stopped'] },
            { guard: 'isErase', target: 'confirmingErase', actions: ['fromAsking', 'askErase'] },
            { guard: 'isRestart', target: 'asking', actions: 'restart' },
            { guard: 'isLanguage', target: 'choosingLanguage', actions: 'askLanguage' },
            { target: 'asking', actions: 'resume' },
          ],
        },
      },
      finished: {
        on: {
          INPUT: [
            { guard: 'isDistress', actions: 'distress' },
            { guard: 'isStop', actions: ['optOut', 'stopped'] },
            { guard: 'isErase', target: 'confirmingErase', actions: ['fromFinished', 'askErase'] },
            { guard: 'isRestart', target: 'asking', actions: 'begin' },
            { actions: 'finished' },
          ],
        },
      },
      reminded: {
        on: {
          INPUT: [
            { guard: 'isDistress', target: 'distress', actions: 'distress' },
            { guard: 'isStop', target: 'finished', actions: ['optOut', 'stopped'] },
            { guard: 'startsFollowUp', target: 'asking', actions: 'followUp' },
            { guard: 'snoozes', target: 'finished', actions: ['snooze', 'snoozed'] },
            { guard: 'isPause', target: 'finished', actions: ['snooze', 'snoozed'] },
            { guard: 'isRestart', target: 'asking', actions: 'begin' },
            { guard: 'isErase', target: 'confirmingErase', actions: ['fromFinished', 'askErase'] },
            { actions: 'repromptReminder' },
          ],
        },
      },
      confirmingErase: {
        on: {
          INPUT: [
            { guard: 'isDistress', target: 'distress', actions: 'distress' },
            { guard: 'confirmsErase', target: 'idle', actions: 'erase' },
            { guard: and(['cancelsErase', 'resumesFinished']), target: 'finished', actions: 'eraseCancelled' },
            { guard: 'cancelsErase', target: 'asking', actions: 'resumeAfterCancel' },
            { guard: 'isPause', target: 'paused', actions: 'pause' },
            { actions: 'repromptErase' },
          ],
        },
      },
      declined: {
        on: {
          INPUT: { target: 'asking', actions: 'begin' },
        },
      },
    },
  });
}

export type Step1Machine = ReturnType<typeof createStep1Machine>;
