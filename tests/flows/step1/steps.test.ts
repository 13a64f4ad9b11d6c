import { describe, expect, it } from 'vitest';
import { commandOf, isDistress, matchChoice, nextStep, parseStep, progress, yesNoOf, type StepContext } from '../../../flows/step1/steps.js';
import { locales } from '../../helpers/harness.js';

const deps = { lexicons: locales.lexicons, labelOf: locales.text, languages: locales.languages };
const lex = locales.lexicons;
const at = '2026-11-22T10:00:00Z';
const ctx = (over: Partial<StepContext> = {}): StepContext => ({ lang: 'fr', consented: true, mode: 'self', persons: [], answers: {}, ...over });

describe('commands', () => {
  it.each([
    ['aide', 'help'], ['/help', 'help'], ['?', 'help'], ['Répéter', 'repeat'], ['retour', 'back'], ['BACK', 'back'],
    ['pause', 'pause'], ['plus tard', 'pause'], ['recommencer', 'restart'], ['/restart', 'restart'], ['langue', 'language'],
    ['/language', 'language'], ['passer', 'skip'], ['skip', 'skip'],
  ])('%s → %s', (text, name) => {
    expect(commandOf(text, lex)).toBe(name);
  });

  it('only a whole message is a command', () => {
    expect(commandOf('oui mais aide moi avec la date', lex)).toBeUndefined();
    expect(commandOf('fleur porte riz', lex)).toBeUndefined();
  });
});

describe('yes / no', () => {
  it.each([
    ['oui', 'yes'], ['Oui, un peu', 'yes'], ['ouais', 'yes'], ['non', 'no'], ['Non pas du tout', 'no'], ['nope', 'no'],
    ['yes', 'yes'], ['je ne sais pas', 'dontKnow'], ["I don't know", 'dontKnow'], ['bof', undefined],
  ])('%s → %s', (text, kind) => {
    expect(yesNoOf(text, lex)).toBe(kind);
  });
});

describe('choices', () => {
  const choices = [
    { id: 'self', label: { key: 'flow.whoSelf' } },
    { id: 'relative', label: { key: 'flow.whoRelative' } },
    { id: 'helper', label: { key: 'flow.whoHelper' } },
  ];
  it.each([
    [{ text: '2' }, 'relative'], [{ text: '2.' }, 'relative'], [{ text: 'n°3' }, 'helper'], [{ text: 'un proche' }, 'relative'],
    [{ text: 'Moi-même, pour moi' }, 'self'], [{ choice: 'helper' }, 'helper'], [{ text: '7' }, undefined],
    [{ choice: 'stale-button' }, undefined], [{ text: 'blabla' }, undefined], [{ text: 'moi' }, 'self'], [{ text: 'me' }, 'self'],
    [{ text: 'ma mère' }, 'relative'], [{ text: 'bénévole' }, 'helper'],
  ])('%o → %s', (reply, id) => {
    expect(matchChoice({ at, ...reply }, choices, 'fr', deps)).toBe(id);
  });
});

describe('parseStep', () => {
  it('birth year: four or two digits, plausible only', () => {
    expect(parseStep('birthYear', { text: 'en 1947', at }, ctx(), deps)).toMatchObject({ ok: true, value: { birthYear: 1947 } });
    expect(parseStep('birthYear', { text: '47', at }, ctx(), deps)).toMatchObject({ ok: true, value: { birthYear: 1947 } });
    expect(parseStep('birthYear', { text: '2020', at }, ctx(), deps)).toMatchObject({ ok: false });
    expect(parseStep('birthYear', { text: 'vieux', at }, ctx(), deps)).toMatchObject({ ok: false, hint: { key: 'flow.birthYearInvalid' } });
  });

  it('postcode and first name', () => {
    expect(parseStep('postcode', { text: '31 000', at }, ctx(), deps)).toMatchObject({ ok: true, value: { postcode: '31000' } });
    expect(parseStep('postcode', { text: 'SW1A 1AA', at }, ctx(), deps)).toMatchObject({ ok: true, value: { postcode: 'SW1A 1AA' } });
    expect(parseStep('postcode', { text: 'Toulouse', at }, ctx(), deps)).toMatchObject({ ok: false });
    expect(parseStep('firstName', { text: 'jeanne', at }, ctx(), deps)).toMatchObject({ ok: true, value: { firstName: 'Jeanne' } });
    expect(parseStep('firstName', { text: 'passer', at }, ctx(), deps)).toMatchObject({ ok: true, value: { firstName: null } });
  });

  it('a partial date is re-asked, "I don\'t know" is an answer', () => {
    expect(parseStep('C3_date', { text: '22 novembre', at }, ctx(), deps)).toMatchObject({ ok: false, hint: { key: 'item.C3_datePartial' } });
    expect(parseStep('C3_date', { text: 'je ne sais pas', at }, ctx(), deps)).toMatchObject({ ok: true });
  });

  it('the chair-rise timer measures between the two presses', () => {
    const started = ctx({ timerStartedAt: '2026-11-22T10:00:00.000Z' });
    const done = (ms: number) => ({ choice: 'done', at: new Date(Date.parse('2026-11-22T10:00:00Z') + ms).toISOString() });
    expect(parseStep('M1_timer', done(13_900), started, deps)).toMatchObject({ ok: true, value: { value: { chair: 'fast', seconds: 13.9 } } });
    expect(parseStep('M1_timer', done(14_000), started, deps)).toMatchObject({ ok: true, value: { value: { chair: 'slow', seconds: 14 } } });
    expect(parseStep('M1_timer', { text: 'terminé', at: done(9000).at }, started, deps)).toMatchObject({ ok: true, value: { value: { chair: 'fast' } } });
  });

  it('weight accepts "70 kg" and "65,5"', () => {
    expect(parseStep('N3', { text: '70 kg', at }, ctx(), deps)).toMatchObject({ ok: true, value: { value: { weightKg: 70 } } });
    expect(parseStep('N3', { text: '65,5', at }, ctx(), deps)).toMatchObject({ ok: true, value: { value: { weightKg: 65.5 } } });
    expect(parseStep('N3', { text: '7', at }, ctx(), deps)).toMatchObject({ ok: false });
  });
});

describe('plan', () => {
  it('offers the whisper test only when someone else is there', () => {
    expect(nextStep('H1', ctx({ mode: 'self' }))).toBe('P1');
    expect(nextStep('H1', ctx({ mode: 'relative' }))).toBe('H2');
    expect(progress('C4', ctx({ mode: 'self' }))).toEqual({ n: 13, total: 13 });
    expect(progress('C4', ctx({ mode: 'helper' }))).toEqual({ n: 14, total: 14 });
  });
});

describe('distress words', () => {
  it.each(['Je veux mourir', "j'ai envie d'en finir", 'I want to die', 'sometimes I think about suicide'])('%s', (text) => {
    expect(isDistress(text, lex)).toBe(true);
  });
  it('ignores ordinary sentences', () => {
    expect(isDistress('je meurs de faim', lex)).toBe(false);
    expect(isDistress('non', lex)).toBe(false);
  });
});
