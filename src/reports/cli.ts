/**
 * `npm run report -- --from 2026-01-01 --to 2026-06-30 [--territory ID] [--lang fr|en]`: the figures as
 * a table in the terminal. Bad arguments give one line and exit code 2; other failures (configuration,
 * database) one line and exit code 1; never a stack trace.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import type { AlertRouter } from '../alerts/alertRouter.js';
import { buildRouter } from '../channels/channels.js';
import { ConfigError, loadConfig } from '../config.js';
import { Database } from '../db/database.js';
import { sqliteFilePath } from '../db/url.js';
import type { Locales } from '../i18n/index.js';
import { computeFigures } from './figures.js';
import { renderFiguresText } from './render.js';

export interface ReportArgs {
  from: Date;
  /** The day after --to, at midnight: the period is [from, to). */
  to: Date;
  territoryIds?: string[];
  lang: string;
}

export class ReportArgsError extends Error {}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Reads the command line; throws ReportArgsError with a sentence in `messageLang`. */
export function parseReportArgs(
  argv: string[],
  o: { locales: Locales; router: AlertRouter; timeZone: string; defaultLang: string; messageLang: string },
): ReportArgs {
  const t = (key: string, vars?: Record<string, string>) => o.locales.text(o.messageLang, { key: `report.cli.${key}`, ...(vars ? { vars } : {}) });
  let values: { from?: string; to?: string; territory?: string[]; lang?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { from: { type: 'string' }, to: { type: 'string' }, territory: { type: 'string', multiple: true }, lang: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    const e = error as Error & { code?: string };
    const quoted = /'(--?[\w-]+)/.exec(e.message)?.[1] ?? '';
    const option = quoted.replace(/^-+/, '');
    const line =
      e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && ['from', 'to', 'territory', 'lang'].includes(option)
        ? t('missing', { option })
        : e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
          ? t('unexpected', { value: /'([^']*)'/.exec(e.message)?.[1] ?? '' })
          : t('unknownOption', { value: quoted || argv.join(' ') });
    throw new ReportArgsError(`${line} ${t('usage')}`);
  }
  const day = (option: 'from' | 'to'): DateTime => {
    const value = values[option];
    if (value === undefined) throw new ReportArgsError(`${t('missing', { option })} ${t('usage')}`);
    const d = DateTime.fromISO(value, { zone: o.timeZone });
    if (!DAY.test(value) || !d.isValid) throw new ReportArgsError(t('badDate', { option, value }));
    return d.startOf('day');
  };
  const from = day('from');
  const to = day('to');
  if (to < from) throw new ReportArgsError(t('order', { from: values.from!, to: values.to! }));
  const lang = values.lang ?? o.defaultLang;
  if (!o.locales.languages.includes(lang)) throw new ReportArgsError(t('badLang', { value: lang, known: o.locales.languages.join(', ') }));
  const known = o.router.all().map((x) => x.id);
  for (const id of values.territory ?? []) {
    if (!o.router.byId(id)) throw new ReportArgsError(t('badTerritory', { value: id, known: known.join(', ') }));
  }
  return { from: from.toJSDate(), to: to.plus({ days: 1 }).toJSDate(), ...(values.territory ? { territoryIds: values.territory } : {}), lang };
}

export interface ReportIo {
  env: NodeJS.ProcessEnv;
  cwd: string;
  out: (text: string) => void;
  err: (line: string) => void;
  now: () => Date;
}

/** The whole command; returns the exit code. */
export async function runReport(argv: string[], locales: Locales, io: ReportIo): Promise<number> {
  const rawLang = argv[argv.indexOf('--lang') + 1];
  const fallbackLang = locales.languages.includes(io.env.COORDINATOR_LANGUAGE ?? '') ? io.env.COORDINATOR_LANGUAGE! : locales.languages[0]!;
  const messageLang = argv.includes('--lang') && rawLang && locales.languages.includes(rawLang) ? rawLang : fallbackLang;
  const say = (key: string, vars: Record<string, string>) => locales.text(messageLang, { key: `report.cli.${key}`, vars });
  let db: Database | undefined;
  try {
    const config = loadConfig(io.env, io.cwd);
    const router = buildRouter(config);
    let args: ReportArgs;
    try {
      args = parseReportArgs(argv, { locales, router, timeZone: config.DEFAULT_TIME_ZONE, defaultLang: config.COORDINATOR_LANGUAGE, messageLang });
    } catch (error) {
      if (error instanceof ReportArgsError) {
        io.err(error.message);
        return 2;
      }
      throw error;
    }
    const file = sqliteFilePath(config.DATABASE_URL);
    if (!existsSync(file)) {
      io.err(say('noDatabase', { file }));
      return 1;
    }
    db = await Database.open(config.DATABASE_URL);
    const ready = await db.read((tx) => tx.$queryRaw<unknown[]>`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'Screening_figures_step1_idx'`);
    if (ready.length === 0) {
      io.err(say('notMigrated', { file }));
      return 1;
    }
    const figures = await db.read((tx) =>
      computeFigures(tx, {
        from: args.from,
        to: args.to,
        ...(args.territoryIds ? { territoryIds: args.territoryIds } : {}),
        router,
        now: io.now(),
        rescreenInterval: config.RESCREEN_INTERVAL,
        timeZone: config.DEFAULT_TIME_ZONE,
      }),
    );
    io.out(renderFiguresText(locales, args.lang, figures));
    return 0;
  } catch (error) {
    io.err(error instanceof ConfigError ? error.message : say('failed', { error: (error as Error).message.split('\n')[0] ?? '' }));
    return 1;
  } finally {
    await db?.close();
  }
}
