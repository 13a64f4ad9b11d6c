/**
 * Properties over every path of the conversation machine, explored breadth-first from a new contact
 * and from a returning one, with what people type (answers, choice numbers, commands, danger words,
 * stickers) and what timers send (reminder, nudge, expiry):
 * - a completed screening is never answered or completed again;
 * - reminders are stopped only by "stop" or by the reminder's own choice;
 * - a choice number typed at a question picks that question's choice;
 * - every reachable state can still reach a summary, a pause or the start.
 */
import { describe, expect, it } from 'vitest';
import { createActor, type Snapshot } from 'xstate';
import type { Step1Context } from '../../../flows/step1/conversation.js';
import { createStep1Machine } from '../../../flows/step1/step1Machine.js';
import { choicesFor } from '../../../flows/step1/steps.js';
import type { Effect, FlowEvent, KnownPerson } from '../../../flows/step1/types.js';
import { CONSENT_VERSION } from '../../../flows/step1/types.js';
import { locales } from '../../helpers/harness.js';

const machine = createStep1Machine({ readers: locales.readers, labelOf: locales.text, languages: locales.languages });
const at = '2026-11-22T10:00:00Z'; // Sunday 22 November 2026

type Snap = { value: unknown; context: Step1Context };

const TEXTS = [
  'oui', 'non', 'pas souvent', '1', '2', '3', '4', '5', '1947', '31000', '22/11/2026', '22 novembre', 'dimanche', '12 secondes',
  'fleur porte riz', 'passer', 'aide', 'retour', 'pause', 'recommencer', 'langue', 'effacer', 'stop', 'xyz',
  'je veux mourir', 'au secours je suis tombée', '06 12 34 56 78',
];

function events(persons: KnownPerson[]): Array<{ label: string; event: FlowEvent }> {
  const base = { type: 'INPUT' as const, at, persons, askPhone: 'typed' as const, askPhoneEnabled: true, newIds: { screening: 's1', person: 'p1' } };
  const person: KnownPerson = persons[0] ?? { id: 'p9', firstName: 'Paul', birthYear: 1940, postcode: '31000', completedScreenings: 1, lastWordSet: 1 };
  return [
    ...TEXTS.map((text) => ({ label: text, event: { ...base, text } })),
    { label: '[sticker]', event: { ...base, media: 'sticker' } },
    { label: '[done]', event: { ...base, choice: 'done' } },
    { label: '[skip]', event: { ...base, choice: 'skip' } },
    { label: '[REMIND]', event: { type: 'REMIND', at, person, mode: 'relative' } },
    { label: '[NUDGE]', event: { type: 'NUDGE', at } },
    { label: '[EXPIRE]', event: { type: 'EXPIRE', at } },
  ];
}

/** States told apart by value and the context fields that change what can happen next. */
function key(s: Snap): string {
  const c = s.context;
  // The language, the exact miss count and the kind of second person change wording, not what can happen next.
  const mode = c.mode === undefined ? '-' : c.mode === 'self' ? 'self' : 'other';
  return [
    JSON.stringify(s.value), c.step, c.misses >= 3, mode, !!c.screening, !!c.completed, c.consented, c.pending?.kind,
    !!c.timer, c.timer?.seconds !== undefined, c.returnTo, c.safety?.askingPhone, !!c.reminder,
  ].join('|');
}

function step(snapshot: Snap | undefined, event: FlowEvent): { next: Snap; effects: Effect[] } {
  const effects: Effect[] = [];
  const actor = createActor(machine, { input: { lang: 'fr', timeZone: 'Europe/Paris' }, ...(snapshot ? { snapshot: snapshot as unknown as Snapshot<unknown> as never } : {}) });
  actor.on('*', (e) => effects.push(e as Effect));
  actor.start();
  actor.send(event);
  const status = actor.getSnapshot().status;
  if (status !== 'active') throw new Error(`the machine ended in status ${status}: ${String((actor.getSnapshot() as { error?: unknown }).error)}`);
  const next = actor.getPersistedSnapshot() as unknown as Snap;
  actor.stop();
  return { next: JSON.parse(JSON.stringify(next)) as Snap, effects };
}

function explore(persons: KnownPerson[]) {
  const evs = events(persons);
  const start = step(undefined, { type: 'NUDGE', at }).next; // a fresh snapshot (NUDGE does nothing in idle)
  const seen = new Map<string, Snap>([[key(start), start]]);
  const edges = new Map<string, Set<string>>();
  // How each state was first reached: the path of a problem is printed with it.
  const via = new Map<string, { from: string; label: string }>();
  const path = (k: string): string => {
    const labels: string[] = [];
    for (let at = via.get(k); at; at = via.get(at.from)) labels.unshift(at.label);
    return labels.join(' → ');
  };
  const queue = [start];
  const problems: string[] = [];
  let processed = 0;
  while (queue.length > 0) {
    const s = queue.shift()!;
    const from = key(s);
    for (const { label, event } of evs) {
      let out: ReturnType<typeof step>;
      try {
        out = step(s, event);
      } catch (err) {
        problems.push(`after [${path(from)}] --${label}--> ${(err as Error).message}`);
        continue;
      }
      const { next, effects } = out;
      const where = `${from} --${label}-->`;
      // A completed screening is never answered again.
      if (s.context.completed && s.context.screening) {
        const id = s.context.screening.id;
        if (effects.some((e) => (e.type === 'answer' || e.type === 'completed') && e.screeningId === id)) problems.push(`${where} answers a completed screening`);
      }
      // Only "stop", or the reminder's own third choice, stops reminders.
      if (effects.some((e) => e.type === 'optOut') && label !== 'stop' && !(JSON.stringify(s.value) === '"reminded"' && label === '3')) {
        problems.push(`${where} stops reminders`);
      }
      // A choice number picks that choice of the question on screen.
      if (JSON.stringify(s.value) === '"asking"' && /^[1-5]$/.test(label) && !s.context.pending) {
        const choices = choicesFor(s.context.step, s.context) ?? [];
        const n = Number(label);
        if (n > choices.length && effects.some((e) => e.type === 'answer' && e.item === s.context.step && e.value.status === 'answered' && !('date' in e.value) && !('weightKg' in e.value) && !('recalled' in e.value))) {
          problems.push(`${where} took a number that is not a choice as an answer`);
        }
      }
      // In a screening's questions, there is a screening.
      const needs = ['personConsent', 'birthYear', 'postcode', 'phoneWhose', 'phone', 'C2', 'C3_date', 'C3_day', 'C1', 'M1', 'N1', 'P2', 'C4'];
      if (JSON.stringify(next.value) === '"asking"' && needs.includes(next.context.step) && !next.context.screening) problems.push(`after [${path(from)}] --${label}--> at ${next.context.step} without a screening`);
      const to = key(next);
      if (!edges.has(to)) edges.set(to, new Set());
      edges.get(to)!.add(from);
      if (!seen.has(to)) {
        via.set(to, { from, label });
        seen.set(to, next);
        queue.push(next);
      }
    }
    if (process.env.GRAPH_DEBUG && (++processed) % 200 === 0) process.stderr.write(`${processed} ${seen.size} ${queue.length}\n`);
    if (seen.size > 40_000) throw new Error('state space too large: refine key()');
  }
  // Walk back from the resting places: what cannot reach one is stuck.
  const rest = [...seen.keys()].filter((k) => /^"(finished|paused|idle|declined)"/.test(k));
  const good = new Set(rest);
  const todo = [...rest];
  while (todo.length > 0) for (const p of edges.get(todo.pop()!) ?? []) if (!good.has(p)) (good.add(p), todo.push(p));
  const stuck = [...seen.keys()].filter((k) => !good.has(k));
  return { seen, problems, stuck };
}

describe('step1Machine: every path', () => {
  it('a new contact: no finished screening reopened, no stray stop, no stuck state', () => {
    const { seen, problems, stuck } = explore([]);
    expect(problems.slice(0, 10)).toEqual([]);
    expect(stuck.slice(0, 10)).toEqual([]);
    const steps = new Set([...seen.values()].map((s) => s.context.step));
    for (const s of ['consent', 'who', 'C2', 'C3_date', 'M1', 'M1_timer', 'M1_confirm', 'M1_manual', 'N3', 'C4', 'phone']) expect(steps.has(s as never), s).toBe(true);
    expect([...seen.keys()].some((k) => k.startsWith('"finished"'))).toBe(true);
    expect([...seen.keys()].some((k) => k.startsWith('"safety"'))).toBe(true);
  });

  it('a returning contact: same, and known details are not asked again', () => {
    const known: KnownPerson = {
      id: 'p0', firstName: 'Jeanne', birthYear: 1947, postcode: '31000', consentVersion: CONSENT_VERSION, completedScreenings: 1, lastWordSet: 0, lastWeightKg: 70,
    };
    const { seen, problems, stuck } = explore([known]);
    expect(problems.slice(0, 10)).toEqual([]);
    expect(stuck.slice(0, 10)).toEqual([]);
    const steps = new Set([...seen.values()].filter((s) => s.context.screening?.personId === 'p0').map((s) => s.context.step));
    for (const s of ['consent', 'firstName', 'birthYear', 'postcode'] as const) expect(steps.has(s)).toBe(false);
    expect(steps.has('C4')).toBe(true);
  });
});
