/** The territories file: which local health network covers which postcodes, and where its coordinators are. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AlertRouter, CoordinatorTarget, Territory } from './alertRouter.js';

const territorySchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and -'),
  name: z.string().min(1),
  /** "31200" matches exactly; "312*" matches every postcode starting with 312. */
  postcodes: z.array(z.string().regex(/^[A-Z0-9 ]+\*?$/i)).default([]),
  whatsappGroupId: z.string().regex(/@g\.us$/, 'a WhatsApp group id ending in @g.us').optional(),
  telegramChatId: z.string().regex(/^-?\d+$/).optional(),
  /** The number people can call, given in the summary. */
  phone: z.string().optional(),
  takeWithinHours: z.number().positive().default(48),
});

export const territoriesFileSchema = z.object({
  defaultTerritory: z.string(),
  territories: z.array(territorySchema).min(1),
});

export type TerritoriesFile = z.infer<typeof territoriesFileSchema>;
type TerritoryEntry = TerritoriesFile['territories'][number];

function targets(t: TerritoryEntry): CoordinatorTarget[] {
  return [
    ...(t.whatsappGroupId ? [{ channel: 'whatsapp', address: t.whatsappGroupId }] : []),
    ...(t.telegramChatId ? [{ channel: 'telegram', address: t.telegramChatId }] : []),
  ];
}

function toTerritory(t: TerritoryEntry, unrouted = false): Territory {
  return { id: t.id, name: t.name, targets: targets(t), takeWithinHours: t.takeWithinHours, ...(t.phone ? { phone: t.phone } : {}), ...(unrouted ? { unrouted } : {}) };
}

const squash = (postcode: string) => postcode.replace(/\s+/g, '').toUpperCase();

/** Exact postcodes win over prefixes, longer prefixes over shorter; unknown postcodes go to the default. */
export function territoryRouter(file: TerritoriesFile): AlertRouter {
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
