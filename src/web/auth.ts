/**
 * Login without passwords: `/web` in a coordinators' group gives a one-use link valid 15 minutes;
 * it opens a session bound to that coordinator and the group's territories. Only hashes of the link
 * token and of the session cookie are stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { WebIdentity } from '../alerts/alertDesk.js';
import type { Tx } from '../db/database.js';

export const LOGIN_VALID_MS = 15 * 60_000;
export const SESSION_VALID_MS = 8 * 3_600_000;

const hash = (value: string) => createHash('sha256').update(value).digest('hex');
const token = () => randomBytes(32).toString('base64url');

export interface Session extends WebIdentity {
  csrf: string;
  expiresAt: Date;
}

/** A new one-use login link for `who`; returns its URL. */
export async function createLogin(tx: Tx, who: WebIdentity, now: Date, baseUrl: string): Promise<string> {
  const t = token();
  await tx.webLogin.create({
    data: {
      tokenHash: hash(t),
      channel: who.channel,
      address: who.address,
      name: who.name,
      territories: JSON.stringify(who.territories),
      expiresAt: new Date(now.getTime() + LOGIN_VALID_MS),
      createdAt: now,
    },
  });
  return `${baseUrl.replace(/\/+$/, '')}/login/${t}`;
}

/** Uses a login link once: a new session and its cookie value, or undefined (unknown, used, expired). */
export async function useLogin(tx: Tx, loginToken: string, now: Date): Promise<{ cookie: string; session: Session } | undefined> {
  const used = await tx.webLogin.updateMany({ where: { tokenHash: hash(loginToken), usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  if (used.count !== 1) return undefined;
  const login = await tx.webLogin.findUniqueOrThrow({ where: { tokenHash: hash(loginToken) } });
  const cookie = token();
  const session = {
    idHash: hash(cookie),
    channel: login.channel,
    address: login.address,
    name: login.name,
    territories: login.territories,
    csrf: token(),
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_VALID_MS),
  };
  await tx.webSession.create({ data: session });
  // Expired links and sessions are of no use to anyone: removed as we go.
  await tx.webLogin.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - LOGIN_VALID_MS) } } });
  await tx.webSession.deleteMany({ where: { expiresAt: { lt: now } } });
  return { cookie, session: toSession(session) };
}

export async function sessionOf(tx: Tx, cookie: string | undefined, now: Date): Promise<Session | undefined> {
  if (!cookie) return undefined;
  const row = await tx.webSession.findUnique({ where: { idHash: hash(cookie) } });
  return row && row.expiresAt > now ? toSession(row) : undefined;
}

export async function endSession(tx: Tx, cookie: string | undefined): Promise<void> {
  if (cookie) await tx.webSession.deleteMany({ where: { idHash: hash(cookie) } });
}

function toSession(row: { channel: string; address: string; name: string; territories: string; csrf: string; expiresAt: Date }): Session {
  return { channel: row.channel, address: row.address, name: row.name, territories: JSON.parse(row.territories) as string[], csrf: row.csrf, expiresAt: row.expiresAt };
}
