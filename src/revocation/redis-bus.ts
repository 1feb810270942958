// The revocation bus on Redis: a sorted set of revoked ids (scored by when their last
// token expires) that every gateway loads at start and after every reconnect, a pub/sub
// channel for notices and heartbeats, and acknowledgements that tell the revoker when
// each live gateway had the id in memory. A gateway that cannot confirm its feed within
// the staleness bound reports itself stale, and the gateway answers 503.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { closeClient, openClient } from '../store/redis/client.ts';
import type { RedisKeys } from '../store/redis/keys.ts';
import { ExpiringSet, type FeedOptions, type RevocationBus, type RevocationFeed } from './bus.ts';

type Message =
  | { type: 'revoked'; installation: string; until: number }
  | { type: 'beat'; gateway: string };

/** How often a gateway announces itself; also the liveness check period of its feed. */
export const HEARTBEAT_MS = 500;

/** Heartbeats between two sweeps of lapsed ids from a gateway's revoked set. */
const SWEEP_EVERY_BEATS = 120;

/** Acknowledgement records outlive any wait for them. */
const ACK_TTL_SECONDS = 300;

export function createRedisBus(
  url: string,
  keys: RedisKeys,
  opts: { heartbeatMs?: number } = {},
): RevocationBus {
  const heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS;
  const command = openClient(url, () => {});
  let ackListener: Redis | undefined;
  const waiters = new Set<() => void>();
  const opened: RevocationFeed[] = [];

  async function listenForAcks(): Promise<void> {
    if (ackListener) return;
    ackListener = openClient(url, () => {});
    ackListener.on('message', () => {
      for (const wake of waiters) wake();
    });
    await ackListener.subscribe(keys.revocationAckChannel());
  }

  return {
    async announce({ installation, until }) {
      const now = Date.now();
      await command
        .multi()
        .zadd(keys.revoked(), until, installation)
        .zremrangebyscore(keys.revoked(), '-inf', now)
        .publish(
          keys.revocationChannel(),
          JSON.stringify({ type: 'revoked', installation, until } satisfies Message),
        )
        .exec();
    },

    async liveGateways() {
      // Three missed heartbeats and a gateway no longer counts as live.
      return command.zrangebyscore(keys.gateways(), Date.now() - 3 * heartbeatMs, '+inf');
    },

    async awaitAcks(installation, gateways, timeoutMs) {
      await listenForAcks();
      const read = async () => {
        const hash = await command.hgetall(keys.revocationAcks(installation));
        return new Map(
          Object.entries(hash)
            .filter(([g]) => gateways.includes(g))
            .map(([g, at]) => [g, Number(at)] as const),
        );
      };
      const deadline = Date.now() + timeoutMs;
      let acks = await read();
      while (acks.size < gateways.length && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, Math.min(50, Math.max(1, deadline - Date.now())));
          waiters.add(wake);
        });
        acks = await read();
      }
      return acks;
    },

    async openFeed(options) {
      const feed = await openRedisFeed(url, keys, command, { ...options, heartbeatMs });
      opened.push(feed);
      return feed;
    },

    async close() {
      await Promise.all(opened.map((f) => f.close()));
      if (ackListener) await closeClient(ackListener);
      await closeClient(command);
    },
  };
}

async function openRedisFeed(
  url: string,
  keys: RedisKeys,
  command: Redis,
  options: FeedOptions & { heartbeatMs: number },
): Promise<RevocationFeed> {
  const gatewayId = `gw-${randomUUID()}`;
  const set = new ExpiringSet();
  const subscriber = openClient(url, () => {});
  /** Set after a full load that followed the latest (re)subscription. */
  let synced = false;
  let confirmedAt = 0;
  let closed = false;

  async function acknowledge(installation: string): Promise<void> {
    const at = Date.now();
    await command
      .multi()
      .hset(keys.revocationAcks(installation), gatewayId, at)
      .expire(keys.revocationAcks(installation), ACK_TTL_SECONDS)
      .publish(keys.revocationAckChannel(), installation)
      .exec();
  }

  async function resync(): Promise<void> {
    synced = false;
    const now = Date.now();
    const entries = await command.zrangebyscore(keys.revoked(), now, '+inf', 'WITHSCORES');
    for (let i = 0; i + 1 < entries.length; i += 2)
      set.add(entries[i] as string, Number(entries[i + 1]));
    set.sweep(now);
    synced = true;
    confirmedAt = Date.now();
  }

  subscriber.on('message', (_channel: string, raw: string) => {
    let msg: Message;
    try {
      msg = JSON.parse(raw) as Message;
    } catch {
      return;
    }
    if (msg.type === 'revoked') {
      set.add(msg.installation, msg.until);
      acknowledge(msg.installation).catch(() => {});
    } else if (msg.type === 'beat' && msg.gateway === gatewayId && synced) {
      confirmedAt = Date.now();
    }
  });
  // Whatever happened while the connection was down is unknown: stale until reloaded.
  subscriber.on('close', () => {
    synced = false;
  });
  subscriber.on('ready', () => {
    if (closed) return;
    // Subscribe (again: idempotent) before loading, so no notice falls between the two.
    subscriber
      .subscribe(keys.revocationChannel())
      .then(resync)
      .catch(() => {});
  });

  await subscriber.subscribe(keys.revocationChannel());
  await resync();

  let beats = 0;
  const beat = setInterval(() => {
    command
      .multi()
      .zadd(keys.gateways(), Date.now(), gatewayId)
      .zremrangebyscore(keys.gateways(), '-inf', Date.now() - 60_000)
      .publish(
        keys.revocationChannel(),
        JSON.stringify({ type: 'beat', gateway: gatewayId } satisfies Message),
      )
      .exec()
      .catch(() => {});
    // Lapsed ids cost nothing in lookups; drop them about once a minute, not every beat.
    if (++beats % SWEEP_EVERY_BEATS === 0) set.sweep();
  }, options.heartbeatMs);
  beat.unref();
  await command.zadd(keys.gateways(), Date.now(), gatewayId);

  return {
    gatewayId,
    has: (id) => set.has(id),
    isFresh: () => synced && Date.now() - confirmedAt <= options.stalenessMs,
    staleForMs: () => (synced ? Date.now() - confirmedAt : Number.POSITIVE_INFINITY),
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
