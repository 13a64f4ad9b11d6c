/** Types shared by the Step 1 flow, its scoring and the engine that runs it. */
import type { DateAnswer } from './dates.js';
import { INSTRUMENT, type Domain, type ItemId } from './instrument.js';

export type { Domain, ItemId };
export { DOMAINS } from './instrument.js';

export const QUESTIONNAIRE_VERSION = INSTRUMENT.name;
export const CONSENT_VERSION = 'consent-1';

export type Mode = 'self' | 'relative' | 'helper';

/** Questions before the items: consent, who is answering, for whom, and the few details needed. */
export type IntakeStep = 'consent' | 'who' | 'person' | 'firstName' | 'birthYear' | 'postcode';
/** The chair rise in parts: timer running, the measured time confirmed, the time told instead. */
export type ChairStep = 'M1_timer' | 'M1_confirm' | 'M1_manual';
/** Asked after the last item when a callback will be needed and the channel gives no number. */
export type ClosingStep = 'phone';
export type StepId = IntakeStep | ItemId | ChairStep | ClosingStep;

export type ChairResult = 'fast' | 'slow' | 'unable';

/** A parsed answer, as stored in Answer.value. */
export type AnswerValue =
  | { status: 'not_assessed' }
  | { status: 'skipped' } // an optional item the person chose not to answer
  /** null: "I don't know". `clarified`: a hedge first, then "rather yes / rather no". */
  | { status: 'answered'; yes: boolean | null; clarified?: true }
  /** `askedAgain`: the year was asked for once more. */
  | { status: 'answered'; date: DateAnswer; askedAgain?: true }
  | { status: 'answered'; recalled: number; of: number }
  /** `how`: timed by the bot, a time typed, or a choice picked; `corrected`: the timed value was corrected. */
  | { status: 'answered'; chair: ChairResult; seconds?: number; how: 'timer' | 'typed' | 'choice'; corrected?: true }
  | { status: 'answered'; whisper: boolean }
  | { status: 'answered'; weightKg: number }
  | { status: 'answered'; ready: true };

export interface RecordedAnswer {
  value: AnswerValue;
  askedAt: string;
  answeredAt: string;
}

export interface DomainResult {
  domain: Domain;
  status: 'normal' | 'alert' | 'not_assessed';
  reasons: Reason[];
}

export interface Reason {
  code: string;
  vars?: Record<string, string | number>;
}

/** What the engine knows about the persons this contact has screened before. */
export interface KnownPerson {
  id: string;
  firstName?: string;
  birthYear?: number;
  postcode?: string;
  consentVersion?: string;
  lastWeightKg?: number;
  lastWordSet?: number;
  phone?: string;
  completedScreenings: number;
}

/** One piece of a message: an i18n key and its variables. */
export interface Part {
  key: string;
  vars?: Record<string, string | number>;
}

export interface ChoiceSpec {
  id: string;
  label: Part;
}

export type DangerKind = 'distress' | 'emergency';

/** What the flow asks the engine to do, after it has committed the new state. */
export type Effect =
  | { type: 'reply'; parts: Part[]; choices?: ChoiceSpec[]; ref?: string }
  | { type: 'hide'; ref: string }
  | { type: 'languageChanged'; lang: string }
  | {
      type: 'screeningStarted';
      screeningId: string;
      personId: string;
      newPerson: boolean;
      kind: 'initial' | 'follow_up';
      mode: Mode;
      wordSet: number;
      questionnaireVersion: string;
      consentVersion: string;
      at: string;
    }
  | { type: 'personUpdated'; personId: string; firstName?: string | null; birthYear?: number | null; postcode?: string | null }
  /** A number to call back: the person's (in a screening) or the contact's own. Updates open alerts. */
  | { type: 'callbackPhone'; phone: string; personId?: string }
  | { type: 'answer'; screeningId: string; item: ItemId; raw: string | null; value: AnswerValue; askedAt: string; answeredAt: string }
  | {
      type: 'completed';
      screeningId: string;
      personId: string;
      results: DomainResult[];
      weightKg?: number;
      moodFlagged: boolean;
      at: string;
    }
  | { type: 'abandoned'; screeningId: string; at: string }
  | { type: 'urgent'; kind: DangerKind; screeningId?: string; personId?: string; at: string }
  /** Delete every person, screening and alert of this contact. */
  | { type: 'erase'; at: string }
  /** Remind again after the snooze delay. */
  | { type: 'snooze'; at: string; personId?: string }
  /** No more reminders for this contact. */
  | { type: 'optOut'; at: string };

/** Events the engine sends to the flow. */
export type InputEvent = {
  type: 'INPUT';
  /** Fresh ids the flow may use for records it starts during this event. */
  newIds: { screening: string; person: string };
  /** When the channel received the message (ISO). */
  at: string;
  text?: string;
  choice?: string;
  media?: string;
  /** A phone number the person shared with the channel's own button. */
  phone?: string;
  /**
   * The channel gives no phone number: ask for one when a callback is needed, with the channel's
   * share-contact button ('button') or typed ('typed').
   */
  askPhone?: 'button' | 'typed';
  /** A number to call back is already on file for this contact. */
  phoneOnFile?: boolean;
  /** The person's local team has coordinators to tell (false: nobody would call back). */
  teamReachable?: boolean;
  /** When the engine last started: a timer running across a restart cannot be trusted. */
  engineStartedAt?: string;
  /** The persons this contact has screened before. */
  persons: KnownPerson[];
};

/** The next Step 1 is due: ask the contact who did the last one. */
export interface RemindEvent {
  type: 'REMIND';
  at: string;
  person: KnownPerson;
  /** Who answered last time: a follow-up keeps it. */
  mode: Mode;
}

export type FlowEvent =
  | InputEvent
  | RemindEvent
  | { type: 'NUDGE'; at: string }
  | { type: 'EXPIRE'; at: string }
  | { type: 'RESTORE_FAILED'; at: string };
