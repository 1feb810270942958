// oidc-provider records in Redis: every model is a hash (payload JSON + consumed), so
// consume works on any model (no WRONGTYPE for PushedAuthorizationRequest), and one
// grant index per grant lists the record keys to delete when the grant is revoked.
import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { GRANT_BOUND_MODELS } from '../oidc-models.ts';
import { execMulti, luaScript, runScript } from './atomic.ts';
import type { RedisKeys } from './keys.ts';

// Plain source, not a luaScript: it is EVAL'd inside the upsert's MULTI, where a NOSCRIPT
// from EVALSHA could not fall back.
const INDEX_UNDER_GRANT = `
-- KEYS[1] grant index (set of record keys)
-- ARGV[1] record key, ARGV[2] the record's TTL in seconds ('0' = never expires)
-- Adds the key and keeps the index alive as long as its longest-lived member.
local current = redis.call('TTL', KEYS[1]) -- -2: no index yet, -1: a member never expires
redis.call('SADD', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if ttl == 0 then
  redis.call('PERSIST', KEYS[1])
elseif current == -2 or (current >= 0 and current < ttl) then
  redis.call('EXPIRE', KEYS[1], ttl)
end
return 1
`;

const CONSUME = luaScript(`
-- KEYS[1] record hash
-- ARGV[1] epoch seconds
-- Marks an existing record consumed (its TTL unchanged); a missing record stays missing.
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'consumed', ARGV[1])
end
return 1
`);

// Members are full key names, read from the index rather than declared in KEYS: fine on
// a single Redis (or a replicated one), not on Redis Cluster.
const REVOKE_GRANT = luaScript(`
-- KEYS[1] grant index (set of record keys)
-- Deletes every record listed, then the index. Returns the number of records deleted.
local deleted = 0
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  deleted = deleted + redis.call('DEL', key)
end
redis.call('DEL', KEYS[1])
return deleted
`);

/** Returns the adapter factory for one store's keys. */
export function createRedisOidc(client: Redis, keys: RedisKeys): (model: string) => Adapter {
  const adapters = new Map<string, Adapter>();

  const read = async (key: string): Promise<AdapterPayload | undefined> => {
    const [payload, consumed] = await client.hmget(key, 'payload', 'consumed');
    if (payload === null || payload === undefined) return undefined;
    const parsed = JSON.parse(payload) as AdapterPayload;
    if (consumed !== null && consumed !== undefined) parsed.consumed = Number(consumed);
    return parsed;
  };

  const make = (model: string): Adapter => {
    const keyOf = (id: string) => keys.oidc(model, id);
    const findVia = async (indexKey: string) => {
      const id = await client.get(indexKey);
      return id === null ? undefined : read(keyOf(id));
    };
    return {
      async upsert(id, payload, expiresIn) {
        const key = keyOf(id);
        const ttl = expiresIn !== undefined && expiresIn > 0 ? Math.ceil(expiresIn) : 0;
        const multi = client.multi().del(key).hset(key, 'payload', JSON.stringify(payload));
        if (ttl) multi.expire(key, ttl);
        const pointers = [
          payload.uid ? keys.oidcUid(payload.uid) : undefined,
          payload.userCode ? keys.oidcUserCode(payload.userCode) : undefined,
        ];
        for (const pointer of pointers) {
          if (pointer === undefined) continue;
          if (ttl) multi.set(pointer, id, 'EX', ttl);
          else multi.set(pointer, id);
        }
        if (payload.grantId && GRANT_BOUND_MODELS.has(model)) {
          multi.eval(INDEX_UNDER_GRANT, 1, keys.oidcGrant(payload.grantId), key, ttl);
        }
        await execMulti(multi);
      },
      find: (id) => read(keyOf(id)),
      findByUid: (uid) => findVia(keys.oidcUid(uid)),
      findByUserCode: (userCode) => findVia(keys.oidcUserCode(userCode)),
      async consume(id) {
        await runScript(client, CONSUME, [keyOf(id)], [Math.floor(Date.now() / 1000)]);
      },
      async destroy(id) {
        await client.del(keyOf(id));
      },
      async revokeByGrantId(grantId) {
        await runScript(client, REVOKE_GRANT, [keys.oidcGrant(grantId)], []);
      },
    };
  };

  return (model) => {
    let adapter = adapters.get(model);
    if (!adapter) {
      adapter = make(model);
      adapters.set(model, adapter);
    }
    return adapter;
  };
}
