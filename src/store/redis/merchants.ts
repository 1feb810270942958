// Merchants in Redis: a JSON record plus one owner key per email and per site id, all
// created by one Lua script that checks every uniqueness before writing anything.
import type { Redis } from 'ioredis';
import type { CreateMerchantResult, MerchantStore, StoredMerchant } from '../types.ts';
import { luaScript, runScript } from './atomic.ts';
import type { RedisKeys } from './keys.ts';

const CREATE_MERCHANT = luaScript(`
-- KEYS[1] merchant record (string), KEYS[2] email owner (string),
-- KEYS[3..n] site owner (string), one per site
-- ARGV[1] merchant id, ARGV[2] record JSON, ARGV[3] email, ARGV[4..] site ids (KEYS[3..] order)
-- Returns {} when created, {'email', email} or {'site', site id} on a conflict (nothing
-- written); an error when the merchant id exists.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.error_reply('merchant ' .. ARGV[1] .. ' exists')
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return {'email', ARGV[3]}
end
for i = 3, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    return {'site', ARGV[i + 1]}
  end
end
redis.call('SET', KEYS[1], ARGV[2])
for i = 2, #KEYS do
  redis.call('SET', KEYS[i], ARGV[1])
end
return {}
`);

/** A MerchantStore over Redis strings; lookups by email or site go through owner keys. */
export function createRedisMerchants(client: Redis, keys: RedisKeys): MerchantStore {
  const get = async (id: string | null) => {
    if (id === null) return undefined;
    const json = await client.get(keys.merchant(id));
    return json === null ? undefined : (JSON.parse(json) as StoredMerchant);
  };
  return {
    async create(merchant) {
      const siteIds = merchant.sites.map((site) => site.id);
      const reply = await runScript(
        client,
        CREATE_MERCHANT,
        [
          keys.merchant(merchant.id),
          keys.merchantEmail(merchant.email),
          ...siteIds.map((site) => keys.siteOwner(site)),
        ],
        [merchant.id, JSON.stringify(merchant), merchant.email, ...siteIds],
      );
      return createResult(reply);
    },
    get,
    async findByEmail(email) {
      return get(await client.get(keys.merchantEmail(email)));
    },
    async findBySite(siteId) {
      return get(await client.get(keys.siteOwner(siteId)));
    },
  };
}

function createResult(reply: unknown): CreateMerchantResult {
  if (!Array.isArray(reply) || reply.length === 0) return { ok: true };
  const [conflict, value] = reply as [unknown, unknown];
  if ((conflict === 'email' || conflict === 'site') && typeof value === 'string') {
    return { ok: false, conflict, value };
  }
  throw new Error(`unexpected reply from the merchant create script: ${JSON.stringify(reply)}`);
}
