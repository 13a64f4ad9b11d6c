/**
 * Coordinators act on alerts from their group: take, close, list. Only the groups of an alert's
 * territory can change it. Every change is recorded (who, when) and confirmed in the group.
 */
import { parseCoordinatorCommand, type CoordinatorCommand } from '../../flows/coordinators/commands.js';
import { OUTCOMES } from '../../flows/step1/lexicon.js';
import type { InboundMessage } from '../channels/types.js';
import type { Tx } from '../db/database.js';
import type { Alert } from '../generated/prisma/client.js';
import { enqueue } from '../outbox/outbox.js';
import { ageText } from './alertMessage.js';
import type { AlertPostDeps } from './alertPosts.js';

type Vars = Record<string, string | number>;

export class AlertDesk {
  constructor(private readonly deps: AlertPostDeps & { clock: () => Date }) {}

  /** The territories whose coordinators' group this is. */
  territoriesOf(channel: string, group: string): string[] {
    return this.deps.router
      .all()
      .filter((t) => t.targets.some((g) => g.channel === channel && g.address === group))
      .map((t) => t.id);
  }

  /** Handles one group message inside the engine's transaction. Returns false when it was not for us. */
  async handle(tx: Tx, message: InboundMessage, contactId: string): Promise<void> {
    if (message.content.kind !== 'text' || !message.group) return;
    const territories = this.territoriesOf(message.channel, message.address);
    if (territories.length === 0) return;
    const command = parseCoordinatorCommand(message.content.text, this.deps.locales.lexicons, message.group.quotedId !== undefined);
    if (!command) return;
    const reply = await this.apply(tx, command, message, territories);
    await enqueue(tx, {
      key: `desk:${message.channel}:${message.externalId}`,
      channel: message.channel,
      address: message.address,
      audience: 'coordinators',
      contactId,
      message: { text: reply },
      notBefore: this.deps.clock(),
    });
  }

  private t(key: string, vars?: Vars): string {
    return this.deps.locales.text(this.deps.coordinatorLanguage, { key, ...(vars ? { vars } : {}) });
  }

  private outcomes(): string {
    const lex = this.deps.locales.lexicons[this.deps.coordinatorLanguage]!.coordinatorCommands.outcomes;
    return OUTCOMES.map((o) => lex[o][0]).join(', ');
  }

  private async apply(tx: Tx, command: CoordinatorCommand, message: InboundMessage, territories: string[]): Promise<string> {
    const now = this.deps.clock();
    const by = message.group!.senderName ?? message.group!.senderId;
    const find = async (id: number): Promise<Alert | undefined> => {
      const alert = await tx.alert.findUnique({ where: { id } });
      return alert && territories.includes(alert.territoryId) ? alert : undefined;
    };
    switch (command.type) {
      case 'help':
        return this.t('desk.help', { outcomes: this.outcomes() });
      case 'usage':
        return command.of === 'take' ? this.t('desk.usageTake') : this.t('desk.usageClose', { outcomes: this.outcomes() });
      case 'open':
        return this.openList(tx, territories, now);
      case 'takeQuoted': {
        const post = await tx.outboxMessage.findFirst({
          where: { channel: message.channel, address: message.address, externalId: message.group!.quotedId!, ref: { startsWith: 'alert:' } },
        });
        if (!post) return this.t('desk.noQuote');
        return this.take(tx, Number(post.ref!.slice('alert:'.length)), by, now, find);
      }
      case 'take':
        return this.take(tx, command.alertId, by, now, find);
      case 'close': {
        const alert = await find(command.alertId);
        if (!alert) return this.t('desk.unknownAlert', { id: command.alertId });
        if (alert.status === 'closed') return this.t('desk.alreadyClosed', { id: alert.id, outcome: this.t(`desk.outcome.${alert.outcome}`) });
        await tx.alert.update({
          where: { id: alert.id },
          data: {
            status: 'closed',
            closedAt: now,
            closedBy: by,
            outcome: command.outcome,
            note: command.note ?? null,
            // Closing an alert nobody took also records who handled it.
            ...(alert.status === 'new' ? { takenAt: now, takenBy: by } : {}),
          },
        });
        return this.t('desk.closed', { id: alert.id, by, outcome: this.t(`desk.outcome.${command.outcome}`) });
      }
    }
  }

  private async take(tx: Tx, id: number, by: string, now: Date, find: (id: number) => Promise<Alert | undefined>): Promise<string> {
    const alert = await find(id);
    if (!alert) return this.t('desk.unknownAlert', { id });
    if (alert.status === 'closed') return this.t('desk.alreadyClosed', { id, outcome: this.t(`desk.outcome.${alert.outcome}`) });
    if (alert.status === 'taken') {
      return this.t('desk.alreadyTaken', { id, by: alert.takenBy ?? '?', age: ageText(this.deps.locales, this.deps.coordinatorLanguage, alert.takenAt ?? now, now) });
    }
    await tx.alert.update({ where: { id }, data: { status: 'taken', takenAt: now, takenBy: by } });
    return this.t('desk.taken', { id, by });
  }

  /** Open alerts of these territories, oldest first, with their age. */
  async openList(tx: Tx, territories: string[], now: Date, title?: string): Promise<string> {
    const open = await tx.alert.findMany({
      where: { territoryId: { in: territories }, status: { in: ['new', 'taken'] } },
      orderBy: { createdAt: 'asc' },
    });
    if (open.length === 0) return this.t('desk.noneOpen');
    const lang = this.deps.coordinatorLanguage;
    return [
      title ?? this.t('desk.openTitle', { count: open.length }),
      ...open.map((a) =>
        this.t('desk.openLine', {
          id: a.id,
          priority: this.t(a.priority === 'urgent' ? 'desk.priorityUrgent' : 'desk.priorityNormal'),
          age: ageText(this.deps.locales, lang, a.createdAt, now),
          status: a.status === 'taken' ? this.t('desk.statusTaken', { by: a.takenBy ?? '?' }) : this.t('desk.statusNew'),
        }),
      ),
    ].join('\n');
  }
}
