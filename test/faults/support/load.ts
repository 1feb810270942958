// A closed-loop load generator: `connections` loops, each sending the next request as soon
// as the previous answer is read, for a fixed time. Every answer is tallied by kind and
// status (0 = no answer, with the error code), with a latency sample for percentiles.
import type { Dispatcher } from 'undici';
import { type Call, send } from './http.ts';

/** One request of the mix: its kind names the statuses it may get. */
export interface Shot {
  kind: string;
  call: Call;
  /** What the test needs to recognise this shot's answer (e.g. which token it carried). */
  tag?: number;
}

export interface LoadOptions {
  dispatcher: Dispatcher;
  connections: number;
  durationMs: number;
  /** The next request to send. */
  next: () => Shot;
  /** Called with every answer (`startedAt` is Date.now() when the request was sent). */
  observe?: (shot: Shot, status: number, startedAt: number) => void;
  /** Deadline of one answer. */
  timeoutMs?: number;
}

const SAMPLE_SIZE = 20_000;

/** Counts by kind and status, and a uniform latency sample (reservoir) per kind. */
export class Tally {
  readonly counts = new Map<string, Map<string, number>>();
  private readonly samples = new Map<string, number[]>();
  private readonly seen = new Map<string, number>();
  total = 0;

  record(kind: string, status: number, error: string | undefined, ms: number): void {
    this.total++;
    const key = status === 0 ? `error:${error ?? 'unknown'}` : String(status);
    const byStatus = this.counts.get(kind) ?? new Map<string, number>();
    this.counts.set(kind, byStatus);
    byStatus.set(key, (byStatus.get(key) ?? 0) + 1);

    const n = (this.seen.get(kind) ?? 0) + 1;
    this.seen.set(kind, n);
    const sample = this.samples.get(kind) ?? [];
    this.samples.set(kind, sample);
    if (sample.length < SAMPLE_SIZE) sample.push(ms);
    else {
      const slot = Math.floor(Math.random() * n);
      if (slot < SAMPLE_SIZE) sample[slot] = ms;
    }
  }

  /** `{kind: {status: count}}` */
  byKind(): Record<string, Record<string, number>> {
    return Object.fromEntries(
      [...this.counts].map(([kind, byStatus]) => [kind, Object.fromEntries(byStatus)]),
    );
  }

  /** `{status: count}` over every kind. */
  byStatus(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const byStatus of this.counts.values())
      for (const [status, n] of byStatus) out[status] = (out[status] ?? 0) + n;
    return out;
  }

  /** Latency percentiles (ms, one decimal) per kind, from the sample. */
  latency(): Record<string, { p50: number; p99: number; max: number }> {
    const round = (v: number) => Math.round(v * 10) / 10;
    return Object.fromEntries(
      [...this.samples].map(([kind, sample]) => {
        const sorted = [...sample].sort((a, b) => a - b);
        const at = (q: number) =>
          sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
        return [kind, { p50: round(at(0.5)), p99: round(at(0.99)), max: round(at(1)) }];
      }),
    );
  }

  /** Answers whose status is not among `expected[kind]`, as `{kind: {status: count}}`. */
  unexpected(expected: Record<string, readonly number[]>): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [kind, byStatus] of this.counts) {
      const allowed = new Set((expected[kind] ?? []).map(String));
      for (const [status, n] of byStatus) {
        if (allowed.has(status)) continue;
        out[kind] ??= {};
        out[kind][status] = n;
      }
    }
    return out;
  }
}

/** Runs the load; resolves when every loop has had its last answer. */
export async function runLoad(opts: LoadOptions, tally: Tally): Promise<{ elapsedMs: number }> {
  const started = Date.now();
  const end = started + opts.durationMs;
  const loop = async () => {
    while (Date.now() < end) {
      const shot = opts.next();
      const startedAt = Date.now();
      const answer = await send(opts.dispatcher, shot.call, opts.timeoutMs ?? 10_000);
      tally.record(shot.kind, answer.status, answer.error, answer.ms);
      opts.observe?.(shot, answer.status, startedAt);
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, loop));
  return { elapsedMs: Date.now() - started };
}
