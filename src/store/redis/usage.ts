// Gateway usage counts in Redis: one hash per installation, `<scope>` counts incremented
// and `<scope>@last` kept at the latest time, one pipeline per flushed batch.
import type { Redis } from 'ioredis';
import type { ScopeUsage, UsageStore } from '../types.ts';
import { luaScript, runScript } from './atomic.ts';
import type { RedisKeys } from './keys.ts';

const ADD = luaScript(`
-- KEYS[1] usage hash of one installation
-- ARGV[1] scope, ARGV[2] count to add, ARGV[3] ISO time of the latest use in the batch
-- Adds the count and keeps the later of the stored and the given last-use times.
redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
local field = ARGV[1] .. '@last'
local prev = redis.call('HGET', KEYS[1], field)
if not prev or prev < ARGV[3] then redis.call('HSET', KEYS[1], field, ARGV[3]) end
return 1
`);

export function createRedisUsage(client: Redis, keys: RedisKeys): UsageStore {
  return {
    async add(batch) {
      await Promise.all(
        batch.map((e) =>
          runScript(client, ADD, [keys.usage(e.installation)], [e.scope, e.count, e.last]),
        ),
      );
    },
    async get(installation) {
      const hash = await client.hgetall(keys.usage(installation));
      const out: Record<string, ScopeUsage> = {};
      for (const [field, value] of Object.entries(hash)) {
        if (field.endsWith('@last')) continue;
        out[field] = { count: Number(value), last: hash[`${field}@last`] ?? '' };
      }
      return out;
    },
  };
}
