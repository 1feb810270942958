// The gateway fails closed only past the staleness bound: Redis paused (silent, connections
// open) or stopped → 200 from memory until the bound, then 503, never 200 for a token
// revoked just before; Redis back → it serves again without a restart and honours a
// revocation made while it was away.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { heartbeatFor } from '../../src/revocation/redis-bus.ts';
import { createMerchant, install, manifest, registerApp } from '../support/oauth.ts';
import { rawRequest } from '../support/raw-http.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

const STALENESS_MS = 1_500;
/** The last confirmation (a heartbeat) may precede the outage by up to one period. */
const EARLIEST_503_MS = STALENESS_MS - heartbeatFor(STALENESS_MS) - 100;
/** Polling and a CPU shared with other test files. */
const LATEST_503_MS = STALENESS_MS + 1_000;

let redis: TestRedis;
let sys: TestSystem;

beforeAll(async () => {
  redis = await startRedis({ aof: true });
  sys = await startTestSystem({
    redisUrl: redis.url,
    env: { REVOCATION_STALENESS_MS: String(STALENESS_MS) },
  });
  await createMerchant(sys);
}, 60_000);
afterAll(async () => {
  redis?.resume();
  await sys?.stop();
  await redis?.stop();
});

const installationOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).installation as string;
const status = async (token: string) =>
  (await rawRequest(sys.gatewayUrl, 'GET', '/api/content', { authorization: `Bearer ${token}` }))
    .status;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function installToken(uuid: string): Promise<string> {
  const app = await registerApp(sys, manifest(uuid));
  return (await install(sys, app, { site: 's_shop' })).tokens.access_token;
}

async function revoke(token: string): Promise<void> {
  const res = await sys.admin('POST', `/admin/installations/${installationOf(token)}/revoke`, {});
  expect(res.status).toBe(200);
}

/**
 * Polls from the outage on: the live token must get 200 until it gets 503, the revoked one
 * never 200. Returns when the live token first got 503 (ms after `from`).
 */
async function untilFailClosed(live: string, revoked: string, from: number): Promise<number> {
  while (Date.now() - from < LATEST_503_MS + 2_000) {
    const [s, r] = await Promise.all([status(live), status(revoked)]);
    expect([401, 503]).toContain(r);
    if (s === 503) return Date.now() - from;
    expect(s).toBe(200);
    await sleep(25);
  }
  throw new Error('the gateway never failed closed');
}

it('serves from memory while Redis is paused until the bound, then 503; recovers after SIGCONT', async () => {
  const [live, doomed] = [await installToken('pause-live'), await installToken('pause-doomed')];
  expect(await status(live)).toBe(200);
  await revoke(doomed);

  const pausedAt = Date.now();
  redis.pause();
  const staleAfter = await untilFailClosed(live, doomed, pausedAt);
  expect(staleAfter).toBeGreaterThanOrEqual(EARLIEST_503_MS);
  expect(staleAfter).toBeLessThan(LATEST_503_MS);
  // It stays closed while Redis is silent.
  for (let i = 0; i < 5; i++) {
    expect(await status(live)).toBe(503);
    expect([401, 503]).toContain(await status(doomed));
    await sleep(50);
  }

  redis.resume();
  const resumedAt = Date.now();
  for (;;) {
    const [s, r] = await Promise.all([status(live), status(doomed)]);
    expect([401, 503]).toContain(r);
    if (s === 200) break;
    expect(s).toBe(503);
    expect(Date.now() - resumedAt).toBeLessThan(5_000);
    await sleep(25);
  }
  expect(await status(doomed)).toBe(401);
}, 30_000);

it('fails closed past the bound while Redis is down and recovers by itself', async () => {
  const [live, doomed, later] = [
    await installToken('fault-live'),
    await installToken('fault-doomed'),
    await installToken('fault-later'),
  ];
  expect(await status(live)).toBe(200);
  await revoke(doomed);

  const stoppedAt = Date.now();
  redis.kill();
  // The connections close at once, yet what was confirmed holds until the bound.
  const staleAfter = await untilFailClosed(live, doomed, stoppedAt);
  expect(staleAfter).toBeGreaterThanOrEqual(EARLIEST_503_MS);
  expect(staleAfter).toBeLessThan(LATEST_503_MS);
  expect(await status(live)).toBe(503);

  await redis.restart();
  // A revocation made as soon as Redis is back, before the gateway has caught up.
  const revoked = await (async () => {
    for (;;) {
      const res = await sys.admin(
        'POST',
        `/admin/installations/${installationOf(later)}/revoke`,
        {},
      );
      if (res.status === 200) return res;
      await sleep(50);
    }
  })();
  expect(revoked.body.revoked_at).toBeTypeOf('string');
  expect([401, 503]).toContain(await status(later));

  const backAt = Date.now();
  while ((await status(live)) !== 200) {
    expect(Date.now() - backAt).toBeLessThan(10_000);
    await sleep(50);
  }
  expect(await status(later)).toBe(401);
  expect(await status(doomed)).toBe(401);
}, 40_000);
