// A gateway's revocation feed on Redis and when it may be trusted. The feed is confirmed
// up to a moment T when every revocation announced before T is in memory: after a full
// load that followed the latest (re)subscription (T = when the load began), or when the
// gateway sees its own heartbeat sent at T on that subscription (pub/sub keeps order per
// connection, so any notice published before it arrived first). Past the staleness bound
// without a newer confirmation the feed is stale and the gateway answers 503.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { execMulti } from '../store/redis/atomic.ts';
import { closeClient, openClient } from '../store/redis/client.ts';
import type { RedisKeys } from '../store/redis/keys.ts';
import { ExpiringSet, type FeedOptions, type RevocationFeed } from './bus.ts';

export type Message =
  | { type: 'revoked'; installation: string; until: number }
  | { type: 'beat'; gateway: string; at: number };

/** About how often lapsed ids are swept from a gateway's revoked set. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Acknowledgement records outlive any wait for them and any reconciliation: a pending
 * revocation lasts at most as long as its tokens, and ACCESS_TOKEN_TTL is at most a day.
 */
const ACK_TTL_SECONDS = 2 * 86_400;

/** Gateways forget a peer this long after its last heartbeat. */
const FORGET_GATEWAY_MS = 60_000;

function parse(raw: string): Message | undefined {
  try {
    return JSON.parse(raw) as Message;
  } catch {
    return undefined;
  }
}

export async function openRedisFeed(
  url: string,
  keys: RedisKeys,
  command: Redis,
  options: FeedOptions & { heartbeatMs: number },
): Promise<RevocationFeed> {
  const gatewayId = `gw-${randomUUID()}`;
  const set = new ExpiringSet();
  const subscriber = openClient(url, () => {});
  /** Bumped whenever the subscriber connection closes: a load counts for its connection only. */
  let connection = 0;
  /** A full load completed after the current connection subscribed. */
  let synced = false;
  /** Every revocation announced before this moment (epoch ms) is in `set`; 0: none yet. */
  let confirmedAt = 0;
  let resyncing: Promise<void> | undefined;
  /** Pending revocations this gateway has acknowledged (pruned to those still pending). */
  let acknowledged = new Set<string>();
  let closed = false;

  /** Records that this gateway has the ids in memory (the first time counts) and says so. */
  async function acknowledge(ids: readonly string[]): Promise<void> {
    const [first] = ids;
    if (first === undefined) return;
    const at = Date.now();
    const tx = command.multi();
    for (const id of ids) {
      tx.hsetnx(keys.revocationAcks(id), gatewayId, at).expire(
        keys.revocationAcks(id),
        ACK_TTL_SECONDS,
      );
    }
    // An ack that failed is not counted as made: the next heartbeat tries again.
    await execMulti(tx.publish(keys.revocationAckChannel(), first));
  }

  /**
   * Acknowledges every handed-over revocation held and not yet acknowledged, whichever
   * way it arrived (notice or reload): run at every heartbeat, one small read when none.
   */
  async function acknowledgePending(): Promise<void> {
    const pending = await command.zrange(keys.revocationsPending(), '0', '-1');
    const held = pending.filter((id) => set.has(id));
    await acknowledge(held.filter((id) => !acknowledged.has(id)));
    acknowledged = new Set(held);
  }

  /** Subscribes (again: idempotent), then loads the whole set, so no notice falls between. */
  function resync(): Promise<void> {
    resyncing ??= (async () => {
      const current = connection;
      await subscriber.subscribe(keys.revocationChannel());
      const startedAt = Date.now();
      const entries = await command.zrangebyscore(keys.revoked(), startedAt, '+inf', 'WITHSCORES');
      // The subscription this load relied on was lost meanwhile: it proves nothing.
      if (closed || current !== connection) return;
      for (let i = 0; i + 1 < entries.length; i += 2)
        set.add(entries[i] as string, Number(entries[i + 1]));
      set.sweep(startedAt);
      synced = true;
      confirmedAt = Math.max(confirmedAt, startedAt);
    })().finally(() => {
      resyncing = undefined;
    });
    return resyncing;
  }

  subscriber.on('message', (_channel: string, raw: string) => {
    const msg = parse(raw);
    if (msg?.type === 'revoked') {
      set.add(msg.installation, msg.until);
      // A lost acknowledgement is made good by acknowledgePending once handed over.
      acknowledge([msg.installation]).catch(() => {});
    } else if (msg?.type === 'beat' && msg.gateway === gatewayId && synced) {
      if (typeof msg.at === 'number') confirmedAt = Math.max(confirmedAt, msg.at);
    }
  });
  // Notices may be missed from now on: no confirmation until resubscribed and reloaded.
  // What was confirmed stays valid, so the feed turns stale only past the bound.
  subscriber.on('close', () => {
    connection++;
    synced = false;
  });
  subscriber.on('ready', () => {
    if (!closed) resync().catch(() => {});
  });

  try {
    await resync();
  } catch (err) {
    closed = true;
    await closeClient(subscriber);
    throw err;
  }

  let beats = 0;
  const sweepEvery = Math.max(1, Math.round(SWEEP_INTERVAL_MS / options.heartbeatMs));
  const beat = setInterval(() => {
    const at = Date.now();
    command
      .multi()
      .zadd(keys.gateways(), at, gatewayId)
      .zremrangebyscore(keys.gateways(), '-inf', at - FORGET_GATEWAY_MS)
      .publish(
        keys.revocationChannel(),
        JSON.stringify({ type: 'beat', gateway: gatewayId, at } satisfies Message),
      )
      .exec()
      .catch(() => {});
    // A failed resync is retried on every heartbeat until it succeeds.
    if (!synced) {
      if (subscriber.status === 'ready') resync().catch(() => {});
    } else {
      acknowledgePending().catch(() => {});
    }
    // Lapsed ids cost nothing in lookups; drop them about once a minute, not every beat.
    if (++beats % sweepEvery === 0) set.sweep();
  }, options.heartbeatMs);
  beat.unref();
  await command.zadd(keys.gateways(), Date.now(), gatewayId);

  return {
    gatewayId,
    has: (id) => set.has(id),
    isFresh: () => Date.now() - confirmedAt <= options.stalenessMs,
    staleForMs: () => (confirmedAt ? Date.now() - confirmedAt : Number.POSITIVE_INFINITY),
    get size() {
      return set.size;
    },
    async close() {
      closed = true;
      clearInterval(beat);
      await command.zrem(keys.gateways(), gatewayId).catch(() => {});
      await closeClient(subscriber);
    },
  };
}
