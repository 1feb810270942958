// The reporting window of a usage review, from the operator's `since`: a duration (`30d`,
// the last 30 UTC days with today) or an ISO date/time (from that UTC day on), up to now.
import type { Problem } from '../errors/index.ts';
import { addDays, dayStart, oldestKeptDay, USAGE_RETENTION_DAYS, utcDay } from './days.ts';

/** Whole UTC days `from`..`to` (usage is bucketed per day), reported as since/until. */
export interface UsageWindow {
  /** First day counted (YYYY-MM-DD). */
  from: string;
  /** Last day counted: the day of `until`. */
  to: string;
  /** ISO start of `from`: where the window effectively begins. */
  since: string;
  /** ISO time of the review (now). */
  until: string;
}

export const DEFAULT_SINCE = '30d';

const DURATION = /^(\d{1,4})d$/;
const ISO = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

export const SINCE_EXPECTED = `a duration like 30d (1-${USAGE_RETENTION_DAYS} days) or an ISO date like 2026-01-31`;

/** false for dates Date.parse would roll over, such as 2026-02-30. */
function isCalendarDate(date: string): boolean {
  const start = dayStart(date);
  return !Number.isNaN(start) && utcDay(start) === date;
}

/** The first day a `since` value names, or a message saying why it names none. */
function firstDay(since: string, today: string): string | { problem: string } {
  const duration = DURATION.exec(since);
  if (duration) {
    const n = Number(duration[1]);
    if (n < 1 || n > USAGE_RETENTION_DAYS) {
      return { problem: `a duration must be 1-${USAGE_RETENTION_DAYS} days, got ${since}` };
    }
    return addDays(today, -(n - 1));
  }
  const time = ISO.test(since) ? Date.parse(since) : Number.NaN;
  if (Number.isNaN(time) || !isCalendarDate(since.slice(0, 10))) {
    return { problem: `expected ${SINCE_EXPECTED}, got ${JSON.stringify(since.slice(0, 40))}` };
  }
  const day = utcDay(time);
  if (day > today) return { problem: `${since} is in the future` };
  if (day < oldestKeptDay(today)) {
    return {
      problem: `${since} is before ${oldestKeptDay(today)}: daily usage is kept ${USAGE_RETENTION_DAYS} days`,
    };
  }
  return day;
}

/** The window for `since` (default 30d) at `now`, or the problem with `since`. */
export function parseWindow(
  since: string | undefined,
  now: Date,
): { ok: true; window: UsageWindow } | { ok: false; problem: Problem } {
  const today = utcDay(now);
  const from = firstDay(since || DEFAULT_SINCE, today);
  if (typeof from !== 'string')
    return { ok: false, problem: { path: 'since', message: from.problem } };
  return {
    ok: true,
    window: {
      from,
      to: today,
      since: new Date(dayStart(from)).toISOString(),
      until: now.toISOString(),
    },
  };
}
