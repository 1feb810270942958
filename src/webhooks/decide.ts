// After an attempt, pure: delivered on 2xx, stopped for good on 410, otherwise retried
// while the round's schedule has attempts left (one shouldRetry), then dead-lettered.
import { attemptsAllowed, type RetrySchedule, retryDelay } from './schedule.ts';
import type { SendOutcome } from './send.ts';
import type { DeliveryStatus } from './types.ts';

/** The verdict on one outcome. */
export type Verdict =
  | { status: 'delivered' }
  | { status: 'gone'; reason: string }
  | { status: 'retrying'; delayMs: number }
  | { status: Extract<DeliveryStatus, 'dead'>; reason: string };

const isSuccess = (code: number | null): boolean => code !== null && code >= 200 && code < 300;

/** The one retry predicate: not a success, not 410 Gone, and attempts left in the round. */
export function shouldRetry(
  outcome: SendOutcome,
  attemptsInRound: number,
  schedule: RetrySchedule,
): boolean {
  if (isSuccess(outcome.statusCode) || outcome.statusCode === 410) return false;
  return attemptsInRound < attemptsAllowed(schedule);
}

/** What follows `outcome`, the `attemptsInRound`-th attempt (1-based) of its round. */
export function verdict(
  outcome: SendOutcome,
  attemptsInRound: number,
  schedule: RetrySchedule,
): Verdict {
  if (isSuccess(outcome.statusCode)) return { status: 'delivered' };
  if (outcome.statusCode === 410) return { status: 'gone', reason: 'endpoint answered 410 Gone' };
  if (shouldRetry(outcome, attemptsInRound, schedule)) {
    return {
      status: 'retrying',
      delayMs: retryDelay(schedule, attemptsInRound, outcome.retryAfterMs),
    };
  }
  const last = outcome.statusCode === null ? outcome.error : `HTTP ${outcome.statusCode}`;
  return { status: 'dead', reason: `${attemptsInRound} attempts failed; last: ${last}` };
}
