// Requests per installation and scope, aggregated in memory and flushed to the store in
// batches (never a store write per request), for least-privilege reports.
import type { UsageStore } from '../store/types.ts';

/** Where counts go: the store's usage records. */
export type UsageSink = Pick<UsageStore, 'add'>;

export class UsageCounter {
  private pending = new Map<
    string,
    { installation: string; scope: string; count: number; last: number }
  >();

  record(installation: string, scope: string): void {
    const key = `${installation} ${scope}`;
    const entry = this.pending.get(key);
    if (entry) {
      entry.count++;
      entry.last = Date.now();
    } else {
      this.pending.set(key, { installation, scope, count: 1, last: Date.now() });
    }
  }

  /** Hands the pending counts to the sink; on failure they are kept for the next flush. */
  async flush(sink: UsageSink): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await sink.add(
        [...batch.values()].map((e) => ({ ...e, last: new Date(e.last).toISOString() })),
      );
    } catch (err) {
      for (const [key, e] of batch) {
        const now = this.pending.get(key);
        if (now) {
          now.count += e.count;
          now.last = Math.max(now.last, e.last);
        } else this.pending.set(key, e);
      }
      throw err;
    }
  }
}
