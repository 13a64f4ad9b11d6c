/** What a coordinator wrote in their group or to the bot: a command about alerts, or ordinary chat (ignored). Pure. */
import { allOf, OUTCOMES, type Lexicons, type Outcome } from '../step1/lexicon.js';
import { equalsPhrase, normalize } from '../step1/text.js';

/** A Step 2 appointment as typed: "28/11 14h30", "2026-11-28", "28/11/2026 9h". */
export interface AppointmentInput {
  day: number;
  month: number;
  year?: number;
  hour?: number;
  minute?: number;
}

export type CoordinatorCommand =
  | { type: 'take'; alertId: number }
  | { type: 'takeQuoted' }
  | { type: 'close'; alertId: number; outcome: Outcome; note?: string }
  /** The open alerts, a page at a time (1 when not given). */
  | { type: 'open'; page: number }
  | { type: 'help' }
  | { type: 'details'; alertId: number }
  | { type: 'write'; alertId: number; text: string }
  | { type: 'step2'; alertId: number; when: AppointmentInput; place?: string }
  | { type: 'transfer'; alertId: number; territory: string }
  | { type: 'overdue' }
  | { type: 'sheet'; alertId: number; toPerson: boolean }
  | { type: 'start' }
  /** A one-use link to the web workspace. */
  | { type: 'web' }
  | { type: 'usage'; of: Usage }
  /** A number that cannot be an alert's (zero, or beyond the database's range). */
  | { type: 'noSuchAlert'; given: string };

export type Usage = 'take' | 'close' | 'details' | 'write' | 'step2' | 'transfer' | 'sheet';

const MAX_NOTE = 500;
const MAX_MESSAGE = 1000;
/** Alert ids are SQLite integers, but no network will ever have more than this many. */
const MAX_ALERT_ID = 2_147_483_647;

type Verb = 'take' | 'close' | 'open' | 'help' | 'details' | 'write' | 'step2' | 'transfer' | 'overdue' | 'sheet' | 'web';
const VERBS: readonly Verb[] = ['take', 'close', 'open', 'help', 'details', 'write', 'step2', 'transfer', 'overdue', 'sheet', 'web'];

/** The verb of "/pris 12", "/ecrire@icope_bot 12 …", or undefined when the text is not one of ours. */
export function commandVerb(text: string, lexicons: Lexicons): Verb | 'start' | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('/')) return undefined;
  const head = trimmed.slice(1).split(/\s+/)[0] ?? '';
  const name = normalize(head.split('@')[0]!); // "/pris@icope_bot" in Telegram groups
  if (name === 'start') return 'start';
  return VERBS.find((v) => equalsPhrase(name, allOf(lexicons, (l) => l.coordinatorCommands[v])));
}

/**
 * `/pris 12`, `/take 12`, `/clos 12 injoignable pas de réponse`, `/ouvertes`, `/ecrire 12 Bonjour…`,
 * `/etape2 12 28/11 14h30 Dr Martin`, `/transfert 12 sud`, `/arelancer`, `/fiche 12 [personne]`,
 * `/details 12`; or "pris" written in reply to an alert message. Other text not starting with "/" is
 * chat: undefined. An unknown "/word" gets the help.
 */
export function parseCoordinatorCommand(text: string, lexicons: Lexicons, isReply: boolean): CoordinatorCommand | undefined {
  const trimmed = text.trim();
  const words = (pick: (c: Lexicons[string]['coordinatorCommands']) => string[]) => allOf(lexicons, (l) => pick(l.coordinatorCommands));
  if (!trimmed.startsWith('/')) {
    return isReply && equalsPhrase(normalize(trimmed), words((c) => c.take)) ? { type: 'takeQuoted' } : undefined;
  }
  const verb = commandVerb(trimmed, lexicons);
  if (verb === 'start') return { type: 'start' };
  if (verb === undefined || verb === 'help') return { type: 'help' };
  if (verb === 'open') {
    const page = /^\/\S+\s+(\d{1,4})\s*$/.exec(trimmed);
    return { type: 'open', page: page ? Math.max(1, Number(page[1])) : 1 };
  }
  if (verb === 'overdue') return { type: 'overdue' };
  if (verb === 'web') return { type: 'web' };
  // The rest of the line after the verb, spaces kept (a message to the person keeps its line breaks).
  const afterVerb = trimmed.replace(/^\/\S+\s*/, '');
  const numberMatch = /^(?:n°|no\.?|#)?\s*(\d+)(?=\s|$)/i.exec(afterVerb);
  if (!numberMatch) return { type: 'usage', of: verb };
  const digits = numberMatch[1]!;
  const alertId = Number(digits);
  if (!Number.isSafeInteger(alertId) || alertId < 1 || alertId > MAX_ALERT_ID) return { type: 'noSuchAlert', given: digits.slice(0, 24) };
  const rest = afterVerb.slice(numberMatch[0].length).trim();
  const restWords = rest.length > 0 ? rest.split(/\s+/) : [];
  switch (verb) {
    case 'take':
      return { type: 'take', alertId };
    case 'details':
      return { type: 'details', alertId };
    case 'close': {
      const first = restWords[0];
      const outcome = first === undefined ? undefined : OUTCOMES.find((o) => equalsPhrase(normalize(first), words((c) => c.outcomes[o])) || normalize(first) === normalize(o));
      if (!outcome) return { type: 'usage', of: 'close' };
      const note = restWords.slice(1).join(' ').slice(0, MAX_NOTE);
      return { type: 'close', alertId, outcome, ...(note ? { note } : {}) };
    }
    case 'write':
      return rest ? { type: 'write', alertId, text: rest.slice(0, MAX_MESSAGE) } : { type: 'usage', of: 'write' };
    case 'transfer':
      return restWords[0] ? { type: 'transfer', alertId, territory: rest } : { type: 'usage', of: 'transfer' };
    case 'sheet':
      return { type: 'sheet', alertId, toPerson: restWords[0] !== undefined && equalsPhrase(normalize(restWords[0]), words((c) => c.toPerson)) };
    case 'step2': {
      const parsed = parseAppointment(rest);
      if (!parsed) return { type: 'usage', of: 'step2' };
      return { type: 'step2', alertId, when: parsed.when, ...(parsed.place ? { place: parsed.place.slice(0, 200) } : {}) };
    }
  }
}

/** "28/11 14h30 Dr Martin, Muret" → the date, the time if any, and the rest as the place. */
export function parseAppointment(text: string): { when: AppointmentInput; place?: string } | undefined {
  let rest = text.trim();
  let when: AppointmentInput | undefined;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?=\s|$|,)/.exec(rest);
  const dmy = /^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?(?=\s|$|,)/.exec(rest);
  if (iso) {
    when = { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) };
    rest = rest.slice(iso[0].length);
  } else if (dmy) {
    const year = dmy[3] === undefined ? undefined : dmy[3].length === 2 ? 2000 + Number(dmy[3]) : Number(dmy[3]);
    when = { day: Number(dmy[1]), month: Number(dmy[2]), ...(year !== undefined ? { year } : {}) };
    rest = rest.slice(dmy[0].length);
  } else return undefined;
  if (when.month < 1 || when.month > 12 || when.day < 1 || when.day > 31) return undefined;
  rest = rest.replace(/^[\s,]+/, '');
  // "14h30", "14h", "14:30", "à 9h"
  const time = /^(?:à\s+|at\s+)?(\d{1,2})\s*(?:[h:]\s*(\d{2})?|h)(?=\s|$|,)/i.exec(rest);
  if (time) {
    const hour = Number(time[1]);
    const minute = time[2] ? Number(time[2]) : 0;
    if (hour > 23 || minute > 59) return undefined;
    when = { ...when, hour, minute };
    rest = rest.slice(time[0].length).replace(/^[\s,]+/, '');
  }
  return { when, ...(rest ? { place: rest } : {}) };
}
