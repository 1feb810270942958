// The merchant pages of an authorization over real HTTP: sign-in failures and lockout,
// CSRF, tampered consent forms, site choice and re-consent after revocation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_LIMIT } from '../../src/merchants/service.ts';
import { formAction, HttpAgent, inputValue, type Page } from '../support/http-agent.ts';
import {
  authorizationUrl,
  clientConfig,
  consent,
  createMerchant,
  install,
  MERCHANT,
  manifest,
  REDIRECT_URI,
  type RegisteredApp,
  registerApp,
  signIn,
} from '../support/oauth.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let sys: TestSystem;
let app: RegisteredApp;

beforeAll(async () => {
  sys = await startTestSystem();
  await createMerchant(sys);
  app = await registerApp(sys, manifest('pages-app'));
});
afterAll(() => sys?.stop());

async function openAuthorization(params: Record<string, string> = {}, target = app) {
  const config = await clientConfig(sys, target);
  const start = await authorizationUrl(config, params);
  const agent = new HttpAgent();
  const page = await agent.follow(await agent.get(start.url.href), REDIRECT_URI);
  return { agent, page };
}

async function toConsent(params: Record<string, string> = {}, target = app) {
  const { agent, page } = await openAuthorization(params, target);
  const consentPage = await signIn(agent, page, MERCHANT.email, MERCHANT.password);
  return { agent, page: consentPage };
}

describe('sign-in', () => {
  it('renders an accessible form with email and password inputs', async () => {
    const { page } = await openAuthorization();
    expect(page.status).toBe(200);
    expect(page.body).toContain('<label for="email">');
    expect(page.body).toContain('name="password"');
    expect(page.body).toContain('App pages-app');
  });

  it('answers a wrong password with 401 and the form again, never a 500', async () => {
    const { agent, page } = await openAuthorization();
    const res = await signIn(agent, page, MERCHANT.email, 'wrong-password-here');
    expect(res.status).toBe(401);
    expect(res.body).toContain('incorrect');
    expect(res.body).not.toContain('wrong-password-here');
  });

  it('answers an empty form with 400', async () => {
    const { agent, page } = await openAuthorization();
    const res = await agent.post(formAction(page.body, page.url), {
      csrf: inputValue(page.body, 'csrf') ?? '',
    });
    expect(res.status).toBe(400);
  });

  it('refuses a form without its CSRF token', async () => {
    const { agent, page } = await openAuthorization();
    const res = await agent.post(formAction(page.body, page.url), {
      email: MERCHANT.email,
      password: MERCHANT.password,
    });
    expect(res.status).toBe(403);
  });

  it('refuses a post without the interaction cookie (cross-site)', async () => {
    const { page } = await openAuthorization();
    const stranger = new HttpAgent();
    const res = await stranger.post(formAction(page.body, page.url), {
      csrf: inputValue(page.body, 'csrf') ?? '',
      email: MERCHANT.email,
      password: MERCHANT.password,
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain('expired');
  });

  it('locks an email after repeated failures, even for the right password', async () => {
    const victim = {
      ...MERCHANT,
      email: 'locked@shop.test',
      sites: [{ id: 's_locked', name: 'L' }],
    };
    await createMerchant(sys, victim);
    for (let i = 0; i < SIGN_IN_LIMIT.failures; i++) {
      const { agent, page } = await openAuthorization();
      const res = await signIn(agent, page, victim.email, `bad-password-${i}`);
      expect(res.status).toBe(401);
    }
    const { agent, page } = await openAuthorization();
    const res = await signIn(agent, page, victim.email, victim.password);
    expect(res.status).toBe(429);
  });
});

describe('consent page', () => {
  it('lists every scope grouped by resource with sensitive and optional ones marked', async () => {
    const { page } = await toConsent();
    expect(page.status).toBe(200);
    const body = page.body;
    for (const resource of ['content', 'media', 'leads'])
      expect(body).toContain(`<legend>${resource}</legend>`);
    expect(body).toContain('Read access to site pages, blocks, and content.');
    expect(body).toMatch(/leads:write<\/span><span class="badge sensitive">/);
    expect(body).toContain('name="scope" value="media:read" checked');
    expect(body).not.toContain('name="scope" value="content:read"');
    expect(body).toContain('<select id="site" name="site"');
    expect(body).toContain(MERCHANT.email);
    expect(body).toContain('/account/apps');
    expect(body).toContain('revoked_at');
    expect(body).toContain('data-access-mode="connected"');
  });

  it("refuses a required scope posted as optional, and a site that is not the merchant's", async () => {
    const { agent, page } = await toConsent();
    const tampered = await consent(agent, page, {
      decision: 'approve',
      scope: ['content:read'],
      site: 's_shop',
    });
    expect(tampered.status).toBe(400);
    expect(tampered.body).toContain('not an optional scope');
    const foreign = await consent(agent, page, { decision: 'approve', site: 's_someone_else' });
    expect(foreign.status).toBe(400);
    expect(foreign.body).toContain('choose one of your sites');
  });

  it('refuses an unknown decision', async () => {
    const { agent, page } = await toConsent();
    const res = await agent.post(formAction(page.body, page.url), {
      csrf: inputValue(page.body, 'csrf') ?? '',
      decision: 'maybe',
      site: 's_shop',
    });
    expect(res.status).toBe(400);
  });

  it('preselects the site the app asked for', async () => {
    const { page } = await toConsent({ site: 's_blog' });
    expect(page.body).toContain('<option value="s_blog" selected>');
  });

  it('after a revocation always shows consent again, naming the earlier revoked_at', async () => {
    const target = await registerApp(sys, manifest('reconsent-app'));
    const first = await install(sys, target, { site: 's_shop' });
    const [, body] = first.tokens.access_token.split('.');
    const installation = JSON.parse(Buffer.from(body!, 'base64url').toString()).installation;
    const revoked = await sys.admin('POST', `/admin/installations/${installation}/revoke`, {
      reason: 'test',
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).toBeTypeOf('string');

    // Same browser session, same site: no silent reconnect.
    const config = await clientConfig(sys, target);
    const start = await authorizationUrl(config, { site: 's_shop' });
    const page: Page = await first.agent.follow(
      await first.agent.get(start.url.href),
      REDIRECT_URI,
    );
    expect(page.location).toBeUndefined();
    expect(page.body).toContain('name="decision"');
    expect(page.body).toContain(revoked.body.revoked_at);

    const again = await install(sys, target, { site: 's_shop', agent: first.agent });
    const [, body2] = again.tokens.access_token.split('.');
    expect(JSON.parse(Buffer.from(body2!, 'base64url').toString()).installation).not.toBe(
      installation,
    );
  });

  it('reuses a live installation without asking again', async () => {
    const target = await registerApp(sys, manifest('reuse-app'));
    const first = await install(sys, target, { site: 's_shop' });
    const config = await clientConfig(sys, target);
    const start = await authorizationUrl(config, { site: 's_shop' });
    const page = await first.agent.follow(await first.agent.get(start.url.href), REDIRECT_URI);
    expect(page.location?.startsWith(REDIRECT_URI)).toBe(true);
    expect(new URL(page.location!).searchParams.get('code')).toBeTruthy();
  });
});
