// When a failed delivery is tried again: the configured delays with jitter, stretched
// (never shortened) by a receiver's Retry-After up to a bound.

/** The retry policy of every delivery. */
export interface RetrySchedule {
  /** Delay before retry n at index n-1, in ms; a delivery gets `delaysMs.length + 1` attempts. */
  readonly delaysMs: readonly number[];
  /** Each delay is drawn uniformly within ± this fraction of itself (0–1). */
  readonly jitter: number;
  /** The longest Retry-After honoured, in ms; a longer one is cut to this. */
  readonly maxRetryAfterMs: number;
}

/**
 * The production default of WEBHOOK_RETRY_SCHEDULE, in seconds: 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h, 10 h — eight attempts over about 27.6 hours.
 */
export const DEFAULT_RETRY_SCHEDULE = '5,300,1800,7200,18000,36000,36000';

const MAX_ENTRIES = 20;
const MAX_DELAY_SECONDS = 7 * 86_400;
const NUMBER = /^\d+(\.\d+)?$/;

/**
 * Parses WEBHOOK_RETRY_SCHEDULE: comma-separated delays in seconds (decimals allowed, so
 * tests can use `0.05`), 1–20 of them, each above 0 and at most 7 days.
 */
export function parseRetrySchedule(
  text: string,
): { ok: true; delaysMs: number[] } | { ok: false; message: string } {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length > MAX_ENTRIES) {
    return { ok: false, message: `at most ${MAX_ENTRIES} delays` };
  }
  const delaysMs: number[] = [];
  for (const [i, part] of parts.entries()) {
    const seconds = NUMBER.test(part) ? Number(part) : Number.NaN;
    if (!(seconds > 0 && seconds <= MAX_DELAY_SECONDS)) {
      return {
        ok: false,
        message: `delay ${i + 1} (${JSON.stringify(part.slice(0, 20))}) must be seconds above 0 and at most ${MAX_DELAY_SECONDS}`,
      };
    }
    delaysMs.push(Math.round(seconds * 1000));
  }
  return { ok: true, delaysMs };
}

/** A schedule from delays in ms; jitter 20 % and Retry-After bounded to 1 hour by default. */
export function retrySchedule(
  delaysMs: readonly number[],
  opts: { jitter?: number; maxRetryAfterMs?: number } = {},
): RetrySchedule {
  return Object.freeze({
    delaysMs: Object.freeze([...delaysMs]),
    jitter: opts.jitter ?? 0.2,
    maxRetryAfterMs: opts.maxRetryAfterMs ?? 3_600_000,
  });
}

/** The default schedule (DEFAULT_RETRY_SCHEDULE). */
export function defaultRetrySchedule(): RetrySchedule {
  const parsed = parseRetrySchedule(DEFAULT_RETRY_SCHEDULE);
  if (!parsed.ok) throw new Error(parsed.message);
  return retrySchedule(parsed.delaysMs);
}

/** How many attempts a round of the schedule allows. */
export function attemptsAllowed(schedule: RetrySchedule): number {
  return schedule.delaysMs.length + 1;
}

/**
 * The wait before the attempt after `attemptsMade` failed ones (1-based); the scheduled
 * delay with jitter, or the receiver's Retry-After when longer (capped).
 */
export function retryDelay(
  schedule: RetrySchedule,
  attemptsMade: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const base = schedule.delaysMs[Math.min(attemptsMade, schedule.delaysMs.length) - 1] ?? 0;
  const jittered = Math.round(base * (1 + schedule.jitter * (2 * random() - 1)));
  const asked = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, schedule.maxRetryAfterMs);
  return Math.max(jittered, asked);
}

/** Retry-After as ms from `now`: delta-seconds or an HTTP date; undefined when absent or bad. */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
