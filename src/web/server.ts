/**
 * The coordinators' web workspace (Hono: a small, well-kept server library with its own request
 * helper for tests). Pages are rendered on the server. Nothing but the login link works without a
 * session; a session sees only its territories; every view of an alert and every export is logged.
 */
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { parseAppointment, type CoordinatorCommand } from '../../flows/coordinators/commands.js';
import { OUTCOMES } from '../../flows/step1/lexicon.js';
import { takeWithinMs, type AlertDesk } from '../alerts/alertDesk.js';
import { loadAlertFacts } from '../alerts/alertFacts.js';
import { ageText, renderAlertDetails, shortDate } from '../alerts/alertMessage.js';
import { territoryLabel, type AlertPostDeps } from '../alerts/alertPosts.js';
import { answerText } from '../alerts/gpSheet.js';
import { gpSheetOf } from '../alerts/gpSheetOf.js';
import { overdueList } from '../alerts/overdue.js';
import type { Database, Tx } from '../db/database.js';
import type { HealthReport } from '../health/heartbeat.js';
import { endSession, sessionOf, useLogin, type Session } from './auth.js';
import { flash, hidden, html, layout, raw, type Html, type T } from './views.js';

export interface WebDeps {
  db: Database;
  desk: AlertDesk;
  alerts: AlertPostDeps;
  clock: () => Date;
  /** Called after a change that queued messages (the outbox sends them). */
  onCommitted: () => void;
  /** The public origin behind the operator's proxy (WEB_PUBLIC_URL), accepted for forms. */
  publicUrl?: string;
  /** The network's figures as an HTML fragment, for the figures page (when available). */
  figuresHtml?: (tx: Tx, o: { from: Date; to: Date; territoryIds: string[]; lang: string; now: Date }) => Promise<string>;
  /** The bot's health for a supervisor (GET /health: 200 when working, 503 otherwise). */
  health?: () => Promise<HealthReport>;
  /** An export of the territories' screenings (when available). */
  exportFile?: (tx: Tx, o: { format: string; from?: Date; to?: Date; territoryIds: string[] }) => Promise<{ fileName: string; mimeType: string; body: string }>;
}

export const SESSION_COOKIE = '__Host-icope_session';
export const EXPORT_FORMATS = ['csv', 'fhir', 'icope-monitor'] as const;

type Env = { Variables: { session: Session } };

export function createWebApp(d: WebDeps): Hono<Env> {
  const app = new Hono<Env>();
  const lang = d.alerts.coordinatorLanguage;
  const t: T = (key, vars) => d.alerts.locales.text(lang, { key, ...(vars ? { vars } : {}) });
  const page = (c: Context<Env>, title: string, body: Html, status: 200 | 403 | 404 = 200) => {
    const s = c.get('session') as Session | undefined;
    return c.html(layout(t, title, body, s ? { name: s.name, csrf: s.csrf } : undefined), status);
  };
  const log = (tx: Tx, s: Session, action: string, territoryId: string | null, target?: string) =>
    tx.accessLog.create({ data: { at: d.clock(), who: s.name, territoryId, action, ...(target ? { target } : {}) } });

  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], imgSrc: ["'self'", 'data:'], formAction: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
      referrerPolicy: 'no-referrer',
    }),
  );
  // Forms only from this site (the Origin header), and a per-session token in every form.
  app.use('*', csrf({ origin: (origin, c) => origin === new URL(c.req.url).origin || (!!d.publicUrl && origin === new URL(d.publicUrl).origin) }));

  app.get('/health', async (c) => {
    if (!d.health) return c.notFound();
    const report = await d.health();
    return c.json(report, report.status === 'ok' ? 200 : 503);
  });
  app.get('/login/:token', async (c) => {
    const now = d.clock();
    const login = await d.db.tx((tx) => useLogin(tx, c.req.param('token'), now));
    if (!login) return page(c, t('web.loginFailedTitle'), html`<p>${t('web.loginFailed')}</p>`, 403);
    setCookie(c, SESSION_COOKIE, login.cookie, { path: '/', secure: true, httpOnly: true, sameSite: 'Lax', maxAge: Math.floor((login.session.expiresAt.getTime() - now.getTime()) / 1000) });
    return c.redirect('/alerts', 303);
  });

  app.get('/', async (c) => {
    const s = await d.db.read((tx) => sessionOf(tx, getCookie(c, SESSION_COOKIE), d.clock()));
    return s ? c.redirect('/alerts', 303) : page(c, t('web.loginTitle'), html`<p>${t('web.loginHow')}</p>`);
  });

  // Everything below needs a session.
  app.use('*', async (c, next) => {
    const s = await d.db.read((tx) => sessionOf(tx, getCookie(c, SESSION_COOKIE), d.clock()));
    if (!s) return page(c, t('web.loginTitle'), html`<p>${t('web.loginHow')}</p>`, 403);
    if (c.req.method === 'POST') {
      const form = await c.req.parseBody();
      if (form['_csrf'] !== s.csrf) return page(c, t('web.forbiddenTitle'), html`<p>${t('web.forbidden')}</p>`, 403);
    }
    c.set('session', s);
    await next();
  });

  app.post('/logout', async (c) => {
    await d.db.tx((tx) => endSession(tx, getCookie(c, SESSION_COOKIE)));
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
    return c.redirect('/', 303);
  });

  app.get('/alerts', async (c) => {
    const s = c.get('session');
    const now = d.clock();
    const open = await d.db.read((tx) => tx.alert.findMany({ where: { territoryId: { in: s.territories }, status: { in: ['new', 'taken'] } }, orderBy: { createdAt: 'asc' } }));
    const late = (a: (typeof open)[number]) => a.status === 'new' && now.getTime() - a.createdAt.getTime() >= takeWithinMs(d.alerts, a.territoryId);
    const sorted = [...open.filter(late), ...open.filter((a) => !late(a))];
    const age = (since: Date, until = now) => ageText(d.alerts.locales, lang, since, until);
    const body = sorted.length
      ? html`<table><caption>${t('web.openCaption', { count: sorted.length })}</caption>
<thead><tr><th scope="col">${t('web.col.alert')}</th><th scope="col">${t('web.col.priority')}</th><th scope="col">${t('web.col.territory')}</th><th scope="col">${t('web.col.waiting')}</th><th scope="col">${t('web.col.status')}</th></tr></thead>
<tbody>${sorted.map(
          (a) => html`<tr class="${late(a) ? 'late' : ''}"><td><a href="/alerts/${a.id}">${t('web.alertLink', { id: a.id })}</a></td><td>${t(`desk.priority${a.priority === 'urgent' ? 'Urgent' : a.priority === 'low' ? 'Low' : 'Normal'}`)}</td><td>${territoryName(a.territoryId)}</td><td>${age(a.createdAt)}</td><td>${
            a.status === 'taken' ? t('desk.statusTaken', { by: a.takenBy ?? '?', after: age(a.createdAt, a.takenAt ?? now) }) : late(a) ? t('desk.statusLate') : t('desk.statusNew')
          }</td></tr>`,
        )}</tbody></table>`
      : html`<p>${t('desk.noneOpen')}</p>`;
    return page(c, t('web.nav.alerts'), html`${flash(c.req.query('msg'))}${body}`);
  });

  const territoryName = (id: string) => {
    const territory = d.alerts.router.byId(id);
    return territory ? territoryLabel(d.alerts, territory, lang, true) : id;
  };

  /** The alert if this session's territories hold it. */
  const alertFor = async (tx: Tx, s: Session, raw: string) => {
    const id = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(id)) return undefined;
    const alert = await tx.alert.findUnique({ where: { id } });
    return alert && s.territories.includes(alert.territoryId) ? alert : undefined;
  };

  app.get('/alerts/:id', async (c) => {
    const s = c.get('session');
    const now = d.clock();
    const view = await d.db.tx(async (tx) => {
      const alert = await alertFor(tx, s, c.req.param('id'));
      if (!alert) return undefined;
      await log(tx, s, 'view_alert', alert.territoryId, String(alert.id));
      const facts = await loadAlertFacts(tx, d.alerts, alert.id);
      const answers = alert.screeningId ? await tx.answer.findMany({ where: { screeningId: alert.screeningId }, orderBy: { id: 'asc' } }) : [];
      const history = alert.personId
        ? await tx.screening.findMany({ where: { personId: alert.personId, status: 'completed' }, orderBy: { completedAt: 'desc' }, include: { results: true } })
        : [];
      const messages = await tx.alertMessage.findMany({ where: { alertId: alert.id }, orderBy: { at: 'asc' } });
      return { alert, facts, answers: [...new Map(answers.map((a) => [a.item, a])).values()], history, messages };
    });
    if (!view) return page(c, t('web.notFoundTitle'), html`<p>${t('web.notFound')}</p>`, 404);
    const { alert, facts, answers, history, messages } = view;
    const details = renderAlertDetails(d.alerts.locales, lang, facts, now, d.alerts.timeZone).split('\n').slice(1, -2);
    const gt = (key: string, vars?: Record<string, string | number>) => d.alerts.locales.text(lang, { key, ...(vars ? { vars } : {}) });
    const open = alert.status !== 'closed';
    const others = d.alerts.router.all().filter((x) => x.id !== alert.territoryId);
    const body = html`${flash(c.req.query('msg'))}
<section aria-labelledby="details"><h2 id="details">${t('web.details')}</h2><ul>${details.map((l) => html`<li>${l}</li>`)}</ul>
${alert.note ? html`<p>${t('web.note', { note: alert.note })}</p>` : ''}
<p><a href="/alerts/${alert.id}/sheet.pdf">${t('web.sheet')}</a></p></section>
<section aria-labelledby="answers"><h2 id="answers">${t('web.answers')}</h2>
${answers.length ? html`<table><thead><tr><th scope="col">${t('web.col.question')}</th><th scope="col">${t('web.col.answer')}</th><th scope="col">${t('web.col.written')}</th></tr></thead><tbody>${answers.map((a) => html`<tr><td>${gt(`gpSheet.item.${a.item}`)}</td><td>${answerText(gt, lang, a.item, a.value)}</td><td>${a.rawText ?? ''}</td></tr>`)}</tbody></table>` : html`<p>${t('web.noAnswers')}</p>`}
</section>
<section aria-labelledby="history"><h2 id="history">${t('web.history')}</h2>
${history.length ? html`<table><thead><tr><th scope="col">${t('web.col.date')}</th>${facts.flagged.length || history[0] ? history[0]!.results.map((r) => html`<th scope="col">${gt(`domain.${r.domain}`)}</th>`) : ''}</tr></thead><tbody>${history.map(
      (h) => html`<tr><td>${h.completedAt ? shortDate(lang, h.completedAt, d.alerts.timeZone) : ''}</td>${history[0]!.results.map((r) => html`<td>${gt(`coordinators.status.${h.results.find((x) => x.domain === r.domain)?.status ?? 'not_assessed'}`)}</td>`)}</tr>`,
    )}</tbody></table>` : html`<p>${t('web.noHistory')}</p>`}
</section>
<section aria-labelledby="messages"><h2 id="messages">${t('web.messages')}</h2>
${messages.length ? html`<ul>${messages.map((m) => html`<li>${shortDate(lang, m.at, d.alerts.timeZone)} – ${m.direction === 'toPerson' ? t('web.messageTo', { by: m.by ?? '?' }) : t('web.messageFrom')} : ${m.text}</li>`)}</ul>` : html`<p>${t('web.noMessages')}</p>`}
</section>
${
  open
    ? html`<section aria-labelledby="actions"><h2 id="actions">${t('web.actions')}</h2>
${alert.status === 'new' ? html`<form method="post" action="/alerts/${alert.id}/take">${hidden(s.csrf)}<button type="submit">${t('web.take')}</button></form>` : ''}
<form method="post" action="/alerts/${alert.id}/write"><fieldset><legend>${t('web.write')}</legend>${hidden(s.csrf)}<label for="text">${t('web.writeLabel')}</label><textarea id="text" name="text" rows="3" cols="40" required maxlength="1000"></textarea><button type="submit">${t('web.send')}</button></fieldset></form>
<form method="post" action="/alerts/${alert.id}/step2"><fieldset><legend>${t('web.step2')}</legend>${hidden(s.csrf)}<label for="date">${t('web.date')}</label><input id="date" name="date" type="date" required><label for="time">${t('web.time')}</label><input id="time" name="time" type="time"><label for="place">${t('web.place')}</label><input id="place" name="place" maxlength="200"><button type="submit">${t('web.record')}</button></fieldset></form>
<form method="post" action="/alerts/${alert.id}/close"><fieldset><legend>${t('web.close')}</legend>${hidden(s.csrf)}<label for="outcome">${t('web.outcome')}</label><select id="outcome" name="outcome">${OUTCOMES.map((o) => html`<option value="${o}">${gt(`desk.outcome.${o}`)}</option>`)}</select><label for="note">${t('web.noteLabel')}</label><input id="note" name="note" maxlength="500"><button type="submit">${t('web.closeButton')}</button></fieldset></form>
${others.length ? html`<form method="post" action="/alerts/${alert.id}/transfer"><fieldset><legend>${t('web.transfer')}</legend>${hidden(s.csrf)}<label for="territory">${t('web.territory')}</label><select id="territory" name="territory">${others.map((o) => html`<option value="${o.id}">${territoryLabel(d.alerts, o, lang, true)}</option>`)}</select><button type="submit">${t('web.transferButton')}</button></fieldset></form>` : ''}
</section>`
    : html`<p>${t('web.closed', { outcome: alert.outcome ? gt(`desk.outcome.${alert.outcome}`) : '' })}</p>`
}`;
    return page(c, t('web.alertTitle', { id: alert.id }), body);
  });

  /** The same command as in the group, from a form; back to the alert with the bot's answer. */
  const act = (toCommand: (id: number, form: Record<string, string | File>) => CoordinatorCommand | undefined) => async (c: Context<Env>) => {
    const s = c.get('session');
    const id = Number(c.req.param('id'));
    const form = await c.req.parseBody();
    const message = await d.db.tx(async (tx) => {
      const alert = await alertFor(tx, s, c.req.param('id')!);
      if (!alert) return undefined;
      const command = toCommand(id, form);
      if (!command) return t('web.invalidForm');
      await log(tx, s, command.type, alert.territoryId, String(id));
      return d.desk.fromWeb(tx, command, s, `web:${id}:${command.type}:${d.clock().getTime()}:${Math.random().toString(36).slice(2, 8)}`);
    });
    if (message === undefined) return page(c, t('web.notFoundTitle'), html`<p>${t('web.notFound')}</p>`, 404);
    d.onCommitted();
    return c.redirect(`/alerts/${id}?msg=${encodeURIComponent(message)}`, 303);
  };
  const text = (v: string | File | undefined) => (typeof v === 'string' ? v.trim() : '');
  app.post('/alerts/:id/take', act((alertId) => ({ type: 'take', alertId })));
  app.post(
    '/alerts/:id/close',
    act((alertId, f) => {
      const outcome = OUTCOMES.find((o) => o === text(f['outcome']));
      const note = text(f['note']).slice(0, 500);
      return outcome ? { type: 'close', alertId, outcome, ...(note ? { note } : {}) } : undefined;
    }),
  );
  app.post('/alerts/:id/write', act((alertId, f) => (text(f['text']) ? { type: 'write', alertId, text: text(f['text']).slice(0, 1000) } : undefined)));
  app.post(
    '/alerts/:id/step2',
    act((alertId, f) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text(f['date']));
      if (!m) return undefined;
      const parsed = parseAppointment(`${m[3]}/${m[2]}/${m[1]} ${text(f['time']) ? text(f['time']).replace(':', 'h') : ''} ${text(f['place'])}`);
      return parsed ? { type: 'step2', alertId, when: parsed.when, ...(parsed.place ? { place: parsed.place } : {}) } : undefined;
    }),
  );
  app.post('/alerts/:id/transfer', act((alertId, f) => (text(f['territory']) ? { type: 'transfer', alertId, territory: text(f['territory']) } : undefined)));

  app.get('/alerts/:id/sheet.pdf', async (c) => {
    const s = c.get('session');
    const doc = await d.db.tx(async (tx) => {
      const alert = await alertFor(tx, s, c.req.param('id'));
      if (!alert?.screeningId) return undefined;
      await log(tx, s, 'sheet', alert.territoryId, String(alert.id));
      return gpSheetOf(tx, d.alerts, alert.screeningId, lang);
    });
    if (!doc) return page(c, t('web.notFoundTitle'), html`<p>${t('web.notFound')}</p>`, 404);
    return c.body(Buffer.from(doc.dataBase64, 'base64'), 200, { 'content-type': doc.mimeType, 'content-disposition': `inline; filename="${doc.fileName}"` });
  });

  app.get('/rescreen', async (c) => {
    const s = c.get('session');
    const now = d.clock();
    const list = await d.db.read((tx) => overdueList(tx, d.alerts, s.territories, now));
    // Due in the next 30 days, in this session's territories: they will get a reminder.
    const soon = await d.db.read((tx) =>
      tx.screening.findMany({
        where: { status: 'completed', rescreenedAt: null, nextDueAt: { gte: now, lt: new Date(now.getTime() + 30 * 86_400_000) }, person: { isNot: null } },
        include: { person: true },
        orderBy: { nextDueAt: 'asc' },
        take: 500,
      }),
    );
    const due = soon.filter((x) => s.territories.includes(x.territoryId ?? d.alerts.router.route(x.person?.postcode).id));
    const dueList = due.map((x) =>
      t('web.dueLine', {
        name: x.person?.firstName ?? t('desk.overdueNoName'),
        age: x.person?.birthYear ? d.alerts.locales.text(lang, { key: 'coordinators.age', vars: { count: now.getUTCFullYear() - x.person.birthYear } }) : t('coordinators.ageUnknown'),
        date: shortDate(lang, x.nextDueAt!, d.alerts.timeZone),
      }),
    );
    await d.db.tx((tx) => log(tx, s, 'view_rescreen', null));
    return page(
      c,
      t('web.nav.rescreen'),
      html`<h2>${t('desk.overdueTitle', { count: list.length })}</h2>${list.length ? html`<ul>${list.map((l) => html`<li>${l.replace(/^• /, '')}</li>`)}</ul><p>${t('desk.overdueFooter')}</p>` : html`<p>${t('desk.overdueNone')}</p>`}<h2>${t('web.dueSoon', { count: due.length })}</h2>${dueList.length ? html`<ul>${dueList.map((l) => html`<li>${l}</li>`)}</ul>` : ''}`,
    );
  });

  app.get('/figures', async (c) => {
    const s = c.get('session');
    const now = d.clock();
    const from = dateParam(c.req.query('from')) ?? new Date(now.getTime() - 182 * 86_400_000);
    // The "to" day is included: the period is [from, to + 1 day).
    const toDay = dateParam(c.req.query('to'));
    const to = toDay ? new Date(toDay.getTime() + 86_400_000) : now;
    const form = html`<form method="get" action="/figures"><label for="from">${t('web.from')}</label><input id="from" name="from" type="date" value="${iso(from)}"><label for="to">${t('web.to')}</label><input id="to" name="to" type="date" value="${iso(toDay ?? now)}"><button type="submit">${t('web.show')}</button></form>`;
    const fragment = d.figuresHtml ? await d.db.read((tx) => d.figuresHtml!(tx, { from, to, territoryIds: s.territories, lang, now })) : t('web.figuresOff');
    return page(c, t('web.nav.figures'), html`${form}${raw(fragment)}`);
  });

  app.get('/exports', (c) => {
    const links = EXPORT_FORMATS.map((f) => html`<li><a href="/exports/${f}" download>${t(`web.export.${f}`)}</a></li>`);
    return page(c, t('web.nav.exports'), html`<p>${t('web.exportsIntro')}</p><ul>${links}</ul>`);
  });

  app.get('/exports/:format', async (c) => {
    const s = c.get('session');
    const format = EXPORT_FORMATS.find((f) => f === c.req.param('format'));
    if (!format || !d.exportFile) return page(c, t('web.notFoundTitle'), html`<p>${t('web.notFound')}</p>`, 404);
    const from = dateParam(c.req.query('from'));
    const to = dateParam(c.req.query('to'));
    const file = await d.db.tx(async (tx) => {
      await log(tx, s, 'export', null, format);
      return d.exportFile!(tx, { format, ...(from ? { from } : {}), ...(to ? { to } : {}), territoryIds: s.territories });
    });
    return c.body(file.body, 200, { 'content-type': file.mimeType, 'content-disposition': `attachment; filename="${file.fileName}"` });
  });

  app.get('/access', async (c) => {
    const s = c.get('session');
    const rows = await d.db.read((tx) =>
      tx.accessLog.findMany({ where: { OR: [{ territoryId: { in: s.territories } }, { territoryId: null, who: s.name }] }, orderBy: { id: 'desc' }, take: 200 }),
    );
    return page(
      c,
      t('web.nav.access'),
      html`<table><thead><tr><th scope="col">${t('web.col.when')}</th><th scope="col">${t('web.col.who')}</th><th scope="col">${t('web.col.what')}</th><th scope="col">${t('web.col.target')}</th></tr></thead><tbody>${rows.map(
        (r) => html`<tr><td>${r.at.toISOString().slice(0, 16).replace('T', ' ')}</td><td>${r.who}</td><td>${r.action}</td><td>${r.target ?? ''}</td></tr>`,
      )}</tbody></table>`,
    );
  });

  app.notFound((c) => page(c, t('web.notFoundTitle'), html`<p>${t('web.notFound')}</p>`, 404));
  app.onError((err, c) => {
    // A cross-site form (refused by the CSRF check) is a refusal, not an error.
    if (err instanceof HTTPException && err.status === 403) return c.html(layout(t, t('web.forbiddenTitle'), html`<p>${t('web.forbidden')}</p>`), 403);
    return c.html(layout(t, t('web.errorTitle'), html`<p>${t('web.error')}</p>`), 500);
  });
  return app;
}

function dateParam(v: string | undefined): Date | undefined {
  if (!v || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return undefined;
  const d = new Date(`${v}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
