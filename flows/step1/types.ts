/** Types shared by the Step 1 flow, its scoring and the engine that runs it. */
import type { DateAnswer } from './dates.js';

export const QUESTIONNAIRE_VERSION = 'who-icope-step1-chat-1';
export const CONSENT_VERSION = 'consent-1';

export type Mode = 'self' | 'relative' | 'helper';
export type Domain = 'cognition' | 'mobility' | 'nutrition' | 'vision' | 'hearing' | 'mood';
export const DOMAINS: readonly Domain[] = ['cognition', 'mobility', 'nutrition', 'vision', 'hearing', 'mood'];

export type DetailStep = 'consent' | 'who' | 'person' | 'firstName' | 'birthYear' | 'postcode' | 'phone';
export type ItemId =
  | 'C2'
  | 'C3_date'
  | 'C3_day'
  | 'C1'
  | 'M1'
  | 'M1_timer'
  | 'N1'
  | 'N2'
  | 'N3'
  | 'V1'
  | 'H1'
  | 'H2'
  | 'P1'
  | 'P2'
  | 'C4';
export type StepId = DetailStep | ItemId;

/** A parsed answer, as stored in Answer.value. */
export type AnswerValue =
  | { status: 'not_assessed' }
  | { status: 'skipped' } // an optional item the person chose not to answer
  | { status: 'answered'; yes: boolean | null } // null: "I don't know"
  | { status: 'answered'; date: DateAnswer }
  | { status: 'answered'; recalled: number; of: number }
  | { status: 'answered'; chair: 'fast' | 'slow' | 'unable'; seconds?: number }
  | { status: 'answered'; chair: 'timing' }
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
  | { type: 'personUpdated'; personId: string; firstName?: string | null; birthYear?: number | null; postcode?: string | null; phone?: string | null }
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
  | { type: 'urgent'; screeningId?: string; personId?: string; at: string }
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
   * The channel gives no phone number and callbacks need one: ask for it when an alert is raised,
   * with the channel's share-contact button ('button') or typed ('typed').
   */
  askPhone?: 'button' | 'typed';
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
