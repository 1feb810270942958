// Apps in Redis: one JSON string per app plus a set of ids for listing; a put writes
// both in one MULTI so a listed id always has its record.
import type { Redis } from 'ioredis';
import { byCreation } from '../order.ts';
import type { AppStore, StoredApp } from '../types.ts';
import { execMulti } from './atomic.ts';
import type { RedisKeys } from './keys.ts';

/** An AppStore over Redis strings (JSON) and an id set. */
export function createRedisApps(client: Redis, keys: RedisKeys): AppStore {
  return {
    async put(app) {
      await execMulti(
        client.multi().set(keys.app(app.id), JSON.stringify(app)).sadd(keys.apps(), app.id),
      );
    },
    async get(id) {
      const json = await client.get(keys.app(id));
      return json === null ? undefined : (JSON.parse(json) as StoredApp);
    },
    async list() {
      const ids = await client.smembers(keys.apps());
      if (ids.length === 0) return [];
      const found = await client.mget(ids.map((id) => keys.app(id)));
      return found
        .filter((json) => json !== null)
        .map((json) => JSON.parse(json) as StoredApp)
        .sort(byCreation);
    },
  };
}
