// UTC calendar days, the unit usage is kept and reported in: the gateway's counts are
// bucketed per day (YYYY-MM-DD) and a bucket lives USAGE_RETENTION_DAYS days.

/** How many days of daily usage buckets are kept (today included); older ones expire. */
export const USAGE_RETENTION_DAYS = 400;

export const DAY_MS = 86_400_000;

/** The UTC day (YYYY-MM-DD) of a time. */
export function utcDay(time: Date | string | number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** Milliseconds at the start (00:00 UTC) of a day. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

/** The day `n` days after `day` (before it when negative). */
export function addDays(day: string, n: number): string {
  return utcDay(dayStart(day) + n * DAY_MS);
}

/** The oldest day whose bucket is still kept on `today`. */
export function oldestKeptDay(today: string): string {
  return addDays(today, -(USAGE_RETENTION_DAYS - 1));
}

/** `from`, or the oldest day still kept today when `from` is older. */
export function keptFrom(from: string, now = Date.now()): string {
  const oldest = oldestKeptDay(utcDay(now));
  return from < oldest ? oldest : from;
}

/** Every day from `from` to `to`, both included; empty when `from` is after `to`. */
export function daysFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) out.push(day);
  return out;
}

/** Whole days elapsed from `from` to `now` (0 within the first 24 hours, never negative). */
export function daysSince(from: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(from)) / DAY_MS));
}
