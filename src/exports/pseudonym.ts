/**
 * Pseudonyms: HMAC-SHA256 with the export secret, truncated. The same person always reads the same
 * code in every export made with the same secret; without the secret there is no way back to the
 * person (nor to recompute a code from a known id). Each kind of id has its own label, so that a
 * person's code and a screening's code are never comparable.
 */
import { createHash, createHmac } from 'node:crypto';

export class ExportError extends Error {}

/** Shorter secrets are refused: the generated one is 32 random bytes. */
export const MIN_SECRET_LENGTH = 16;

export function checkSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.trim().length < MIN_SECRET_LENGTH) {
    throw new ExportError(`The export secret must be at least ${MIN_SECRET_LENGTH} characters long.`);
  }
}

function mac(secret: string, label: string, id: string): string {
  return createHmac('sha256', secret).update(`icope-export:${label}:${id}`).digest('hex');
}

/** "P-" and 16 hex digits (64 bits): the person's code in every export. */
export function personPseudonym(secret: string, personId: string): string {
  return `P-${mac(secret, 'person', personId).slice(0, 16)}`;
}

/** "S-" and 16 hex digits: one screening, so rows and resources can be told apart without the real id. */
export function screeningPseudonym(secret: string, screeningId: string): string {
  return `S-${mac(secret, 'screening', screeningId).slice(0, 16)}`;
}

/**
 * A UUID laid out as a name-based one (version 5 bits) from a SHA-256 of `name`: stable `urn:uuid:`
 * addresses inside a FHIR Bundle. Names are built from pseudonyms, so they reveal nothing more.
 */
export function uuidFromName(name: string): string {
  const h = createHash('sha256').update(`icope-export-uuid:${name}`).digest('hex').slice(0, 32).split('');
  h[12] = '5';
  h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}
