/** A chat in the terminal, for trying the bot without any messaging account. */
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ChannelAdapter, InboundHandler, OutgoingMessage, SendResult } from './types.js';

export const TERMINAL_ADDRESS = 'local';
export const TERMINAL_COORDINATORS = 'coordinators';

export interface TerminalOptions {
  input: Readable;
  output: Writable;
  clock?: () => Date;
  languageHint?: string;
  /** Called when the input ends (Ctrl-D, end of a piped file). */
  onClose?: () => void;
}

export class TerminalChannel implements ChannelAdapter {
  readonly name = 'terminal';
  private rl: Interface | undefined;
  private readonly session = Date.now().toString(36);
  private received = 0;
  private sent = 0;

  constructor(private readonly o: TerminalOptions) {}

  async start(onMessage: InboundHandler): Promise<void> {
    this.rl = createInterface({ input: this.o.input, terminal: false });
    this.rl.on('line', (line) => {
      this.received += 1;
      void onMessage({
        channel: this.name,
        address: TERMINAL_ADDRESS,
        externalId: `${this.session}-${this.received}`,
        receivedAt: (this.o.clock ?? (() => new Date()))(),
        content: { kind: 'text', text: line },
        ...(this.o.languageHint ? { languageHint: this.o.languageHint } : {}),
      });
    });
    this.rl.on('close', () => this.o.onClose?.());
  }

  async stop(): Promise<void> {
    this.rl?.close();
  }

  async send(_address: string, message: OutgoingMessage, audience: 'contact' | 'coordinators'): Promise<SendResult> {
    this.sent += 1;
    const choices = (message.choices ?? []).map((c, i) => `  ${i + 1}. ${c.label}`);
    const lines = [message.text, ...choices, ...(choices.length > 0 && message.choicesHint ? [`  (${message.choicesHint})`] : [])].join('\n');
    // Coordinator messages would go to their group: here they are shown apart, prefixed on every line.
    const shown = audience === 'coordinators' ? lines.split('\n').map((l) => `[coordinators] ${l}`).join('\n') : lines;
    this.o.output.write(`${shown}\n\n`);
    return { externalId: `${this.session}-out-${this.sent}` };
  }

  async deleteMessage(): Promise<boolean> {
    return false; // a terminal cannot take back what it printed
  }
}
