import { describe, expect, it } from 'vitest';
import { allOf } from '../../../flows/step1/lexicon.js';
import { countRecalled } from '../../../flows/step1/recall.js';
import { locales } from '../../helpers/harness.js';

const articles = allOf(locales.lexicons, (l) => l.articles);
const fr = ['fleur', 'porte', 'riz'];
const en = ['flower', 'door', 'rice'];

describe('countRecalled', () => {
  it.each([
    ['fleur porte riz', 3],
    ['FLEUR, PORTE, RIZ', 3],
    ['riz, fleur et porte', 3],
    ['la fleur, les portes et du riz', 3],
    ['fleurs portes riz', 3],
    ['je crois que c\'était fleur, puis porte… et riz', 3],
    ['fluer porte riz', 3], // two letters swapped count as one typo
    ['fleur porte', 2],
    ['rose porte riz', 2], // a synonym is not the word
    ['fleir porte riz', 3],
    ['fleur fleur fleur', 1], // one word counted once
    ['je ne sais pas', 0],
    ['rit porte fleur', 2], // no typo allowed in words under 4 letters
  ])('fr: %s → %i', (answer, n) => {
    expect(countRecalled(answer, fr, articles)).toBe(n);
  });

  it('handles accents both ways', () => {
    expect(countRecalled('pomme cle ballon', ['pomme', 'clé', 'ballon'], articles)).toBe(3);
    expect(countRecalled('Pommé Clé Ballon', ['pomme', 'cle', 'ballon'], articles)).toBe(3);
  });

  it.each([
    ['the flower, a door and some rice', 3],
    ['doors flowers rice', 3],
    ['flowr door rice', 3],
    ['rose door rice', 2],
  ])('en: %s → %i', (answer, n) => {
    expect(countRecalled(answer, en, articles)).toBe(n);
  });
});
