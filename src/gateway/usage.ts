// Requests per installation and scope, aggregated in memory and flushed to the store in
// batches (never a store write per request), for least-privilege reports.
import type { UsageStore } from '../store/types.ts';

/** Where counts go: the store's usage records. */
export type UsageSink = Pick<UsageStore, 'add'>;

interface Pending {
  installation: string;
  scope: string;
  count: number;
  last: number;
}

export class UsageCounter {
  /** Installation → scope → count: the token's and the route's own strings as keys. */
  private pending = new Map<string, Map<string, Pending>>();

  record(installation: string, scope: string): void {
    const entry = this.entry(installation, scope);
    entry.count++;
    entry.last = Date.now();
  }

  /** Hands the pending counts to the sink; on failure they are kept for the next flush. */
  async flush(sink: UsageSink): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()].flatMap((scopes) => [...scopes.values()]);
    this.pending = new Map();
    try {
      await sink.add(batch.map((e) => ({ ...e, last: new Date(e.last).toISOString() })));
    } catch (err) {
      for (const e of batch) {
        const kept = this.entry(e.installation, e.scope);
        kept.count += e.count;
        kept.last = Math.max(kept.last, e.last);
      }
      throw err;
    }
  }

  private entry(installation: string, scope: string): Pending {
    let scopes = this.pending.get(installation);
    if (!scopes) {
      scopes = new Map();
      this.pending.set(installation, scopes);
    }
    let entry = scopes.get(scope);
    if (!entry) {
      entry = { installation, scope, count: 0, last: 0 };
      scopes.set(scope, entry);
    }
    return entry;
  }
}
