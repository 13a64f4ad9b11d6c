/** A chat in the terminal, for trying the bot without any messaging account. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ChannelAdapter, InboundHandler, OutgoingMessage, SendResult } from './types.js';

export const TERMINAL_ADDRESS = 'local';
export const TERMINAL_COORDINATORS = 'coordinators';
/** The coordinator trying the loop in the terminal: their "own chat" with the bot. */
export const TERMINAL_COORDINATOR = 'coordinator';

export interface TerminalOptions {
  input: Readable;
  output: Writable;
  clock?: () => Date;
  languageHint?: string;
  /** Called when the input ends (Ctrl-D, end of a piped file). */
  onClose?: () => void;
  /** Where documents sent to the chat are written (created if missing); default ./documents. */
  documentsDir?: string;
  /**
   * Lines that are coordinator commands ("/pris 1", "/ecrire 1 …"): sent as if written in the
   * coordinators' group, so that the whole loop can be tried without any account.
   */
  isCoordinatorCommand?: (line: string) => boolean;
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
      const asCoordinator = this.o.isCoordinatorCommand?.(line) ?? false;
      void onMessage({
        channel: this.name,
        address: asCoordinator ? TERMINAL_COORDINATORS : TERMINAL_ADDRESS,
        externalId: `${this.session}-${this.received}`,
        receivedAt: (this.o.clock ?? (() => new Date()))(),
        content: { kind: 'text', text: line },
        ...(this.o.languageHint ? { languageHint: this.o.languageHint } : {}),
        ...(asCoordinator ? { group: { senderId: TERMINAL_COORDINATOR } } : {}),
        // Rejected only when the bot stops while the database is unavailable: the line is lost with the session.
      }).catch(() => undefined);
    });
    this.rl.on('close', () => this.o.onClose?.());
  }

  async stop(): Promise<void> {
    this.rl?.close();
  }

  async send(address: string, message: OutgoingMessage, audience: 'contact' | 'coordinators'): Promise<SendResult> {
    this.sent += 1;
    const choices = (message.choices ?? []).map((c, i) => `  ${i + 1}. ${c.label}`);
    const file = message.document ? await this.saveDocument(message.document) : undefined;
    const lines = [
      ...(message.text || !file ? [message.text] : []),
      ...(file ? [`📎 ${file}`] : []),
      ...choices,
      ...(choices.length > 0 && message.choicesHint ? [`  (${message.choicesHint})`] : []),
    ].join('\n');
    // Coordinator messages would go to their group (or a coordinator's own chat): shown apart, prefixed on every line.
    const label = address === TERMINAL_COORDINATOR ? '[coordinator, private]' : '[coordinators]';
    const shown = audience === 'coordinators' ? lines.split('\n').map((l) => `${label} ${l}`).join('\n') : lines;
    this.o.output.write(`${shown}\n\n`);
    return { externalId: `${this.session}-out-${this.sent}` };
  }

  /** Writes a document into the documents folder, never over an earlier one; returns its path. */
  private async saveDocument(document: NonNullable<OutgoingMessage['document']>): Promise<string> {
    const dir = path.resolve(this.o.documentsDir ?? 'documents');
    await mkdir(dir, { recursive: true });
    // Only a plain name: a document never writes outside its folder.
    const name = path.basename(document.fileName.replace(/\\/g, '/')).replace(/^\.+/, '') || 'document';
    const { name: stem, ext } = path.parse(name);
    const data = Buffer.from(document.dataBase64, 'base64');
    for (let n = 1; ; n++) {
      const file = path.join(dir, n === 1 ? name : `${stem}-${n}${ext}`);
      try {
        await writeFile(file, data, { flag: 'wx' });
        return file;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
  }

  async deleteMessage(): Promise<boolean> {
    return false; // a terminal cannot take back what it printed
  }
}
