// /metrics on the admin listener after real traffic: requests by role, route and status,
// gateway decisions, token issuance, revocations, the revoked set and its feed, and the
// webhook queue — read as Prometheus text, without the admin token.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMerchant, install, manifest, registerApp } from '../support/oauth.ts';
import { rawRequest } from '../support/raw-http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem();
  await createMerchant(sys);
});
afterAll(() => sys?.stop());

/** The value of one sample, e.g. `name{a="b"}`; undefined when absent. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const found = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (found) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

it('counts what every role did', async () => {
  const app = await registerApp(sys, manifest('metrics-app'));
  const { tokens } = await install(sys, app, { site: 's_shop' });
  const bearer = { authorization: `Bearer ${tokens.access_token}` };
  expect((await rawRequest(sys.gatewayUrl, 'GET', '/api/content', bearer)).status).toBe(200);
  expect((await rawRequest(sys.gatewayUrl, 'POST', '/api/content', bearer)).status).toBe(403);
  expect((await rawRequest(sys.gatewayUrl, 'GET', '/api/content', {})).status).toBe(401);
  expect((await rawRequest(sys.gatewayUrl, 'GET', '/api/%2e%2e/x', bearer)).status).toBe(400);
  const installation = JSON.parse(
    Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString(),
  ).installation;
  expect((await sys.admin('POST', `/admin/installations/${installation}/revoke`, {})).status).toBe(
    200,
  );

  const res = await fetch(`${sys.adminUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  const text = await res.text();
  const requests = 'scopegate_http_requests_total';
  expect(sample(text, requests, { role: 'gateway', route: 'content-read', status: '200' })).toBe(1);
  expect(sample(text, requests, { role: 'gateway', route: 'content-write', status: '403' })).toBe(
    1,
  );
  expect(sample(text, requests, { role: 'auth', route: '/token', status: '200' })).toBeGreaterThan(
    0,
  );
  expect(sample(text, requests, { role: 'admin', status: '201' })).toBeGreaterThan(0);
  const decisions = 'scopegate_gateway_decisions_total';
  expect(sample(text, decisions, { step: 'proxy', reason: 'forwarded' })).toBe(1);
  expect(sample(text, decisions, { step: 'checkScope', reason: 'insufficient_scope' })).toBe(1);
  expect(sample(text, decisions, { step: 'authenticate', reason: 'invalid_token' })).toBe(1);
  expect(sample(text, decisions, { step: 'canonicalizePath', reason: 'invalid_request' })).toBe(1);
  expect(sample(text, 'scopegate_gateway_auth_seconds_count')).toBe(2);
  expect(sample(text, 'scopegate_gateway_upstream_seconds_count')).toBe(1);
  expect(sample(text, 'scopegate_gateway_auth_seconds_bucket', { le: '+Inf' })).toBe(2);
  expect(sample(text, 'scopegate_gateway_auth_seconds_bucket', { le: '10' })).toBe(2);
  expect(text).toContain('# TYPE scopegate_gateway_auth_seconds histogram');
  expect(sample(text, 'scopegate_tokens_issued_total', { kind: 'access_token' })).toBeGreaterThan(
    0,
  );
  expect(sample(text, 'scopegate_revocations_total', { by: 'operator' })).toBe(1);
  expect(sample(text, 'scopegate_revoked_set_size')).toBe(1);
  expect(sample(text, 'scopegate_revocation_feed_staleness_seconds')).toBe(0);
  expect(sample(text, 'scopegate_webhook_queue_depth')).toBe(0);
  expect(sample(text, 'scopegate_process_resident_memory_bytes')).toBeGreaterThan(0);
  // Never a token in the metrics.
  expect(text).not.toContain(tokens.access_token.slice(-20));
});
