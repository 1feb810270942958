// The revocation bus on Redis: a sorted set of revoked ids (scored by when their last
// token expires) that every gateway loads at start and after every reconnect, a pub/sub
// channel for notices and heartbeats, acknowledgements that tell the revoker when each
// live gateway had the id in memory, and the revocations still awaiting gateways, kept
// until the reconciler records their enforced_at.
import type { Redis } from 'ioredis';
import { execMulti } from '../store/redis/atomic.ts';
import { closeClient, openClient } from '../store/redis/client.ts';
import type { RedisKeys } from '../store/redis/keys.ts';
import type { AwaitedGateway, PendingRevocation, RevocationBus, RevocationFeed } from './bus.ts';
import { type Message, openRedisFeed } from './redis-feed.ts';

/** How often a gateway announces itself (and confirms its feed), at most. */
const HEARTBEAT_MS = 500;

/** Heartbeats in one staleness bound, at least: a late beat or two never makes a 503. */
const BEATS_PER_BOUND = 4;

/** The heartbeat period for a staleness bound: HEARTBEAT_MS, shorter for bounds under 2 s. */
export function heartbeatFor(stalenessMs: number): number {
  return Math.max(1, Math.min(HEARTBEAT_MS, Math.floor(stalenessMs / BEATS_PER_BOUND)));
}

/** How far the clocks of two scopegate hosts may differ (heartbeats carry wall-clock times). */
const CLOCK_SKEW_MS = 1_000;

/**
 * How long after its last recorded heartbeat a gateway may still serve with a fresh feed:
 * the bound, plus one beat (a reload between beats also confirms it) and the clock skew.
 * Past this it answers 503, so it no longer has to acknowledge a revocation.
 */
export function silenceFor(stalenessMs: number): number {
  return stalenessMs + heartbeatFor(stalenessMs) + CLOCK_SKEW_MS;
}

/** Pending revocations looked at per reconciliation, oldest first. */
const PENDING_BATCH = 1_000;

export function createRedisBus(
  url: string,
  keys: RedisKeys,
  opts: { stalenessMs: number },
): RevocationBus {
  const heartbeatMs = heartbeatFor(opts.stalenessMs);
  const silenceMs = silenceFor(opts.stalenessMs);
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
      await execMulti(
        command
          .multi()
          .zadd(keys.revoked(), until, installation)
          .zremrangebyscore(keys.revoked(), '-inf', now)
          .publish(
            keys.revocationChannel(),
            JSON.stringify({ type: 'revoked', installation, until } satisfies Message),
          ),
      );
    },

    async liveGateways() {
      return command.zrangebyscore(keys.gateways(), Date.now() - silenceMs, '+inf');
    },

    async isPending(installation) {
      return (await command.zscore(keys.revocationsPending(), installation)) !== null;
    },

    async handOver(installation, gateways, sinceMs) {
      const tx = command.multi();
      if (gateways.length) tx.sadd(keys.revocationAwaited(installation), ...gateways);
      // GT: a later call moves the covered moment on, never back; a new entry is added.
      const replies = await execMulti(
        tx
          .zadd(keys.revocationsPending(), 'GT', sinceMs, installation)
          .smembers(keys.revocationAwaited(installation)),
      );
      return replies.at(-1) as string[];
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

    async pendingRevocations() {
      const flat = await command.zrange(
        keys.revocationsPending(),
        '0',
        String(PENDING_BATCH - 1),
        'WITHSCORES',
      );
      if (!flat.length) return [];
      const ids: string[] = [];
      const since: number[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        ids.push(flat[i] as string);
        since.push(Number(flat[i + 1]));
      }
      const read = command.pipeline().zrange(keys.gateways(), '0', '-1', 'WITHSCORES');
      for (const id of ids) {
        read
          .smembers(keys.revocationAwaited(id))
          .hgetall(keys.revocationAcks(id))
          .zscore(keys.revoked(), id);
      }
      const replies = (await read.exec()) ?? [];
      const results = replies.map(([err, value]) => {
        if (err) throw err;
        return value;
      });
      const beats = new Map<string, number>();
      const scored = (results[0] ?? []) as string[];
      for (let i = 0; i + 1 < scored.length; i += 2)
        beats.set(scored[i] as string, Number(scored[i + 1]));
      return ids.map((installation, i): PendingRevocation => {
        const awaited = (results[1 + 3 * i] ?? []) as string[];
        const acks = (results[2 + 3 * i] ?? {}) as Record<string, string>;
        const until = results[3 + 3 * i] as string | null | undefined;
        return {
          installation,
          sinceMs: since[i] ?? 0,
          ...(typeof until === 'string' ? { untilMs: Number(until) } : {}),
          awaited: awaited.map((gateway) => {
            const seen: AwaitedGateway = { gateway };
            if (acks[gateway] !== undefined) seen.ackedAt = Number(acks[gateway]);
            const beatAt = beats.get(gateway);
            if (beatAt !== undefined) seen.beatAt = beatAt;
            return seen;
          }),
        };
      });
    },

    async settleGateways(installation, gateways, sinceMs) {
      const tx = command.multi();
      if (gateways.length) tx.srem(keys.revocationAwaited(installation), ...gateways);
      // XX: a revocation forgotten meanwhile (enforced) is not brought back.
      await execMulti(tx.zadd(keys.revocationsPending(), 'XX', 'GT', sinceMs, installation));
    },

    async forgetPending(installation) {
      await execMulti(
        command
          .multi()
          .zrem(keys.revocationsPending(), installation)
          .del(keys.revocationAwaited(installation)),
      );
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
