/**
 * The ICOPE Step 1 questionnaire as this bot asks it: one versioned definition a clinician can read.
 *
 * The conversation, the progress count ("question 4 of 13"), the scoring and the tests all derive
 * from this file. Wording lives in locales/<lang>/translation.json under `item.<id>` (and
 * `item.<id>_other` when someone answers about another person). Change anything here that alters
 * what is asked, in which order, or how it is scored: bump `version` and add a changelog line.
 */

export type Domain = 'cognition' | 'mobility' | 'nutrition' | 'vision' | 'hearing' | 'mood';
export const DOMAINS: readonly Domain[] = ['cognition', 'mobility', 'nutrition', 'vision', 'hearing', 'mood'];

export type ItemId = 'C1' | 'C2' | 'C3_date' | 'C3_day' | 'C4' | 'M1' | 'N1' | 'N2' | 'N3' | 'V1' | 'H1' | 'H2' | 'P1' | 'P2';

/** What kind of answer an item takes, which decides how it is asked and read. */
export type AnswerKind =
  | 'yesNo' // yes / no, read against the question; hedges are asked "rather yes or rather no?"
  | 'wordsToRemember' // three words shown, then hidden; nothing to answer but "ready"
  | 'date' // today's day, month and year, checked against the real date in the person's time zone
  | 'weekday' // today's day of the week, likewise
  | 'recall' // the three words given back
  | 'chairRise' // five rises from a chair: timed by the bot, or told (seconds, faster / slower, could not)
  | 'weightKg' // a weight in kilos (stones and pounds converted)
  | 'whisper'; // whisper test, done by the second person: were the three digits repeated right?

/**
 * Who answers in accompanied mode (a relative or a helper typing): `person` items test the person's
 * own memory or legs, so the helper asks, lets the person answer alone, and types what they said or
 * did; `together` items are about the person's life and may be answered together; `helper` items
 * are done by the helper.
 */
export type AnsweredBy = 'person' | 'together' | 'helper';

export interface Item {
  id: ItemId;
  domain: Domain;
  answer: AnswerKind;
  answeredBy: AnsweredBy;
  /** The question in plain words (English), for the clinician reading this file; sent texts are in locales/. */
  asks: string;
  /** May be skipped without making its domain "not assessed". */
  optional?: true;
  /** Asked only when a second person is there (relative or helper mode). */
  onlyWhenAccompanied?: true;
  /**
   * How a yes/no answer in words is read when it says both: `anyPartYes` — the question asks
   * several things, a yes to any part is yes ("my eyes are fine but I'm diabetic"); `denialWins` —
   * a reason that makes it no wins ("yes, but I was on a diet"), and an amount decides ("2 kilos").
   */
  reading?: 'anyPartYes' | 'denialWins';
  /** `denialWins` with an amount: the threshold in kilos (more than this is yes). */
  amountKg?: number;
}

/** When an item raises its domain's alert. */
export type AlertRule =
  | { item: ItemId; when: 'yes' }
  | { item: ItemId; when: 'wrongOrUnknown' } // a wrong date or weekday, "I don't know", or a date still without its year once asked again
  | { item: ItemId; when: 'recalledFewerThan'; words: number }
  | { item: ItemId; when: 'unableOrSecondsAtLeast'; seconds: number }
  | { item: ItemId; when: 'whisperFailed' }
  /** Compared with the weight recorded at the person's previous screening; decides only when both exist. */
  | { item: ItemId; when: 'weightDropAtLeastKg'; kg: number };

export interface DomainRules {
  domain: Domain;
  /** Any rule met: the domain is "worth a closer look". */
  alertWhen: AlertRule[];
  /** Asked and recorded for the professional, but never an alert by itself. */
  recordedOnly?: ItemId[];
  source: string;
}

export interface Instrument {
  id: string;
  version: number;
  /** Stored with every screening: `${id}-${version}`. */
  name: string;
  source: string;
  /** Items in the order of the conversation. */
  items: readonly Item[];
  rules: readonly DomainRules[];
  /** A timed chair rise under this many seconds is asked again ("really that fast?"). */
  implausibleChairSeconds: number;
  changelog: ReadonlyArray<{ version: number; date: string; changes: string }>;
}

const WHO = 'WHO, Integrated Care for Older People (ICOPE): guidance for person-centred assessment, 2019; Step 1 screening tool';

export const INSTRUMENT: Instrument = {
  id: 'who-icope-step1-chat',
  version: 2,
  name: 'who-icope-step1-chat-2',
  source: `${WHO}. Adapted for a chat self-test; wording in locales/*/translation.json (item.*).`,
  items: [
    { id: 'C2', domain: 'cognition', answer: 'wordsToRemember', answeredBy: 'person', asks: 'Remember three words (e.g. flower, door, rice); they are hidden before the recall.' },
    { id: 'C3_date', domain: 'cognition', answer: 'date', answeredBy: 'person', asks: "What is today's date (day, month, year)?" },
    { id: 'C3_day', domain: 'cognition', answer: 'weekday', answeredBy: 'person', asks: 'What day of the week is it?' },
    { id: 'C1', domain: 'cognition', answer: 'yesNo', answeredBy: 'together', asks: 'Over the last 6 months, have you felt your memory or orientation got worse?' },
    { id: 'M1', domain: 'mobility', answer: 'chairRise', answeredBy: 'person', asks: 'Rise from a chair 5 times without using the arms (only if it feels safe): timed, or told.' },
    {
      id: 'N1', domain: 'nutrition', answer: 'yesNo', answeredBy: 'together', reading: 'denialWins', amountKg: 3,
      asks: 'Over the last 3 months, have you lost more than 3 kg without trying?',
    },
    { id: 'N2', domain: 'nutrition', answer: 'yesNo', answeredBy: 'together', asks: 'Have you lost your appetite recently?' },
    { id: 'N3', domain: 'nutrition', answer: 'weightKg', answeredBy: 'together', optional: true, asks: 'About how much do you weigh? (kept to compare with the next screening)' },
    {
      id: 'V1', domain: 'vision', answer: 'yesNo', answeredBy: 'together', reading: 'anyPartYes',
      asks: 'Do you have problems with your eyes: trouble seeing far or reading, an eye disease, or treatment for diabetes or high blood pressure?',
    },
    { id: 'H1', domain: 'hearing', answer: 'yesNo', answeredBy: 'together', asks: 'Do you feel you hear less well (conversations, TV, phone)?' },
    {
      id: 'H2', domain: 'hearing', answer: 'whisper', answeredBy: 'helper', onlyWhenAccompanied: true,
      asks: 'Whisper test: the helper, at arm’s length behind the person, whispers three digits; did the person repeat them right?',
    },
    { id: 'P1', domain: 'mood', answer: 'yesNo', answeredBy: 'together', asks: 'Over the last 2 weeks, have you often felt down, depressed or hopeless?' },
    { id: 'P2', domain: 'mood', answer: 'yesNo', answeredBy: 'together', asks: 'Over the last 2 weeks, have you had little interest or pleasure in doing things?' },
    { id: 'C4', domain: 'cognition', answer: 'recall', answeredBy: 'person', asks: 'Recall of the three words (asked after the mobility and nutrition items).' },
  ],
  rules: [
    {
      domain: 'cognition',
      alertWhen: [
        { item: 'C3_date', when: 'wrongOrUnknown' },
        { item: 'C3_day', when: 'wrongOrUnknown' },
        { item: 'C4', when: 'recalledFewerThan', words: 3 },
      ],
      recordedOnly: ['C1'],
      source: `${WHO}: orientation in time and place, recall of three words; the memory complaint is recorded only.`,
    },
    {
      domain: 'mobility',
      alertWhen: [{ item: 'M1', when: 'unableOrSecondsAtLeast', seconds: 14 }],
      source: `${WHO}: chair rise test, five rises in 14 seconds.`,
    },
    {
      domain: 'nutrition',
      alertWhen: [
        { item: 'N1', when: 'yes' },
        { item: 'N2', when: 'yes' },
        { item: 'N3', when: 'weightDropAtLeastKg', kg: 3 },
      ],
      source: `${WHO}: weight loss > 3 kg in 3 months, appetite loss; the weight comparison is this project's addition.`,
    },
    { domain: 'vision', alertWhen: [{ item: 'V1', when: 'yes' }], source: `${WHO}: eye problems, eye disease, diabetes or high blood pressure treatment.` },
    {
      domain: 'hearing',
      alertWhen: [
        { item: 'H1', when: 'yes' },
        { item: 'H2', when: 'whisperFailed' },
      ],
      source: `${WHO}: whispered voice test, or a hearing complaint when no one can whisper.`,
    },
    {
      domain: 'mood',
      alertWhen: [
        { item: 'P1', when: 'yes' },
        { item: 'P2', when: 'yes' },
      ],
      source: `${WHO}: the two PHQ-2 questions (down or hopeless; little interest or pleasure).`,
    },
  ],
  implausibleChairSeconds: 4,
  changelog: [
    { version: 1, date: '2026-11-22', changes: 'First chat version.' },
    {
      version: 2,
      date: '2026-11-23',
      changes:
        'The questionnaire becomes this one definition. Yes/no answers read against their question, hedges asked again; ' +
        'typed chair-rise times and "could not" accepted, timed rises confirmed; a date still without its year once asked ' +
        'again counts as not known; recall forgives a typo only when it is not another real word; not-assessed domains reach coordinators.',
    },
  ],
};

export function itemOf(id: ItemId): Item {
  return INSTRUMENT.items.find((i) => i.id === id)!;
}

/** The items of one screening, in order: the whisper test only when someone is there to whisper. */
export function itemsFor(accompanied: boolean): Item[] {
  return INSTRUMENT.items.filter((i) => !i.onlyWhenAccompanied || accompanied);
}
