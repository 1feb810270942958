// Revocation takes effect at once, everywhere: two gateway processes on one Redis, the
// operator API, enforced_at, and 200 requests in flight while a slow gateway catches up.
// (The app's RFC 7009 revoke is in app-merchant-revoke.test.ts.)
import { Redis } from 'ioredis';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../../src/store/redis/keys.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { createMerchant, install, manifest, registerApp } from '../support/oauth.ts';
import { rawRequest } from '../support/raw-http.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';

let redis: TestRedis;
let upstream: Upstream;
let sys: TestSystem;
let second: GatewayProcess;
/** The second process's gateway id, as it beats in Redis. */
let secondId: string;
let client: Redis;
const keys = redisKeys();

beforeAll(async () => {
  [redis, upstream] = await Promise.all([startRedis(), startUpstream()]);
  client = new Redis(redis.url);
  sys = await startTestSystem({ redisUrl: redis.url, env: { PLATFORM_API_URL: upstream.url } });
  const before = await client.zrange(keys.gateways(), '0', '-1');
  second = await startGatewayProcess(sys);
  const after = await client.zrange(keys.gateways(), '0', '-1');
  secondId = after.find((id) => !before.includes(id)) ?? '';
  await createMerchant(sys);
}, 60_000);
afterAll(async () => {
  if (second?.pid) process.kill(second.pid, 'SIGCONT');
  client?.disconnect();
  await second?.stop();
  await sys?.stop();
  await upstream?.close();
  await redis?.stop();
});

const installationOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).installation as string;
const get = (base: string, token: string) =>
  rawRequest(base, 'GET', '/api/content/a', { authorization: `Bearer ${token}` });

describe('operator revoke', () => {
  it('is enforced by both gateways when the call returns, and kills refresh and introspection', async () => {
    const app = await registerApp(sys, manifest('prop-operator'));
    const { tokens, config } = await install(sys, app, { site: 's_shop' });
    const id = installationOf(tokens.access_token);
    for (const base of [sys.gatewayUrl, second.url])
      expect((await get(base, tokens.access_token)).status).toBe(200);

    const res = await sys.admin('POST', `/admin/installations/${id}/revoke`, {
      reason: 'compromised',
    });
    expect(res.status).toBe(200);
    for (const base of [sys.gatewayUrl, second.url]) {
      const after = await get(base, tokens.access_token);
      expect(after.status).toBe(401);
      expect(after.headers['www-authenticate']).toContain('error="invalid_token"');
    }
    expect(res.body).toMatchObject({ id, revoked_by: 'operator', revoke_reason: 'compromised' });
    expect(res.body.pending_gateways).toBeUndefined();
    expect(Date.parse(res.body.enforced_at)).toBeGreaterThanOrEqual(
      Date.parse(res.body.revoked_at),
    );
    expect(Date.parse(res.body.enforced_at) - Date.parse(res.body.revoked_at)).toBeLessThan(100);

    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    const introspection = await oidc.tokenIntrospection(config, tokens.refresh_token!);
    expect(introspection.active).toBe(false);

    const again = await sys.admin('POST', `/admin/installations/${id}/revoke`, { reason: 'twice' });
    expect(again.body.revoked_at).toBe(res.body.revoked_at);
    expect(again.body.revoke_reason).toBe('compromised');
    const record = await sys.admin('GET', `/admin/installations/${id}`);
    expect(record.body.enforced_at).toBe(res.body.enforced_at);
  });
});

describe('concurrency', () => {
  it('accepts no request that started after the revoke call returned', async () => {
    const app = await registerApp(sys, manifest('prop-race'));
    const { tokens } = await install(sys, app, { site: 's_shop' });
    const id = installationOf(tokens.access_token);
    upstream.delayMs = 5;
    let returnedAt = Number.POSITIVE_INFINITY;
    const results: { started: number; status: number }[] = [];
    const fire = async (i: number) => {
      const started = performance.now();
      const res = await get(i % 2 ? second.url : sys.gatewayUrl, tokens.access_token);
      results.push({ started, status: res.status });
    };
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) inFlight.push(fire(i));
    // The second gateway is slow to take the notice: the call must wait for it.
    process.kill(second.pid, 'SIGSTOP');
    const resume = setTimeout(() => process.kill(second.pid, 'SIGCONT'), 150);
    const revoke = sys.admin('POST', `/admin/installations/${id}/revoke`, {}).then((res) => {
      returnedAt = performance.now();
      return res;
    });
    for (let i = 100; i < 200; i++) {
      inFlight.push(fire(i));
      await new Promise((r) => setImmediate(r));
    }
    const res = await revoke.finally(() => {
      clearTimeout(resume);
      process.kill(second.pid, 'SIGCONT');
    });
    for (let i = 200; i < 220; i++) inFlight.push(fire(i));
    await Promise.all(inFlight);
    upstream.delayMs = 0;
    const late = results.filter((r) => r.started > returnedAt);
    expect(late.length).toBeGreaterThan(0);
    expect(late.filter((r) => r.status === 200)).toEqual([]);
    expect(results.every((r) => r.status === 200 || r.status === 401)).toBe(true);

    // Enforced when the call returned, the second gateway among the acknowledgers.
    expect(res.body.pending_gateways).toBeUndefined();
    const enforcedAt = Date.parse(res.body.enforced_at);
    expect(enforcedAt).toBeGreaterThanOrEqual(Date.parse(res.body.revoked_at));
    const acks = await client.hgetall(keys.revocationAcks(id));
    expect(secondId).toMatch(/^gw-/);
    expect(Number(acks[secondId])).toBeLessThanOrEqual(enforcedAt);
  });
});
