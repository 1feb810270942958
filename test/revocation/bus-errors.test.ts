// A command Redis refuses inside one of the bus's transactions fails the call: EXEC itself
// resolves with per-command errors, and a revocation that was not stored must not be
// reported as announced (or handed over, or forgotten).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RevocationBus } from '../../src/revocation/bus.ts';
import { createRedisBus } from '../../src/revocation/redis-bus.ts';
import { redisKeys } from '../../src/store/redis/keys.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

const keys = redisKeys();
let redis: TestRedis;
let client: Redis;
let bus: RevocationBus;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
  bus = createRedisBus(redis.url, keys, { stalenessMs: 2_000 });
});
afterAll(async () => {
  await bus?.close();
  client?.disconnect();
  await redis?.stop();
});

it('rejects an announce whose ZADD Redis refused', async () => {
  await client.set(keys.revoked(), 'not a sorted set');
  await expect(
    bus.announce({ installation: 'inst-a', until: Date.now() + 60_000 }),
  ).rejects.toThrow(/WRONGTYPE/);
  await client.del(keys.revoked());
  await bus.announce({ installation: 'inst-a', until: Date.now() + 60_000 });
  expect(await client.zscore(keys.revoked(), 'inst-a')).not.toBeNull();
});

it('rejects a hand-over or a forget whose commands Redis refused', async () => {
  await client.set(keys.revocationsPending(), 'not a sorted set');
  await expect(bus.handOver('inst-b', ['gw-1'], Date.now())).rejects.toThrow(/WRONGTYPE/);
  await expect(bus.forgetPending('inst-b')).rejects.toThrow(/WRONGTYPE/);
  await expect(bus.settleGateways('inst-b', ['gw-1'], Date.now())).rejects.toThrow(/WRONGTYPE/);
  await client.del(keys.revocationsPending());
  expect(await bus.handOver('inst-b', ['gw-1'], Date.now())).toEqual(['gw-1']);
});
