// Metrics for the gateway's per-request path: plain numbers on the hot path, read by
// prom-client only when scraped. prom-client hashes the label set on every inc/observe,
// which cost the gateway about 6 µs a request (bench/gateway.bench.ts with and without).
import type { Counter, LabelValues, Registry } from 'prom-client';

/** A hot counter's increment: its label set named by two keys (a route id and a status, say). */
export type HotIncrement = (first: string, second: string | number) => void;

/**
 * Counts per label set in plain numbers, flushed into `counter` on scrape. The label set
 * is named by two keys looked up in nested maps: no string is built and no object made
 * per increment (the keys are the caller's own strings, whose hashes V8 keeps), and
 * `labelsOf` runs once per label set.
 */
export function hotCounter<T extends string>(
  counter: Counter<T>,
  labelsOf: (first: string, second: string | number) => LabelValues<T>,
  onScrape: (flush: () => void) => void,
): HotIncrement {
  const entries = new Map<string, Map<string | number, { labels: LabelValues<T>; n: number }>>();
  onScrape(() => {
    for (const inner of entries.values()) {
      for (const e of inner.values()) {
        if (e.n === 0) continue;
        counter.inc(e.labels, e.n);
        e.n = 0;
      }
    }
  });
  return (first, second) => {
    let inner = entries.get(first);
    if (!inner) {
      inner = new Map();
      entries.set(first, inner);
    }
    const e = inner.get(second);
    if (e) e.n++;
    else inner.set(second, { labels: labelsOf(first, second), n: 1 });
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
