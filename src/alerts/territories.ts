/** The territories file: which local health network covers which postcodes, and where its coordinators are. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DOMAINS } from '../../flows/step1/types.js';
import { isDuration } from '../reminders/schedule.js';
import type { AlertRouter, CoordinatorTarget, Territory } from './alertRouter.js';

const duration = z.string().refine(isDuration, 'an ISO-8601 duration such as PT48H, P3D or PT30S');
const whatsappGroup = z.string().regex(/@g\.us$/, 'a WhatsApp group id ending in @g.us');
const telegramChat = z.string().regex(/^-?\d+$/, 'a Telegram chat id such as -1001234567890');
const resource = z.object({ name: z.string().min(1), phone: z.string().optional(), offer: z.string().optional() });

const territorySchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and -'),
  name: z.string().min(1),
  /** "31200" matches exactly; "312*" matches every postcode starting with 312. */
  postcodes: z.array(z.string().regex(/^[A-Z0-9 ]+\*?$/i)).default([]),
  whatsappGroupId: whatsappGroup.optional(),
  telegramChatId: telegramChat.optional(),
  /** The number people can call, given in the summary. */
  phone: z.string().optional(),
  /** Delay to take before a re-post; `takeWithinHours` (a number) is still read. */
  takeWithin: duration.optional(),
  takeWithinHours: z.number().positive().optional(),
  escalateAfter: duration.optional(),
  urgentEscalateAfter: duration.optional(),
  escalationWhatsappGroupId: whatsappGroup.optional(),
  escalationTelegramChatId: telegramChat.optional(),
  callbackWithin: duration.optional(),
  busyAbove: z.number().int().positive().optional(),
  resources: z.partialRecord(z.enum(DOMAINS), z.array(resource)).default({}),
});

export const territoriesFileSchema = z.object({
  defaultTerritory: z.string(),
  territories: z.array(territorySchema).min(1),
});

/** The file as written (defaults not yet applied). */
export type TerritoriesFile = z.input<typeof territoriesFileSchema>;
type TerritoryEntry = z.infer<typeof territoriesFileSchema>['territories'][number];

function targets(whatsapp: string | undefined, telegram: string | undefined): CoordinatorTarget[] {
  return [...(whatsapp ? [{ channel: 'whatsapp', address: whatsapp }] : []), ...(telegram ? [{ channel: 'telegram', address: telegram }] : [])];
}

function toTerritory(t: TerritoryEntry, unrouted = false): Territory {
  return {
    id: t.id,
    name: t.name,
    targets: targets(t.whatsappGroupId, t.telegramChatId),
    takeWithin: t.takeWithin ?? `PT${t.takeWithinHours ?? 48}H`,
    ...(t.escalateAfter ? { escalateAfter: t.escalateAfter } : {}),
    ...(t.urgentEscalateAfter ? { urgentEscalateAfter: t.urgentEscalateAfter } : {}),
    escalationTargets: targets(t.escalationWhatsappGroupId, t.escalationTelegramChatId),
    ...(t.callbackWithin ? { callbackWithin: t.callbackWithin } : {}),
    ...(t.busyAbove ? { busyAbove: t.busyAbove } : {}),
    resources: t.resources,
    ...(t.phone ? { phone: t.phone } : {}),
    ...(unrouted ? { unrouted } : {}),
  };
}

const squash = (postcode: string) => postcode.replace(/\s+/g, '').toUpperCase();

/** Exact postcodes win over prefixes, longer prefixes over shorter; unknown postcodes go to the default. */
export function territoryRouter(input: TerritoriesFile): AlertRouter {
  const file = territoriesFileSchema.parse(input);
  const byId = new Map(file.territories.map((t) => [t.id, t]));
  const fallback = byId.get(file.defaultTerritory);
  if (!fallback) throw new Error(`defaultTerritory "${file.defaultTerritory}" is not one of the territories`);
  const exact = new Map<string, TerritoryEntry>();
  const prefixes: Array<{ prefix: string; t: TerritoryEntry }> = [];
  for (const t of file.territories) {
    for (const p of t.postcodes) {
      if (p.endsWith('*')) prefixes.push({ prefix: squash(p.slice(0, -1)), t });
      else exact.set(squash(p), t);
    }
  }
  prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  return {
    route(postcode) {
      const code = postcode ? squash(postcode) : '';
      const hit = (code && exact.get(code)) || prefixes.find((p) => code.startsWith(p.prefix))?.t;
      return hit ? toTerritory(hit) : toTerritory(fallback, true);
    },
    all: () => file.territories.map((t) => toTerritory(t)),
    byId: (id) => (byId.has(id) ? toTerritory(byId.get(id)!) : undefined),
  };
}

export function loadTerritories(path: string): TerritoriesFile {
  return territoriesFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}
