/** Every state the conversation can reach can still end in a summary or a clean pause. */
import { describe, expect, it } from 'vitest';
import { getAdjacencyMap } from 'xstate/graph';
import { createStep1Machine } from '../../../flows/step1/step1Machine.js';
import { STEP_ORDER } from '../../../flows/step1/steps.js';
import type { FlowEvent, KnownPerson } from '../../../flows/step1/types.js';
import { CONSENT_VERSION } from '../../../flows/step1/types.js';
import { locales } from '../../helpers/harness.js';

const machine = createStep1Machine({ lexicons: locales.lexicons, labelOf: locales.text, languages: locales.languages });
const at = '2026-11-22T10:00:00Z'; // Sunday 22 November 2026

function inputs(persons: KnownPerson[]): FlowEvent[] {
  const base = { type: 'INPUT' as const, at, persons, askPhone: 'button' as const, newIds: { screening: 's1', person: 'p1' } };
  const texts = [
    'oui', 'non', '1', '2', '3', '4', 'Jeanne', '1947', '31000', '22/11/2026', 'dimanche', 'fleur porte riz',
    'passer', 'aide', 'répéter', 'retour', 'pause', 'recommencer', 'langue', 'effacer', '', 'xyz', 'je veux mourir',
    'stop', 'dans une semaine',
  ];
  const person: KnownPerson = persons[0] ?? { id: 'p9', firstName: 'Paul', birthYear: 1940, postcode: '31000', completedScreenings: 1, lastWordSet: 1 };
  return [
    ...texts.map((text) => ({ ...base, text })),
    { ...base, media: 'sticker' },
    { ...base, choice: 'done' },
    { ...base, choice: 'skip' },
    { ...base, phone: '+33612345678' },
    { type: 'REMIND', at, person, mode: 'relative' },
    { type: 'NUDGE', at },
    { type: 'EXPIRE', at },
  ];
}

type Snap = ReturnType<typeof machine.getInitialSnapshot>;

/** States are told apart by value and the few context fields that change what can happen next. */
function serialize(s: Snap): string {
  const c = s.context;
  return [JSON.stringify(s.value), s.status, c.step, Math.min(c.misses, 3), c.mode, !!c.screening, c.lang, c.consented, !!c.timerStartedAt, !!c.reminder].join('|');
}

function check(persons: KnownPerson[]) {
  // The adjacency map's generic types do not follow a machine with emitted events: checked at run time instead.
  const map = getAdjacencyMap(machine as never, {
    input: { lang: 'fr', timeZone: 'Europe/Paris' },
    events: inputs(persons),
    serializeState: (s) => serialize(s as Snap),
  }) as unknown as Record<string, { state: Snap; transitions: Record<string, { state: Snap }> }>;
  const keys = Object.keys(map);
  const parents = new Map<string, Set<string>>();
  for (const k of keys) {
    for (const t of Object.values(map[k]!.transitions)) {
      const target = serialize(t.state);
      if (!parents.has(target)) parents.set(target, new Set());
      parents.get(target)!.add(k);
    }
  }
  // Walk back from the clean endings: what cannot reach one is stuck.
  const good = new Set(keys.filter((k) => /^"(finished|paused)"/.test(k)));
  const queue = [...good];
  while (queue.length > 0) {
    for (const p of parents.get(queue.pop()!) ?? []) {
      if (!good.has(p)) {
        good.add(p);
        queue.push(p);
      }
    }
  }
  return { keys, states: keys.map((k) => map[k]!.state), stuck: keys.filter((k) => !good.has(k)) };
}

describe('step1Machine graph', () => {
  it('a new contact: every reachable state can still reach a summary or a clean pause', () => {
    const { keys, states, stuck } = check([]);
    expect(states.every((s) => s.status === 'active')).toBe(true);
    expect(stuck).toEqual([]);
    expect(keys.some((k) => k.startsWith('"finished"'))).toBe(true);
    const visited = new Set(states.map((s) => s.context.step));
    expect([...visited].sort()).toEqual(STEP_ORDER.filter((s) => s !== 'person').sort());
  });

  it('a returning contact (follow-up): same, and known details are not asked again', () => {
    const known: KnownPerson = {
      id: 'p0', firstName: 'Jeanne', birthYear: 1947, postcode: '31000', consentVersion: CONSENT_VERSION,
      completedScreenings: 1, lastWordSet: 0, lastWeightKg: 70,
    };
    const { states, stuck } = check([known]);
    expect(stuck).toEqual([]);
    const visited = new Set(states.filter((s) => s.context.screening?.personId === 'p0').map((s) => s.context.step));
    for (const step of ['consent', 'firstName', 'birthYear', 'postcode'] as const) expect(visited.has(step)).toBe(false);
    expect(visited.has('C4')).toBe(true);
  });
});
