// The gateway inside the running system: a revocation in this process is enforced at
// once, usage is counted per installation and scope and flushed to the store, a trusted
// proxy's forwarding headers are kept, and a streamed body over the limit is refused.
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMerchant, install, manifest, registerApp } from '../support/oauth.ts';
import { rawRequest } from '../support/raw-http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';

let sys: TestSystem;
let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream();
  sys = await startTestSystem({
    env: {
      PLATFORM_API_URL: upstream.url,
      TRUSTED_PROXIES: '127.0.0.1',
      GATEWAY_MAX_BODY_BYTES: '1000',
    },
  });
  await createMerchant(sys);
});
afterAll(async () => {
  await sys?.stop();
  await upstream?.close();
});

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

it('rejects the tokens of a revoked installation at once', async () => {
  const app = await registerApp(sys, manifest('life-revoke'));
  const { tokens } = await install(sys, app, { site: 's_shop' });
  const auth = { authorization: `Bearer ${tokens.access_token}` };
  expect((await rawRequest(sys.gatewayUrl, 'GET', '/api/content/a', auth)).status).toBe(200);
  const { installation } = claims(tokens.access_token);
  expect(
    (await sys.admin('POST', `/admin/installations/${installation}/revoke`, { reason: 'x' }))
      .status,
  ).toBe(200);
  const after = await rawRequest(sys.gatewayUrl, 'GET', '/api/content/a', auth);
  expect(after.status).toBe(401);
  expect(after.headers['www-authenticate']).toContain('invalid_token');
});

it('counts usage per installation and scope', async () => {
  const app = await registerApp(sys, manifest('life-usage'));
  const { tokens } = await install(sys, app, { site: 's_shop' });
  const auth = { authorization: `Bearer ${tokens.access_token}` };
  for (let i = 0; i < 3; i++) await rawRequest(sys.gatewayUrl, 'GET', '/api/content/a', auth);
  await rawRequest(sys.gatewayUrl, 'GET', '/api/leads/a', auth);
  await rawRequest(sys.gatewayUrl, 'GET', '/api/payments/a', auth); // 403: not counted
  const { installation } = claims(tokens.access_token);
  await expect
    .poll(async () => (await sys.store.usage.get(installation))['content:read']?.count, {
      timeout: 8_000,
    })
    .toBe(3);
  const usage = await sys.store.usage.get(installation);
  expect(usage['leads:read']?.count).toBe(1);
  expect(usage['payments:read']).toBeUndefined();
});

it("keeps a trusted proxy's forwarding headers, appending the proxy", async () => {
  const app = await registerApp(sys, manifest('life-proxy'));
  const { tokens } = await install(sys, app, { site: 's_shop' });
  upstream.received.length = 0;
  await rawRequest(sys.gatewayUrl, 'GET', '/api/content/a', {
    authorization: `Bearer ${tokens.access_token}`,
    'x-forwarded-for': '203.0.113.9',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'api.sitepack.example',
  });
  const h = upstream.received[0]!.headers;
  expect(h['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
  expect(h['x-forwarded-proto']).toBe('https');
  expect(h['x-forwarded-host']).toBe('api.sitepack.example');
});

it('refuses a chunked body that grows over the limit', async () => {
  const app = await registerApp(sys, manifest('life-body'));
  const { tokens } = await install(sys, app, { site: 's_shop' });
  const url = new URL(sys.gatewayUrl);
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/api/leads',
        headers: { authorization: `Bearer ${tokens.access_token}`, 'transfer-encoding': 'chunked' },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    for (let i = 0; i < 10; i++) req.write('x'.repeat(300));
    req.end();
  });
  expect(status).toBe(413);
  expect(
    upstream.received.filter((r) => r.url === '/api/leads' && r.bodyBytes > 1000),
  ).toHaveLength(0);
});

it('survives clients that go away mid-request or mid-body', async () => {
  const app = await registerApp(sys, manifest('life-abort'));
  const { tokens } = await install(sys, app, { site: 's_shop' });
  const url = new URL(sys.gatewayUrl);
  const abortAfter = (method: string, path: string, write: boolean) =>
    new Promise<void>((resolve) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { authorization: `Bearer ${tokens.access_token}`, 'transfer-encoding': 'chunked' },
      });
      req.on('error', () => resolve());
      if (write) req.write('partial body');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
  upstream.delayMs = 300;
  await abortAfter('GET', '/api/content/slow', false);
  await abortAfter('POST', '/api/leads', true);
  upstream.delayMs = 0;
  await new Promise((r) => setTimeout(r, 400));
  const res = await rawRequest(sys.gatewayUrl, 'GET', '/api/content/a', {
    authorization: `Bearer ${tokens.access_token}`,
  });
  expect(res.status).toBe(200);
});
