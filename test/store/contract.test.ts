// Runs the store contract against the memory store and against a real redis-server,
// then what only Redis can show: TTLs, persistence, and behaviour while Redis is down.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import { createRedisStore } from '../../src/store/redis/index.ts';
import { redisKeys } from '../../src/store/redis/keys.ts';
import type { Store } from '../../src/store/types.ts';
import { startRedis, type TestRedis, uniquePrefix } from '../support/redis.ts';
import { storeContract } from './contract.ts';
import { app, installation, merchant } from './fixtures.ts';

let redis: TestRedis;
let admin: Redis;
beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
});
afterAll(async () => {
  await admin?.quit();
  await redis?.stop();
});

/** Deletes every key under a prefix. */
async function dropPrefix(prefix: string): Promise<void> {
  const found = await admin.keys(`${prefix}*`);
  if (found.length) await admin.del(...found);
}

storeContract('memory', async () => ({ store: createMemoryStore(), cleanup: async () => {} }));

storeContract('redis', async () => {
  const prefix = uniquePrefix();
  const store = createRedisStore({ url: redis.url, prefix });
  return {
    store,
    async cleanup() {
      await store.close();
      await dropPrefix(prefix);
    },
  };
});

/** Resolves with how long a promise took to settle, and whether it rejected. */
async function timed(promise: Promise<unknown>): Promise<{ ms: number; rejected: boolean }> {
  const start = performance.now();
  const rejected = await promise.then(
    () => false,
    () => true,
  );
  return { ms: performance.now() - start, rejected };
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('redis store', () => {
  it('keeps every key under its prefix, installations without TTL', async () => {
    const prefix = uniquePrefix();
    const keys = redisKeys(prefix);
    const store = createRedisStore({ url: redis.url, prefix });
    try {
      await store.apps.put(app('a'));
      await store.merchants.create(merchant('m_1', 'ann@example.com', ['s_1']));
      await store.installations.create(
        installation('g1', { app: 'a', site: 's_1', merchant: 'm_1' }),
      );
      await store.installations.revoke('g1', {
        at: '2026-03-01T00:00:00.000Z',
        by: 'x',
        reason: null,
      });
      await store.throttle.hit('email:ann', 900);
      await store.oidcAdapter('Session').upsert('s1', { uid: 'u1' }, 60);
      await store.oidcAdapter('DeviceCode').upsert('d1', { userCode: 'C', grantId: 'g1' }, 60);
      await store.oidcAdapter('AccessToken').upsert('t1', { grantId: 'g1' }, 30);
      await store.oidcAdapter('RefreshToken').upsert('r1', { grantId: 'g1' }, 3000);

      // Tests in this file run one after another and clean up, so every key is this store's.
      const all = await admin.keys('*');
      expect(all.length).toBeGreaterThan(10);
      expect(all.filter((key) => !key.startsWith(prefix))).toEqual([]);

      for (const key of [
        keys.installation('g1'),
        keys.installations(),
        keys.installationsByApp('a'),
        keys.installationsBySite('s_1'),
        keys.installationsByMerchant('m_1'),
        keys.app('a'),
        keys.merchant('m_1'),
      ]) {
        expect(await admin.ttl(key), key).toBe(-1);
      }
      const tokenTtl = await admin.pttl(keys.oidc('AccessToken', 't1'));
      expect(tokenTtl).toBeGreaterThan(25_000);
      expect(tokenTtl).toBeLessThanOrEqual(30_000);
      const grantTtl = await admin.ttl(keys.oidcGrant('g1'));
      expect(grantTtl).toBeGreaterThan(2990);
      expect(grantTtl).toBeLessThanOrEqual(3000);
      expect(await admin.ttl(keys.oidcUid('u1'))).toBeGreaterThan(0);
      expect(await admin.ttl(keys.oidcUserCode('C'))).toBeGreaterThan(0);
      const throttleTtl = await admin.pttl(keys.throttle('email:ann'));
      expect(throttleTtl).toBeGreaterThan(890_000);
      expect(throttleTtl).toBeLessThanOrEqual(900_000);
    } finally {
      await store.close();
      await dropPrefix(prefix);
    }
  });

  it('keeps a grant index alive as long as its longest-lived token, forever if one is', async () => {
    const prefix = uniquePrefix();
    const keys = redisKeys(prefix);
    const store = createRedisStore({ url: redis.url, prefix });
    try {
      const at = store.oidcAdapter('AccessToken');
      await at.upsert('t1', { grantId: 'g1' }, 600);
      await at.upsert('t2', { grantId: 'g1' }, 60);
      expect(await admin.ttl(keys.oidcGrant('g1'))).toBeGreaterThan(590);
      await store.oidcAdapter('RefreshToken').upsert('r1', { grantId: 'g1' });
      expect(await admin.ttl(keys.oidcGrant('g1'))).toBe(-1);
      await at.upsert('t3', { grantId: 'g1' }, 60);
      expect(await admin.ttl(keys.oidcGrant('g1'))).toBe(-1);
    } finally {
      await store.close();
      await dropPrefix(prefix);
    }
  });

  it('keeps data when the store is closed and a new one opened (process restart)', async () => {
    const prefix = uniquePrefix();
    const first = createRedisStore({ url: redis.url, prefix });
    const record = installation('g1', { app: 'a', site: 's_1', merchant: 'm_1' });
    await first.apps.put(app('a'));
    await first.merchants.create(merchant('m_1', 'ann@example.com', ['s_1']));
    await first.installations.create(record);
    await first.oidcAdapter('RefreshToken').upsert('r1', { grantId: 'g1' }, 600);
    await first.close();

    const second = createRedisStore({ url: redis.url, prefix });
    try {
      await expectSurvived(second, record);
    } finally {
      await second.close();
      await dropPrefix(prefix);
    }
  });

  it('keeps data across a redis-server crash and restart with AOF', async () => {
    const server = await startRedis({ aof: true });
    const store = createRedisStore({ url: server.url });
    const record = installation('g1', { app: 'a', site: 's_1', merchant: 'm_1' });
    try {
      await store.apps.put(app('a'));
      await store.merchants.create(merchant('m_1', 'ann@example.com', ['s_1']));
      await store.installations.create(record);
      await store.oidcAdapter('RefreshToken').upsert('r1', { grantId: 'g1' }, 600);
      server.kill('SIGKILL');
      await server.restart();
      await eventually(() => store.ping(), 5000);
      await expectSurvived(store, record);
    } finally {
      await store.close();
      await server.stop();
    }
  });

  it('fails fast while Redis is down and reconnects by itself when it returns', async () => {
    const server = await startRedis();
    const store = createRedisStore({ url: server.url });
    try {
      await store.apps.put(app('a'));
      expect(await store.ping()).toBe(true);
      server.kill('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 50));

      const ping = timed(store.ping().then((ok) => expect(ok).toBe(false)));
      const get = timed(store.apps.get('a'));
      expect(await ping).toMatchObject({ rejected: false });
      expect((await ping).ms).toBeLessThan(1000);
      expect((await get).rejected).toBe(true);
      expect((await get).ms).toBeLessThan(2000);

      await server.restart();
      await eventually(() => store.ping(), 5000);
      await store.apps.put(app('b'));
      expect(await store.apps.get('b')).toEqual(app('b'));
    } finally {
      await store.close();
      await server.stop();
    }
  });

  it('fails fast while Redis hangs (SIGSTOP) and recovers when it resumes', async () => {
    const server = await startRedis();
    const store = createRedisStore({ url: server.url });
    try {
      expect(await store.ping()).toBe(true);
      server.pause();
      const [ping, get] = await Promise.all([
        timed(store.ping().then((ok) => expect(ok).toBe(false))),
        timed(store.apps.get('a')),
      ]);
      expect(ping.rejected).toBe(false);
      expect(ping.ms).toBeLessThan(2000);
      expect(get.rejected).toBe(true);
      expect(get.ms).toBeLessThan(2000);
      server.resume();
      await eventually(() => store.ping(), 5000);
      await store.apps.put(app('a'));
      expect(await store.apps.get('a')).toEqual(app('a'));
    } finally {
      await store.close();
      await server.stop();
    }
  });
});

async function expectSurvived(store: Store, record: ReturnType<typeof installation>) {
  expect(await store.apps.get('a')).toEqual(app('a'));
  expect((await store.merchants.findByEmail('ann@example.com'))?.id).toBe('m_1');
  expect((await store.merchants.findBySite('s_1'))?.id).toBe('m_1');
  expect(await store.installations.get('g1')).toEqual(record);
  expect(await store.installations.list({ merchant: 'm_1' })).toEqual([record]);
  expect(await store.oidcAdapter('RefreshToken').find('r1')).toEqual({ grantId: 'g1' });
  await store.oidcAdapter('AccessToken').revokeByGrantId('g1');
  expect(await store.oidcAdapter('RefreshToken').find('r1')).toBeUndefined();
}
