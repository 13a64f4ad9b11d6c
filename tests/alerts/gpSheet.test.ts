/** The GP sheet: a one-page PDF, read back by inflating its content stream and decoding its text. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { answerText, gpSheetFileName, pdfSafe, renderGpSheetPdf, type GpSheetFacts } from '../../src/alerts/gpSheet.js';
import { LOCALES_DIR, loadLocales } from '../../src/i18n/index.js';
import type { Reason } from '../../flows/step1/types.js';

const locales = loadLocales();

/** WinAnsi bytes 0x80–0x9F that are not Latin-1. */
const WIN_ANSI: Record<number, string> = {
  0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ', 0x89: '‰', 0x8a: 'Š', 0x8b: '‹', 0x8c: 'Œ',
  0x8e: 'Ž', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—', 0x98: '˜', 0x99: '™', 0x9a: 'š', 0x9b: '›',
  0x9c: 'œ', 0x9e: 'ž', 0x9f: 'Ÿ',
};

/** The streams of a PDF, inflated when compressed. */
function streams(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  const out: string[] = [];
  const re = /<<((?:(?!>>)[^])*?)>>\s*stream\r?\n/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const length = Number(/\/Length (\d+)/.exec(m[1]!)?.[1]);
    const data = pdf.subarray(m.index + m[0].length, m.index + m[0].length + length);
    out.push((/\/FlateDecode/.test(m[1]!) ? inflateSync(data) : data).toString('latin1'));
  }
  return out;
}

/** Every text run (one TJ operator), decoded from the standard fonts' WinAnsi encoding. */
function textRuns(pdf: Buffer): string[] {
  const runs: string[] = [];
  for (const content of streams(pdf)) {
    for (const m of content.matchAll(/\[((?:<[0-9a-f]*>\s*-?[\d.]*\s*)*)\]\s*TJ/gi)) {
      const hex = [...m[1]!.matchAll(/<([0-9a-f]*)>/gi)].map((h) => h[1]).join('');
      runs.push(Buffer.from(hex, 'hex').reduce((s, b) => s + (WIN_ANSI[b] ?? String.fromCharCode(b)), ''));
    }
  }
  return runs;
}

/** The text of the sheet: runs joined by spaces (a wrapped sentence is several runs). */
const textOf = (pdf: Buffer) => textRuns(pdf).join(' ').replace(/\s+/g, ' ');
const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page(?!s)/g) ?? []).length;

const screening = (lang: string, over: Partial<GpSheetFacts> = {}): GpSheetFacts => ({
  lang,
  firstName: 'Jeanne',
  birthYear: 1948,
  screenedAt: new Date('2026-11-23T13:05:00Z'),
  timeZone: 'Europe/Paris',
  instrumentVersion: 'who-icope-step1-chat-2',
  mode: 'helper',
  helperKind: 'pharmacist',
  results: [
    { domain: 'cognition', status: 'alert', reasons: [{ code: 'date_wrong' }, { code: 'recall_incomplete', vars: { count: 1 } }] },
    { domain: 'mobility', status: 'not_assessed', reasons: [{ code: 'not_assessed', vars: { items: 'M1' } }] },
    { domain: 'nutrition', status: 'normal', reasons: [] },
    { domain: 'vision', status: 'normal', reasons: [] },
    { domain: 'hearing', status: 'normal', reasons: [] },
    { domain: 'mood', status: 'normal', reasons: [] },
  ],
  answers: [
    { item: 'C2', value: '{"status":"answered","ready":true}' },
    { item: 'C3_date', value: '{"status":"answered","date":{"day":21,"month":11,"year":2026}}' },
    { item: 'C3_day', value: '{"status":"answered","date":{"weekday":1}}' },
    { item: 'C1', value: '{"status":"answered","yes":true,"clarified":true}' },
    { item: 'M1', value: '{"status":"not_assessed"}' },
    { item: 'N1', value: '{"status":"answered","yes":false}' },
    { item: 'N2', value: '{"status":"answered","yes":false}' },
    { item: 'N3', value: '{"status":"answered","weightKg":64.5}' },
    { item: 'V1', value: '{"status":"answered","yes":false}' },
    { item: 'H1', value: '{"status":"answered","yes":false}' },
    { item: 'P1', value: '{"status":"answered","yes":false}' },
    { item: 'P2', value: '{"status":"answered","yes":null}' },
    { item: 'C4', value: '{"status":"answered","recalled":1,"of":3}' },
  ],
  territoryName: 'CPTS du Lac',
  territoryPhone: '05 61 00 00 00',
  gpName: 'Dr Martin',
  alertId: 12,
  ...over,
});

/** The run right after `label` (the next table cell). */
const after = (runs: string[], label: string) => runs[runs.indexOf(label) + 1];

describe('GP sheet PDF', () => {
  it('French: one A4 page with the person, the domains, "non évalué" apart from normal, the answers and the footer', async () => {
    const pdf = await renderGpSheetPdf(locales, screening('fr'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pageCount(pdf)).toBe(1);
    expect(pdf.toString('latin1')).toContain('/MediaBox [0 0 595.28 841.89]');
    const runs = textRuns(pdf);
    const text = textOf(pdf);
    expect(text).toContain('Repérage ICOPE étape 1 — fiche pour le médecin traitant');
    expect(text).toContain('Personne : Jeanne, né(e) en 1948');
    expect(text).toContain('Médecin traitant : Dr Martin');
    expect(text).toContain('Repérage terminé le 23 novembre 2026 à 14:05'); // Paris time
    expect(text).toContain('Réponses données par : un aidant (bénévole ou professionnel) – Pharmacie');
    for (const domain of ['Mémoire', 'Déplacements', 'Appétit et poids', 'Vue', 'Audition', 'Moral']) expect(runs).toContain(domain);
    // Each domain's result is the cell after its name: the not-assessed one is not shown as normal.
    expect(after(runs, 'Mémoire')).toBe('À approfondir');
    expect(after(runs, 'Déplacements')).toBe('Non évalué');
    expect(after(runs, 'Vue')).toBe('Rien de repéré');
    expect(text).toContain('date du jour inexacte ; 1 mot(s) sur 3 retenu(s)');
    expect(text).toContain('sans réponse : 5 levers de chaise sans les bras (M1)');
    expect(text).toContain("Ce n'est pas un résultat normal");
    // Answers, readable.
    expect(text).toContain('C3_date – Date du jour : 21 novembre 2026');
    expect(text).toContain('C3_day – Jour de la semaine : lundi');
    expect(text).toContain('C4 – Rappel des trois mots : 1 mot(s) sur 3');
    expect(text).toContain('M1 – 5 levers de chaise sans les bras : non évalué');
    expect(text).toContain('N3 – Poids déclaré : 64,5 kg');
    expect(text).toContain('P2 – Peu d\'intérêt ou de plaisir ces 2 dernières semaines : ne sait pas');
    expect(text).toContain('who-icope-step1-chat-2');
    expect(text).toContain('Ceci est un repérage, pas un diagnostic.');
    expect(text).toContain("Prochaine étape : l'évaluation approfondie ICOPE (étape 2)");
    expect(text).toContain('Repérage proposé par CPTS du Lac – tél. 05 61 00 00 00.');
    expect(text).toContain('Alerte n° 12');
  });

  it('English: the same sheet in English', async () => {
    const pdf = await renderGpSheetPdf(locales, screening('en'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pageCount(pdf)).toBe(1);
    const runs = textRuns(pdf);
    const text = textOf(pdf);
    expect(text).toContain('ICOPE Step 1 screening — summary for the GP');
    expect(text).toContain('Person: Jeanne, born in 1948');
    for (const domain of ['Memory', 'Getting about', 'Appetite and weight', 'Eyesight', 'Hearing', 'Mood']) expect(runs).toContain(domain);
    expect(after(runs, 'Memory')).toBe('Needs a closer look');
    expect(after(runs, 'Getting about')).toBe('Not assessed');
    expect(after(runs, 'Hearing')).toBe('Nothing found');
    expect(text).toContain("today's date wrong; 1 of 3 words recalled");
    expect(text).toContain('M1 – 5 chair rises without using the arms: not assessed');
    expect(text).toContain('C3_day – Day of the week: Monday');
    expect(text).toContain('who-icope-step1-chat-2');
    expect(text).toContain('This is a screening, not a diagnosis.');
    expect(text).toContain('Step 2');
    expect(text).toContain('Screening offered by CPTS du Lac – tel. 05 61 00 00 00.');
  });

  it('is deterministic: the same screening gives the same bytes, dated by the screening', async () => {
    const a = await renderGpSheetPdf(locales, screening('fr'));
    const b = await renderGpSheetPdf(locales, screening('fr'));
    expect(a.equals(b)).toBe(true);
    expect(a.toString('latin1')).toContain('(D:20261123130500Z)'); // the info dictionary's CreationDate
    const later = await renderGpSheetPdf(locales, screening('fr', { screenedAt: new Date('2026-11-24T09:00:00Z') }));
    expect(later.equals(a)).toBe(false);
  });

  it('says what it does not know, and what to do when nothing needs a closer look', async () => {
    const pdf = await renderGpSheetPdf(
      locales,
      screening('fr', {
        firstName: null, birthYear: null, mode: null, gpName: null, territoryPhone: undefined, alertId: undefined,
        results: screening('fr').results.map((r) => ({ ...r, status: 'normal' as const, reasons: [] })),
        answers: [],
      }),
    );
    const text = textOf(pdf);
    expect(pageCount(pdf)).toBe(1);
    expect(text).toContain('Personne : prénom et année de naissance non indiqués');
    expect(text).toContain('Réponses données par : non indiqué');
    expect(text).toContain('Aucune réponse enregistrée.');
    expect(text).toContain('le repérage pourra être refait');
    expect(text).toContain('Repérage proposé par CPTS du Lac.');
    expect(text).not.toContain('Médecin traitant :');
    expect(text).not.toContain('Alerte n°');
    expect(text).not.toContain('Non évalué');
  });

  it('stays on one page with long names, and prints only what Helvetica can (no emoji, no narrow spaces)', async () => {
    const long = 'Maison de santé pluriprofessionnelle des Coteaux et de la Vallée de la Garonne, antenne';
    const pdf = await renderGpSheetPdf(
      locales,
      screening('fr', {
        firstName: 'Zoë 🌻',
        gpName: `Dr ${'Marie-Christine '.repeat(6)}`,
        territoryName: long,
        results: screening('fr').results.map((r) => ({
          ...r,
          status: 'alert' as const,
          reasons: [{ code: 'chair_slow', vars: { seconds: 19 } }, { code: 'weight_drop', vars: { kg: 4 } }, { code: 'whisper_failed' }, { code: 'mood_low' }] as Reason[],
        })),
      }),
    );
    expect(pageCount(pdf)).toBe(1);
    const text = textOf(pdf);
    expect(text).toContain('Personne : Zoë, né(e) en 1948');
    expect(text).toContain('Coteaux');
    expect(text).not.toMatch(/[^\x20-\x7e\xa0-\xff€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]/);
    expect(pdfSafe('5\u202fkg ✅ — Łódź')).toBe('5 kg — ?ódz');
  });

  it('what people typed cannot push it onto a second page', async () => {
    const pdf = await renderGpSheetPdf(locales, screening('en', { firstName: 'A'.repeat(3000), gpName: 'B '.repeat(2000), territoryName: 'C'.repeat(500), territoryPhone: '0'.repeat(300) }));
    expect(pageCount(pdf)).toBe(1);
    expect(textOf(pdf)).toContain(`Person: ${'A'.repeat(59)}…, born in 1948`);
  });

  it('names the file by the screening date in its time zone, never by the person', () => {
    expect(gpSheetFileName(screening('fr'))).toBe('icope-step1-2026-11-23.pdf');
    // 23:30 UTC is already the 24th in Paris.
    expect(gpSheetFileName(screening('fr', { screenedAt: new Date('2026-11-23T23:30:00Z') }))).toBe('icope-step1-2026-11-24.pdf');
    expect(gpSheetFileName(screening('fr'))).not.toContain('Jeanne');
  });
});

describe('answers as the GP reads them', () => {
  const fr = (item: string, value: unknown) => answerText((key, vars) => locales.text('fr', { key, ...(vars ? { vars } : {}) }), 'fr', item, typeof value === 'string' ? value : JSON.stringify(value));
  const en = (item: string, value: unknown) => answerText((key, vars) => locales.text('en', { key, ...(vars ? { vars } : {}) }), 'en', item, JSON.stringify(value));

  it('yes / no / hedged / not known', () => {
    expect(fr('N1', { status: 'answered', yes: true })).toBe('oui');
    expect(fr('N1', { status: 'answered', yes: false, clarified: true })).toBe('plutôt non (après hésitation)');
    expect(fr('N1', { status: 'answered', yes: null })).toBe('ne sait pas');
    expect(en('V1', { status: 'answered', yes: true, clarified: true })).toBe('rather yes (after hesitating)');
  });

  it('dates and weekdays as given, incomplete ones said so', () => {
    expect(fr('C3_date', { status: 'answered', date: { day: 22, month: 11 } })).toBe("22 novembre (sans l'année)");
    expect(fr('C3_date', { status: 'answered', date: { day: 22, month: 11, year: 2026 }, askedAgain: true })).toBe('22 novembre 2026 ; année redemandée');
    expect(fr('C3_date', { status: 'answered', date: { month: 11, year: 2026 } })).toBe('date incomplète : novembre 2026');
    expect(fr('C3_date', { status: 'answered', date: { dontKnow: true } })).toBe('ne sait pas');
    expect(en('C3_day', { status: 'answered', date: { weekday: 0 } })).toBe('Sunday');
  });

  it('chair rise, recall, whisper, weight', () => {
    expect(fr('M1', { status: 'answered', chair: 'fast', seconds: 11.4, how: 'timer' })).toBe('11,4 s, chronométré par le robot');
    expect(fr('M1', { status: 'answered', chair: 'slow', seconds: 16, how: 'typed' })).toBe('16 s, temps indiqué');
    expect(fr('M1', { status: 'answered', chair: 'fast', seconds: 9, how: 'timer', corrected: true })).toBe('9 s, chronométré puis corrigé');
    expect(fr('M1', { status: 'answered', chair: 'slow', how: 'choice' })).toBe('14 s ou plus (déclaré)');
    expect(fr('M1', { status: 'answered', chair: 'unable', how: 'choice' })).toBe("n'a pas pu le faire");
    expect(en('C4', { status: 'answered', recalled: 2, of: 3 })).toBe('2 of 3 words');
    expect(en('H2', { status: 'answered', whisper: false })).toBe('not all digits repeated correctly');
    expect(en('N3', { status: 'answered', weightKg: 72 })).toBe('72 kg');
  });

  it('skipped, not assessed, and anything unreadable stay neutral', () => {
    expect(fr('N3', { status: 'skipped' })).toBe('pas de réponse (facultatif)');
    expect(fr('H2', { status: 'not_assessed' })).toBe('non évalué');
    expect(fr('X9', { status: 'answered', something: 1 })).toBe('réponse enregistrée, non lisible ici');
    expect(fr('N1', 'not json')).toBe('réponse enregistrée, non lisible ici');
  });
});

describe('GP sheet wording', () => {
  it('every gpSheet key the code uses exists in every language', () => {
    const src = readFileSync(path.join(LOCALES_DIR, '..', 'src/alerts/gpSheet.ts'), 'utf8');
    const literal = [...src.matchAll(/'(gpSheet\.[a-zA-Z0-9_.]*[a-zA-Z0-9_])'/g)].map((m) => m[1]!);
    const built = [
      ...['normal', 'alert', 'not_assessed'].map((s) => `gpSheet.status.${s}`),
      ...['yes', 'no', 'yesRather', 'noRather'].map((a) => `gpSheet.answer.${a}`),
      ...['C1', 'C2', 'C3_date', 'C3_day', 'C4', 'M1', 'N1', 'N2', 'N3', 'V1', 'H1', 'H2', 'P1', 'P2'].map((id) => `gpSheet.item.${id}`),
    ];
    expect(literal.length).toBeGreaterThan(20);
    for (const lng of locales.languages) {
      for (const key of [...literal, ...built]) expect(locales.i18n.exists(key, { lng, fallbackLng: false }), `${lng}: ${key}`).toBe(true);
    }
  });
});
