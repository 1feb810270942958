// Sign-in throttling in memory: a sliding window log of hit times per key, read against
// Date.now() so fake timers move the window; a key's log expires with its last hit.
import type { ThrottleStore } from '../types.ts';
import { ExpiringMap } from './expiring-map.ts';

/** A ThrottleStore counting hits within the last `windowSeconds`. */
export function createMemoryThrottle(): ThrottleStore {
  const hits = new ExpiringMap<number[]>();
  return {
    async hit(key, windowSeconds) {
      const now = Date.now();
      const windowMs = windowSeconds * 1000;
      const recent = (hits.get(key) ?? []).filter((at) => at > now - windowMs);
      recent.push(now);
      hits.set(key, recent, now + windowMs);
      return recent.length;
    },
    async clear(key) {
      hits.delete(key);
    },
  };
}
