// Operator-approved data flows in Redis: a JSON string per flow plus two sorted-set
// indexes (all, by app) by created_at; create and delete change all three atomically.
import type { Redis } from 'ioredis';
import type { DataFlow } from '../../access/types.ts';
import type { DataFlowStore } from '../types.ts';
import { luaScript, runScript } from './atomic.ts';
import type { RedisKeys } from './keys.ts';

const CREATE_DATA_FLOW = luaScript(`
-- KEYS[1] data flow (string), KEYS[2] all-flows index, KEYS[3] by-app index (sorted sets)
-- ARGV[1] flow id, ARGV[2] flow JSON, ARGV[3] created_at in ms (the score)
-- Returns 1 when created, 0 (nothing written) when the id exists. Never sets a TTL.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
return 1
`);

// The caller reads the flow first to learn its app (the by-app key must be declared);
// flows are never rewritten, so the record still being that JSON proves the key is right.
const DELETE_DATA_FLOW = luaScript(`
-- KEYS[1] data flow (string), KEYS[2] all-flows index, KEYS[3] by-app index (sorted sets)
-- ARGV[1] flow id, ARGV[2] the flow JSON as read by the caller
-- Returns 1 when deleted, 0 (nothing changed) when the flow is gone or is not that JSON.
if redis.call('GET', KEYS[1]) ~= ARGV[2] then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1
`);

/** A DataFlowStore over Redis strings and sorted-set indexes. */
export function createRedisDataFlows(client: Redis, keys: RedisKeys): DataFlowStore {
  return {
    async create(flow) {
      const createdMs = Date.parse(flow.created_at);
      if (Number.isNaN(createdMs)) {
        throw new Error(`data flow ${flow.id}: created_at is not a date`);
      }
      const created = await runScript(
        client,
        CREATE_DATA_FLOW,
        [keys.dataFlow(flow.id), keys.dataFlows(), keys.dataFlowsByApp(flow.app)],
        [flow.id, JSON.stringify(flow), createdMs],
      );
      if (created !== 1) throw new Error(`data flow ${flow.id} exists`);
    },
    async delete(id) {
      const json = await client.get(keys.dataFlow(id));
      if (json === null) return false;
      const { app } = JSON.parse(json) as DataFlow;
      const deleted = await runScript(
        client,
        DELETE_DATA_FLOW,
        [keys.dataFlow(id), keys.dataFlows(), keys.dataFlowsByApp(app)],
        [id, json],
      );
      return deleted === 1;
    },
    async list(filter = {}) {
      const index = filter.app === undefined ? keys.dataFlows() : keys.dataFlowsByApp(filter.app);
      // Newest first, ties by id descending: the order of newestFirst (src/store/order.ts).
      const ids = await client.zrevrange(index, 0, -1);
      if (ids.length === 0) return [];
      const found = await client.mget(ids.map((id) => keys.dataFlow(id)));
      return found.filter((json) => json !== null).map((json) => JSON.parse(json) as DataFlow);
    },
  };
}
