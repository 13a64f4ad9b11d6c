import type { ChannelAdapter, InboundHandler, OutgoingMessage, SendResult } from '../../src/channels/types.js';

export interface Sent {
  address: string;
  audience: 'contact' | 'coordinators';
  message: OutgoingMessage;
  externalId: string;
}

/** A channel that records what it is asked to send, and can be told to fail. */
export class RecordingChannel implements ChannelAdapter {
  readonly sent: Sent[] = [];
  readonly deleted: string[] = [];
  /** Throw this error on the next sends (one per entry). */
  failures: Error[] = [];
  private n = 0;

  constructor(readonly name = 'test') {}

  async start(_onMessage: InboundHandler): Promise<void> {}
  async stop(): Promise<void> {}

  async send(address: string, message: OutgoingMessage, audience: 'contact' | 'coordinators', _options?: { mayRepeat?: boolean }): Promise<SendResult> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    const externalId = `m${++this.n}`;
    this.sent.push({ address, audience, message, externalId });
    return { externalId };
  }

  async deleteMessage(_address: string, externalId: string): Promise<boolean> {
    this.deleted.push(externalId);
    return true;
  }

  to(address: string): Sent[] {
    return this.sent.filter((s) => s.address === address);
  }
}
