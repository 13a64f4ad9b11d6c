/** Structured logs. Never log message text, names or addresses: ids and counts only. */
import { pino, type Logger } from 'pino';

export function createLogger(level: string, file?: string): Logger {
  const destination = file ? pino.destination({ dest: file, mkdir: true, sync: false }) : pino.destination(2);
  return pino({ level, base: undefined, redact: ['text', 'address', 'firstName', 'phone'] }, destination);
}
