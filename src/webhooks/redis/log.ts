// The delivery log in Redis: an event string, a hash and an attempt list per delivery,
// sorted-set indexes by app and status; both writes are Lua scripts, records expire.
import type { Redis } from 'ioredis';
import { runScript } from '../../store/redis/atomic.ts';
import type { RedisKeys } from '../../store/redis/keys.ts';
import {
  type Attempt,
  DELIVERY_STATUSES,
  type Delivery,
  type DeliveryFilter,
  type DeliveryLog,
  type DeliveryRecord,
  type DeliveryState,
  FINAL_STATUSES,
  type GoneMarker,
  type StoredEvent,
} from '../types.ts';
import { RECORD_EVENT, TRANSITION } from './scripts.ts';

const DEFAULT_LIMIT = 100;

/** A DeliveryLog over Redis; `retentionMs` after its last change a record expires. */
export function createRedisDeliveryLog(
  client: Redis,
  keys: RedisKeys,
  opts: { retentionMs: number },
): DeliveryLog {
  const ttl = Math.ceil(opts.retentionMs / 1000);
  const trimScore = () => Date.now() - opts.retentionMs;

  const read = async (ids: readonly string[]): Promise<Delivery[]> => {
    if (ids.length === 0) return [];
    const pipeline = client.pipeline();
    for (const id of ids) {
      pipeline.hmget(keys.webhookDelivery(id), 'record', 'state');
      pipeline.lrange(keys.webhookAttempts(id), 0, -1);
    }
    const replies = (await pipeline.exec()) ?? [];
    const out: Delivery[] = [];
    for (let i = 0; i < replies.length; i += 2) {
      const [err, fields] = replies[i] ?? [];
      const [attemptsErr, attempts] = replies[i + 1] ?? [];
      if (err || attemptsErr) throw err ?? attemptsErr;
      const [record, state] = fields as (string | null)[];
      if (typeof record !== 'string' || typeof state !== 'string') continue;
      out.push({
        ...(JSON.parse(record) as DeliveryRecord),
        ...(JSON.parse(state) as DeliveryState),
        attempts: (attempts as string[]).map((a) => JSON.parse(a) as Attempt),
      });
    }
    return out;
  };

  /** Ids in every given index, newest first; expired members are dropped on the way. */
  const fromIndexes = async (indexes: string[], limit: number): Promise<Delivery[]> => {
    const [only] = indexes;
    const ids =
      indexes.length === 1 && only !== undefined
        ? await client.zrevrange(only, 0, limit - 1)
        : (await client.zinter(indexes.length, ...indexes)).reverse().slice(0, limit);
    const found = await read(ids);
    const present = new Set(found.map((d) => d.id));
    const expired = ids.filter((id) => !present.has(id));
    if (expired.length > 0) await Promise.all(indexes.map((k) => client.zrem(k, ...expired)));
    return found;
  };

  const event = async (id: string): Promise<StoredEvent | undefined> => {
    const json = await client.get(keys.webhookEvent(id));
    return json === null ? undefined : (JSON.parse(json) as StoredEvent);
  };

  return {
    async recordEvent(stored, deliveries) {
      const deliveryKeys = deliveries.flatMap(({ record }) => [
        keys.webhookDelivery(record.id),
        keys.webhookDeliveriesByApp(record.app),
        keys.webhookOpen(record.installation),
      ]);
      const deliveryArgs = deliveries.flatMap(({ record, state }) => [
        record.id,
        JSON.stringify(record),
        JSON.stringify(state),
      ]);
      const reply = (await runScript(
        client,
        RECORD_EVENT,
        [
          keys.webhookEvent(stored.id),
          keys.webhookDeliveries(),
          keys.webhookDeliveriesByStatus('pending'),
          ...deliveryKeys,
        ],
        [JSON.stringify(stored), ttl, Date.parse(stored.received_at), trimScore(), ...deliveryArgs],
      )) as [number, string?];
      const [created, existing] = reply;
      if (created === 1) return { created: true, event: stored };
      return { created: false, event: JSON.parse(existing ?? '{}') as StoredEvent };
    },
    event,
    async get(id) {
      const [found] = await read([id]);
      return found;
    },
    async current(id) {
      const [record, state] = await client.hmget(keys.webhookDelivery(id), 'record', 'state');
      if (record === null || record === undefined || state === null || state === undefined) {
        return undefined;
      }
      return { ...(JSON.parse(record) as DeliveryRecord), ...(JSON.parse(state) as DeliveryState) };
    },
    async list(filter: DeliveryFilter) {
      const limit = filter.limit ?? DEFAULT_LIMIT;
      if (filter.event !== undefined) {
        const stored = await event(filter.event);
        const found = await read(stored?.deliveries ?? []);
        return found
          .filter(
            (d) =>
              (filter.app === undefined || d.app === filter.app) &&
              (filter.status === undefined || d.status === filter.status),
          )
          .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
          .slice(0, limit);
      }
      const indexes = [
        filter.app === undefined ? undefined : keys.webhookDeliveriesByApp(filter.app),
        filter.status === undefined ? undefined : keys.webhookDeliveriesByStatus(filter.status),
      ].filter((k) => k !== undefined);
      return fromIndexes(indexes.length > 0 ? indexes : [keys.webhookDeliveries()], limit);
    },
    async transition(record, change) {
      const applied = await runScript(
        client,
        TRANSITION,
        [
          keys.webhookDelivery(record.id),
          keys.webhookAttempts(record.id),
          keys.webhookOpen(record.installation),
          keys.webhookEvent(record.event),
          ...DELIVERY_STATUSES.map((s) => keys.webhookDeliveriesByStatus(s)),
        ],
        [
          change.from.join(' '),
          change.state.status,
          JSON.stringify(change.state),
          change.attempt ? JSON.stringify(change.attempt) : '',
          ttl,
          FINAL_STATUSES.has(change.state.status) ? '1' : '0',
          trimScore(),
          record.id,
          ...DELIVERY_STATUSES,
        ],
      );
      return applied === 1;
    },
    async openOf(installation) {
      return client.smembers(keys.webhookOpen(installation));
    },
    async markGone(app, marker: GoneMarker) {
      await client.set(keys.webhookGone(app), JSON.stringify(marker));
    },
    async gone(app) {
      const json = await client.get(keys.webhookGone(app));
      return json === null ? undefined : (JSON.parse(json) as GoneMarker);
    },
    async close() {},
  };
}
