/**
 * The figures page of the web workspace: `figuresHtml` for createWebApp (src/web/server.ts), which
 * calls it inside a read turn with the session's territories.
 */
import type { AlertRouter } from '../alerts/alertRouter.js';
import type { Tx } from '../db/database.js';
import type { Locales } from '../i18n/index.js';
import { computeFigures } from './figures.js';
import { renderFiguresHtml } from './render.js';

export interface FiguresPageDeps {
  locales: Locales;
  router: AlertRouter;
  /** RESCREEN_INTERVAL. */
  rescreenInterval: string;
  /** DEFAULT_TIME_ZONE: where months start. */
  timeZone: string;
}

/** `(tx, { from, to, territoryIds, lang, now }) => HTML fragment`; the period is [from, to). */
export function figuresHtmlFor(d: FiguresPageDeps) {
  return async (tx: Tx, o: { from: Date; to: Date; territoryIds: string[]; lang: string; now: Date }): Promise<string> => {
    const figures = await computeFigures(tx, { from: o.from, to: o.to, territoryIds: o.territoryIds, router: d.router, now: o.now, rescreenInterval: d.rescreenInterval, timeZone: d.timeZone });
    return renderFiguresHtml(d.locales, o.lang, figures);
  };
}
