// What only Redis shows of the daily usage buckets: one key per installation and day under
// the store's prefix, expiring when its day leaves the retention, the totals never.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis/index.ts';
import { redisKeys } from '../../src/store/redis/keys.ts';
import { addDays, dayStart, USAGE_RETENTION_DAYS, utcDay } from '../../src/usage/days.ts';
import { startRedis, type TestRedis, uniquePrefix } from '../support/redis.ts';

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

it('expires each day bucket at the end of its retention and keeps the totals', async () => {
  const prefix = uniquePrefix();
  const keys = redisKeys(prefix);
  const store = createRedisStore({ url: redis.url, prefix });
  try {
    const today = utcDay(Date.now());
    const yesterday = addDays(today, -1);
    await store.usage.add([
      { installation: 'g:1', scope: 'content:read', count: 2, last: new Date().toISOString() },
      { installation: 'g:1', scope: 'leads:read', count: 1, last: `${yesterday}T08:00:00.000Z` },
    ]);
    expect((await admin.keys(`${prefix}*`)).sort()).toEqual(
      [keys.usage('g:1'), keys.usageDay('g:1', today), keys.usageDay('g:1', yesterday)].sort(),
    );
    expect(await admin.ttl(keys.usage('g:1'))).toBe(-1);
    for (const day of [today, yesterday]) {
      const expiresAt = await admin.call('EXPIRETIME', keys.usageDay('g:1', day));
      expect(expiresAt).toBe((dayStart(day) + USAGE_RETENTION_DAYS * 86_400_000) / 1000);
    }
  } finally {
    await store.close();
    const found = await admin.keys(`${prefix}*`);
    if (found.length) await admin.del(...found);
  }
});
