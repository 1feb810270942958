// The install flow end to end over real HTTP with openid-client: consent with an
// optional scope dropped, an RFC 9068 JWT verified against the JWKS, the installation
// record, and refresh-token rotation.
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpAgent } from '../support/http-agent.ts';
import {
  authorizationUrl,
  clientConfig,
  consent,
  createMerchant,
  install,
  MERCHANT,
  manifest,
  REDIRECT_URI,
  registerApp,
  signIn,
} from '../support/oauth.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let sys: TestSystem;
let merchantId: string;

beforeAll(async () => {
  sys = await startTestSystem();
  merchantId = await createMerchant(sys);
});
afterAll(() => sys?.stop());

describe('install flow', () => {
  it('issues a scoped JWT access token and records the approved scope', async () => {
    const app = await registerApp(sys, manifest('flow-app'));
    expect(app.client_secret).toMatch(/^sgcs_/);
    expect(app.webhook_secret).toMatch(/^whsec_/);

    const { tokens, config } = await install(sys, app, { keepOptional: [], site: 's_blog' });
    const jwks = createRemoteJWKSet(new URL(`${sys.issuer}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: sys.issuer,
      audience: sys.config.apiAudience,
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.scope).toBe('content:read leads:write');
    expect(payload.client_id).toBe('flow-app');
    expect(payload.sub).toBe(merchantId);
    expect(payload.site).toBe('s_blog');
    expect(payload.exp! - payload.iat!).toBe(sys.config.accessTokenTtl);
    expect(payload.jti).toBeTypeOf('string');

    const record = await sys.admin('GET', `/admin/installations/${payload.installation}`);
    expect(record.status).toBe(200);
    expect(record.body).toMatchObject({
      id: payload.installation,
      app: 'flow-app',
      merchant: merchantId,
      site: 's_blog',
      requested_scopes: ['content:read', 'media:read', 'leads:write'],
      approved_scope: {
        scopes: ['content:read', 'leads:write'],
        site: 's_blog',
        audience: sys.config.apiAudience,
      },
      access_mode: 'connected',
      approved_by: merchantId,
      revoked_at: null,
      revoked_by: null,
      revoke_reason: null,
    });
    expect(Date.parse(record.body.approved_at)).toBeGreaterThan(Date.now() - 60_000);
    const listed = await sys.admin('GET', '/admin/installations?app=flow-app&site=s_blog');
    expect(listed.body.installations.map((i: { id: string }) => i.id)).toEqual([
      payload.installation,
    ]);

    // Refresh rotates: a new refresh token, same scope and installation; the old one is dead.
    const oldRefresh = tokens.refresh_token;
    expect(oldRefresh).toBeTypeOf('string');
    const refreshed = await oidc.refreshTokenGrant(config, oldRefresh!);
    expect(refreshed.refresh_token).toBeTypeOf('string');
    expect(refreshed.refresh_token).not.toBe(oldRefresh);
    const again = await jwtVerify(refreshed.access_token, jwks, { typ: 'at+jwt' });
    expect(again.payload.scope).toBe('content:read leads:write');
    expect(again.payload.installation).toBe(payload.installation);
    await expect(oidc.refreshTokenGrant(config, oldRefresh!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('keeps an optional scope the merchant left ticked', async () => {
    const app = await registerApp(sys, manifest('flow-optional'));
    const { tokens } = await install(sys, app, { keepOptional: ['media:read'] });
    const [, body] = tokens.access_token.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    expect(claims.scope).toBe('content:read media:read leads:write');
    expect(decodeProtectedHeader(tokens.access_token).typ).toBe('at+jwt');
  });

  it('serves discovery at both well-known paths', async () => {
    for (const path of ['openid-configuration', 'oauth-authorization-server']) {
      const res = await fetch(`${sys.issuer}/.well-known/${path}`);
      expect(res.status).toBe(200);
      const doc: any = await res.json();
      expect(doc.issuer).toBe(sys.issuer);
      expect(doc.code_challenge_methods_supported).toEqual(['S256']);
      expect(doc.introspection_endpoint).toBe(`${sys.issuer}/token/introspection`);
      expect(doc.revocation_endpoint).toBe(`${sys.issuer}/token/revocation`);
      // Exactly what an authorization request may ask for: the catalogue, no OpenID scopes.
      expect(doc.scopes_supported).toEqual(sys.config.scopes.entries.map((e) => e.scope));
    }
  });

  it('a public client installs with PKCE and no secret', async () => {
    const app = await registerApp(
      sys,
      manifest('flow-public', {
        auth: { ...manifest('x').auth, client_type: 'public' },
      }),
    );
    expect(app.client_secret).toBeUndefined();
    const { tokens } = await install(sys, app, { site: 's_shop' });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
  });
});

describe('access-token lifetime', () => {
  it('follows a non-default ACCESS_TOKEN_TTL, for issued and refreshed tokens', async () => {
    const short = await startTestSystem({ env: { ACCESS_TOKEN_TTL: '120' } });
    try {
      await createMerchant(short);
      const app = await registerApp(short, manifest('ttl-app'));
      const { tokens, config } = await install(short, app);
      const lifetime = (token: string) => {
        const [, body] = token.split('.');
        const { exp, iat } = JSON.parse(Buffer.from(body!, 'base64url').toString());
        return exp - iat;
      };
      expect(lifetime(tokens.access_token)).toBe(120);
      expect(tokens.expires_in).toBeLessThanOrEqual(120);
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      expect(lifetime(refreshed.access_token)).toBe(120);
    } finally {
      await short.stop();
    }
  });
});

describe('refused requests', () => {
  async function callbackOf(params: Record<string, string>, appId = 'refuse-app') {
    const app =
      (await sys.admin('GET', `/admin/apps/${appId}`)).status === 200
        ? { client_id: appId, client_secret: refuseSecret, webhook_secret: '' }
        : await registerApp(sys, manifest(appId));
    refuseSecret = app.client_secret ?? '';
    const config = await clientConfig(sys, app);
    const start = await authorizationUrl(config, params);
    const agent = new HttpAgent();
    const page = await agent.follow(await agent.get(start.url.href), REDIRECT_URI);
    return { page, config, start, agent };
  }
  let refuseSecret = '';

  it('denies with access_denied', async () => {
    const { page, agent } = await callbackOf({});
    const consentPage = await signIn(agent, page, MERCHANT.email, MERCHANT.password);
    expect(consentPage.body).toContain('name="decision"');
    const done = await consent(agent, consentPage, { decision: 'deny' });
    const cb = new URL(done.location!);
    expect(cb.searchParams.get('error')).toBe('access_denied');
  });

  it.each([
    ['an unknown scope', 'content:read bogus:read', 'unknown scope "bogus:read"'],
    ['a scope outside the manifest', 'content:read payments:read', 'not declared'],
    ['a malformed scope', 'content:admin', 'unknown scope'],
    ['an OpenID scope', 'openid content:read', 'unknown scope "openid"'],
  ])('refuses %s with invalid_scope', async (_what, scope, text) => {
    const { page } = await callbackOf({ scope });
    expect(page.location?.startsWith(REDIRECT_URI)).toBe(true);
    const cb = new URL(page.location!);
    expect(cb.searchParams.get('error')).toBe('invalid_scope');
    expect(cb.searchParams.get('error_description')).toContain(text);
  });

  it('refuses a request without PKCE', async () => {
    const { page } = await callbackOf({ code_challenge: '', code_challenge_method: '' });
    const cb = new URL(page.location!);
    expect(cb.searchParams.get('error')).toBe('invalid_request');
    expect(cb.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('refuses a plain PKCE challenge', async () => {
    const { page } = await callbackOf({ code_challenge_method: 'plain' });
    expect(new URL(page.location!).searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses a wrong redirect_uri on its own page, never redirecting', async () => {
    const { page } = await callbackOf({ redirect_uri: 'https://evil.example/cb' });
    expect(page.status).toBe(400);
    expect(page.location).toBeUndefined();
    expect(page.body).toContain('redirect_uri');
  });

  it('refuses an unknown client with a 400 page', async () => {
    const res = await fetch(
      `${sys.issuer}/auth?client_id=nobody&response_type=code&scope=content:read`,
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  /** A new app approved by the merchant, up to the callback URL carrying the code. */
  async function approvedCallback(uuid: string) {
    const config = await clientConfig(sys, await registerApp(sys, manifest(uuid)));
    const start = await authorizationUrl(config);
    const agent = new HttpAgent();
    let page = await agent.follow(await agent.get(start.url.href), REDIRECT_URI);
    page = await signIn(agent, page, MERCHANT.email, MERCHANT.password);
    page = await consent(agent, page, { decision: 'approve', site: 's_shop' });
    return { config, start, callback: new URL(page.location!) };
  }

  it('refuses a replayed code and kills the tokens issued for it', async () => {
    const { config, start, callback } = await approvedCallback('replay-app');
    const checks = { pkceCodeVerifier: start.verifier, expectedState: start.state };
    const first = await oidc.authorizationCodeGrant(config, callback, checks);
    // The access token works at the gateway until the code is replayed.
    const callApi = () =>
      fetch(`${sys.gatewayUrl}/api/content`, {
        headers: { authorization: `Bearer ${first.access_token}` },
      });
    expect((await callApi()).status).toBe(200);

    await expect(oidc.authorizationCodeGrant(config, callback, checks)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    const refused = await callApi();
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    await expect(oidc.refreshTokenGrant(config, first.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect((await oidc.tokenIntrospection(config, first.refresh_token!)).active).toBe(false);
    const [, claims] = first.access_token.split('.');
    const { installation } = JSON.parse(Buffer.from(claims!, 'base64url').toString());
    const record = await sys.admin('GET', `/admin/installations/${installation}`);
    expect(record.body).toMatchObject({
      revoked_by: 'scopegate',
      revoke_reason: 'a code or refresh token was replayed',
    });
    expect(record.body.revoked_at).toBeTypeOf('string');
  });

  it('refuses a wrong PKCE verifier', async () => {
    const { config, start, callback } = await approvedCallback('verifier-app');
    await expect(
      oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
        expectedState: start.state,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
