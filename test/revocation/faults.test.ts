// The gateway fails closed when it cannot confirm its revocation feed: Redis stopped →
// 503 after the staleness bound, never 200 for a token revoked just before; Redis back →
// it serves again without a restart and honours a revocation made while it was away.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMerchant, install, manifest, registerApp } from '../support/oauth.ts';
import { rawRequest } from '../support/raw-http.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let redis: TestRedis;
let sys: TestSystem;

beforeAll(async () => {
  redis = await startRedis({ aof: true });
  sys = await startTestSystem({ redisUrl: redis.url, env: { REVOCATION_STALENESS_MS: '1000' } });
  await createMerchant(sys);
}, 60_000);
afterAll(async () => {
  await sys?.stop();
  await redis?.stop();
});

const installationOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).installation as string;
const status = async (token: string) =>
  (await rawRequest(sys.gatewayUrl, 'GET', '/api/content', { authorization: `Bearer ${token}` }))
    .status;

async function installToken(uuid: string): Promise<string> {
  const app = await registerApp(sys, manifest(uuid));
  return (await install(sys, app, { site: 's_shop' })).tokens.access_token;
}

it('fails closed while Redis is down and recovers by itself', async () => {
  const [live, doomed, later] = [
    await installToken('fault-live'),
    await installToken('fault-doomed'),
    await installToken('fault-later'),
  ];
  expect(await status(live)).toBe(200);
  expect(
    (await sys.admin('POST', `/admin/installations/${installationOf(doomed)}/revoke`, {})).status,
  ).toBe(200);

  redis.kill();
  const seen: number[] = [];
  const stoppedAt = Date.now();
  let staleAfter = 0;
  while (Date.now() - stoppedAt < 6_000) {
    const s = await status(live);
    seen.push(await status(doomed));
    if (s === 503) {
      staleAfter = Date.now() - stoppedAt;
      break;
    }
    expect(s).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(staleAfter).toBeGreaterThan(0);
  expect(staleAfter).toBeLessThan(3_000);
  expect(await status(live)).toBe(503);
  expect(seen.every((s) => s === 401 || s === 503)).toBe(true);

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
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  expect(revoked.body.revoked_at).toBeTypeOf('string');
  expect([401, 503]).toContain(await status(later));

  const backAt = Date.now();
  while ((await status(live)) !== 200) {
    expect(Date.now() - backAt).toBeLessThan(10_000);
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(await status(later)).toBe(401);
  expect(await status(doomed)).toBe(401);
}, 40_000);
