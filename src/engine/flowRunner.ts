/**
 * The thin caller around the Step 1 machine: restore a snapshot, send one event, collect the
 * emitted effects and the new snapshot, stop. No I/O.
 */
import { createActor, type Snapshot } from 'xstate';
import { STEP1_MACHINE_VERSION, type Step1Machine } from '../../flows/step1/step1Machine.js';
import type { Effect, FlowEvent } from '../../flows/step1/types.js';

export interface StoredConversation {
  machineVersion: string;
  snapshot: string;
}

export interface FlowTurn {
  effects: Effect[];
  snapshot: string;
  machineVersion: string;
  /** The stored snapshot could not be used (older machine, unreadable): the flow started over. */
  restarted: boolean;
  /** The machine's state after the turn, e.g. "asking" or "finished". */
  state: string;
}

export function runFlow(
  machine: Step1Machine,
  stored: StoredConversation | null,
  input: { lang: string; timeZone: string },
  events: FlowEvent[],
): FlowTurn {
  const effects: Effect[] = [];
  let restarted = false;
  let snapshot: Snapshot<unknown> | undefined;
  if (stored) {
    if (stored.machineVersion === STEP1_MACHINE_VERSION) {
      try {
        snapshot = JSON.parse(stored.snapshot) as Snapshot<unknown>;
        // Resolving throws on states that no longer exist; better to find out before sending.
        machine.resolveState(snapshot as never);
      } catch {
        snapshot = undefined;
      }
    }
    restarted = snapshot === undefined;
  }
  const actor = createActor(machine, { input, ...(snapshot ? { snapshot: snapshot as never } : {}) });
  let failure: unknown;
  actor.subscribe({ error: (err) => (failure = err) });
  actor.on('*', (effect) => effects.push(effect as Effect));
  actor.start();
  if (restarted) actor.send({ type: 'RESTORE_FAILED', at: eventTime(events[0]) });
  for (const event of events) actor.send(event);
  const persisted = actor.getPersistedSnapshot();
  actor.stop();
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
  return {
    effects,
    snapshot: JSON.stringify(persisted),
    machineVersion: STEP1_MACHINE_VERSION,
    restarted,
    state: String((persisted as { value?: unknown }).value),
  };
}

function eventTime(event: FlowEvent | undefined): string {
  return event?.at ?? new Date().toISOString();
}
