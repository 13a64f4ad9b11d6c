/** Turns the flow's message parts into text in the contact's language. */
import type { DomainResult, Effect, Part } from '../../flows/step1/types.js';
import type { OutgoingMessage } from '../channels/types.js';
import type { SupportLine } from '../config.js';
import type { Locales } from '../i18n/index.js';

type Reply = Extract<Effect, { type: 'reply' }>;

/** The person's local team, for sentences that give its name or phone. */
export interface Place {
  name: string;
  phone?: string;
  hasTeam: boolean;
}

export interface SummaryInput {
  results: DomainResult[];
  firstName?: string | null;
  forSomeoneElse: boolean;
  /** The team will call the person screened (their own number), not the one who typed. */
  callsPerson?: boolean;
  territoryName: string;
  hasCoordinators: boolean;
  /** Coordinators have a way to call: a number was given, or the channel shows one. */
  canBeCalled: boolean;
  territoryPhone?: string;
  moodFlagged: boolean;
  /** When the next Step 1 is due, already formatted. */
  nextDate?: string;
  /** The team's usual delay to call back, in words ("2 jours"), when the territory sets one. */
  callbackWithin?: string;
  /** The team has more open alerts than it says it can handle: said plainly. */
  busy?: boolean;
  /** Local services for the flagged domains. */
  resources?: Array<{ name: string; phone?: string; offer?: string }>;
}

/** Channels that show choices as buttons. */
const BUTTONS = new Set(['telegram']);

export class Renderer {
  /** The support and emergency numbers in words, per language: the same for every text (they come from configuration). */
  private readonly numbers = new Map<string, { lines: string; emergency: string; or: Intl.ListFormat }>();

  constructor(
    private readonly locales: Locales,
    private readonly supportLines: readonly SupportLine[],
  ) {}

  private numbersIn(lang: string): { lines: string; emergency: string; or: Intl.ListFormat } {
    let numbers = this.numbers.get(lang);
    if (!numbers) {
      numbers = { lines: this.lines(lang), emergency: this.emergency(lang), or: new Intl.ListFormat(lang, { type: 'disjunction' }) };
      this.numbers.set(lang, numbers);
    }
    return numbers;
  }

  /**
   * One part in `lang`. Every text may name the support lines ({{lines}}), the emergency numbers
   * ({{emergency}}) and the person's local team ({{territoryLine}}): numbers come from configuration.
   */
  text(lang: string, part: Part, place?: Place, channel?: string): string {
    const l = part.lang ?? lang;
    const territoryLine = place?.phone ? `\n${this.locales.text(l, { key: 'safety.territoryPhone', vars: { territory: place.name, phone: place.phone } })}` : '';
    // A person whose first name was not given is "la personne" / "the person".
    const { lines, emergency } = this.numbersIn(l);
    const vars: Record<string, string | number> = { lines, emergency, territoryLine, ...part.vars };
    if (part.vars?.name === '') vars.name = this.locales.text(l, { key: 'common.thePerson' });
    // Channels with buttons read "appuyez"; the others "répondez" (the *_buttons variants of a text).
    if (channel && BUTTONS.has(channel)) vars.context = 'buttons';
    return this.locales.text(l, { key: part.key, vars });
  }

  reply(lang: string, reply: Reply, place?: Place, channel?: string): OutgoingMessage {
    const choices = reply.choices ?? [];
    const text = reply.parts.map((p) => this.text(lang, p, place, channel)).join('\n\n');
    if (choices.length === 0) return { text };
    const numbers = this.numbersIn(lang).or.format(choices.map((_, i) => String(i + 1)));
    return {
      text,
      choices: choices.map((c) => ({ id: c.id, label: this.text(lang, c.label, place, channel) })),
      choicesHint: this.locales.text(lang, { key: 'common.replyWith', vars: { numbers } }),
    };
  }

  /** The emergency numbers of the configured country, as a sentence fragment: "15 ou le 112". */
  emergency(lang: string): string {
    const numbers = this.supportLines.filter((l) => l.label.startsWith('emergency')).map((l) => l.number);
    return this.locales.text(lang, { key: 'safety.emergencyNumbers', vars: { first: numbers[0] ?? '112', rest: numbers.slice(1).join(', '), count: numbers.length } });
  }

  /** The support numbers, one per line, in the configured country. */
  lines(lang: string): string {
    return this.supportLines
      .map((l) => this.locales.text(lang, { key: 'safety.line', vars: { number: l.number, label: this.locales.text(lang, { key: `support.${l.label}` }) } }))
      .join('\n');
  }

  /** The person's closing summary: each domain in plain words, tips, what happens next. */
  summary(lang: string, input: SummaryInput): OutgoingMessage {
    const t = (key: string, vars?: Part['vars']) => this.text(lang, { key, ...(vars ? { vars } : {}) });
    // Advice about someone else is worded about them ("Marcel peut en parler à son médecin").
    const about = (key: string, vars: Record<string, string> = {}) =>
      input.forSomeoneElse ? t(`${key}Other`, { ...vars, name: input.firstName ?? '' }) : t(key, vars);
    const out: string[] = [];
    out.push(input.forSomeoneElse && input.firstName ? t('summary.introOther', { name: input.firstName }) : t('summary.intro'));
    out.push(
      input.results
        .map((r) => {
          const domain = t(`domain.${r.domain}`);
          const key = r.status === 'normal' ? 'summary.good' : r.status === 'alert' ? 'summary.check' : 'summary.notAssessed';
          return t(key, { domain });
        })
        .join('\n'),
    );
    const flagged = input.results.filter((r) => r.status === 'alert');
    if (flagged.length > 0) {
      out.push([t('summary.tipsTitle'), ...flagged.map((r) => `• ${t(`summary.tip.${r.domain}`)}`)].join('\n'));
      // Promise a call only when the team exists and has a way to call.
      if (input.hasCoordinators && input.canBeCalled) {
        const within = input.callbackWithin ? 'Within' : '';
        out.push(
          input.callsPerson && input.firstName
            ? t(`summary.nextCallPerson${within}`, { territory: input.territoryName, name: input.firstName, delay: input.callbackWithin ?? '' })
            : t(`summary.nextCall${within}`, { territory: input.territoryName, delay: input.callbackWithin ?? '' }),
        );
        if (input.busy) out.push(input.territoryPhone ? t('summary.busy', { phone: input.territoryPhone }) : t('summary.busyNoPhone'));
        else if (input.territoryPhone) out.push(t('summary.callUs', { phone: input.territoryPhone }));
      } else if (input.hasCoordinators && input.territoryPhone) out.push(t('summary.callThem', { territory: input.territoryName, phone: input.territoryPhone }));
      else out.push(about('summary.nextDoctor'));
    } else if (input.results.some((r) => r.status === 'not_assessed')) {
      out.push(input.hasCoordinators && input.canBeCalled ? about('summary.toComplete', { territory: input.territoryName }) : about('summary.notAssessedAdvice'));
    } else {
      out.push(t('summary.allGood'));
    }
    if (input.resources && input.resources.length > 0) {
      out.push(
        [
          t('summary.resourcesTitle'),
          ...input.resources.map((r) => t('summary.resourceLine', { name: r.name, offer: r.offer ? ` – ${r.offer}` : '', phone: r.phone ? ` – ${r.phone}` : '' })),
        ].join('\n'),
      );
    }
    if (input.moodFlagged) out.push(about('safety.moodSupport'));
    if (input.nextDate) out.push(t('summary.nextScreening', { date: input.nextDate }));
    return { text: out.join('\n\n') };
  }
}
