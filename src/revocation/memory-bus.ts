// The revocation bus inside one process (embedded store): notices reach the feeds
// synchronously and each feed acknowledges at once, so nothing is ever left pending.
// Same contract as the Redis bus.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  ExpiringSet,
  type RevocationBus,
  type RevocationFeed,
  type RevocationNotice,
} from './bus.ts';

export function createMemoryBus(): RevocationBus {
  const shared = new ExpiringSet();
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const feeds = new Set<string>();
  const acks = new Map<string, Map<string, number>>();

  return {
    async announce(notice: RevocationNotice) {
      shared.add(notice.installation, notice.until);
      events.emit('notice', notice);
    },
    async liveGateways() {
      return [...feeds];
    },
    // Every feed acknowledges synchronously: nothing is ever handed over.
    async isPending() {
      return false;
    },
    async handOver(_installation, gateways) {
      return [...gateways];
    },
    async pendingRevocations() {
      return [];
    },
    async settleGateways() {},
    async forgetPending() {},
    async awaitAcks(installation, gateways, timeoutMs) {
      const got = () => acks.get(installation) ?? new Map<string, number>();
      const done = () => gateways.every((g) => got().has(g));
      if (!done()) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(finish, timeoutMs);
          function finish() {
            clearTimeout(timer);
            events.off('ack', onAck);
            resolve();
          }
          function onAck() {
            if (done()) finish();
          }
          events.on('ack', onAck);
        });
      }
      return new Map([...got()].filter(([g]) => gateways.includes(g)));
    },
    async openFeed() {
      const gatewayId = `gw-${randomUUID()}`;
      const set = new ExpiringSet();
      const onNotice = (n: RevocationNotice) => {
        set.add(n.installation, n.until);
        const byGateway = acks.get(n.installation) ?? new Map<string, number>();
        byGateway.set(gatewayId, Date.now());
        acks.set(n.installation, byGateway);
        events.emit('ack');
      };
      shared.sweep();
      events.on('notice', onNotice);
      feeds.add(gatewayId);
      const feed: RevocationFeed = {
        gatewayId,
        has: (id) => set.has(id) || shared.has(id),
        isFresh: () => true,
        staleForMs: () => 0,
        get size() {
          return set.size;
        },
        async close() {
          events.off('notice', onNotice);
          feeds.delete(gatewayId);
        },
      };
      return feed;
    },
    async close() {
      events.removeAllListeners();
    },
  };
}
