// The merchant account pages over real HTTP: sign-in (throttled), the connected-apps
// list with each installation's details, the revoke confirmation and the revoke itself,
// CSRF, sign-out, and that one merchant can neither see nor revoke another's apps.
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/account/session.ts';
import { SIGN_IN_LIMIT } from '../../src/merchants/service.ts';
import { humanTime } from '../../src/pages/account-parts.ts';
import { HttpAgent } from '../support/http-agent.ts';
import {
  createMerchant,
  type Installed,
  install,
  MERCHANT,
  manifest,
  type RegisteredApp,
  registerApp,
} from '../support/oauth.ts';
import {
  type AccountSystem,
  accountSignIn,
  cardOf,
  formFor,
  startAccountSystem,
  textOf,
} from './harness.ts';

const OTHER = {
  email: 'other@elsewhere.test',
  password: 'another-long-password',
  sites: [
    { id: 's_other', name: 'Other Shop' },
    { id: 's_other_blog', name: 'Other Blog' },
  ],
};

let env: AccountSystem;
let base: string;
let merchantId: string;
let app: RegisteredApp;
let mine: { id: string; installed: Installed };
let theirs: string;

async function installationOf(merchant: string, appId: string): Promise<string> {
  const res = await env.sys.admin('GET', `/admin/installations?merchant=${merchant}&app=${appId}`);
  return res.body.installations[0].id;
}

async function signedInAgent(email = MERCHANT.email, password = MERCHANT.password) {
  const { agent, res } = await accountSignIn(base, email, password);
  expect(res.status).toBe(303);
  return agent;
}

/** Signs in with plain fetch, so the response's own Set-Cookie headers can be read. */
async function rawSignIn(email: string, password: string): Promise<Response> {
  const login = await fetch(`${base}/account/login`);
  const page = { status: 200, url: login.url, location: undefined, body: await login.text() };
  const form = formFor(page, '/account/login');
  return fetch(form.action, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: login.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; '),
    },
    body: new URLSearchParams({ csrf: form.csrf, email, password }),
  });
}

beforeAll(async () => {
  env = await startAccountSystem();
  base = env.base;
  merchantId = await createMerchant(env.sys);
  const otherId = await createMerchant(env.sys, OTHER);
  app = await registerApp(env.sys, manifest('account-app', { name: 'Account <Tester> & Co' }));
  const installed = await install(env.sys, app, { keepOptional: ['media:read'] });
  mine = { id: await installationOf(merchantId, app.client_id), installed };
  await install(env.sys, app, { merchant: OTHER });
  theirs = await installationOf(otherId, app.client_id);
});
afterAll(() => env?.stop());

describe('sign-in', () => {
  it('renders an accessible form under a strict CSP', async () => {
    const res = await fetch(`${base}/account/login`);
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(body).toContain('<label for="email">');
    expect(body).toContain('<label for="password">');
    expect(body).toContain('name="csrf"');
    expect(body).not.toContain('<script');
  });

  it('signs in and sets a signed, httpOnly, SameSite=Lax session cookie', async () => {
    const res = await rawSignIn(MERCHANT.email, MERCHANT.password);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account/apps');
    const cookies = res.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    expect(session).toMatch(/path=\/;/i);
    expect(session).toMatch(/httponly/i);
    expect(session).toMatch(/samesite=lax/i);
    expect(session).toContain(merchantId);
    expect(cookies.some((c) => c.startsWith(`${SESSION_COOKIE}.sig=`))).toBe(true);
  });

  it('answers a wrong password with 401 and the form again', async () => {
    const { res } = await accountSignIn(base, MERCHANT.email, 'not-the-password');
    expect(res.status).toBe(401);
    expect(res.body).toContain('The email or password is incorrect.');
    expect(res.body).not.toContain('not-the-password');
    expect(res.body).toContain(`value="${MERCHANT.email}"`);
  });

  it('locks an email after repeated failures (429, even with the right password)', async () => {
    const locked = { ...OTHER, email: 'locked@shop.test', sites: [{ id: 's_locked', name: 'L' }] };
    await createMerchant(env.sys, locked);
    for (let i = 0; i < SIGN_IN_LIMIT.failures; i++) {
      const { res } = await accountSignIn(base, locked.email, `wrong-password-${i}`);
      expect(res.status).toBe(401);
    }
    const { res } = await accountSignIn(base, locked.email, locked.password);
    expect(res.status).toBe(429);
    expect(res.body).toContain('Too many failed attempts');
  });

  it('refuses a sign-in without its CSRF token (403) and an empty form (400)', async () => {
    const agent = new HttpAgent();
    await agent.get(`${base}/account/login`);
    const noCsrf = await agent.post(`${base}/account/login`, {
      email: MERCHANT.email,
      password: MERCHANT.password,
    });
    expect(noCsrf.status).toBe(403);
    const { res: empty } = await accountSignIn(base, '', '');
    expect(empty.status).toBe(400);
  });

  it('sends a signed-out visitor to sign in and back to the page asked for', async () => {
    const agent = new HttpAgent();
    const res = await agent.get(`${base}/account/apps`);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${base}/account/login?return_to=%2Faccount%2Fapps`);
    const confirm = `/account/apps/${mine.id}/revoke`;
    const deep = await agent.get(`${base}${confirm}`);
    expect(deep.location).toBe(`${base}/account/login?return_to=${encodeURIComponent(confirm)}`);
    const signed = await accountSignIn(base, MERCHANT.email, MERCHANT.password, agent, confirm);
    expect(signed.res.location).toBe(`${base}${confirm}`);
  });

  it('never returns to a page outside /account after sign-in', async () => {
    for (const target of ['https://evil.test/', '//evil.test/x', '/account/../admin']) {
      const { res } = await accountSignIn(
        base,
        MERCHANT.email,
        MERCHANT.password,
        undefined,
        target,
      );
      expect(res.location).toBe(`${base}/account/apps`);
    }
  });

  it('refuses a session cookie whose value was changed (signature mismatch)', async () => {
    const signed = await rawSignIn(MERCHANT.email, MERCHANT.password);
    const pairs = signed.headers.getSetCookie().map((c) => c.split(';')[0] ?? '');
    const apps = (cookie: string) =>
      fetch(`${base}/account/apps`, { redirect: 'manual', headers: { cookie } });
    expect((await apps(pairs.join('; '))).status).toBe(200);
    const otherId = (await env.sys.store.merchants.findByEmail(OTHER.email))?.id ?? '';
    const forged = pairs.map((p) => p.replace(merchantId, otherId)).join('; ');
    const res = await apps(forged);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account/login?return_to=%2Faccount%2Fapps');
  });

  it('signs out with a CSRF-checked POST', async () => {
    const agent = await signedInAgent();
    const page = await agent.get(`${base}/account/apps`);
    const form = formFor(page, '/account/logout');
    expect((await agent.post(form.action, {})).status).toBe(403);
    expect((await agent.get(`${base}/account/apps`)).status).toBe(200);
    const out = await agent.post(form.action, { csrf: form.csrf });
    expect(out.status).toBe(303);
    expect(out.location).toBe(`${base}/account/login?signed_out=1`);
    expect((await agent.get(`${base}/account/apps`)).status).toBe(303);
  });
});

describe('connected apps', () => {
  it("lists the merchant's installation with everything the record says", async () => {
    const agent = await signedInAgent();
    const page = await agent.get(`${base}/account/apps`);
    expect(page.status).toBe(200);
    const card = cardOf(page.body, mine.id);
    expect(card).not.toBe('');
    const text = textOf(card);
    const record = (await env.sys.admin('GET', `/admin/installations/${mine.id}`)).body;
    expect(text).toContain('Account <Tester> & Co on Shop');
    expect(card).toContain('Account &lt;Tester&gt; &amp; Co');
    expect(text).toContain('Shop (s_shop)');
    expect(text).toContain('(account-app)');
    for (const scope of ['content:read', 'media:read', 'leads:write']) {
      expect(card).toContain(`data-scope="${scope}"`);
    }
    for (const scope of ['content:read', 'leads:write']) {
      expect(text).toContain(env.sys.config.scopes.get(scope)?.description);
    }
    expect(card.match(/badge sensitive/g)).toHaveLength(1);
    expect(text).toContain('sensitive: customer data');
    expect(card).toContain(`datetime="${record.approved_at}"`);
    expect(text).toContain(`you (${MERCHANT.email})`);
    expect(card).toContain(`data-access-mode="${record.access_mode}"`);
    expect(card).toContain(`href="/account/apps/${mine.id}/revoke"`);
    expect(card).toContain('data-state="active"');
  });

  it("never shows another merchant's installations", async () => {
    const agent = await signedInAgent();
    const page = await agent.get(`${base}/account/apps`);
    expect(page.body).not.toContain(theirs);
    expect(page.body).not.toContain('Other Shop');
  });

  it("answers 404 for another merchant's or an unknown installation, GET and POST", async () => {
    const agent = await signedInAgent();
    const page = await agent.get(`${base}/account/apps`);
    const { csrf } = formFor(page, '/account/logout');
    for (const id of [theirs, 'no-such-installation']) {
      expect((await agent.get(`${base}/account/apps/${id}/revoke`)).status).toBe(404);
      const post = await agent.post(`${base}/account/apps/${id}/revoke`, { csrf });
      expect(post.status).toBe(404);
      expect(post.body).toContain('No app connection with this id exists on your sites.');
    }
    const record = (await env.sys.admin('GET', `/admin/installations/${theirs}`)).body;
    expect(record.revoked_at).toBeNull();
  });

  it('refuses a revoke without the CSRF token of the session (403)', async () => {
    const agent = await signedInAgent();
    const url = `${base}/account/apps/${mine.id}/revoke`;
    expect((await agent.post(url, {})).status).toBe(403);
    const other = await signedInAgent();
    const confirm = await other.get(url);
    const foreignToken = formFor(confirm, `/account/apps/${mine.id}/revoke`).csrf;
    expect((await agent.post(url, { csrf: foreignToken })).status).toBe(403);
    const record = (await env.sys.admin('GET', `/admin/installations/${mine.id}`)).body;
    expect(record.revoked_at).toBeNull();
  });

  it('confirms, revokes, records the merchant and ends the access', async () => {
    const agent = await signedInAgent();
    const confirm = await agent.get(`${base}/account/apps/${mine.id}/revoke`);
    expect(confirm.status).toBe(200);
    expect(textOf(confirm.body)).toContain(
      'Revoke Account <Tester> & Co on Shop? Its access ends at once and revoked_at is recorded.',
    );
    const form = formFor(confirm, `/account/apps/${mine.id}/revoke`);
    const before = Date.now();
    const res = await agent.post(form.action, { csrf: form.csrf });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${base}/account/apps?revoked=${mine.id}`);

    const record = (await env.sys.admin('GET', `/admin/installations/${mine.id}`)).body;
    expect(Date.parse(record.revoked_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(record.revoked_by).toBe(merchantId);
    expect(record.revoke_reason).toBe('revoked by the merchant');
    await expect(
      oidc.refreshTokenGrant(mine.installed.config, mine.installed.tokens.refresh_token ?? ''),
    ).rejects.toThrow();

    const page = await agent.get(res.location ?? '');
    expect(textOf(page.body)).toContain(
      `You revoked Account <Tester> & Co on Shop. Its access ended at ${humanTime(record.revoked_at)}.`,
    );
    const card = cardOf(page.body, mine.id);
    expect(card).toContain('data-state="revoked"');
    expect(card).toContain(`datetime="${record.revoked_at}"`);
    expect(textOf(card)).toContain(`Revoked by you (${MERCHANT.email})`);
    expect(textOf(card)).toContain('revoked by the merchant');
    expect(card).not.toContain('/revoke"');

    const again = await agent.get(`${base}/account/apps/${mine.id}/revoke`);
    expect(again.status).toBe(200);
    expect(textOf(again.body)).toContain('is already revoked');
    expect(again.body).not.toContain(`action="/account/apps/${mine.id}/revoke"`);
    const twice = await agent.post(form.action, { csrf: form.csrf });
    expect(twice.status).toBe(303);
    const kept = (await env.sys.admin('GET', `/admin/installations/${mine.id}`)).body;
    expect(kept.revoked_at).toBe(record.revoked_at);
  });
});

describe('mounted on the authorization server', () => {
  it('signs a merchant in to /account at install; their revoke stops the gateway at once', async () => {
    const agent = new HttpAgent();
    const other = await registerApp(env.sys, manifest('account-app-2'));
    const { tokens } = await install(env.sys, other, { agent });
    const api = () =>
      fetch(`${env.sys.gatewayUrl}/api/content`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
    expect((await api()).status).toBe(200);

    const page = await agent.get(`${base}/account/apps`);
    expect(page.status).toBe(200);
    const id = await installationOf(merchantId, 'account-app-2');
    const confirm = await agent.get(`${base}/account/apps/${id}/revoke`);
    const form = formFor(confirm, `/account/apps/${id}/revoke`);
    expect((await agent.post(form.action, { csrf: form.csrf })).status).toBe(303);
    expect((await api()).status).toBe(401);
  });
});
