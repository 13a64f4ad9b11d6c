/** Turns the flow's message parts into text in the contact's language. */
import type { DomainResult, Effect, Part } from '../../flows/step1/types.js';
import type { OutgoingMessage } from '../channels/types.js';
import type { SupportLine } from '../config.js';
import type { Locales } from '../i18n/index.js';

type Reply = Extract<Effect, { type: 'reply' }>;

export interface SummaryInput {
  results: DomainResult[];
  firstName?: string | null;
  forSomeoneElse: boolean;
  territoryName: string;
  hasCoordinators: boolean;
  territoryPhone?: string;
  moodFlagged: boolean;
  /** When the next Step 1 is due, already formatted. */
  nextDate?: string;
}

export class Renderer {
  constructor(
    private readonly locales: Locales,
    private readonly supportLines: readonly SupportLine[],
  ) {}

  text(lang: string, part: Part): string {
    const vars = part.key.startsWith('safety.') ? { lines: this.lines(lang), ...part.vars } : part.vars;
    return this.locales.text(lang, { key: part.key, ...(vars ? { vars } : {}) });
  }

  reply(lang: string, reply: Reply): OutgoingMessage {
    const choices = reply.choices ?? [];
    if (choices.length === 0) return { text: reply.parts.map((p) => this.text(lang, p)).join('\n\n') };
    const numbers = new Intl.ListFormat(lang, { type: 'disjunction' }).format(choices.map((_, i) => String(i + 1)));
    return {
      text: reply.parts.map((p) => this.text(lang, p)).join('\n\n'),
      choices: choices.map((c) => ({ id: c.id, label: this.text(lang, c.label) })),
      choicesHint: this.locales.text(lang, { key: 'common.replyWith', vars: { numbers } }),
    };
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
      out.push(input.hasCoordinators ? t('summary.nextCall', { territory: input.territoryName }) : t('summary.nextDoctor'));
      if (input.hasCoordinators && input.territoryPhone) out.push(t('summary.callUs', { phone: input.territoryPhone }));
    } else if (input.results.some((r) => r.status === 'not_assessed')) {
      out.push(t('summary.notAssessedAdvice'));
    } else {
      out.push(t('summary.allGood'));
    }
    if (input.moodFlagged) out.push(t('safety.moodSupport'));
    if (input.nextDate) out.push(t('summary.nextScreening', { date: input.nextDate }));
    return { text: out.join('\n\n') };
  }
}
