/** Per-language parsing vocabulary, loaded from locales/<lang>/lexicon.json. Pure data. */
export type CommandName =
  | 'help'
  | 'repeat'
  | 'back'
  | 'pause'
  | 'restart'
  | 'language'
  | 'skip'
  | 'start'
  | 'done'
  | 'erase'
  | 'stop';

export interface Lexicon {
  yes: string[];
  no: string[];
  dontKnow: string[];
  commands: Record<CommandName, string[]>;
  months: string[][];
  weekdays: string[][];
  ordinalSuffixes: string[];
  articles: string[];
  distress: string[];
  wordSets: string[][];
  /** Words that pick a choice of "who is answering". */
  choiceWords: { self: string[]; relative: string[]; helper: string[] };
  /** "In a week", "later": answers to a reminder that put it off. */
  snooze: string[];
  coordinatorCommands: {
    take: string[];
    close: string[];
    open: string[];
    help: string[];
    outcomes: Record<Outcome, string[]>;
  };
}

export const OUTCOMES = ['step2', 'gp', 'unreachable', 'false_alarm', 'declined'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export type Lexicons = Readonly<Record<string, Lexicon>>;

/** Every language's entries for one list: people mix languages, and a French speaker may type "help". */
export function allOf(lexicons: Lexicons, pick: (l: Lexicon) => string[]): string[] {
  return Object.values(lexicons).flatMap(pick);
}
