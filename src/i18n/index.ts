/** Loads locales/<lang>/{translation,lexicon}.json into one i18next instance. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';
import { compileLexicons, type Lexicon, type Lexicons, type NearWords, type Readers } from '../../flows/step1/lexicon.js';
import type { Part } from '../../flows/step1/types.js';
import { PROJECT_ROOT } from '../root.js';

export const LOCALES_DIR = path.join(PROJECT_ROOT, 'locales');

export interface Locales {
  i18n: i18n;
  languages: string[];
  lexicons: Lexicons;
  /** The lexicons compiled for reading answers, once. */
  readers: Readers;
  /** Renders one message part in `lang`. */
  text(lang: string, part: Part): string;
  t(lang: string): TFunction;
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

export function loadLocales(dir = LOCALES_DIR, fallbackLng = 'fr'): Locales {
  const languages = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort((a, b) => (a === fallbackLng ? -1 : b === fallbackLng ? 1 : a.localeCompare(b)));
  const resources: Record<string, Record<string, Record<string, unknown>>> = {};
  const lexicons: Record<string, Lexicon> = {};
  const nearWords: Record<string, NearWords> = {};
  for (const lang of languages) {
    resources[lang] = { translation: readJson(path.join(dir, lang, 'translation.json')) };
    lexicons[lang] = readJson(path.join(dir, lang, 'lexicon.json')) as unknown as Lexicon;
    const near = path.join(dir, lang, 'near-words.json');
    nearWords[lang] = existsSync(near) ? (readJson(near) as unknown as NearWords) : { words: [] };
  }
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: fallbackLng,
    fallbackLng,
    supportedLngs: languages,
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return {
    i18n: instance,
    languages,
    lexicons,
    readers: compileLexicons(lexicons, nearWords),
    text: (lang, part) => instance.t(part.key, { lng: lang, ...(part.vars ?? {}) }) as string,
    t: (lang) => instance.getFixedT(lang),
  };
}
