/**
 * Structured logs. Never log message text, names or addresses: ids and counts only. To a file, the
 * log rotates by size (rotating-file-stream, a well-kept library): `bot.log`, then `bot.log.1` (the
 * newest old one) … `bot.log.<keep>` (the oldest), older ones dropped; files are private like
 * everything the bot writes (umask 077).
 */
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

export interface LogRotation {
  /** Rotate when the file reaches this size, e.g. "10M". */
  size: string;
  /** How many rotated files to keep beside the current one. */
  keep: number;
}

const streams = new WeakMap<Logger, RotatingFileStream>();

export function createLogger(level: string, file?: string, rotation: LogRotation = { size: '10M', keep: 5 }): Logger {
  if (!file) return pino({ level, base: undefined, redact: ['text', 'address', 'firstName', 'phone'] }, pino.destination(2));
  // As logrotate does: bot.log.1 is always the newest old file, bot.log.<keep> the oldest, the one
  // before it overwritten (no history file). Numbered otherwise, the names would be reused in turn
  // and bot.log.1 could be older than bot.log.4.
  const stream = createStream(path.basename(file), {
    path: path.dirname(file),
    size: rotation.size as never,
    rotate: rotation.keep,
    mode: 0o600,
  });
  // A log that cannot be written (disk full) must not stop the bot.
  stream.on('error', () => undefined);
  const logger = pino({ level, base: undefined, redact: ['text', 'address', 'firstName', 'phone'] }, stream);
  streams.set(logger, stream);
  return logger;
}

/** Writes what is buffered and closes the file (at exit). */
export function closeLogger(logger: Logger): Promise<void> {
  const stream = streams.get(logger);
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => stream.end(() => resolve()));
}
