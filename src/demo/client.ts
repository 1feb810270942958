// A built-in demo app for `npm start`: /demo starts the install of `demo-app` (PKCE),
// /demo/callback redeems the code and calls the gateway with the token, so the whole
// path — consent, token, scope check — can be seen in a browser. Development only.
import { createHash, randomBytes } from 'node:crypto';
import Router from '@koa/router';
import { decodeJwt } from 'jose';
import { html } from '../pages/html.ts';
import { sendPage } from '../pages/layout.ts';

export interface DemoClientOptions {
  issuer: string;
  gatewayUrl: string;
}

const SCOPE = 'content:read media:read leads:write';
const COOKIE = 'demo_pkce';

export function demoClientRoutes(opts: DemoClientOptions): Router {
  const router = new Router();
  const redirectUri = `${opts.issuer}/demo/callback`;

  router.get('/demo', (ctx) => {
    sendPage(ctx, {
      title: 'Demo app',
      body: html`<section class="card"><h1>Demo Analytics</h1>
<p>A demo third-party app. Installing it sends you to the SitePack consent screen, then back here with a scoped access token, which is tried against the gateway.</p>
<p class="muted">Sign in as merchant@demo.sitepack.test / demo-password-1.</p>
<div class="actions"><a class="button primary" href="/demo/start">Install Demo Analytics</a></div></section>`,
    });
  });

  router.get('/demo/start', (ctx) => {
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    ctx.cookies.set(COOKIE, `${state}.${verifier}`, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/demo',
      signed: false,
    });
    const url = new URL('/auth', opts.issuer);
    url.search = new URLSearchParams({
      client_id: 'demo-app',
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: SCOPE,
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    ctx.redirect(url.href);
  });

  router.get('/demo/callback', async (ctx) => {
    const [state, verifier] = (ctx.cookies.get(COOKIE) ?? '').split('.');
    const q = ctx.query;
    if (typeof q.error === 'string') {
      return sendPage(ctx, {
        title: 'Demo app',
        status: 400,
        body: html`<section class="card"><h1>Not installed</h1><p class="error">${q.error}: ${String(q.error_description ?? '')}</p><p><a href="/demo">Try again</a></p></section>`,
      });
    }
    if (!state || q.state !== state || typeof q.code !== 'string') {
      return sendPage(ctx, {
        title: 'Demo app',
        status: 400,
        body: html`<section class="card"><p class="error">state mismatch; <a href="/demo">start again</a></p></section>`,
      });
    }
    const tokenRes = await fetch(new URL('/token', opts.issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: q.code,
        redirect_uri: redirectUri,
        client_id: 'demo-app',
        code_verifier: verifier ?? '',
      }),
    });
    const tokens = (await tokenRes.json()) as Record<string, string>;
    if (!tokenRes.ok || !tokens.access_token) {
      return sendPage(ctx, {
        title: 'Demo app',
        status: 400,
        body: html`<section class="card"><p class="error">token exchange failed: ${JSON.stringify(tokens)}</p></section>`,
      });
    }
    const tries = await Promise.all(
      ['GET /api/content', 'GET /api/leads', 'GET /api/payments', 'POST /api/content'].map(
        async (line) => {
          const [method, path] = line.split(' ') as [string, string];
          const res = await fetch(`${opts.gatewayUrl}${path}`, {
            method,
            headers: {
              authorization: `Bearer ${tokens.access_token}`,
              'content-type': 'application/json',
            },
            ...(method === 'POST' ? { body: '{"title":"from the demo"}' } : {}),
          }).catch(() => undefined);
          return { line, status: res?.status ?? 'gateway unreachable' };
        },
      ),
    );
    ctx.cookies.set(COOKIE, null, { path: '/demo' });
    sendPage(ctx, {
      title: 'Demo app',
      body: html`<section class="card"><h1>Installed</h1>
<h2>Access token claims</h2><pre>${JSON.stringify(decodeJwt(tokens.access_token), null, 2)}</pre>
<h2>Through the gateway</h2><ul>${tries.map((t) => html`<li><code>${t.line}</code> → <strong>${String(t.status)}</strong></li>`)}</ul>
<p><a href="/demo">Install again</a></p></section>`,
    });
  });
  return router;
}
