/**
 * Reading a yes/no answer against its question, in the person's own words. Pure.
 *
 * "je n'ai plus d'appétit" answers *yes* to "avez-vous perdu l'appétit ?": each item has its own
 * phrases for "the problem is there" and "it is not", and a negation before one of them turns it
 * round ("je n'ai pas perdu l'appétit"). Hedges ("pas souvent", "parfois") and answers that say both
 * ("oui non", "non, je n'ai plus faim") are never guessed: the caller asks "rather yes or rather no?".
 */
import { itemOf } from '../instrument.js';
import type { CompiledLexicon, Readers, YesNoItem } from '../lexicon.js';
import { clauses, findPhrases, overlaps, type Phrase, type Span } from '../phrases.js';
import { editDistance, normalize, words } from '../text.js';
import { withDigits } from './numbers.js';

export type YesNoReading = 'yes' | 'no' | 'dontKnow' | 'hedge';

interface Signals {
  /** Phrases of the item itself. */
  itemYes: number;
  itemNo: number;
  /** Hedges of the item ("j'ai des lunettes"): they count only when nothing else about the item was said. */
  itemHedge: number;
  /** Generic yes / no words ("oui", "non", "jamais"). */
  yes: number;
  no: number;
  hedge: number;
  /** Says yes only together with an explicit yes ("un peu", "j'ai maigri"). */
  weak: number;
  /** Denies one part of a question that asks several things. */
  partialNo: number;
  dontKnow: number;
}

/**
 * A negation reaches a phrase when it stands shortly before it, or inside it, with no "et"/"and"
 * between: "not diabetic and my blood pressure is fine" does not deny the blood pressure.
 */
function negated(
  clause: readonly string[],
  span: Span,
  negations: ReadonlySet<string>,
  stops: ReadonlySet<string>,
  others: readonly Span[],
  joiners: ReadonlySet<string> = new Set(),
  denials: readonly Span[] = [],
): boolean {
  if (span.phrase.negated) return false;
  // "no diabetes or blood pressure": the denial of the item before "or" reaches this one.
  if (span.start > 0 && joiners.has(clause[span.start - 1]!)) {
    const before = others.filter((o) => o.end === span.start - 1);
    if (before.some((b) => denials.some((d) => d.start === b.start && d.end === b.end && d.phrase === b.phrase) || b.phrase.negated || negated(clause, b, negations, stops, others, joiners, denials))) return true;
  }
  // A negation that belongs to another phrase ("pas de souci, allez-y") is that phrase's.
  const free = (i: number) => !others.some((o) => o !== span && !overlaps(o, span) && i >= o.start && i < o.end);
  for (let i = span.start; i < span.end; i++) if (negations.has(clause[i]!)) return true;
  for (let i = span.start - 1; i >= Math.max(0, span.start - 3); i--) {
    if (stops.has(clause[i]!)) return false;
    if (negations.has(clause[i]!) && free(i)) return true;
  }
  return false;
}

const len = (s: Span) => s.end - s.start;

/** Of phrases that overlap, the longest is the reading ("no longer enjoy" over "enjoy"). */
function longest<T extends { span: Span }>(spans: T[]): T[] {
  return spans.filter((x) => !spans.some((y) => y !== x && overlaps(y.span, x.span) && len(y.span) > len(x.span)));
}

function readClause(s: Signals, clause: readonly string[], readers: Readers, item: YesNoItem | 'consent'): void {
  const all = readers.compiled;
  const find = (pick: (c: CompiledLexicon) => readonly Phrase[]) => all.flatMap((c) => findPhrases(clause, pick(c), c.matcher));
  const negations = new Set(all.flatMap((c) => [...c.negations]));
  const stops = new Set(all.flatMap((c) => [...c.negationStops]));
  const joiners = new Set(all.flatMap((c) => [...c.listJoiners]));
  const phrases = item === 'consent' ? [] : [...find((c) => c.items[item].yes), ...find((c) => c.items[item].no), ...find((c) => c.items[item].partialNo)];
  const others = item === 'consent' ? [...find((c) => c.answers.agree), ...find((c) => c.answers.disagree)] : phrases;
  // "je ne dirais pas que…", "I wouldn't describe myself as…": everything after it is denied.
  const negators = find((c) => c.clauseNegators);
  const denials = item === 'consent' ? [] : [...find((c) => c.items[item].no), ...find((c) => c.items[item].partialNo)];
  const isNegated = (span: Span) => negated(clause, span, negations, stops, others, joiners, denials) || negators.some((n) => n.end <= span.start);
  const specific: Array<{ span: Span; yes: boolean; partial: boolean }> = [];
  let itemHedges: Span[] = [];
  let weak: Span[] = [];
  if (item === 'consent') {
    // The consent's own words ("pas de souci", "je ne suis pas d'accord") first, negations turning them round.
    for (const span of find((c) => c.answers.agree)) specific.push({ span, yes: !isNegated(span), partial: false });
    for (const span of find((c) => c.answers.disagree)) specific.push({ span, yes: isNegated(span), partial: false });
  } else {
    const partial = find((c) => c.items[item].partial);
    for (const span of find((c) => c.items[item].yes)) {
      const off = isNegated(span);
      specific.push({ span, yes: !off, partial: off && partial.some((p) => overlaps(p, span)) });
    }
    for (const span of find((c) => c.items[item].no)) specific.push({ span, yes: isNegated(span), partial: false });
    for (const span of find((c) => c.items[item].partialNo)) {
      const off = isNegated(span);
      specific.push({ span, yes: off, partial: !off });
    }
    itemHedges = find((c) => c.items[item].hedge);
    weak = find((c) => c.items[item].weakYes).filter((w) => !isNegated(w));
  }
  weak = [...weak, ...find((c) => c.answers.softeners)];
  // "je ne sais pas pourquoi", "never happened before": words that look like an answer but are not.
  const neutral = find((c) => c.answers.neutral);
  // A longer hedge of the item holds a shorter answer phrase ("j'oublie où je mets mes clés" holds "j'oublie").
  const contest = longest([...specific, ...itemHedges.map((span) => ({ span, yes: false, partial: false, hedge: true }))]);
  const kept = contest.filter((x) => !("hedge" in x));
  itemHedges = contest.filter((x) => 'hedge' in x).map((x) => x.span);
  const covered = (x: Span) => kept.some((k) => overlaps(k.span, x)) || neutral.some((n) => overlaps(n, x));
  for (const k of kept) {
    if (k.partial) s.partialNo++;
    else if (k.yes) s.itemYes++;
    else s.itemNo++;
  }
  // The general words compete: of overlapping ones, the longest is the reading ("can't say it has" over "can't say").
  type Kind = 'hedge' | 'itemHedge' | 'dontKnow' | 'yes' | 'no' | 'weak';
  const pool = (kind: Kind, spans: Span[]) => spans.filter((x) => !covered(x)).map((span) => ({ span, kind }));
  const general = longest([
    ...pool('hedge', find((c) => c.answers.hedge)),
    ...pool('itemHedge', itemHedges),
    ...pool('dontKnow', find((c) => c.answers.dontKnow)),
    ...pool('yes', find((c) => c.answers.yes)),
    ...pool('no', find((c) => c.answers.no)),
    ...pool('weak', weak),
  ]);
  const count = (kind: Kind) => general.filter((g) => g.kind === kind).length;
  s.hedge += count('hedge');
  s.itemHedge += count('itemHedge');
  s.dontKnow += count('dontKnow');
  s.yes += count('yes');
  s.no += count('no');
  s.weak += count('weak');
  const free = (x: Span) => !covered(x) && !general.some((g) => overlaps(g.span, x));
  const generic = general.filter((g) => g.kind === 'yes' || g.kind === 'no');
  // "aucun", "rien" alone depend on the question; next to a phrase of the item they are part of it ("rien ne me fait envie").
  if (item !== 'consent' && kept.length === 0) {
    s.weak += find((c) => c.answers.ambiguous).filter((a) => free(a) && !generic.some((g) => overlaps(g.span, a))).length;
  }
  void generic;
}

/** Keys next to each other on AZERTY and QWERTY phones, for the first letter of a two-letter word. */
const NEIGHBOURS: Record<string, string> = { n: 'bmhj', y: 'tugh', o: 'iplk' };

/** A one-word answer with one typo: "ouii", "nonn", "yse", "nn". Undefined when it could be either. */
function typoWord(text: string, readers: Readers): 'yes' | 'no' | undefined {
  const tokens = words(normalize(text));
  if (tokens.length !== 1) return undefined;
  const typed = tokens[0]!;
  if (/\d/.test(typed)) return undefined;
  const collapsed = typed.replace(/(.)\1+/g, '$1');
  const near = (list: string[]) =>
    list.some((w) => {
      const word = normalize(w);
      if (word === typed || word === collapsed || word.replace(/(.)\1+/g, '$1') === collapsed) return true;
      if (word.length >= 3 && typed.length >= 2) return editDistance(typed, word, 1) <= 1;
      // "mo" for "no": a neighbouring key in place of the first letter.
      return word.length === 2 && typed.length === 2 && typed[1] === word[1] && (NEIGHBOURS[word[0]!] ?? '').includes(typed[0]!);
    });
  const lexicons = Object.values(readers.lexicons);
  const yes = near(lexicons.flatMap((l) => l.answers.typoYes));
  const no = near(lexicons.flatMap((l) => l.answers.typoNo));
  return yes === no ? undefined : yes ? 'yes' : 'no';
}

/**
 * Kilos in "j'ai perdu 5 kg", "lost half a stone", "de 70 à 65 kilos", as [lowest, highest] ("3 ou 4
 * kilos"); undefined when none is given.
 */
export function lostKilos(text: string, readers: Readers): [number, number] | undefined {
  const units = (pick: (u: Readers['lexicons'][string]['units']) => string[]) => new Set(Object.values(readers.lexicons).flatMap((l) => pick(l.units).map(normalize)));
  const kilos = units((u) => u.kilos);
  const stones = units((u) => u.stones);
  const pounds = units((u) => u.pounds);
  const half = units((u) => u.half);
  const tokens = withDigits(text, readers).split(' ').filter(Boolean);
  // "de 70 à 65 kilos", "from 11 stone to ten and a half": the difference of two weights.
  const fromTo = /(?:^| )(?:de|from) (\d+(?:\.\d+)?)( and a half| et demi| et demie)? ?([a-z]*) (?:a|to) (\d+(?:\.\d+)?)( and a half| et demi| et demie)? ?([a-z]*)/.exec(tokens.join(' '));
  if (fromTo) {
    const unit = [fromTo[3], fromTo[6]].find((u) => u && (kilos.has(u) || stones.has(u) || pounds.has(u))) ?? 'kg';
    const factor = stones.has(unit) ? 14 * 0.45359237 : pounds.has(unit) ? 0.45359237 : 1;
    const a = Number(fromTo[1]) + (fromTo[2] ? 0.5 : 0);
    const b = Number(fromTo[4]) + (fromTo[5] ? 0.5 : 0);
    const kg = Math.round(Math.abs(a - b) * factor * 10) / 10;
    return [kg, kg];
  }
  const amounts: Array<{ kg: number; at: number }> = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const isHalfA = half.has(t) || t === 'half';
    const n = /^\d+(\.\d+)?$/.test(t) ? Number(t) : isHalfA ? 0.5 : ['a', 'an', 'un', 'une'].includes(t) ? 1 : undefined;
    if (n === undefined) continue;
    let j = i + 1;
    if (isHalfA && ['a', 'an'].includes(tokens[j] ?? '')) j++;
    const unit = tokens[j] ?? '';
    let kg: number | undefined;
    if (kilos.has(unit)) kg = n;
    else if (stones.has(unit)) {
      const lb = /^\d+$/.test(tokens[j + 1] ?? '') ? Number(tokens[j + 1]) : 0;
      kg = (n * 14 + lb) * 0.45359237;
    } else if (pounds.has(unit)) kg = n * 0.45359237;
    else if (/^\d/.test(t) && (kilos.has(tokens[j + 2] ?? '') || stones.has(tokens[j + 2] ?? '')) && ['a', 'to', 'or', 'ou', 'et', 'and'].includes(unit)) {
      // "de 70 à 65 kilos", "un kilo ou deux": the unit after the second number.
      kg = stones.has(tokens[j + 2] ?? '') ? n * 14 * 0.45359237 : n;
    }
    if (kg === undefined) continue;
    // "3 kilos et demi", "ten and a half"
    const after = tokens.slice(j + 1, j + 4).join(' ');
    if (/^(et |and )?(demi|demie|a half|half)/.test(after)) kg += stones.has(unit) ? 7 * 0.45359237 : 0.5;
    amounts.push({ kg, at: i });
  }
  if (amounts.length === 0) return undefined;
  // "from 70 to 65 kilos": two weights, the loss is the difference.
  if (amounts.length === 2 && amounts[0]!.kg > 20 && amounts[1]!.kg > 20) {
    const kg = Math.round(Math.abs(amounts[0]!.kg - amounts[1]!.kg) * 10) / 10;
    return [kg, kg];
  }
  const losses = amounts.map((a) => a.kg).filter((kg) => kg <= 20);
  if (losses.length === 0) return undefined;
  const round = (n: number) => Math.round(n * 10) / 10;
  return [round(Math.min(...losses)), round(Math.max(...losses))];
}

/** Reads a yes/no answer to `item` (or to the consent question); undefined when it says neither. */
export function readYesNo(text: string, item: YesNoItem | 'consent', readers: Readers): YesNoReading | undefined {
  const s: Signals = { itemYes: 0, itemNo: 0, itemHedge: 0, yes: 0, no: 0, hedge: 0, weak: 0, partialNo: 0, dontKnow: 0 };
  const breakers = new Set(readers.compiled.flatMap((c) => [...c.breakers]));
  for (const clause of clauses(text, breakers)) readClause(s, clause, readers, item);
  const def = item === 'consent' ? undefined : itemOf(item);
  // A hedge of the item ("je me sens seule") counts only when nothing else about the item was said,
  // or when the question asks several things (the eyes: "traité pour le cœur" may be the blood pressure).
  if (s.itemHedge > 0 && (s.itemYes + s.itemNo + s.partialNo === 0 || def?.reading === 'anyPartYes')) s.hedge += s.itemHedge;
  if (def?.amountKg !== undefined) {
    const kg = lostKilos(text, readers);
    if (kg !== undefined) {
      const [low, high] = kg;
      if (low > def.amountKg) s.itemYes++;
      else if (high < def.amountKg) s.itemNo++;
      else s.hedge++; // exactly the threshold, or "3 ou 4 kilos": asked
    }
  }
  // "oui mais j'étais au régime", "peut-être 2 kilos": a reason or an amount that says no wins.
  if (def?.reading === 'denialWins' && s.itemNo > 0) return 'no';
  if (def?.reading === 'anyPartYes' && s.itemYes > 0) return 'yes';
  if (s.hedge > 0) return 'hedge';
  const yes = s.itemYes + s.yes;
  const no = s.itemNo + s.no;
  if (yes > 0 && no > 0) return 'hedge';
  if (s.dontKnow > 0) return yes + no > 0 ? 'hedge' : 'dontKnow';
  if (yes > 0) return 'yes';
  if (no > 0) return s.weak > 0 || (s.partialNo > 0 && s.no === 0) ? 'hedge' : 'no';
  if (s.weak > 0 || s.partialNo > 0) return 'hedge';
  return typoWord(text, readers);
}
