/** What a coordinator wrote in their group: a command about alerts, or ordinary chat (ignored). Pure. */
import { allOf, OUTCOMES, type Lexicons, type Outcome } from '../step1/lexicon.js';
import { equalsPhrase, normalize } from '../step1/text.js';

export type CoordinatorCommand =
  | { type: 'take'; alertId: number }
  | { type: 'takeQuoted' }
  | { type: 'close'; alertId: number; outcome: Outcome; note?: string }
  | { type: 'open' }
  | { type: 'help' }
  | { type: 'usage'; of: 'take' | 'close' };

const MAX_NOTE = 500;

/**
 * `/pris 12`, `/take 12`, `/clos 12 injoignable pas de réponse`, `/ouvertes`; or "pris" written in
 * reply to an alert message. Anything else that does not start with "/" is chat: undefined.
 */
export function parseCoordinatorCommand(text: string, lexicons: Lexicons, isReply: boolean): CoordinatorCommand | undefined {
  const trimmed = text.trim();
  const words = (pick: (c: Lexicons[string]['coordinatorCommands']) => string[]) => allOf(lexicons, (l) => pick(l.coordinatorCommands));
  if (!trimmed.startsWith('/')) {
    return isReply && equalsPhrase(normalize(trimmed), words((c) => c.take)) ? { type: 'takeQuoted' } : undefined;
  }
  const [head = '', ...rest] = trimmed.slice(1).split(/\s+/);
  const name = normalize(head.split('@')[0]!); // "/pris@icope_bot" in Telegram groups
  const number = rest[0] !== undefined && /^n?°?\d+$/i.test(rest[0]) ? Number(rest[0].replace(/\D/g, '')) : undefined;
  if (equalsPhrase(name, words((c) => c.take))) return number ? { type: 'take', alertId: number } : { type: 'usage', of: 'take' };
  if (equalsPhrase(name, words((c) => c.close))) {
    const outcome = rest[1] === undefined ? undefined : OUTCOMES.find((o) => equalsPhrase(normalize(rest[1]!), allOf(lexicons, (l) => l.coordinatorCommands.outcomes[o])) || normalize(rest[1]!) === normalize(o));
    if (!number || !outcome) return { type: 'usage', of: 'close' };
    const note = rest.slice(2).join(' ').slice(0, MAX_NOTE);
    return { type: 'close', alertId: number, outcome, ...(note ? { note } : {}) };
  }
  if (equalsPhrase(name, words((c) => c.open))) return { type: 'open' };
  return { type: 'help' };
}
