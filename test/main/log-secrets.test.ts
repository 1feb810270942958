// The logs of a whole run, at trace level, never hold a secret the run used: passwords
// (right and wrong), the admin token, client and webhook secrets, access and refresh
// tokens, session cookies, the sealing key. They do hold request ids, roles and, on the
// gateway, the installation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { accountSignIn } from '../account/harness.ts';
import { createMerchant, install, MERCHANT, manifest, registerApp } from '../support/oauth.ts';
import { rawRequest } from '../support/raw-http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

const lines: string[] = [];
const collect = new Writable({
  write(chunk, _enc, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({
    logger: createLogger({ level: 'trace', role: 'all', destination: collect }),
  });
  await createMerchant(sys);
});
afterAll(() => sys?.stop());

it('logs every request with its id and never a secret', async () => {
  const app = await registerApp(sys, {
    ...manifest('log-app'),
    webhooks: { url: 'https://hooks.example.com/in', topics: ['content/updated'] },
  });
  const { tokens, config, agent } = await install(sys, app, { site: 's_shop' });
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  expect(
    (await rawRequest(sys.gatewayUrl, 'GET', '/api/content', bearer(tokens.access_token))).status,
  ).toBe(200);
  await rawRequest(sys.gatewayUrl, 'POST', '/api/content', bearer(tokens.access_token));
  await rawRequest(sys.gatewayUrl, 'GET', `/api/content?access_token=${tokens.access_token}`, {});
  await rawRequest(sys.gatewayUrl, 'GET', '/api/content', bearer(`${tokens.access_token}x`));
  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '');
  await oidc.tokenIntrospection(config, refreshed.refresh_token ?? '');
  const wrong = 'not-the-password-42';
  await accountSignIn(sys.issuer, MERCHANT.email, wrong);
  const { agent: merchant } = await accountSignIn(sys.issuer, MERCHANT.email, MERCHANT.password);
  await merchant.get(`${sys.issuer}/account/apps`);
  await sys.admin('POST', '/admin/events', {
    topic: 'content/updated',
    site: 's_shop',
    payload: {},
  });
  const installation = JSON.parse(
    Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString(),
  ).installation as string;
  await sys.admin('POST', `/admin/installations/${installation}/revoke`, { reason: 'log test' });
  await sys.admin('GET', '/admin/apps/log-app', undefined, 'wrong-admin-token-0123456789');
  await new Promise((r) => setTimeout(r, 200));

  const cookies = [agent, merchant].flatMap((a) =>
    ((a as any).cookies as { value: string }[]).map((c) => c.value),
  );
  const secrets = {
    password: MERCHANT.password,
    wrongPassword: wrong,
    adminToken: sys.adminToken,
    clientSecret: app.client_secret ?? '',
    webhookSecret: app.webhook_secret,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? '',
    refreshedAccess: refreshed.access_token,
    refreshedRefresh: refreshed.refresh_token ?? '',
    sealingKey: readFileSync(join(sys.config.keysDir, 'sealing.key'), 'utf8').trim(),
    ...Object.fromEntries(cookies.map((c, n) => [`cookie${n}`, c])),
  };
  const log = lines.join('\n');
  expect(lines.length).toBeGreaterThan(20);
  for (const [name, secret] of Object.entries(secrets)) {
    expect(secret.length, name).toBeGreaterThan(8);
    // The token's signature alone identifies it: no part of a secret is logged either.
    const tail = secret.slice(-16);
    expect(log.includes(tail), `${name} appears in the logs`).toBe(false);
  }

  const parsed = lines.map((l) => JSON.parse(l));
  const requests = parsed.filter((l) => l.msg === 'request');
  for (const listener of ['gateway', 'auth', 'admin']) {
    const own = requests.filter((l) => l.listener === listener);
    expect(own.length, listener).toBeGreaterThan(0);
    for (const l of own) {
      expect(l.request_id).toMatch(/^[\w.-]{1,64}$/);
      expect(l.role).toBe('all');
    }
  }
  // The gateway's access log is not redacted (src/gateway/index.ts): its lines hold these
  // fields and no other.
  const accessFields = new Set(
    'level time role listener request_id method route status step reason installation app msg'.split(
      ' ',
    ),
  );
  for (const l of requests.filter((r) => r.listener === 'gateway')) {
    expect(Object.keys(l).filter((key) => !accessFields.has(key))).toEqual([]);
  }
  const served = requests.find((l) => l.listener === 'gateway' && l.status === 200);
  expect(served?.installation).toBe(installation);
  const revoke = requests.find((l) => l.route === '/admin/installations/:id/revoke');
  expect(revoke?.installation).toBe(installation);
});
