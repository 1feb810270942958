// Metrics for the gateway's per-request path: plain numbers on the hot path, read by
// prom-client only when scraped. prom-client hashes the label set on every inc/observe,
// which cost the gateway about 6 µs a request (bench/gateway.bench.ts with and without).
import type { Counter, LabelValues, Registry } from 'prom-client';

/** A counter child per label set (keyed by the caller), flushed into `counter` on scrape. */
export function hotCounter<T extends string>(
  counter: Counter<T>,
  onScrape: (flush: () => void) => void,
): (labels: LabelValues<T>, key: string) => void {
  const entries = new Map<string, { labels: LabelValues<T>; n: number }>();
  onScrape(() => {
    for (const e of entries.values()) {
      if (e.n === 0) continue;
      counter.inc(e.labels, e.n);
      e.n = 0;
    }
  });
  return (labels, key) => {
    let e = entries.get(key);
    if (!e) {
      e = { labels, n: 0 };
      entries.set(key, e);
    }
    e.n++;
  };
}

/**
 * A label-less histogram kept as bucket counts, exposed in Prometheus' format through
 * the registry's metric interface (`get`), like prom-client's own.
 */
export class HotHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;
  readonly name: string;
  readonly help: string;
  private readonly buckets: readonly number[];

  constructor(opts: {
    name: string;
    help: string;
    buckets: readonly number[];
    registry: Registry;
  }) {
    this.name = opts.name;
    this.help = opts.help;
    this.buckets = opts.buckets;
    this.counts = new Float64Array(opts.buckets.length + 1);
    opts.registry.registerMetric(this as never);
  }

  observe(value: number): void {
    let i = 0;
    while (i < this.buckets.length && value > (this.buckets[i] ?? 0)) i++;
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.sum += value;
    this.count++;
  }

  get() {
    let cumulative = 0;
    const values = this.buckets.map((le, i) => {
      cumulative += this.counts[i] ?? 0;
      return { labels: { le }, value: cumulative, metricName: `${this.name}_bucket` };
    });
    values.push({
      labels: { le: '+Inf' as never },
      value: this.count,
      metricName: `${this.name}_bucket`,
    });
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [
        ...values,
        { labels: {}, value: this.sum, metricName: `${this.name}_sum` },
        { labels: {}, value: this.count, metricName: `${this.name}_count` },
      ],
    };
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}
