/**
 * A one-page PDF summary of an ICOPE Step 1 screening for the person's GP ("fiche pour le médecin
 * traitant"): who, when, who answered, each domain's result with its reasons, the answers as recorded,
 * the instrument version, and a reminder that a screening is not a diagnosis.
 *
 * Every visible sentence comes from the locales (`gpSheet.*`, and the shared `domain.*`, `reason.*`,
 * `helperKind.*`, `coordinators.mode.*`). Standard Helvetica, no font files: text is kept to the
 * WinAnsi character set those fonts can print. The output is deterministic: the PDF's dates and file
 * id derive from the screening's date.
 */
import type PDFDocumentClass from 'pdfkit';
import { DOMAINS, INSTRUMENT } from '../../flows/step1/instrument.js';
import type { Domain, Reason } from '../../flows/step1/types.js';
import type { Locales } from '../i18n/index.js';

export interface GpSheetFacts {
  /** Language of the sheet (fr or en). */
  lang: string;
  firstName?: string | null;
  birthYear?: number | null;
  /** When the screening was completed. */
  screenedAt: Date;
  /** IANA time zone for the printed date, e.g. 'Europe/Paris'. */
  timeZone: string;
  /** e.g. 'who-icope-step1-chat-2'. */
  instrumentVersion: string;
  /** 'self' | 'relative' | 'helper'. */
  mode?: string | null;
  helperKind?: string | null;
  results: { domain: Domain; status: 'normal' | 'alert' | 'not_assessed'; reasons: Reason[] }[];
  /** Item id (C1, C3_date, N1 …) and the stored JSON of the parsed answer (Answer.value). */
  answers: { item: string; value: string }[];
  territoryName: string;
  territoryPhone?: string;
  gpName?: string | null;
  alertId?: number;
}

type Vars = Record<string, string | number>;
type T = (key: string, vars?: Vars) => string;

// ---------------------------------------------------------------------------------------------
// Text

/** Characters beyond Latin-1 that the standard PDF fonts (WinAnsi encoding) can print. */
const WIN_ANSI_EXTRA = new Set([
  0x152, 0x153, 0x160, 0x161, 0x178, 0x17d, 0x17e, 0x192, 0x2c6, 0x2dc, 0x2013, 0x2014, 0x2018, 0x2019, 0x201a, 0x201c, 0x201d,
  0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
]);

const printable = (code: number) => (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(code);

/**
 * Text the standard fonts can print: thin and narrow spaces become plain ones, pictographs are
 * dropped, accents the font lacks are removed, anything else becomes "?".
 */
export function pdfSafe(text: string): string {
  let out = '';
  for (const ch of text.replace(/[\u2000-\u200a\u202f\u205f\u3000]/g, ' ').replace(/[\u2010\u2011\u2212]/g, '-').replace(/[\r\n\t]+/g, ' ')) {
    const code = ch.codePointAt(0)!;
    if (printable(code)) out += ch;
    else if (/\p{Extended_Pictographic}|[\u200b-\u200d\u2060\ufe0e\ufe0f]/u.test(ch)) continue;
    else {
      const bare = ch.normalize('NFD').replace(/\p{M}/gu, '');
      out += bare.length > 0 && [...bare].every((c) => printable(c.codePointAt(0)!)) ? bare : '?';
    }
  }
  return out.replace(/ {2,}/g, ' ').trim();
}

/** Printable and at most `max` characters: what people typed cannot push the sheet onto a second page. */
function clip(text: string | null | undefined, max: number): string {
  const safe = pdfSafe(text ?? '');
  return safe.length <= max ? safe : `${safe.slice(0, max - 1).trimEnd()}…`;
}

function validTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

function number(lang: string, n: number): string {
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(n);
}

const has = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** A readable rendering of one stored answer (Answer.value), short and neutral when unsure. */
export function answerText(t: T, lang: string, item: string, json: string): string {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return t('gpSheet.answer.other');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return t('gpSheet.answer.other');
  const a = v as Record<string, unknown>;
  if (a.status === 'not_assessed') return t('gpSheet.answer.notAssessed');
  if (a.status === 'skipped') return t('gpSheet.answer.skipped');
  if (a.status !== 'answered') return t('gpSheet.answer.other');

  if (has(a, 'yes')) {
    if (a.yes === null) return t('gpSheet.answer.dontKnow');
    if (typeof a.yes !== 'boolean') return t('gpSheet.answer.other');
    const rather = a.clarified === true;
    return t(`gpSheet.answer.${a.yes ? 'yes' : 'no'}${rather ? 'Rather' : ''}`);
  }
  if (has(a, 'date')) {
    const text = dateText(t, lang, item, a.date);
    return a.askedAgain === true ? t('gpSheet.answer.yearAskedAgain', { answer: text }) : text;
  }
  if (typeof a.recalled === 'number') return t('gpSheet.answer.recall', { recalled: a.recalled, of: typeof a.of === 'number' ? a.of : 3 });
  if (has(a, 'chair')) {
    if (a.chair === 'unable') return t('gpSheet.answer.chairUnable');
    if (typeof a.seconds === 'number') {
      const seconds = number(lang, a.seconds);
      if (a.corrected === true) return t('gpSheet.answer.chairCorrected', { seconds });
      return t(a.how === 'timer' ? 'gpSheet.answer.chairTimer' : 'gpSheet.answer.chairTyped', { seconds });
    }
    if (a.chair === 'fast') return t('gpSheet.answer.chairFast');
    if (a.chair === 'slow') return t('gpSheet.answer.chairSlow');
    return t('gpSheet.answer.other');
  }
  if (typeof a.whisper === 'boolean') return t(a.whisper ? 'gpSheet.answer.whisperRight' : 'gpSheet.answer.whisperWrong');
  if (typeof a.weightKg === 'number') return t('gpSheet.answer.weight', { kg: number(lang, a.weightKg) });
  if (a.ready === true) return t('gpSheet.answer.ready');
  return t('gpSheet.answer.other');
}

/** A date or weekday as the person gave it: "22 novembre 2026", "mercredi", "22 novembre (sans l'année)". */
function dateText(t: T, lang: string, item: string, raw: unknown): string {
  if (!raw || typeof raw !== 'object') return t('gpSheet.answer.other');
  const d = raw as Record<string, unknown>;
  if (d.dontKnow === true) return t('gpSheet.answer.dontKnow');
  const int = (x: unknown, min: number, max: number) => (typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max ? x : undefined);
  const day = int(d.day, 1, 31);
  const month = int(d.month, 1, 12);
  const year = int(d.year, 0, 9999);
  const weekday = int(d.weekday, 0, 6);
  const weekdayName = (w: number) => new Intl.DateTimeFormat(lang, { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 7 + w))); // 7 Jan 2024 was a Sunday
  if (item === 'C3_day' || (day === undefined && month === undefined && year === undefined)) {
    return weekday !== undefined ? weekdayName(weekday) : t('gpSheet.answer.other');
  }
  const monthName = month !== undefined ? new Intl.DateTimeFormat(lang, { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2000, month - 1, 1))) : undefined;
  const given = [day, monthName, year].filter((x) => x !== undefined).join(' ');
  if (day === undefined || month === undefined) return t('gpSheet.answer.datePartial', { date: given });
  return year === undefined ? t('gpSheet.answer.dateNoYear', { date: given }) : given;
}

// ---------------------------------------------------------------------------------------------
// Layout

const COLORS = {
  text: '#111111',
  muted: '#555555',
  rule: '#999999',
  header: '#e8e8e8',
  status: { normal: '#1e5631', alert: '#9b1c1c', not_assessed: '#7a4a00' },
} as const;

/** Item order on the sheet: by domain, then as asked; unknown ids last. */
const ITEM_ORDER: string[] = DOMAINS.flatMap((d) => INSTRUMENT.items.filter((i) => i.domain === d).map((i) => i.id as string));
const domainOfItem = (id: string): Domain | undefined => INSTRUMENT.items.find((i) => i.id === id)?.domain;

interface Doc {
  doc: PDFKit.PDFDocument;
  pages: number;
}

/** Lays the sheet out at a type scale; returns the document (not ended) and how many pages it took. */
function layout(PDFDocument: typeof PDFDocumentClass, locales: Locales, facts: GpSheetFacts, scale: number): Doc {
  const lang = facts.lang;
  const t: T = (key, vars) => locales.text(lang, { key, ...(vars ? { vars } : {}) });
  const exists = (key: string) => locales.i18n.exists(key, { lng: lang });
  const timeZone = validTimeZone(facts.timeZone);

  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 40, bottom: 40, left: 46, right: 46 },
    lang,
    displayTitle: true,
    info: {
      Title: pdfSafe(t('gpSheet.title')),
      Creator: 'icope-step1-bot',
      Producer: 'PDFKit',
      CreationDate: facts.screenedAt,
    },
  });
  const state: Doc = { doc, pages: 1 };
  doc.on('pageAdded', () => (state.pages += 1));

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const size = (n: number) => n * scale;
  const gap = (n: number) => (doc.y += n * scale);
  const font = (name: 'Helvetica' | 'Helvetica-Bold' | 'Helvetica-Oblique' | 'Helvetica-BoldOblique', pt: number, color: string = COLORS.text) =>
    doc.font(name).fontSize(size(pt)).fillColor(color);
  const para = (text: string, opts: PDFKit.Mixins.TextOptions = {}) => doc.text(pdfSafe(text), left, doc.y, { width, ...opts });
  const rule = () => {
    doc.moveTo(left, doc.y).lineTo(left + width, doc.y).lineWidth(0.6).strokeColor(COLORS.rule).stroke();
  };

  // Title and what this is.
  font('Helvetica-Bold', 15);
  para(t('gpSheet.title'));
  gap(3);
  font('Helvetica', 8.5, COLORS.muted);
  para(t('gpSheet.intro'));
  gap(6);
  rule();
  gap(7);

  // Who, when, who answered.
  // What people typed is made printable before it goes into a sentence ("Zoë 🌻" → "Zoë").
  const name = clip(facts.firstName, 60) || undefined;
  const year = facts.birthYear ?? undefined;
  const person = name
    ? year !== undefined
      ? t('gpSheet.person', { name, year })
      : t('gpSheet.personNoYear', { name })
    : year !== undefined
      ? t('gpSheet.personNoName', { year })
      : t('gpSheet.personUnknown');
  const date = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'long', year: 'numeric', timeZone }).format(facts.screenedAt);
  const time = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(facts.screenedAt);
  const meta: string[] = [person];
  const gpName = clip(facts.gpName, 100);
  if (gpName) meta.push(t('gpSheet.gp', { name: gpName }));
  meta.push(t('gpSheet.screenedAt', { date, time }));
  if (facts.mode && exists(`coordinators.mode.${facts.mode}`)) {
    const who = t(`coordinators.mode.${facts.mode}`);
    if (facts.mode === 'helper' && facts.helperKind) {
      const kind = exists(`helperKind.${facts.helperKind}`) ? t(`helperKind.${facts.helperKind}`) : clip(facts.helperKind, 40);
      meta.push(t('gpSheet.answeredByHelper', { who, kind }));
    } else meta.push(t('gpSheet.answeredBy', { who }));
  } else meta.push(t('gpSheet.answeredByUnknown'));
  if (facts.alertId !== undefined) meta.push(t('gpSheet.alert', { id: facts.alertId }));
  font('Helvetica-Bold', 10.5);
  para(meta[0]!);
  font('Helvetica', 10);
  for (const line of meta.slice(1)) {
    gap(1.5);
    para(line);
  }
  gap(12);

  // Results by domain.
  font('Helvetica-Bold', 12);
  para(t('gpSheet.resultsTitle'));
  gap(5);
  const cols = [
    { x: left, w: width * 0.22 },
    { x: left + width * 0.22, w: width * 0.22 },
    { x: left + width * 0.44, w: width * 0.56 },
  ] as const;
  const pad = size(4);
  const row = (cells: Array<{ text: string; font: Parameters<typeof font>[0]; pt: number; color?: string }>, fill?: string) => {
    const heights = cells.map((c, i) => {
      font(c.font, c.pt);
      return doc.heightOfString(pdfSafe(c.text) || ' ', { width: cols[i]!.w - 2 * pad });
    });
    const h = Math.max(...heights) + 2 * pad;
    const top = doc.y;
    if (top + h > doc.page.height - doc.page.margins.bottom) state.pages += 1; // would not fit: try a smaller scale
    if (fill) doc.rect(left, top, width, h).fillColor(fill).fill();
    cells.forEach((c, i) => {
      font(c.font, c.pt, c.color);
      doc.text(pdfSafe(c.text), cols[i]!.x + pad, top + pad, { width: cols[i]!.w - 2 * pad });
    });
    doc.y = top + h;
    rule();
  };
  row(
    [
      { text: t('gpSheet.colDomain'), font: 'Helvetica-Bold', pt: 9 },
      { text: t('gpSheet.colStatus'), font: 'Helvetica-Bold', pt: 9 },
      { text: t('gpSheet.colDetails'), font: 'Helvetica-Bold', pt: 9 },
    ],
    COLORS.header,
  );
  const itemLabel = (id: string) => (exists(`gpSheet.item.${id}`) ? t(`gpSheet.item.${id}`) : id);
  const reasonText = (r: Reason) => {
    if (r.code === 'not_assessed') {
      const ids = String(r.vars?.items ?? '').split(/\s*,\s*/).filter(Boolean);
      return ids.length > 0 ? t('gpSheet.notAssessedItems', { items: ids.map((id) => t('gpSheet.itemRef', { id, label: itemLabel(id) })).join(', ') }) : '';
    }
    return exists(`reason.${r.code}`) ? t(`reason.${r.code}`, r.vars) : r.code;
  };
  const results = [...facts.results].sort((a, b) => DOMAINS.indexOf(a.domain) - DOMAINS.indexOf(b.domain));
  for (const r of results) {
    const details = r.reasons.map(reasonText).filter(Boolean).join(t('gpSheet.reasonSeparator'));
    row([
      { text: exists(`domain.${r.domain}`) ? t(`domain.${r.domain}`) : r.domain, font: 'Helvetica-Bold', pt: 10 },
      { text: t(`gpSheet.status.${r.status}`), font: r.status === 'normal' ? 'Helvetica' : 'Helvetica-Bold', pt: 10, color: COLORS.status[r.status] },
      { text: details || '-', font: 'Helvetica', pt: 9.5 },
    ]);
  }
  if (results.some((r) => r.status === 'not_assessed')) {
    gap(4);
    font('Helvetica-Oblique', 8.5, COLORS.muted);
    para(t('gpSheet.notAssessedNote'));
  }
  gap(12);

  // The answers, grouped by domain.
  font('Helvetica-Bold', 12);
  para(t('gpSheet.answersTitle'));
  gap(5);
  const latest = new Map<string, string>();
  for (const a of facts.answers) {
    latest.delete(a.item); // the last answer recorded for an item wins
    latest.set(a.item, a.value);
  }
  const rank = (id: string) => (ITEM_ORDER.includes(id) ? ITEM_ORDER.indexOf(id) : ITEM_ORDER.length);
  const items = [...latest.keys()].sort((a, b) => rank(a) - rank(b));
  if (items.length === 0) {
    font('Helvetica', 9.5);
    para(t('gpSheet.noAnswers'));
  }
  const groups: Array<{ domain: Domain | undefined; ids: string[] }> = [];
  for (const id of items) {
    const domain = domainOfItem(id);
    const last = groups.at(-1);
    if (last && last.domain === domain) last.ids.push(id);
    else groups.push({ domain, ids: [id] });
  }
  const labelWidth = cols[0].w;
  for (const g of groups) {
    const top = doc.y;
    font('Helvetica-Bold', 9);
    if (g.domain) doc.text(pdfSafe(exists(`domain.${g.domain}`) ? t(`domain.${g.domain}`) : g.domain), left, top, { width: labelWidth - pad });
    const labelBottom = doc.y;
    doc.y = top;
    font('Helvetica', 9);
    for (const id of g.ids) {
      doc.text(pdfSafe(t('gpSheet.itemLine', { id, label: itemLabel(id), answer: answerText(t, lang, id, latest.get(id)!) })), left + labelWidth, doc.y, {
        width: width - labelWidth,
      });
      gap(1);
    }
    doc.y = Math.max(doc.y, labelBottom) + size(3);
  }
  gap(6);
  font('Helvetica', 8.5, COLORS.muted);
  para(t('gpSheet.instrument', { version: clip(facts.instrumentVersion, 60) }));
  gap(10);

  // What this is not, what comes next, who offers it.
  rule();
  gap(7);
  font('Helvetica-Bold', 10);
  para(t('gpSheet.disclaimer'));
  gap(2);
  font('Helvetica', 9.5);
  const toLookAt = results.some((r) => r.status !== 'normal');
  para(t(toLookAt ? 'gpSheet.nextStep' : 'gpSheet.nextStepNone'));
  gap(4);
  const territory = clip(facts.territoryName, 120);
  const phone = clip(facts.territoryPhone, 40);
  para(phone ? t('gpSheet.territoryPhone', { territory, phone }) : t('gpSheet.territory', { territory }));
  return state;
}

function finish(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

/** Type scales tried in turn until the sheet fits one A4 page. */
const SCALES = [1, 0.92, 0.85, 0.78, 0.7, 0.62];

/** The sheet as a one-page A4 PDF. */
export async function renderGpSheetPdf(locales: Locales, facts: GpSheetFacts): Promise<Buffer> {
  // pdfkit (and its fonts) is loaded on the first sheet, not at start.
  const { default: PDFDocument } = await import('pdfkit');
  for (const scale of SCALES) {
    const { doc, pages } = layout(PDFDocument, locales, facts, scale);
    if (pages === 1 || scale === SCALES.at(-1)) return finish(doc);
    doc.removeAllListeners();
  }
  throw new Error('unreachable');
}

/** "icope-step1-2026-11-23.pdf": the screening's date in its time zone, never the person's name. */
export function gpSheetFileName(facts: GpSheetFacts): string {
  const parts = new Intl.DateTimeFormat('en', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: validTimeZone(facts.timeZone) }).formatToParts(facts.screenedAt);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `icope-step1-${get('year')}-${get('month')}-${get('day')}.pdf`;
}
