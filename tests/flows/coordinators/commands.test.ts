import { describe, expect, it } from 'vitest';
import { parseCoordinatorCommand } from '../../../flows/coordinators/commands.js';
import { locales } from '../../helpers/harness.js';

const parse = (text: string, isReply = false) => parseCoordinatorCommand(text, locales.lexicons, isReply);

describe('coordinator commands', () => {
  it.each([
    ['/pris 12', { type: 'take', alertId: 12 }],
    ['/take 12', { type: 'take', alertId: 12 }],
    ['/PRIS n°12', { type: 'take', alertId: 12 }],
    ['/pris@icope_bot 3', { type: 'take', alertId: 3 }],
    ['/clos 12 etape2', { type: 'close', alertId: 12, outcome: 'step2' }],
    ['/close 12 unreachable three calls, no answer', { type: 'close', alertId: 12, outcome: 'unreachable', note: 'three calls, no answer' }],
    ['/clos 7 fausse-alerte', { type: 'close', alertId: 7, outcome: 'false_alarm' }],
    ['/clos 7 médecin', { type: 'close', alertId: 7, outcome: 'gp' }],
    ['/ouvertes', { type: 'open', page: 1 }],
    ['/open', { type: 'open', page: 1 }],
    ['/ouvertes 3', { type: 'open', page: 3 }],
    ['/open 2', { type: 'open', page: 2 }],
    ['/ouvertes 0', { type: 'open', page: 1 }],
    ['/ouvertes deux', { type: 'open', page: 1 }],
    ['/pris', { type: 'usage', of: 'take' }],
    ['/clos 12', { type: 'usage', of: 'close' }],
    ['/clos 12 bof', { type: 'usage', of: 'close' }],
    ['/n-importe-quoi', { type: 'help' }],
  ])('%s', (text, command) => {
    expect(parse(text)).toEqual(command);
  });

  it('"pris" in reply to an alert takes it; the same word as plain chat is ignored', () => {
    expect(parse('pris', true)).toEqual({ type: 'takeQuoted' });
    expect(parse('Take', true)).toEqual({ type: 'takeQuoted' });
    expect(parse('pris')).toBeUndefined();
    expect(parse('je l\'appelle demain', true)).toBeUndefined();
    expect(parse('bonjour à tous')).toBeUndefined();
  });
});
