/**
 * The figures as a plain-text table (the CLI) and as an HTML fragment (the web workspace): tables and
 * charts drawn on the server as SVG, each with a title and a description that carry its numbers, the
 * numbers also written beside the bars. No script, no external asset; horizontal bars so that a
 * phone's narrow screen keeps the text readable. Every sentence comes from locales (`report.*`).
 */
import { DateTime } from 'luxon';
import { OUTCOMES } from '../../flows/step1/lexicon.js';
import { CLARITY, DOMAINS, HELPER_KINDS } from '../../flows/step1/types.js';
import type { Locales } from '../i18n/index.js';
import { PRIORITIES, type Figures } from './figures.js';

type Vars = Record<string, string | number>;
type T = (key: string, vars?: Vars) => string;

/** One line of a section: a label and its figure; `indent` for a breakdown of the line above. */
interface Row {
  label: string;
  value: string;
  indent?: boolean;
}
interface Table {
  caption: string;
  head: string[];
  /** Which columns hold numbers (aligned right). */
  numeric: boolean[];
  rows: string[][];
  empty: string;
}
interface Section {
  title: string;
  rows: Row[];
  notes: string[];
  tables: Table[];
  chart?: Chart;
}
interface Bar {
  label: string;
  values: Array<{ value: number; text: string }>;
}
interface Chart {
  id: string;
  title: string;
  desc: string;
  legend: string[];
  bars: Bar[];
}

function formatting(locales: Locales, lang: string) {
  const t: T = (key, vars) => locales.text(lang, { key, ...(vars ? { vars } : {}) });
  const integer = new Intl.NumberFormat(lang);
  const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 });
  const n = (v: number) => integer.format(v);
  const pct = (part: number, whole: number) => (whole > 0 ? percent.format(part / whole) : t('report.none'));
  const withPct = (part: number, whole: number) => (whole > 0 ? t('report.percentOf', { count: n(part), percent: pct(part, whole) }) : n(part));
  const duration = (ms: number | null) => {
    if (ms === null) return t('report.none');
    const minutes = Math.round(ms / 60_000);
    if (minutes < 60) return t('report.duration.minutes', { m: minutes });
    if (minutes < 48 * 60) return t('report.duration.hours', { h: Math.floor(minutes / 60), m: minutes % 60 });
    return t('report.duration.days', { d: Math.floor(minutes / 1440), h: Math.floor((minutes % 1440) / 60) });
  };
  return { t, n, pct, withPct, duration };
}

/** Everything both renderings show, in order. */
function sections(locales: Locales, lang: string, f: Figures): { title: string; meta: string[]; sections: Section[] } {
  const { t, n, pct, withPct, duration } = formatting(locales, lang);
  const day = (d: Date) => DateTime.fromJSDate(d, { zone: f.timeZone }).setLocale(lang).toLocaleString(DateTime.DATE_SHORT);
  const lastDay = new Date(f.to.getTime() - 1);
  const territories = f.allTerritories ? t('report.allTerritories') : f.territories.map((x) => x.name ?? x.id).join(', ');
  const meta = [
    t('report.period', { from: day(f.from), to: day(lastDay) }),
    t('report.territories', { names: territories }),
    t('report.computedAt', { date: day(f.now) }),
  ];
  const s = f.step1;
  const a = f.alerts;
  const r = f.rescreening;
  const domain = (d: string) => t(`domain.${d}`);
  const helperKind = (k: string | null) => (k && (HELPER_KINDS as readonly string[]).includes(k) ? t(`helperKind.${k}`) : t('report.step1.unknownKind'));

  const step1: Section = {
    title: t('report.section.step1'),
    rows: [
      { label: t('report.step1.done'), value: n(s.done) },
      { label: t('report.step1.persons'), value: n(s.persons) },
      { label: t('report.step1.initial'), value: withPct(s.initial, s.done), indent: true },
      { label: t('report.step1.followUp'), value: withPct(s.followUp, s.done), indent: true },
      { label: t('report.step1.self'), value: withPct(s.self, s.done), indent: true },
      { label: t('report.step1.relative'), value: withPct(s.relative, s.done), indent: true },
      { label: t('report.step1.helper'), value: withPct(s.helper, s.done), indent: true },
      ...[...HELPER_KINDS, 'unknown' as const]
        .filter((k) => s.byHelperKind[k] > 0)
        .map((k) => ({ label: t('report.step1.helperKind', { kind: k === 'unknown' ? t('report.step1.unknownKind') : helperKind(k) }), value: n(s.byHelperKind[k]), indent: true })),
      { label: t('report.step1.abandoned'), value: n(s.abandoned) },
    ],
    notes: [],
    tables: [],
  };

  const alerts: Section = {
    title: t('report.section.alerts'),
    rows: [
      { label: t('report.alerts.raised'), value: n(a.raised) },
      ...PRIORITIES.map((p) => ({ label: t(`report.alerts.priority.${p}`), value: withPct(a.byPriority[p], a.raised), indent: true })),
      { label: t('report.alerts.distress'), value: n(a.danger.distress), indent: true },
      { label: t('report.alerts.emergency'), value: n(a.danger.emergency), indent: true },
      ...DOMAINS.map((d) => ({ label: t('report.alerts.domain', { domain: domain(d) }), value: withPct(a.byDomain[d], a.raised) })),
      ...DOMAINS.filter((d) => a.toCompleteByDomain[d] > 0).map((d) => ({ label: t('report.alerts.toComplete', { domain: domain(d) }), value: n(a.toCompleteByDomain[d]) })),
      { label: t('report.alerts.taken'), value: withPct(a.taken, a.raised) },
      { label: t('report.alerts.takenInTime'), value: withPct(a.takenInTime, a.raised), indent: true },
      { label: t('report.alerts.medianToTake'), value: duration(a.medianToTakeMs), indent: true },
      { label: t('report.alerts.closed'), value: withPct(a.closed, a.raised) },
      ...OUTCOMES.map((o) => ({ label: t('report.alerts.outcome', { outcome: t(`report.outcome.${o}`) }), value: n(a.byOutcome[o]), indent: true })),
      { label: t('report.alerts.medianToClose'), value: duration(a.medianToCloseMs), indent: true },
      { label: t('report.alerts.open'), value: n(a.open) },
      { label: t('report.alerts.step2Arranged'), value: withPct(a.step2Arranged, a.raised) },
      { label: t('report.alerts.step2Done'), value: withPct(a.step2Done, a.raised) },
    ],
    notes: [],
    tables: [],
    chart: {
      id: 'figures-domains',
      title: t('report.chart.domains'),
      desc: f.series.alertsByDomain.map((x) => t('report.chart.item', { label: domain(x.domain), value: n(x.count) })).join(t('report.chart.separator')),
      legend: [],
      bars: f.series.alertsByDomain.map((x) => ({ label: domain(x.domain), values: [{ value: x.count, text: n(x.count) }] })),
    },
  };

  const ofDue = (x: { step: string; count: number }) => (x.step === 'due' ? n(x.count) : withPct(x.count, r.due));
  const funnelLabel = { due: t('report.rescreening.due'), reminded: t('report.rescreening.reminded'), rescreened: t('report.rescreening.rescreened') };
  const rescreening: Section = {
    title: t('report.section.rescreening'),
    rows: [
      { label: funnelLabel.due, value: n(r.due) },
      { label: funnelLabel.reminded, value: withPct(r.reminded, r.due), indent: true },
      { label: funnelLabel.rescreened, value: withPct(r.rescreened, r.due), indent: true },
      { label: t('report.rescreening.rate'), value: r.rate === null ? t('report.none') : pct(r.rescreened, r.due) },
    ],
    notes: [t('report.rescreening.reference', { rate: pct(r.reference, 1) }), t('report.rescreening.note')],
    tables: [],
    chart: {
      id: 'figures-funnel',
      title: t('report.chart.funnel'),
      desc: f.series.funnel.map((x) => t('report.chart.item', { label: funnelLabel[x.step], value: ofDue(x) })).join(t('report.chart.separator')),
      legend: [],
      bars: f.series.funnel.map((x) => ({ label: funnelLabel[x.step], values: [{ value: x.count, text: ofDue(x) }] })),
    },
  };

  const sources: Section = {
    title: t('report.section.sources'),
    rows: f.sources.map((x) => ({ label: x.code ?? t('report.source.none'), value: withPct(x.count, s.done) })),
    notes: f.sources.length ? [] : [t('report.source.empty')],
    tables: [],
  };
  const clarity: Section = {
    title: t('report.section.clarity'),
    rows: [...CLARITY, 'unanswered' as const].map((c) => ({ label: t(`report.clarity.${c}`), value: withPct(f.clarity[c], s.done) })),
    notes: [],
    tables: [],
  };

  const acts: Section = {
    title: t('report.section.acts'),
    rows: [],
    notes: [t('report.acts.note')],
    tables: [
      {
        caption: t('report.acts.helpers'),
        head: [t('report.acts.pseudonym'), t('report.acts.kind'), t('report.acts.place'), t('report.acts.step1Done')],
        numeric: [false, false, false, true],
        rows: f.acts.helpers.map((h) => [h.pseudonym, helperKind(h.helperKind), h.place ?? t('report.none'), n(h.done)]),
        empty: t('report.acts.noHelpers'),
      },
      {
        caption: t('report.acts.coordinators'),
        head: [t('report.acts.name'), t('report.acts.taken'), t('report.acts.closed'), t('report.acts.ownStep1'), t('report.acts.billable')],
        numeric: [false, true, true, true, true],
        rows: f.acts.coordinators.map((c) => [c.name, n(c.taken), n(c.closed), n(c.ownStep1), n(c.closed - c.ownStep1)]),
        empty: t('report.acts.noCoordinators'),
      },
    ],
  };

  const monthName = (m: string) => DateTime.fromFormat(m, 'yyyy-MM').setLocale(lang).toFormat('LLL yyyy');
  const months: Section = {
    title: t('report.section.months'),
    rows: [],
    notes: [],
    tables: [
      {
        caption: t('report.months.caption'),
        head: [t('report.months.month'), t('report.months.screenings'), t('report.months.alerts')],
        numeric: [false, true, true],
        rows: f.series.months.map((m) => [monthName(m.month), n(m.screenings), n(m.alerts)]),
        empty: t('report.none'),
      },
    ],
    chart: {
      id: 'figures-months',
      title: t('report.chart.months'),
      desc: f.series.months.map((m) => t('report.chart.month', { month: monthName(m.month), screenings: n(m.screenings), alerts: n(m.alerts) })).join(t('report.chart.separator')),
      legend: [t('report.months.screenings'), t('report.months.alerts')],
      bars: f.series.months.map((m) => ({
        label: monthName(m.month),
        values: [
          { value: m.screenings, text: n(m.screenings) },
          { value: m.alerts, text: n(m.alerts) },
        ],
      })),
    },
  };

  return { title: t('report.title'), meta, sections: [step1, alerts, rescreening, sources, clarity, acts, months] };
}

// ---------------------------------------------------------------------------------------------
// Plain text

const width = (s: string) => [...s].length;
const padEnd = (s: string, w: number, c = ' ') => s + c.repeat(Math.max(0, w - width(s)));
const padStart = (s: string, w: number) => ' '.repeat(Math.max(0, w - width(s))) + s;

function textTable(table: Table): string[] {
  if (table.rows.length === 0) return [`  ${table.caption}`, `    ${table.empty}`];
  const widths = table.head.map((h, i) => Math.max(width(h), ...table.rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) => `    ${cells.map((c, i) => (table.numeric[i] ? padStart(c, widths[i]!) : padEnd(c, widths[i]!))).join('  ')}`.trimEnd();
  return [`  ${table.caption}`, line(table.head), `    ${widths.map((w) => '-'.repeat(w)).join('  ')}`, ...table.rows.map(line)];
}

/** The figures as a plain-text table, for a terminal or an e-mail. */
export function renderFiguresText(locales: Locales, lang: string, figures: Figures): string {
  const doc = sections(locales, lang, figures);
  const out = [doc.title, '='.repeat(width(doc.title)), ...doc.meta, ''];
  for (const section of doc.sections) {
    out.push(section.title, '-'.repeat(width(section.title)));
    const labels = section.rows.map((r) => (r.indent ? '    ' : '  ') + r.label);
    const labelWidth = Math.max(0, ...labels.map(width)) + 2;
    const valueWidth = Math.max(0, ...section.rows.map((r) => width(r.value)));
    section.rows.forEach((r, i) => out.push(`${padEnd(labels[i]!, labelWidth, ' ')}${padStart(r.value, valueWidth)}`));
    for (const note of section.notes) out.push(`  ${note}`);
    for (const table of section.tables) out.push(...textTable(table));
    out.push('');
  }
  // Plain spaces for terminals (French writes narrow no-break spaces in numbers and before %).
  return `${out.join('\n').replace(/[\u00a0\u202f]/g, ' ').trimEnd()}\n`;
}

// ---------------------------------------------------------------------------------------------
// HTML

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const COLORS = ['#0b4f6c', '#a34400'];
const STYLE = `.figures .scroll{overflow-x:auto}.figures table{margin:.4rem 0 1rem}.figures td.num,.figures th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.figures th.sub{padding-left:1.4rem;font-weight:normal}.figures th[scope=row]{font-weight:normal}.figures svg{display:block;width:100%;max-width:40rem;height:auto;margin:.6rem 0}.figures caption{text-align:left;font-weight:bold;padding:.3rem 0}.figures .note{color:#444}`;

/** Horizontal bars, one group per label: label above, bars below with their number at the end. */
function svgChart(chart: Chart): string {
  const W = 360;
  const barH = 14;
  const gap = 3;
  const labelH = 16;
  const groupGap = 10;
  const legendH = chart.legend.length > 1 ? 22 : 0;
  const max = Math.max(1, ...chart.bars.flatMap((b) => b.values.map((v) => v.value)));
  const textRoom = 90;
  const scale = (v: number) => (v > 0 ? Math.max(1.5, ((W - textRoom) * v) / max) : 0);
  const parts: string[] = [];
  let y = 0;
  if (legendH) {
    let x = 0;
    chart.legend.forEach((name, i) => {
      parts.push(`<rect x="${x}" y="4" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${x + 16}" y="14" font-size="12">${escape(name)}</text>`);
      x += 24 + name.length * 7;
    });
    y = legendH;
  }
  for (const bar of chart.bars) {
    parts.push(`<text x="0" y="${y + 12}" font-size="12" font-weight="bold">${escape(bar.label)}</text>`);
    y += labelH;
    bar.values.forEach((v, i) => {
      const w = scale(v.value);
      parts.push(
        `<rect x="0" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${COLORS[i % COLORS.length]}"/><text x="${(w + 4).toFixed(1)}" y="${y + 11}" font-size="12">${escape(v.text)}</text>`,
      );
      y += barH + gap;
    });
    y += groupGap;
  }
  const titleId = `${chart.id}-title`;
  const descId = `${chart.id}-desc`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${titleId} ${descId}" viewBox="0 0 ${W} ${Math.max(y, 1)}" width="${W}" height="${Math.max(y, 1)}" font-family="system-ui, sans-serif" fill="#1a1a1a">` +
    `<title id="${titleId}">${escape(chart.title)}</title><desc id="${descId}">${escape(chart.desc)}</desc>${parts.join('')}</svg>`
  );
}

function htmlTable(table: Table): string {
  if (table.rows.length === 0) return `<p><strong>${escape(table.caption)}</strong><br>${escape(table.empty)}</p>`;
  const cls = (i: number) => (table.numeric[i] ? ' class="num"' : '');
  const head = table.head.map((h, i) => `<th scope="col"${cls(i)}>${escape(h)}</th>`).join('');
  const body = table.rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escape(c)}</th>` : `<td${cls(i)}>${escape(c)}</td>`)).join('')}</tr>`).join('');
  return `<div class="scroll" tabindex="0"><table><caption>${escape(table.caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** The figures as an HTML fragment (no <html> wrapper) for the web workspace's figures page. */
export function renderFiguresHtml(locales: Locales, lang: string, figures: Figures): string {
  const doc = sections(locales, lang, figures);
  const out = [`<div class="figures"><style>${STYLE}</style>`, `<h2>${escape(doc.title)}</h2>`, `<p>${doc.meta.map(escape).join('<br>')}</p>`];
  for (const section of doc.sections) {
    out.push(`<section><h3>${escape(section.title)}</h3>`);
    if (section.chart) out.push(svgChart(section.chart));
    if (section.rows.length) {
      const rows = section.rows.map((r) => `<tr><th scope="row"${r.indent ? ' class="sub"' : ''}>${escape(r.label)}</th><td class="num">${escape(r.value)}</td></tr>`).join('');
      out.push(`<div class="scroll" tabindex="0"><table><tbody>${rows}</tbody></table></div>`);
    }
    for (const note of section.notes) out.push(`<p class="note">${escape(note)}</p>`);
    for (const table of section.tables) out.push(htmlTable(table));
    out.push('</section>');
  }
  out.push('</div>');
  return out.join('\n');
}
