/** The step readers in isolation (the corpus in tests/corpus plays real answers through the engine). */
import { describe, expect, it } from 'vitest';
import { commandOf, matchChoice, nextStep, parseStep, progress, type StepContext } from '../../../flows/step1/steps.js';
import { readYesNo } from '../../../flows/step1/reading/yesNo.js';
import { readDanger } from '../../../flows/step1/reading/danger.js';
import { compilePhrase, findPhrases, WordMatcher } from '../../../flows/step1/phrases.js';
import { locales } from '../../helpers/harness.js';

const readers = locales.readers;
const deps = { readers, labelOf: locales.text, languages: locales.languages };
const at = '2026-11-22T10:00:00Z';
const ctx = (over: Partial<StepContext> = {}): StepContext => ({ lang: 'fr', timeZone: 'Europe/Paris', consented: true, mode: 'self', persons: [], answers: {}, ...over });

describe('phrase patterns', () => {
  const m = new WordMatcher(new Set(['nourrir']));
  const find = (pattern: string, text: string) => findPhrases(text.split(' '), [compilePhrase(pattern)], m).map((s) => [s.start, s.end]);
  it('alternatives, optional words, gaps, prefixes', () => {
    expect(find('(veux|voudrais) mourir', 'je voudrais mourir')).toEqual([[1, 3]]);
    expect(find('je (ne |)veux plus', 'je veux plus')).toEqual([[0, 3]]);
    expect(find('envie ... mourir', 'envie de bien mourir')).toEqual([[0, 4]]);
    expect(find('envie ... mourir', 'envie de ne pas du tout mourir')).toEqual([]);
    expect(find('envie ...6 mourir', 'envie de ne pas du tout mourir')).toEqual([[0, 7]]);
    expect(find('suicid*', 'idees suicidaires')).toEqual([[1, 2]]);
  });
  it('one typo in a word of 5 letters or more, unless it is another real word', () => {
    expect(find('veux mourir', 'veux mourrir')).toEqual([[0, 2]]);
    expect(find('veux mourir', 'veux nourrir')).toEqual([]);
    expect(find('non', 'nom')).toEqual([]);
  });
  it('refuses an alternative that normalizes to nothing', () => {
    expect(() => compilePhrase('help (lol|😂)')).toThrow(/no letters/);
  });
});

describe('commands', () => {
  it.each([
    ['aide', 'help'], ['/help', 'help'], ['?', 'help'], ['Répéter', 'repeat'], ['retour', 'back'], ['BACK', 'back'],
    ['pause', 'pause'], ['plus tard', 'pause'], ['recommencer', 'restart'], ['/restart', 'restart'], ['langue', 'language'],
    ['/language', 'language'], ['passer', 'skip'], ['skip', 'skip'], ['stop', 'stop'],
  ])('%s → %s', (text, name) => {
    expect(commandOf(text, readers)).toBe(name);
  });

  it('only a whole message is a command; "au secours" and "help me" never are', () => {
    expect(commandOf('oui mais aide moi avec la date', readers)).toBeUndefined();
    expect(commandOf('fleur porte riz', readers)).toBeUndefined();
    expect(commandOf('au secours', readers)).toBeUndefined();
    expect(commandOf('help me', readers)).toBeUndefined();
    expect(readDanger('au secours', readers)).toEqual({ distress: false, emergency: true });
  });
});

describe('yes / no, read against the question', () => {
  it.each([
    ['N2', "je n'ai plus d'appétit", 'yes'], ['N2', "je n'ai pas perdu l'appétit", 'no'], ['N2', 'pas souvent', 'hedge'],
    ['P2', 'aucun plaisir', 'yes'], ['P2', 'nothing interests me anymore', 'yes'], ['P1', 'not often', 'hedge'],
    ['P1', 'oui non', 'hedge'], ['H1', "je n'entends plus très bien", 'yes'], ['C1', 'ouii', 'yes'], ['C1', 'nn', 'no'],
    ['C1', 'yess', 'yes'], ['P1', 'jamais', 'no'], ['N2', 'un peu', 'hedge'], ['N2', 'oui, un peu', 'yes'], ['P1', 'je ne sais pas', 'dontKnow'],
    ['N1', "oui mais j'étais au régime", 'no'], ['N1', "j'ai perdu 2 kilos", 'no'], ['N1', 'lost half a stone', 'yes'],
    ['V1', "eyes are fine but I'm diabetic", 'yes'], ['V1', "I'm not diabetic", 'hedge'],
  ])('%s: %s → %s', (item, text, reading) => {
    expect(readYesNo(text, item as never, readers)).toBe(reading);
  });
});

describe('choices: only those on screen', () => {
  const choices = [
    { id: 'self', label: { key: 'flow.whoSelf' } },
    { id: 'relative', label: { key: 'flow.whoRelative' } },
    { id: 'helper', label: { key: 'flow.whoHelper' } },
  ];
  it.each([
    [{ text: '2' }, 'relative'], [{ text: '2.' }, 'relative'], [{ text: 'n°3' }, 'helper'],
    [{ text: 'Moi-même, pour moi' }, 'self'], [{ choice: 'helper' }, 'helper'], [{ text: '7' }, undefined],
    [{ choice: 'stale-button' }, undefined], [{ text: 'blabla' }, undefined],
  ])('%o → %s', (reply, id) => {
    expect(matchChoice({ at, ...reply }, choices, 'fr', deps)).toBe(id);
  });
});

describe('parseStep', () => {
  it('birth year: four or two digits, plausible only', () => {
    expect(parseStep('birthYear', { text: 'en 1947', at }, ctx(), deps)).toMatchObject({ ok: true, value: { birthYear: 1947 } });
    expect(parseStep('birthYear', { text: '47', at }, ctx(), deps)).toMatchObject({ ok: true, value: { birthYear: 1947 } });
    expect(parseStep('birthYear', { text: '2020', at }, ctx(), deps)).toMatchObject({ ok: false });
    expect(parseStep('birthYear', { text: "j'ai 80 ans", at }, ctx(), deps)).toMatchObject({ ok: false });
  });

  it('a date without its year asks for the year; a day already wrong is scored at once', () => {
    expect(parseStep('C3_date', { text: '22 novembre', at }, ctx({ askedAt: at }), deps)).toMatchObject({ ok: true, value: { step: 'pending', pending: { kind: 'year' } } });
    expect(parseStep('C3_date', { text: '21 novembre', at }, ctx({ askedAt: at }), deps)).toMatchObject({ ok: true, value: { item: 'C3_date' } });
    const asked = ctx({ askedAt: at, pending: { kind: 'year', date: { day: 22, month: 11 }, raw: '22 novembre' } });
    expect(parseStep('C3_date', { text: '2026', at }, asked, deps)).toMatchObject({ ok: true, value: { value: { date: { day: 22, month: 11, year: 2026 }, askedAgain: true } } });
    expect(parseStep('C3_date', { text: 'je sais pas', at }, asked, deps)).toMatchObject({ ok: true, value: { value: { date: { dontKnow: true } } } });
  });

  it('the chair-rise timer measures between the two presses, and asks for confirmation', () => {
    const started = ctx({ timer: { startedAt: '2026-11-22T10:00:00.000Z' } });
    const done = (ms: number) => ({ choice: 'done', at: new Date(Date.parse('2026-11-22T10:00:00Z') + ms).toISOString() });
    expect(parseStep('M1_timer', done(13_900), started, deps)).toMatchObject({ ok: true, value: { step: 'chair', next: 'M1_confirm', timer: { seconds: 13.9 } } });
    expect(parseStep('M1_timer', { text: 'x', at: done(9000).at }, started, deps)).toMatchObject({ ok: true, value: { next: 'M1_confirm', timer: { seconds: 9 } } });
    // The engine restarted between the start and the end: the time cannot be trusted.
    expect(parseStep('M1_timer', { ...done(3000), engineStartedAt: '2026-11-22T10:00:01Z' }, started, deps)).toMatchObject({ ok: true, value: { next: 'M1_manual', timer: { unreliable: true } } });
    const confirm = ctx({ timer: { startedAt: '2026-11-22T10:00:00.000Z', seconds: 14.2 } });
    expect(parseStep('M1_confirm', { choice: 'right', at }, confirm, deps)).toMatchObject({ ok: true, value: { value: { chair: 'slow', seconds: 14.2, how: 'timer' } } });
    expect(parseStep('M1_confirm', { text: 'non, 12 secondes', at }, confirm, deps)).toMatchObject({ ok: true, value: { value: { chair: 'fast', seconds: 12, corrected: true } } });
  });

  it('typed chair-rise answers, in both languages', () => {
    expect(parseStep('M1', { text: 'en 20 s', at }, ctx(), deps)).toMatchObject({ ok: true, value: { value: { chair: 'slow', seconds: 20 } } });
    expect(parseStep('M1', { text: '13 seconds', at }, ctx(), deps)).toMatchObject({ ok: true, value: { value: { chair: 'fast', seconds: 13 } } });
    expect(parseStep('M1', { text: 'I could not do it', at }, ctx(), deps)).toMatchObject({ ok: true, value: { value: { chair: 'unable' } } });
    expect(parseStep('M1', { text: '2 secondes', at }, ctx(), deps)).toMatchObject({ ok: true, value: { next: 'M1_confirm' } });
    expect(parseStep('M1', { text: '3', at }, ctx(), deps)).toMatchObject({ ok: true, value: { value: { chair: 'slow', how: 'choice' } } });
  });

  it('weight accepts "70 kg", "65,5" and stones', () => {
    expect(parseStep('N3', { text: '70 kg', at }, ctx(), deps)).toMatchObject({ ok: true, value: { value: { weightKg: 70 } } });
    expect(parseStep('N3', { text: '65,5', at }, ctx(), deps)).toMatchObject({ ok: true, value: { value: { weightKg: 65.5 } } });
    expect(parseStep('N3', { text: '11 stone', at }, ctx(), deps)).toMatchObject({ ok: true, value: { value: { weightKg: 69.9 } } });
    expect(parseStep('N3', { text: '7', at }, ctx(), deps)).toMatchObject({ ok: false });
  });
});

describe('plan', () => {
  it('offers the whisper test only when someone else is there', () => {
    expect(nextStep('H1', ctx({ mode: 'self' }))).toBe('P1');
    expect(nextStep('H1', ctx({ mode: 'relative' }))).toBe('H2');
    expect(progress('C4', ctx({ mode: 'self' }))).toEqual({ n: 13, total: 13 });
    expect(progress('C4', ctx({ mode: 'helper' }))).toEqual({ n: 14, total: 14 });
    expect(progress('M1_confirm', ctx())).toEqual(progress('M1', ctx()));
  });
});
