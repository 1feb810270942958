// Operator replay of a dead-lettered (or 410-stopped) delivery: a new round of the retry
// schedule under the same webhook-id, with every earlier attempt kept in the log.
import { conflict, notFound } from '../errors/index.ts';
import { jobId } from './ids.ts';
import type { Delivery, DeliveryLog, DeliveryQueue, DeliveryStatus } from './types.ts';

/** Statuses an operator may replay. */
export const REPLAYABLE: readonly DeliveryStatus[] = ['dead', 'gone'];

/** Starts a new round for the delivery; 404 unknown, 409 when it is not replayable. */
export async function replayDelivery(
  deps: { log: DeliveryLog; queue: DeliveryQueue; now?: () => Date },
  id: string,
): Promise<Delivery> {
  const delivery = await deps.log.get(id);
  if (!delivery) throw notFound(`delivery ${id}`);
  const refused = conflict(
    `delivery ${id} is ${delivery.status}; only ${REPLAYABLE.join(' or ')} deliveries can be retried`,
  );
  if (!REPLAYABLE.includes(delivery.status)) throw refused;
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const round = delivery.round + 1;
  const applied = await deps.log.transition(delivery, {
    from: REPLAYABLE,
    state: {
      status: 'pending',
      round,
      attempts_in_round: 0,
      next_attempt_at: null,
      reason: null,
      updated_at: now,
    },
  });
  if (!applied) throw refused;
  await deps.queue.enqueue([{ jobId: jobId(id, round), delivery: id }]);
  return (await deps.log.get(id)) ?? delivery;
}
