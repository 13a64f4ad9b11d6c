/**
 * How fast each channel may send: Telegram allows about 30 messages a second overall and one a
 * second per chat; WhatsApp bans bulk senders, so proactive messages have a daily cap there (the
 * adapter also spaces every send). Counts are kept in memory: a restart starts them afresh.
 */
import { calendarDate } from '../../flows/step1/dates.js';

/** Slots per second that reminders leave free for replies. */
const REPLY_RESERVE = 1;

export interface ChannelPace {
  perSecond?: number;
  perChatGapMs?: number;
  /** Most messages nobody is waiting for (priority 1) per local day. */
  proactivePerDay?: number;
  /** Most messages to one group chat per minute (Telegram: 20), and how to tell a group's address. */
  groupPerMinute?: number;
  isGroup?: (address: string) => boolean;
}

export interface PacedRow {
  channel: string;
  address: string;
  priority: number;
  kind: string;
}

export class Pacer {
  private readonly recent = new Map<string, number[]>();
  private readonly lastToChat = new Map<string, number>();
  private readonly proactive = new Map<string, { day: string; count: number }>();
  private readonly toGroup = new Map<string, number[]>();

  constructor(
    private readonly pace: Readonly<Record<string, ChannelPace>>,
    private readonly timeZone: string,
  ) {}

  /** Whether `row` could go now (nothing is taken). */
  allows(row: PacedRow, now: Date): boolean {
    return this.check(row, now, false);
  }

  /**
   * When the channel's one-second window next has a slot for a message nobody waits for, if it is
   * full now (ms since the epoch): the dispatcher looks again then, not later.
   */
  freeAt(channel: string, now: Date): number | undefined {
    const perSecond = this.pace[channel]?.perSecond;
    if (perSecond === undefined) return undefined;
    const t = now.getTime();
    const window = (this.recent.get(channel) ?? []).filter((x) => t - x < 1000);
    const limit = Math.max(1, perSecond - REPLY_RESERVE);
    // The slots free up as their sends are a second old: the (length - limit + 1)-th oldest one.
    return window.length >= limit ? window[window.length - limit]! + 1000 : undefined;
  }

  /** The channel's proactive messages are done for today (its daily cap is reached). */
  capped(channel: string, now: Date): boolean {
    const cap = this.pace[channel]?.proactivePerDay;
    if (cap === undefined) return false;
    const used = this.proactive.get(channel);
    return used?.day === this.day(now) && used.count >= cap;
  }

  private day(now: Date): string {
    const d = calendarDate(now, this.timeZone);
    return `${d.year}-${d.month}-${d.day}`;
  }

  /** Whether `row` may go now; if so, its slot is taken. */
  take(row: PacedRow, now: Date): boolean {
    return this.check(row, now, true);
  }

  private check(row: PacedRow, now: Date, takeIt: boolean): boolean {
    const p = this.pace[row.channel];
    if (!p || row.kind === 'delete') return true;
    const t = now.getTime();
    const window = (this.recent.get(row.channel) ?? []).filter((x) => t - x < 1000);
    // One slot a second is kept for replies to people chatting: a reminder backlog never makes them wait.
    if (p.perSecond !== undefined && window.length >= (row.priority > 0 ? Math.max(1, p.perSecond - REPLY_RESERVE) : p.perSecond)) return false;
    const chatKey = `${row.channel}\u0000${row.address}`;
    const last = this.lastToChat.get(chatKey);
    if (p.perChatGapMs && last !== undefined && t - last < p.perChatGapMs) return false;
    const group = p.groupPerMinute !== undefined && p.isGroup?.(row.address) ? (this.toGroup.get(chatKey) ?? []).filter((x) => t - x < 60_000) : undefined;
    if (group && group.length >= p.groupPerMinute!) return false;
    const day = this.day(now);
    const used = this.proactive.get(row.channel);
    const count = used?.day === day ? used.count : 0;
    if (row.priority > 0 && p.proactivePerDay !== undefined && count >= p.proactivePerDay) return false;
    if (!takeIt) return true;
    window.push(t);
    this.recent.set(row.channel, window);
    this.lastToChat.set(chatKey, t);
    if (group) this.toGroup.set(chatKey, [...group, t]);
    if (row.priority > 0) this.proactive.set(row.channel, { day, count: count + 1 });
    return true;
  }
}
