/** Types shared by the Step 1 flow, its scoring and the engine that runs it. */
import type { DateAnswer } from './dates.js';
import { INSTRUMENT, type Domain, type ItemId } from './instrument.js';

export type { Domain, ItemId };
export { DOMAINS } from './instrument.js';

export const QUESTIONNAIRE_VERSION = INSTRUMENT.name;
export const CONSENT_VERSION = 'consent-1';

export type Mode = 'self' | 'relative' | 'helper';

/**
 * Questions before the items: consent, who is answering (and, for a helper, what kind and where), for
 * whom, the few details needed, and the consent of a person screened by someone else.
 */
export type IntakeStep = 'consent' | 'who' | 'helperKind' | 'place' | 'person' | 'firstName' | 'personConsent' | 'birthYear' | 'postcode';

/** Kinds of helper, kept for the network's figures. */
export const HELPER_KINDS = ['pharmacist', 'nurse', 'doctor', 'physio', 'home_helper', 'social_worker', 'volunteer', 'other'] as const;
export type HelperKind = (typeof HELPER_KINDS)[number];

/** "How was it?" after the summary. */
export const CLARITY = ['clear', 'a_bit_hard', 'too_hard'] as const;
export type Clarity = (typeof CLARITY)[number];
/** The chair rise in parts: timer running, the measured time confirmed, the time told instead. */
export type ChairStep = 'M1_timer' | 'M1_confirm' | 'M1_manual';
/** Asked after the last item when a callback will be needed: whose number (someone else typing), then the number. */
export type ClosingStep = 'phoneWhose' | 'phone' | 'gp';
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
  /** The GP question was answered before ("yes" with a name, or "no"): not asked again. */
  hasGp?: string;
  completedScreenings: number;
  /** Screened before by this same chat account for themselves. */
  self?: boolean;
  /** Who gave the consent: "self", or the relative or helper who confirmed it. */
  consentBy?: string;
}

/** One piece of a message: an i18n key and its variables. */
export interface Part {
  key: string;
  vars?: Record<string, string | number>;
  /** Rendered in this language whatever the contact's ("Français / English" at first contact). */
  lang?: string;
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
      /** Helper mode: kind, place and screening day. */
      helperKind?: string;
      place?: string | null;
      sessionId?: string;
    }
  /** The consent of a person screened by someone else, confirmed by them; `by` is the mode. */
  | { type: 'personConsent'; personId: string; by: Mode; at: string }
  /** That person does not agree: nothing is kept about them. */
  | { type: 'personDeclined'; personId: string; screeningId: string }
  /** What the helper said about themselves: kept on the chat account. */
  | { type: 'helperUpdated'; kind?: string; place?: string | null }
  | { type: 'feedback'; screeningId: string; clarity: Clarity }
  /** A helper's screening day is over: send them its count. */
  | { type: 'sessionSummary'; sessionId: string }
  | { type: 'personUpdated'; personId: string; firstName?: string | null; birthYear?: number | null; postcode?: string | null; hasGp?: 'yes' | 'no'; gpName?: string | null }
  /**
   * A number to call back: the person's own (`whose: 'person'`) or the typing person's (`'typer'`).
   * Updates the open alerts.
   */
  | { type: 'callbackPhone'; phone: string; personId?: string; whose: 'person' | 'typer' }
  /** A callback number asked for; "" with whose 'typer' means the number the channel shows. */
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
  /** The channel gave no hint of the person's language (WhatsApp): it is recognised or asked. */
  languageUnknown?: boolean;
  /** Callback numbers may be asked at all (CALLBACK_PHONE=ask). */
  askPhoneEnabled?: boolean;
  /** The channel shows the typing person's number (WhatsApp …@c.us): "my number" needs no typing. */
  numberShown?: boolean;
  /** What this chat account said before about itself as a helper. */
  helper?: { kind?: string; lastPlace?: string };
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
