// enforced_at completed after the revoke call: a gateway that is live but silent is
// pending, and its late acknowledgement (or its dropping out) fills enforced_at in later;
// a notice a gateway misses is honoured, and acknowledged, after it resubscribes.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { heartbeatFor } from '../../src/revocation/redis-bus.ts';
import { redisKeys } from '../../src/store/redis/keys.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { rawRequest } from '../support/raw-http.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { mint } from '../support/tokens.ts';

const STALENESS_MS = 1_500;
const keys = redisKeys();

let redis: TestRedis;
let client: Redis;
let sys: TestSystem;
let child: GatewayProcess;
/** The child process's gateway id, as it beats in Redis. */
let childId: string;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
  sys = await startTestSystem({
    redisUrl: redis.url,
    env: {
      REVOCATION_STALENESS_MS: String(STALENESS_MS),
      REVOCATION_ACK_TIMEOUT_MS: '1000',
    },
  });
  const before = await client.zrange(keys.gateways(), '0', '-1');
  child = await startGatewayProcess(sys);
  const after = await client.zrange(keys.gateways(), '0', '-1');
  childId = after.find((id) => !before.includes(id)) ?? '';
  expect(childId).toMatch(/^gw-/);
}, 60_000);
afterAll(async () => {
  if (child?.pid) process.kill(child.pid, 'SIGCONT');
  await child?.stop();
  await sys?.stop();
  client?.disconnect();
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const status = async (base: string, token: string) =>
  (await rawRequest(base, 'GET', '/api/content', { authorization: `Bearer ${token}` })).status;

/** A stored installation and an access token for it (no OAuth flow: fast). */
async function installation(name: string): Promise<{ id: string; token: string }> {
  const id = `inst-${name}-${Date.now()}`;
  await sys.store.installations.create({
    id,
    app: 'enforce-app',
    merchant: 'm_enforce',
    site: 's_enforce',
    requested_scopes: ['content:read'],
    approved_scope: {
      scopes: ['content:read'],
      site: 's_enforce',
      audience: sys.config.apiAudience,
    },
    access_mode: 'read-only',
    approved_at: new Date().toISOString(),
    approved_by: 'm_enforce',
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
    enforced_at: null,
  });
  const token = await mint(sys, { claims: { installation: id, scope: 'content:read' } });
  for (const base of [sys.gatewayUrl, child.url]) expect(await status(base, token)).toBe(200);
  return { id, token };
}

async function waitFor(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(25);
  }
}

/** Polls the record until enforced_at is set; fails after `timeoutMs`. */
async function enforcedAt(id: string, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const at = (await sys.store.installations.get(id))?.enforced_at;
    if (at) return Date.parse(at);
    if (Date.now() > until) throw new Error(`${id}: no enforced_at within ${timeoutMs} ms`);
    await sleep(50);
  }
}

it('honours a notice missed while subscriptions were down, acknowledged after the resync', async () => {
  const { id, token } = await installation('missed');
  // Every subscriber connection is dropped; the notice goes out before they are back.
  const killed = Number(await client.call('CLIENT', 'KILL', 'TYPE', 'pubsub'));
  expect(killed).toBeGreaterThanOrEqual(2);
  const res = await sys.admin('POST', `/admin/installations/${id}/revoke`, {});
  expect(res.status).toBe(200);
  for (const base of [sys.gatewayUrl, child.url]) expect(await status(base, token)).toBe(401);
  // Each gateway loaded the id on resync; once the call handed the revocation over, they
  // acknowledge it as pending at their next heartbeat and enforced_at is filled in.
  const at = await enforcedAt(id, 3_000);
  expect(at).toBeGreaterThanOrEqual(Date.parse(res.body.revoked_at));
  await waitFor(
    'nothing pending',
    async () => (await client.zcard(keys.revocationsPending())) === 0,
    2_000,
  );
});

it('retries a failed resync until it succeeds, without waiting for another reconnect', async () => {
  const { token } = await installation('retry');
  const both = async (want: number) =>
    (await status(sys.gatewayUrl, token)) === want && (await status(child.url, token)) === want;
  // After this reconnect every reload fails: the revoked set reads as the wrong type...
  const held = `${keys.revoked()}-held`;
  await client.zadd(keys.revoked(), Date.now() + 60_000, 'placeholder'); // the set exists
  await client.rename(keys.revoked(), held);
  await client.set(keys.revoked(), 'not a sorted set');
  await client.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
  // ...so neither gateway can confirm its feed, and past the bound both fail closed.
  await waitFor('both gateways answer 503', () => both(503), STALENESS_MS + 2_000);
  await client.del(keys.revoked());
  await client.rename(held, keys.revoked());
  // Redis is healthy again: the next retry reloads and they serve, with no reconnect.
  await waitFor('both gateways answer 200', () => both(200), 2_000);
});

it('reports a silent gateway as pending, then completes enforced_at at its late acknowledgement', async () => {
  const { id, token } = await installation('late');
  process.kill(child.pid, 'SIGSTOP');
  let res: Awaited<ReturnType<TestSystem['admin']>>;
  let resumedAt: number;
  try {
    res = await sys.admin('POST', `/admin/installations/${id}/revoke`, {});
  } finally {
    resumedAt = Date.now();
    process.kill(child.pid, 'SIGCONT');
  }
  expect(res.status).toBe(200);
  expect(res.body.enforced_at).toBeNull();
  expect(res.body.pending_gateways).toEqual([childId]);
  expect(await status(sys.gatewayUrl, token)).toBe(401);

  const at = await enforcedAt(id, 3_000);
  // The child's acknowledgement, made once it ran again: not the call, not a drop-out.
  expect(at).toBeGreaterThanOrEqual(Date.parse(res.body.revoked_at));
  expect(at).toBeGreaterThanOrEqual(resumedAt - 5);
  expect(at).toBeLessThan(resumedAt + STALENESS_MS);
  expect(await status(child.url, token)).toBe(401);
  const again = await sys.admin('POST', `/admin/installations/${id}/revoke`, {});
  expect(Date.parse(again.body.enforced_at)).toBe(at);
});

it('completes enforced_at when a pending gateway stops beating and drops out', async () => {
  const { id } = await installation('gone');
  // Stopped for the rest of the file (resumed only to be shut down).
  const stoppedAt = Date.now();
  process.kill(child.pid, 'SIGSTOP');
  const res = await sys.admin('POST', `/admin/installations/${id}/revoke`, {});
  expect(res.body.enforced_at).toBeNull();
  expect(res.body.pending_gateways).toEqual([childId]);
  // Revoking again while it is silent (longer than a few beats, not yet past its bound)
  // neither completes the revocation from the other gateway's acknowledgement nor
  // forgets the one still awaited.
  await sleep(stoppedAt + STALENESS_MS - Date.now());
  const again = await sys.admin('POST', `/admin/installations/${id}/revoke`, {});
  expect(again.body.enforced_at).toBeNull();
  expect(again.body.pending_gateways).toEqual([childId]);
  expect(again.body.revoked_at).toBe(res.body.revoked_at);

  const at = await enforcedAt(id, 6_000);
  // Seen gone only once its last heartbeat was older than the silence bound: by then its
  // feed (confirmed at most one beat before it stopped) could no longer have been fresh.
  expect(at - stoppedAt).toBeGreaterThanOrEqual(STALENESS_MS - heartbeatFor(STALENESS_MS));
  expect(await client.zcard(keys.revocationsPending())).toBe(0);
});
