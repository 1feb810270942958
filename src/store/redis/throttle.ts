// Sign-in throttling in Redis: a sliding window log per key (a sorted set of hit times
// from the server clock, so every scopegate process counts on the same time line).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ThrottleStore } from '../types.ts';
import { luaScript, runScript } from './atomic.ts';
import type { RedisKeys } from './keys.ts';

const HIT = luaScript(`
-- KEYS[1] throttle log (sorted set: member = unique hit id, score = hit time in ms)
-- ARGV[1] window in ms, ARGV[2] unique hit id
-- Drops hits at least a window old, records this one, and returns the count; the log
-- expires one window after its last hit.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('PEXPIRE', KEYS[1], window)
return redis.call('ZCARD', KEYS[1])
`);

/** A ThrottleStore counting hits within the last `windowSeconds`. */
export function createRedisThrottle(client: Redis, keys: RedisKeys): ThrottleStore {
  return {
    async hit(key, windowSeconds) {
      const count = await runScript(
        client,
        HIT,
        [keys.throttle(key)],
        [Math.ceil(windowSeconds * 1000), randomUUID()],
      );
      return Number(count);
    },
    async clear(key) {
      await client.del(keys.throttle(key));
    },
  };
}
