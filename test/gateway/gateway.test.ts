// The gateway against a real upstream that records what reaches it: scope decisions,
// deny by default, path safety, forged tokens, header hygiene and upstream failures.
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMerchant, install, manifest, registerApp } from '../support/oauth.ts';
import { rawRequest } from '../support/raw-http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { mint, signingKey } from '../support/tokens.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';

let sys: TestSystem;
let upstream: Upstream;
let token: string;

beforeAll(async () => {
  upstream = await startUpstream();
  sys = await startTestSystem({
    env: {
      PLATFORM_API_URL: upstream.url,
      GATEWAY_MAX_BODY_BYTES: '1000',
      UPSTREAM_TIMEOUT_MS: '400',
    },
  });
  await createMerchant(sys);
  const app = await registerApp(sys, manifest('gw-app'));
  token = (await install(sys, app, { site: 's_shop' })).tokens.access_token; // content:read leads:write
});
afterAll(async () => {
  await sys?.stop();
  await upstream?.close();
});
beforeEach(() => {
  upstream.received.length = 0;
  upstream.delayMs = 0;
});

const call = (
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string,
) =>
  rawRequest(
    sys.gatewayUrl,
    method,
    target,
    { authorization: `Bearer ${token}`, ...headers },
    body,
  );

describe('scope decisions', () => {
  it('forwards a read the token allows, with the identity headers', async () => {
    const res = await call('GET', '/api/content/pages?limit=5&x=%2F');
    expect(res.status).toBe(200);
    expect(res.headers['x-upstream']).toBe('yes');
    const [got] = upstream.received;
    expect(got?.url).toBe('/api/content/pages?limit=5&x=%2F');
    expect(got?.headers['x-scopegate-app']).toBe('gw-app');
    expect(got?.headers['x-scopegate-site']).toBe('s_shop');
    expect(got?.headers['x-scopegate-scopes']).toBe('content:read leads:write');
    expect(got?.headers['x-scopegate-merchant']).toMatch(/^m_/);
    expect(got?.headers['x-scopegate-installation']).toBeTruthy();
    expect(got?.headers.authorization).toBeUndefined();
    expect(got?.headers['x-request-id']).toBe(res.headers['x-request-id']);
  });

  it("relays the upstream's headers, repeated ones too, with the gateway's request id", async () => {
    const res = await call('GET', '/api/content/pages', { 'x-test-extra': '1' });
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(res.headers['x-request-id']).toBe(upstream.received[0]?.headers['x-request-id']);
  });

  it('lets leads:write satisfy a GET on leads, and a write', async () => {
    expect((await call('GET', '/api/leads/1')).status).toBe(200);
    expect(
      (await call('POST', '/api/leads', { 'content-type': 'application/json' }, '{"a":1}')).status,
    ).toBe(200);
    expect(upstream.received.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  it('answers a missing scope with 403 and the needed scope in the challenge', async () => {
    const res = await call(
      'POST',
      '/api/content/pages',
      { 'content-type': 'application/json' },
      '{}',
    );
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toContain('Bearer error="insufficient_scope"');
    expect(res.headers['www-authenticate']).toContain('scope="content:write"');
    expect(JSON.parse(res.body)).toMatchObject({ error: 'insufficient_scope' });
    expect((await call('GET', '/api/payments')).status).toBe(403);
    expect(upstream.received).toHaveLength(0);
  });

  it('never carries a cached verification across routes', async () => {
    expect((await call('GET', '/api/content/a')).status).toBe(200);
    expect((await call('GET', '/api/media/a')).status).toBe(403);
    expect((await call('GET', '/api/content/a')).status).toBe(200);
    expect(upstream.received).toHaveLength(2);
  });

  it('answers a path or method with no route with 404 and no upstream call', async () => {
    for (const [method, target] of [
      ['GET', '/api/orders'],
      ['GET', '/'],
      ['GET', '/api'],
      ['OPTIONS', '/api/content/a'],
      ['TRACE', '/api/content/a'],
    ] as const) {
      const res = await call(method, target);
      expect(res.status, `${method} ${target}`).toBe(404);
    }
    expect(upstream.received).toHaveLength(0);
  });
});

describe('path safety', () => {
  const unsafe = [
    '/api/content/..%2fpayments',
    '/api/content/%2e%2e/payments',
    '/api/content/%2E%2E/payments',
    '/api/content/.%2E/payments',
    '/api/content/../payments',
    '/api/content/./a',
    '/api/content/%2e/a',
    '/api/content/a%2Fb',
    '/api/content/a%5cb',
    '/api/content/a\\b',
    '/api/content/a%00b',
    '/api/content/a%zz',
    '/api/content/a%2',
    '/api/content/%c0%ae%c0%ae/payments',
    '/api/content/%e0%80%ae',
    '/api/content/a%252e%252e',
    '/api/content//a',
    'http://evil.example/api/content/a',
    '*',
  ];
  it.each(unsafe)('refuses %s with 400 before any upstream call', async (target) => {
    const res = await call('GET', target);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toBe('invalid_request');
    expect(upstream.received).toHaveLength(0);
  });

  it('forwards exactly the path that was matched', async () => {
    const res = await call('GET', '/api/content/caf%C3%A9/a-b_c~d');
    expect(res.status).toBe(200);
    expect(upstream.received[0]?.url).toBe('/api/content/caf%C3%A9/a-b_c~d');
  });
});

describe('authentication', () => {
  async function expect401(
    tokenValue: string | undefined,
    extra: Record<string, string> = {},
    target = '/api/content/a',
  ) {
    const headers: Record<string, string> = { ...extra };
    if (tokenValue !== undefined) headers.authorization = `Bearer ${tokenValue}`;
    const res = await rawRequest(sys.gatewayUrl, 'GET', target, headers);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('Bearer error="invalid_token"');
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_token' });
    return res;
  }

  it('refuses a missing or malformed Authorization header', async () => {
    await expect401(undefined);
    await expect401(undefined, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` });
    await expect401('not a token');
    await expect401('');
  });

  it('takes the Bearer scheme in any case (RFC 9110 §11.1)', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      const res = await rawRequest(sys.gatewayUrl, 'GET', '/api/content/a', {
        authorization: `${scheme} ${token}`,
      });
      expect(res.status, scheme).toBe(200);
    }
  });

  it('refuses a token in the query string, even beside a good header', async () => {
    await expect401(undefined, {}, `/api/content/a?access_token=${token}`);
    await expect401(token, {}, `/api/content/a?access_token=${token}`);
    await expect401(token, {}, `/api/content/a?x=1&access%5Ftoken=${token}`);
  });

  it('refuses alg none', async () => {
    const [, body] = token.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString(
      'base64url',
    );
    await expect401(`${header}.${body}.`);
  });

  it('refuses HS256 signed with the public key', async () => {
    const { jwk } = await signingKey(sys);
    const publicPem = JSON.stringify({ kty: jwk.kty, n: jwk.n, e: jwk.e });
    const forged = await new SignJWT({
      scope: 'payments:write',
      client_id: 'x',
      site: 's',
      installation: 'i',
      jti: 'j',
      sub: 'm',
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: jwk.kid })
      .setIssuer(sys.issuer)
      .setAudience(sys.config.apiAudience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(publicPem));
    await expect401(forged);
  });

  it('refuses an unknown kid and a foreign key', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const foreign = await new SignJWT({
      scope: 'content:read',
      client_id: 'x',
      site: 's',
      installation: 'i',
      jti: 'j',
      sub: 'm',
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'unknown-kid' })
      .setIssuer(sys.issuer)
      .setAudience(sys.config.apiAudience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect401(foreign);
  });

  it('refuses expired, not-yet-valid, wrong issuer, wrong audience and an ID token', async () => {
    await expect401(await mint(sys, { claims: { exp: Math.floor(Date.now() / 1000) - 60 } }));
    await expect401(await mint(sys, { notBefore: 3600 }));
    await expect401(await mint(sys, { claims: { iss: 'http://evil.example' } }));
    await expect401(await mint(sys, { claims: { aud: 'http://other-api.example' } }));
    await expect401(await mint(sys, { header: { typ: 'JWT' } }));
    await expect401(await mint(sys, { claims: { installation: undefined } }));
  });

  it('accepts a well-formed token of its own key', async () => {
    const res = await rawRequest(sys.gatewayUrl, 'GET', '/api/content/a', {
      authorization: `Bearer ${await mint(sys)}`,
    });
    expect(res.status).toBe(200);
  });
});

describe('headers', () => {
  it('strips spoofed identity, override, rewrite, hop-by-hop and cookie headers', async () => {
    const res = await call('GET', '/api/content/a', {
      'x-scopegate-app': 'evil',
      'x-scopegate-site': 's_other',
      'x-scopegate-scopes': 'payments:write',
      'X-ScopeGate-Merchant': 'm_evil',
      'x-scopegate-extra': 'x',
      'x-http-method-override': 'DELETE',
      'x-method-override': 'DELETE',
      'x-original-url': '/api/payments',
      'x-rewrite-url': '/api/payments',
      'x-forwarded-for': '6.6.6.6',
      'x-forwarded-host': 'evil.example',
      forwarded: 'for=6.6.6.6',
      connection: 'x-custom-hop',
      'x-custom-hop': 'secret',
      te: 'trailers',
      cookie: 'sg_account=m_1.1.x; sg_account.sig=y',
    });
    expect(res.status).toBe(200);
    const h = upstream.received[0]!.headers;
    expect(h['x-scopegate-app']).toBe('gw-app');
    expect(h['x-scopegate-site']).toBe('s_shop');
    expect(h['x-scopegate-scopes']).toBe('content:read leads:write');
    expect(h['x-scopegate-merchant']).not.toBe('m_evil');
    expect(h['x-scopegate-extra']).toBeUndefined();
    for (const name of [
      'x-http-method-override',
      'x-method-override',
      'x-original-url',
      'x-rewrite-url',
      'forwarded',
      'x-custom-hop',
      'te',
      'cookie',
    ]) {
      expect(h[name], name).toBeUndefined();
    }
    expect(h['x-forwarded-for']).toBe('127.0.0.1');
    expect(upstream.received[0]!.method).toBe('GET');
  });
});

describe('upstream failures', () => {
  it('answers 413 for a body over the limit, declared or streamed, without forwarding it', async () => {
    const big = 'x'.repeat(5000);
    const declared = await call('POST', '/api/leads', { 'content-type': 'text/plain' }, big);
    expect(declared.status).toBe(413);
    expect(upstream.received).toHaveLength(0);
  });

  it('answers 504 when the upstream is slow', async () => {
    upstream.delayMs = 1500;
    const res = await call('GET', '/api/content/slow');
    expect(res.status).toBe(504);
  });

  it('passes upstream errors through as they are', async () => {
    const res = await call('GET', '/api/content/a', { 'x-test-status': '503' });
    expect(res.status).toBe(503);
    expect(res.headers['x-upstream']).toBe('yes');
  });
});

describe('upstream down', () => {
  it('answers 502 when nothing listens upstream', async () => {
    const dead = await startUpstream();
    const url = dead.url;
    await dead.close();
    const down = await startTestSystem({ env: { PLATFORM_API_URL: url } });
    try {
      const res = await rawRequest(down.gatewayUrl, 'GET', '/api/content/a', {
        authorization: `Bearer ${await mint(down)}`,
      });
      expect(res.status).toBe(502);
      expect(JSON.parse(res.body).error).toBe('bad_gateway');
    } finally {
      await down.stop();
    }
  });
});
