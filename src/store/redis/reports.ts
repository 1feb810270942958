// Audit reports in Redis: one JSON string per report, written once, and a per-site
// sorted set by received_at; a Lua script stores both or hands back what is there.
import type { Redis } from 'ioredis';
import type { Report } from '../../access/types.ts';
import type { ReportStore } from '../types.ts';
import { luaScript, runScript } from './atomic.ts';
import type { RedisKeys } from './keys.ts';

const PUT_REPORT = luaScript(`
-- KEYS[1] report (string), KEYS[2] reports-by-site index (sorted set)
-- ARGV[1] report id, ARGV[2] report JSON, ARGV[3] received_at in ms (the score)
-- Returns {1} when stored, {0, stored JSON} when the id exists (nothing written).
-- Never sets a TTL: reports are kept.
local existing = redis.call('GET', KEYS[1])
if existing then
  return {0, existing}
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return {1}
`);

/** A ReportStore over Redis strings and a sorted-set index per site. */
export function createRedisReports(client: Redis, keys: RedisKeys): ReportStore {
  return {
    async put(report) {
      const receivedMs = Date.parse(report.received_at);
      if (Number.isNaN(receivedMs)) {
        throw new Error(`report ${report.id}: received_at is not a date`);
      }
      const reply = await runScript(
        client,
        PUT_REPORT,
        [keys.report(report.id), keys.reportsBySite(report.site)],
        [report.id, JSON.stringify(report), receivedMs],
      );
      const [created, stored] = Array.isArray(reply) ? (reply as unknown[]) : [];
      if (created === 1) return { created: true, report };
      if (created === 0 && typeof stored === 'string') {
        return { created: false, report: JSON.parse(stored) as Report };
      }
      throw new Error(`unexpected reply from the report put script: ${JSON.stringify(reply)}`);
    },
    async get(id) {
      const json = await client.get(keys.report(id));
      return json === null ? undefined : (JSON.parse(json) as Report);
    },
    async listBySite(site) {
      // Newest first, ties by id descending: the order of newestFirst (src/store/order.ts).
      const ids = await client.zrevrange(keys.reportsBySite(site), 0, -1);
      if (ids.length === 0) return [];
      const found = await client.mget(ids.map((id) => keys.report(id)));
      return found.filter((json) => json !== null).map((json) => JSON.parse(json) as Report);
    },
  };
}
