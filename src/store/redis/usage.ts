// Gateway usage counts in Redis: one hash per installation, `<scope>` counts incremented
// and `<scope>@last` kept at the latest time, plus one hash per installation and UTC day
// (scope → count) that expires USAGE_RETENTION_DAYS after its day; one script per entry.
import type { Redis } from 'ioredis';
import {
  DAY_MS,
  dayStart,
  daysFrom,
  keptFrom,
  USAGE_RETENTION_DAYS,
  utcDay,
} from '../../usage/days.ts';
import type { DailyScopeUsage, ScopeUsage, UsageStore } from '../types.ts';
import { luaScript, runScript } from './atomic.ts';
import type { RedisKeys } from './keys.ts';

const ADD = luaScript(`
-- KEYS[1] usage hash of one installation, KEYS[2] its usage hash of one day
-- ARGV[1] scope, ARGV[2] count to add, ARGV[3] ISO time of the latest use in the batch,
-- ARGV[4] epoch seconds at which the day's hash expires
-- Adds the count to the totals and the day, and keeps the later last-use time.
redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
local field = ARGV[1] .. '@last'
local prev = redis.call('HGET', KEYS[1], field)
if not prev or prev < ARGV[3] then redis.call('HSET', KEYS[1], field, ARGV[3]) end
redis.call('HINCRBY', KEYS[2], ARGV[1], ARGV[2])
redis.call('EXPIREAT', KEYS[2], ARGV[4])
return 1
`);

const byName = ([a]: [string, string], [b]: [string, string]) => (a < b ? -1 : a > b ? 1 : 0);

/** When a day's bucket stops being kept: the start of the day after its last kept day. */
function dayExpiry(day: string): number {
  return (dayStart(day) + USAGE_RETENTION_DAYS * DAY_MS) / 1000;
}

export function createRedisUsage(client: Redis, keys: RedisKeys): UsageStore {
  return {
    async add(batch) {
      await Promise.all(
        batch.map((e) => {
          const day = utcDay(e.last);
          return runScript(
            client,
            ADD,
            [keys.usage(e.installation), keys.usageDay(e.installation, day)],
            [e.scope, e.count, e.last, dayExpiry(day)],
          );
        }),
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
    async days(installation, from, to) {
      // Days before the retention have expired; asking for them would only cost round trips.
      const days = daysFrom(keptFrom(from), to);
      if (days.length === 0) return [];
      const pipeline = client.pipeline();
      for (const day of days) pipeline.hgetall(keys.usageDay(installation, day));
      const replies = (await pipeline.exec()) ?? [];
      const out: DailyScopeUsage[] = [];
      days.forEach((day, n) => {
        const [err, hash] = replies[n] ?? [new Error('missing pipeline reply'), null];
        if (err) throw err;
        for (const [scope, count] of Object.entries(hash as Record<string, string>).sort(byName)) {
          out.push({ day, scope, count: Number(count) });
        }
      });
      return out;
    },
  };
}
