// The frame of every merchant page and the headers that go with it: a strict Content
// Security Policy (per-response style nonce, no script), no framing, no caching.
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { type Html, html } from './html.ts';
import { STYLES } from './styles.ts';

export interface PageOptions {
  title: string;
  body: Html;
  status?: number;
  /** Extra origins the page's forms may end up at (a client's redirect URIs after a POST). */
  formTargets?: string[];
}

/** Writes a complete HTML page with its security headers to the Koa context. */
export function sendPage(ctx: Context, opts: PageOptions): void {
  const nonce = randomBytes(16).toString('base64');
  const formAction = ["'self'", ...(opts.formTargets ?? [])].join(' ');
  ctx.set(
    'Content-Security-Policy',
    `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self' data:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
  );
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('Cache-Control', 'no-store');
  ctx.status = opts.status ?? 200;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · SitePack</title>
<style nonce="${nonce}">${STYLES}</style>
</head>
<body>
<header class="top"><span class="brand">SitePack</span></header>
<main>
${opts.body}
</main>
</body>
</html>`.value;
}

/** The origins of a list of URLs, for `formTargets`. */
export function originsOf(urls: readonly string[]): string[] {
  return [...new Set(urls.map((u) => URL.parse(u)?.origin).filter((o): o is string => !!o))];
}
