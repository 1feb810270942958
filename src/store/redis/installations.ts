// The grant ledger in Redis: a hash per installation (record + write-once revocation)
// and four sorted-set indexes by approval time; create and revoke are Lua scripts.
import type { Redis } from 'ioredis';
import type { Installation, InstallationStore } from '../types.ts';
import { luaScript, runScript } from './atomic.ts';
import type { RedisKeys } from './keys.ts';

// A hash rather than one JSON string: the revocation is a separate field that the revoke
// script sets with HSETNX, so no script ever decodes and re-encodes the record (Redis's
// cjson would turn an empty array such as requested_scopes: [] into {}).
const CREATE_INSTALLATION = luaScript(`
-- KEYS[1] installation hash, KEYS[2] all-installations index,
-- KEYS[3] by-app index, KEYS[4] by-site index, KEYS[5] by-merchant index (sorted sets)
-- ARGV[1] id, ARGV[2] record JSON, ARGV[3] approved_at in ms (the score),
-- ARGV[4] revocation JSON, or '' when not revoked
-- Returns 1 when created, 0 (nothing written) when the id exists. Never sets a TTL.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'record', ARGV[2])
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[1], 'revocation', ARGV[4])
end
for i = 2, 5 do
  redis.call('ZADD', KEYS[i], ARGV[3], ARGV[1])
end
return 1
`);

const REVOKE_INSTALLATION = luaScript(`
-- KEYS[1] installation hash
-- ARGV[1] revocation JSON {revoked_at, revoked_by, revoke_reason}
-- Writes the revocation unless one is stored (the first one stays). Returns
-- {record, revocation} as stored afterwards, or nil for an unknown id.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return nil
end
redis.call('HSETNX', KEYS[1], 'revocation', ARGV[1])
return redis.call('HMGET', KEYS[1], 'record', 'revocation', 'enforced_at')
`);

const MARK_ENFORCED = luaScript(`
-- KEYS[1] installation hash; ARGV[1] enforced_at (ISO time)
-- Writes enforced_at once (the first stays). Returns the fields as read, nil if unknown.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return nil
end
redis.call('HSETNX', KEYS[1], 'enforced_at', ARGV[1])
return redis.call('HMGET', KEYS[1], 'record', 'revocation', 'enforced_at')
`);

/** An InstallationStore over Redis hashes and sorted-set indexes. */
export function createRedisInstallations(client: Redis, keys: RedisKeys): InstallationStore {
  const read = async (ids: string[]): Promise<Installation[]> => {
    if (ids.length === 0) return [];
    const pipeline = client.pipeline();
    for (const id of ids) {
      pipeline.hmget(keys.installation(id), 'record', 'revocation', 'enforced_at');
    }
    const replies = (await pipeline.exec()) ?? [];
    return replies.flatMap(([err, fields]) => {
      if (err) throw err;
      const installation = fromFields(fields);
      return installation ? [installation] : [];
    });
  };

  return {
    async create(installation) {
      const approvedMs = Date.parse(installation.approved_at);
      if (Number.isNaN(approvedMs)) {
        throw new Error(`installation ${installation.id}: approved_at is not a date`);
      }
      const { id } = installation;
      const revocation =
        installation.revoked_at === null ? '' : JSON.stringify(revocationFields(installation));
      const created = await runScript(
        client,
        CREATE_INSTALLATION,
        [
          keys.installation(id),
          keys.installations(),
          keys.installationsByApp(installation.app),
          keys.installationsBySite(installation.site),
          keys.installationsByMerchant(installation.merchant),
        ],
        [id, JSON.stringify(installation), approvedMs, revocation],
      );
      if (created !== 1) throw new Error(`installation ${id} exists`);
    },
    async get(id) {
      const [found] = await read([id]);
      return found;
    },
    async list(filter) {
      const indexes = [
        filter.app === undefined ? undefined : keys.installationsByApp(filter.app),
        filter.site === undefined ? undefined : keys.installationsBySite(filter.site),
        filter.merchant === undefined ? undefined : keys.installationsByMerchant(filter.merchant),
      ].filter((key) => key !== undefined);
      return read(await newestFirst(client, indexes.length ? indexes : [keys.installations()]));
    },
    async revoke(id, revocation) {
      const reply = await runScript(
        client,
        REVOKE_INSTALLATION,
        [keys.installation(id)],
        [
          JSON.stringify({
            revoked_at: revocation.at,
            revoked_by: revocation.by,
            revoke_reason: revocation.reason,
          } satisfies RevocationFields),
        ],
      );
      return reply === null ? undefined : fromFields(reply);
    },
    async markEnforced(id, at) {
      const reply = await runScript(client, MARK_ENFORCED, [keys.installation(id)], [at]);
      return reply === null ? undefined : fromFields(reply);
    },
  };
}

/**
 * Ids in every given index, newest approval first (ties by id, descending). One index is
 * read in reverse; several are intersected by ZINTER (ascending) and reversed.
 */
async function newestFirst(client: Redis, indexes: string[]): Promise<string[]> {
  const [only] = indexes;
  if (indexes.length === 1 && only !== undefined) return client.zrevrange(only, 0, -1);
  const ascending = await client.zinter(indexes.length, ...indexes);
  return ascending.reverse();
}

/** The record with its revocation applied; undefined when the hash is missing. */
function fromFields(fields: unknown): Installation | undefined {
  const [record, revocation, enforcedAt] = Array.isArray(fields)
    ? (fields as (string | null)[])
    : [];
  if (typeof record !== 'string') return undefined;
  const installation = JSON.parse(record) as Installation;
  installation.enforced_at = typeof enforcedAt === 'string' ? enforcedAt : null;
  if (typeof revocation === 'string') {
    Object.assign(installation, revocationFields(JSON.parse(revocation) as RevocationFields));
  }
  return installation;
}

type RevocationFields = Pick<Installation, 'revoked_at' | 'revoked_by' | 'revoke_reason'>;

/** The three revocation fields, as stored in the `revocation` hash field and overlaid on read. */
function revocationFields(from: RevocationFields): RevocationFields {
  return {
    revoked_at: from.revoked_at,
    revoked_by: from.revoked_by,
    revoke_reason: from.revoke_reason,
  };
}
