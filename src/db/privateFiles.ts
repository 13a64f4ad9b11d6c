/**
 * Health data and the WhatsApp session stay private to the bot's user: everything the process
 * creates is 0600 (folders 0700), and files left by an earlier version are tightened at start.
 */
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export function privateByDefault(): void {
  process.umask(0o077);
}

/** Folders 0700 and files 0600, recursively (a missing path is fine). */
export function tighten(target: string): void {
  if (!existsSync(target)) return;
  const stat = statSync(target);
  if (stat.isDirectory()) {
    chmodSync(target, 0o700);
    for (const entry of readdirSync(target)) tighten(path.join(target, entry));
  } else if (stat.isFile()) chmodSync(target, 0o600);
}
