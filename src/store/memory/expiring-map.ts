// A Map whose entries may carry a deadline, checked against Date.now() on every read
// (so fake timers apply) and swept lazily on writes instead of one timer per entry.

/** How often (by the clock) a write also sweeps every expired entry. */
const SWEEP_INTERVAL_MS = 60_000;

interface Slot<V> {
  value: V;
  /** Epoch ms after which the entry is gone; undefined = never. */
  expiresAt: number | undefined;
}

/** Deadline in epoch ms for a TTL in seconds; undefined or non-positive = never expires. */
export function deadline(ttlSeconds: number | undefined): number | undefined {
  return ttlSeconds !== undefined && ttlSeconds > 0 ? Date.now() + ttlSeconds * 1000 : undefined;
}

/** A key → value map whose entries expire at their deadline. */
export class ExpiringMap<V> {
  readonly #slots = new Map<string, Slot<V>>();
  #lastSweep = Date.now();

  get(key: string): V | undefined {
    return this.#live(key)?.value;
  }

  /** Epoch ms deadline of a live entry; undefined when it never expires or is absent. */
  expiresAt(key: string): number | undefined {
    return this.#live(key)?.expiresAt;
  }

  set(key: string, value: V, expiresAt: number | undefined): void {
    this.#maybeSweep();
    this.#slots.set(key, { value, expiresAt });
  }

  delete(key: string): void {
    this.#slots.delete(key);
  }

  #live(key: string): Slot<V> | undefined {
    const slot = this.#slots.get(key);
    if (slot?.expiresAt !== undefined && slot.expiresAt <= Date.now()) {
      this.#slots.delete(key);
      return undefined;
    }
    return slot;
  }

  #maybeSweep(): void {
    const now = Date.now();
    if (Math.abs(now - this.#lastSweep) < SWEEP_INTERVAL_MS) return;
    this.#lastSweep = now;
    for (const [key, slot] of this.#slots) {
      if (slot.expiresAt !== undefined && slot.expiresAt <= now) this.#slots.delete(key);
    }
  }
}
