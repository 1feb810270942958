// Drives one slice of load with autocannon (fixed connections, pipelining 1, fixed duration)
// and keeps every response time exactly, so slices of one scenario can be merged.
import autocannon, { type Client, type Request } from 'autocannon';

export interface LoadSpec {
  url: string;
  /** One request list per connection, dealt out in turn; each connection cycles its own. */
  perConnection: Request[][];
  connections: number;
  seconds: number;
  /** Requests per second over all connections; unset: as fast as the server answers. */
  rate?: number;
}

/** What one slice of load saw. */
export interface LoadSample {
  responses: number;
  seconds: number;
  /** Every response time, ms (autocannon's own histogram has 1 ms resolution). */
  latencies: Float64Array;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  responses: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

class Latencies {
  private values = new Float64Array(1 << 14);
  private count = 0;

  add(ms: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = ms;
  }

  all(): Float64Array {
    return this.values.slice(0, this.count);
  }
}

function dealer(perConnection: Request[][]): (client: Client) => void {
  let next = 0;
  return (client) => {
    const list = perConnection[next++ % perConnection.length];
    if (list) client.setRequests(list);
  };
}

export async function runLoad(spec: LoadSpec): Promise<LoadSample> {
  const latencies = new Latencies();
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    pipelining: 1,
    duration: spec.seconds,
    requests: spec.perConnection[0],
    setupClient: dealer(spec.perConnection),
    ...(spec.rate ? { overallRate: spec.rate } : {}),
  });
  instance.on('response', (_client, _status, _bytes, ms) => latencies.add(ms));
  const result = await instance;
  const statuses: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statuses[code] = count;
  return {
    responses: result.requests.total,
    seconds: result.duration,
    latencies: latencies.all(),
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** One slice's p99, ms. */
export function p99Of(sample: LoadSample): number {
  return round(percentile(sample.latencies.toSorted(), 99), 3);
}

/** Slices of one scenario as one result: req/s over their total time, pooled percentiles. */
export function merge(samples: readonly LoadSample[]): LoadResult {
  const sorted = new Float64Array(samples.reduce((n, s) => n + s.latencies.length, 0));
  let at = 0;
  const statuses: Record<string, number> = {};
  for (const sample of samples) {
    sorted.set(sample.latencies, at);
    at += sample.latencies.length;
    for (const [code, n] of Object.entries(sample.statuses))
      statuses[code] = (statuses[code] ?? 0) + n;
  }
  sorted.sort();
  const sum = (pick: (s: LoadSample) => number) => samples.reduce((n, s) => n + pick(s), 0);
  const responses = sum((s) => s.responses);
  return {
    rps: Math.round(responses / sum((s) => s.seconds)),
    p50Ms: round(percentile(sorted, 50), 3),
    p99Ms: round(percentile(sorted, 99), 3),
    responses,
    statuses,
    errors: sum((s) => s.errors),
    timeouts: sum((s) => s.timeouts),
  };
}
