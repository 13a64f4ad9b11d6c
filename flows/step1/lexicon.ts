/** Per-language reading vocabulary, loaded from locales/<lang>/lexicon.json (and near-words.json). */
import { compilePhrase, WordMatcher, type Phrase } from './phrases.js';
import { normalize } from './text.js';

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

/** The yes/no items: each has its own words for "the problem is there" and "it is not". */
export type YesNoItem = 'C1' | 'N1' | 'N2' | 'V1' | 'H1' | 'P1' | 'P2';
export const YES_NO_ITEMS: readonly YesNoItem[] = ['C1', 'N1', 'N2', 'V1', 'H1', 'P1', 'P2'];

export interface ItemPhrases {
  yes: string[];
  no: string[];
  hedge?: string[];
  weakYes?: string[];
  partial?: string[];
  /** Phrases that deny one part of a question that asks several ("ma tension est bonne"). */
  partialNo?: string[];
}

export interface Lexicon {
  answers: {
    yes: string[];
    no: string[];
    dontKnow: string[];
    /** "pas souvent", "parfois", "ça dépend": never guessed, the person is asked to choose. */
    hedge: string[];
    /** "un peu", "a bit": a yes with them is a yes; alone, the person is asked to choose. */
    softeners: string[];
    /** Phrases that look like an answer and are not ("je ne sais pas pourquoi", "never happened before"). */
    neutral: string[];
    /** "je préfère ne pas le dire", "rather not say": an optional question left unanswered. */
    decline: string[];
    /** "aucun", "rien", "nothing": what they deny depends on the question; asked unless an item says. */
    ambiguous: string[];
    /** Consent: words that agree or refuse beyond yes and no ("d'accord", "ok"). */
    agree: string[];
    disagree: string[];
    /** Short yes and no words, for forgiving a typo in a one-word answer ("ouii", "yse"). */
    typoYes: string[];
    typoNo: string[];
  };
  /** Words that turn round what follows them in the same clause ("pas", "plus", "not", "never"). */
  negations: string[];
  /** Words that start a new clause ("mais", "but"): a phrase or a negation does not reach past them. */
  clauseBreakers: string[];
  /** Words a negation does not reach past ("et", "and"): "not diabetic and my blood pressure is fine". */
  negationStops: string[];
  /** "ou", "or": in "pas de diabète ou de tension", the negation reaches the next item of the list. */
  negationListJoiners: string[];
  /** Phrases that deny everything after them in the clause ("je ne dirais pas que", "I wouldn't describe myself as"). */
  clauseNegators: string[];
  /** "virgule", "point": a decimal separator between numbers said in words. */
  decimalWords: string[];
  /** "non attendez", "no wait": what follows corrects what came before. */
  corrections: string[];
  /** "le lendemain de", "the day after": the weekday named is shifted by one. */
  dayAfter: string[];
  dayBefore: string[];
  /** "j'ai maigri" next to a weight: the weight given is not the current one. */
  weightChanged: string[];
  /**
   * Per yes/no item: phrases meaning the problem is there (yes) or not (no); `hedge`: phrases that
   * leave it open ("j'ai des lunettes"); `weakYes`: phrases that say yes only with an explicit yes
   * ("oui, j'ai maigri"), asked otherwise; `partial`: yes phrases that deny only part of the
   * question when negated ("je ne suis pas diabétique" to the eyes question).
   */
  items: Record<YesNoItem, ItemPhrases>;
  chairRise: {
    unable: string[];
    /** "bras croisés", "sans les bras": not a sign of being unable. */
    notUnable: string[];
    /** "assez vite", "normal": no time given; asked again. */
    vague: string[];
    /** "moins de 14 secondes" without a number: done fast, or slowly. */
    fast: string[];
    slow: string[];
    /** Words before a number: "moins de 14" (under), "plus de 20" / "au moins 15" (over), "environ 12". */
    under: string[];
    over: string[];
  };
  units: {
    seconds: string[];
    minutes: string[];
    /** "demi" / "half": half a minute. */
    half: string[];
    kilos: string[];
    stones: string[];
    pounds: string[];
    /** Height or other measures that are not a weight ("1m65", "5 foot 6"). */
    notWeight: string[];
  };
  /** Number words → value: "vingt" 20, "twenty" 20, "cent" 100, "mille" 1000. */
  numberWords: Record<string, number>;
  safety: {
    distress: string[];
    /** Idioms that contain distress words but are not distress ("mourir de rire"). */
    distressIdioms: string[];
    emergency: string[];
    emergencyIdioms: string[];
  };
  commands: Record<CommandName, string[]>;
  months: string[][];
  weekdays: string[][];
  /** "hier c'était samedi": the weekday named is the day before. */
  yesterday: string[];
  tomorrow: string[];
  ordinalSuffixes: string[];
  articles: string[];
  wordSets: string[][];
  /** Whisper test in words: all three digits right, or not. */
  whisper: { right: string[]; wrong: string[] };
  /**
   * Phrases that pick a choice of "who is answering". A profession ("pharmacienne") outweighs a
   * relative ("ma mère"), which outweighs "j'aide", which outweighs "moi".
   */
  choiceWords: { self: string[]; relative: string[]; helper: string[]; helperWeak: string[]; notRelative: string[]; continue: string[]; stopNow: string[] };
  /** Words that say which kind of helper ("pharmacienne", "aide à domicile"). */
  helperKinds: Record<string, string[]>;
  /** Answers to "how was it?" in words ("c'était clair", "a bit tricky"). */
  clarity: Record<'clear' | 'a_bit_hard' | 'too_hard', string[]>;
  /** "stop" to the messages a coordinator sends through the bot. */
  relayStop: string[];
  /** "pas de médecin traitant", "no GP": the GP question answered no. */
  gpNone: string[];
  /** "Dr", "docteur": a GP's name follows, even in a sentence with a negation. */
  doctorTitles: string[];
  /** The typer's own view in a test the person takes ("moi je dirais", "I'd say"): asked again. */
  helperOpinion: string[];
  /** Greetings: recognise the language of a first message, and a person coming back after a break. */
  greetings: string[];
  /** "In a week", "later": answers to a reminder that put it off. */
  snooze: string[];
  coordinatorCommands: {
    take: string[];
    close: string[];
    open: string[];
    help: string[];
    /** Full details of an alert, sent privately. */
    details: string[];
    /** Write to the person through the bot. */
    write: string[];
    /** Record a Step 2 appointment. */
    step2: string[];
    transfer: string[];
    /** Persons whose re-screening is overdue. */
    overdue: string[];
    /** The one-page summary for the GP. */
    sheet: string[];
    /** A link to the web workspace. */
    web: string[];
    /** "/fiche 12 personne": the sheet goes to the person. */
    toPerson: string[];
    outcomes: Record<Outcome, string[]>;
  };
}

export const OUTCOMES = ['step2', 'step2_done', 'gp', 'unreachable', 'false_alarm', 'declined'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export type Lexicons = Readonly<Record<string, Lexicon>>;

/** Real words one typo away from a word of the lexicon: typed, they are not read as that word. */
export interface NearWords {
  words: string[];
}

/** Every language's entries for one list: people mix languages, and a French speaker may type "help". */
export function allOf(lexicons: Lexicons, pick: (l: Lexicon) => string[]): string[] {
  return Object.values(lexicons).flatMap(pick);
}

const phraseSets = new WeakMap<Lexicons, Map<string, ReadonlySet<string>>>();

/**
 * The same entries normalized, as a set built once per lexicons: for the lists read at every message.
 * `name` stands for `pick` (one name, one list).
 */
export function phraseSet(lexicons: Lexicons, name: string, pick: (l: Lexicon) => string[]): ReadonlySet<string> {
  let sets = phraseSets.get(lexicons);
  if (!sets) phraseSets.set(lexicons, (sets = new Map()));
  let set = sets.get(name);
  if (!set) sets.set(name, (set = new Set(allOf(lexicons, pick).map(normalize))));
  return set;
}

/** One language's phrase lists, compiled once. */
export interface CompiledLexicon {
  lang: string;
  matcher: WordMatcher;
  negations: ReadonlySet<string>;
  breakers: ReadonlySet<string>;
  negationStops: ReadonlySet<string>;
  clauseNegators: Phrase[];
  listJoiners: ReadonlySet<string>;
  answers: Record<'yes' | 'no' | 'dontKnow' | 'hedge' | 'softeners' | 'neutral' | 'decline' | 'ambiguous' | 'agree' | 'disagree', Phrase[]>;
  /** "go", "c'est parti": starting the chair-rise timer. */
  start: Phrase[];
  items: Record<YesNoItem, Record<keyof ItemPhrases, Phrase[]>>;
  chair: Record<'unable' | 'notUnable' | 'vague' | 'fast' | 'slow', Phrase[]>;
  whisper: Record<'right' | 'wrong', Phrase[]>;
  who: Record<'self' | 'relative' | 'helper' | 'helperWeak' | 'notRelative', Phrase[]>;
  weightChanged: Phrase[];
  helperKinds: Record<string, Phrase[]>;
  greetings: Phrase[];
  helperOpinion: Phrase[];
  clarity: Record<'clear' | 'a_bit_hard' | 'too_hard', Phrase[]>;
  safety: Record<'distress' | 'distressIdioms' | 'emergency' | 'emergencyIdioms', Phrase[]>;
  numberWords: ReadonlyMap<string, number>;
  decimalWords: ReadonlySet<string>;
}

export interface Readers {
  lexicons: Lexicons;
  /** Compiled per language, in the order of `lexicons`. */
  compiled: readonly CompiledLexicon[];
}

export function compileLexicons(lexicons: Lexicons, nearWords: Readonly<Record<string, NearWords>> = {}): Readers {
  const compiled = Object.entries(lexicons).map(([lang, lex]): CompiledLexicon => {
    const negations = new Set(lex.negations.map(normalize));
    const c = (list: string[]) => list.map((p) => compilePhrase(p, negations));
    return {
      lang,
      matcher: new WordMatcher(new Set((nearWords[lang]?.words ?? []).map(normalize))),
      negations,
      breakers: new Set(lex.clauseBreakers.map(normalize)),
      negationStops: new Set(lex.negationStops.map(normalize)),
      clauseNegators: c(lex.clauseNegators),
      listJoiners: new Set(lex.negationListJoiners.map(normalize)),
      answers: {
        yes: c(lex.answers.yes),
        no: c(lex.answers.no),
        dontKnow: c(lex.answers.dontKnow),
        hedge: c(lex.answers.hedge),
        softeners: c(lex.answers.softeners),
        neutral: c(lex.answers.neutral),
        decline: c(lex.answers.decline),
        ambiguous: c(lex.answers.ambiguous),
        agree: c(lex.answers.agree),
        disagree: c(lex.answers.disagree),
      },
      items: Object.fromEntries(
        YES_NO_ITEMS.map((id) => {
          const i = lex.items[id];
          return [id, { yes: c(i.yes), no: c(i.no), hedge: c(i.hedge ?? []), weakYes: c(i.weakYes ?? []), partial: c(i.partial ?? []), partialNo: c(i.partialNo ?? []) }];
        }),
      ) as CompiledLexicon['items'],
      start: c(lex.commands.start),
      chair: {
        unable: c(lex.chairRise.unable),
        notUnable: c(lex.chairRise.notUnable),
        vague: c(lex.chairRise.vague),
        fast: c(lex.chairRise.fast),
        slow: c(lex.chairRise.slow),
      },
      whisper: { right: c(lex.whisper.right), wrong: c(lex.whisper.wrong) },
      weightChanged: c(lex.weightChanged),
      helperKinds: Object.fromEntries(Object.entries(lex.helperKinds).map(([k, list]) => [k, c(list)])),
      greetings: c(lex.greetings),
      helperOpinion: c(lex.helperOpinion),
      clarity: { clear: c(lex.clarity.clear), a_bit_hard: c(lex.clarity.a_bit_hard), too_hard: c(lex.clarity.too_hard) },
      who: {
        self: c(lex.choiceWords.self),
        relative: c(lex.choiceWords.relative),
        helper: c(lex.choiceWords.helper),
        helperWeak: c(lex.choiceWords.helperWeak),
        notRelative: c(lex.choiceWords.notRelative),
      },
      safety: {
        distress: c(lex.safety.distress),
        distressIdioms: c(lex.safety.distressIdioms),
        emergency: c(lex.safety.emergency),
        emergencyIdioms: c(lex.safety.emergencyIdioms),
      },
      numberWords: new Map(Object.entries(lex.numberWords).map(([w, n]) => [normalize(w), n])),
      decimalWords: new Set(lex.decimalWords.map(normalize)),
    };
  });
  return { lexicons, compiled };
}
