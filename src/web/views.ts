/** The workspace's pages, rendered on the server: plain HTML readable on a phone, no script, no build step. */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;
export type T = (key: string, vars?: Record<string, string | number>) => string;

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fafafa;font-size:17px;line-height:1.45}
header{background:#0b4f6c;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.8rem;align-items:center}
header a{color:#fff}header nav{display:flex;flex-wrap:wrap;gap:.8rem}
main{max-width:60rem;margin:0 auto;padding:1rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}
.late{background:#fdecea}.flash{background:#e6f4ea;border:1px solid #2e7d32;padding:.6rem;margin-bottom:1rem}
form.inline{display:inline}fieldset{margin:.8rem 0;background:#fff}label{display:block;margin:.3rem 0}
input,select,textarea,button{font-size:1rem;padding:.35rem}button{cursor:pointer}
.muted{color:#555}section{margin:1.2rem 0}
`;

export function layout(t: T, title: string, body: Html, who?: { name: string; csrf: string }): Html {
  return html`<!doctype html>
<html lang="${t('web.lang')}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – ${t('web.appName')}</title><style>${raw(STYLE)}</style></head>
<body>
<header>
<strong>${t('web.appName')}</strong>
${
  who
    ? html`<nav aria-label="${t('web.menu')}"><a href="/alerts">${t('web.nav.alerts')}</a><a href="/rescreen">${t('web.nav.rescreen')}</a><a href="/figures">${t('web.nav.figures')}</a><a href="/exports">${t('web.nav.exports')}</a><a href="/access">${t('web.nav.access')}</a></nav>
<span>${who.name}</span>
<form class="inline" method="post" action="/logout"><input type="hidden" name="_csrf" value="${who.csrf}"><button type="submit">${t('web.logout')}</button></form>`
    : ''
}
</header>
<main>
<h1>${title}</h1>
${body}
</main>
</body></html>`;
}

export function flash(message: string | undefined): Html {
  return message ? html`<p class="flash" role="status">${message}</p>` : html``;
}

export function hidden(csrf: string): Html {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}

export { html, raw };
