// Cancelling an open delivery without an attempt: the one transition used when an
// installation is revoked and when a delivery is no longer entitled at attempt time.
import { type CurrentDelivery, type DeliveryLog, OPEN_STATUSES } from './types.ts';

/** Moves an open delivery to `cancelled`; false when it was already final. */
export function cancelDelivery(
  log: DeliveryLog,
  delivery: CurrentDelivery,
  reason: string,
  now: Date,
): Promise<boolean> {
  return log.transition(delivery, {
    from: OPEN_STATUSES,
    state: {
      status: 'cancelled',
      round: delivery.round,
      attempts_in_round: delivery.attempts_in_round,
      next_attempt_at: null,
      reason,
      updated_at: now.toISOString(),
    },
  });
}
