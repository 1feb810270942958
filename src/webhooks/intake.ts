// Event intake: validate, fan out, record the event with its deliveries atomically, then
// queue them. The same event id twice queues once (a repeat only heals a lost enqueue).
import { conflict } from '../errors/index.ts';
import type { Installation } from '../store/types.ts';
import type { EventInput } from './event-input.ts';
import { type FanOutDeps, fanOut } from './fan-out.ts';
import { deliveryId, jobId, newEventId } from './ids.ts';
import { eventBody, eventFingerprint } from './payload.ts';
import {
  type DeliveryLog,
  type DeliveryQueue,
  type NewDelivery,
  OPEN_STATUSES,
  type QueuedDelivery,
  type StoredEvent,
} from './types.ts';

/** What intake writes to. */
export interface IntakeDeps extends FanOutDeps {
  log: DeliveryLog;
  queue: DeliveryQueue;
  now?: () => Date;
}

/** The 202 body of `POST /admin/events`. */
export interface IntakeResult {
  id: string;
  /** Deliveries queued for the event (on a repeat: those queued the first time). */
  deliveries: number;
  /** true when the id had been posted before and nothing new was queued. */
  duplicate: boolean;
}

function newDelivery(event: StoredEvent, installation: Installation): NewDelivery {
  return {
    record: {
      id: deliveryId(event.id, installation.id),
      event: event.id,
      topic: event.topic,
      site: event.site,
      app: installation.app,
      installation: installation.id,
      created_at: event.received_at,
    },
    state: {
      status: 'pending',
      round: 0,
      attempts_in_round: 0,
      next_attempt_at: null,
      reason: null,
      updated_at: event.received_at,
    },
  };
}

/** Re-queues the event's open deliveries; the queue ignores jobs it still holds. */
async function requeueOpen(deps: IntakeDeps, event: StoredEvent): Promise<void> {
  const now = Date.now();
  const found = await Promise.all(event.deliveries.map((id) => deps.log.get(id)));
  const jobs = found.flatMap((delivery): QueuedDelivery[] => {
    if (!delivery || !OPEN_STATUSES.includes(delivery.status)) return [];
    const due = delivery.next_attempt_at === null ? now : Date.parse(delivery.next_attempt_at);
    const delayMs = Math.max(0, due - now);
    return [{ jobId: jobId(delivery.id, delivery.round), delivery: delivery.id, delayMs }];
  });
  await deps.queue.enqueue(jobs);
}

async function repeated(
  deps: IntakeDeps,
  event: StoredEvent,
  input: EventInput,
): Promise<IntakeResult> {
  if (event.fingerprint !== eventFingerprint(input)) {
    throw conflict(`event ${event.id} was already posted with another topic, site or payload`);
  }
  await requeueOpen(deps, event);
  return { id: event.id, deliveries: event.deliveries.length, duplicate: true };
}

/**
 * Records and queues one event for `targets` (already filtered). Idempotent by event id:
 * a repeat with the same content returns the first result; other content is a 409.
 */
export async function queueEvent(
  deps: IntakeDeps,
  id: string,
  input: EventInput,
  targets: (event: StoredEvent) => Promise<Installation[]>,
): Promise<IntakeResult> {
  const existing = await deps.log.event(id);
  if (existing) return repeated(deps, existing, input);
  const receivedAt = (deps.now ?? (() => new Date()))().toISOString();
  const event: StoredEvent = {
    id,
    topic: input.topic,
    site: input.site,
    body: eventBody(id, input, receivedAt),
    fingerprint: eventFingerprint(input),
    deliveries: [],
    received_at: receivedAt,
  };
  const deliveries = (await targets(event)).map((i) => newDelivery(event, i));
  // An event nobody gets is not kept: a repeat is fanned out again, nothing was queued.
  if (deliveries.length === 0) return { id, deliveries: 0, duplicate: false };
  event.deliveries = deliveries.map((d) => d.record.id);
  const recorded = await deps.log.recordEvent(event, deliveries);
  if (!recorded.created) return repeated(deps, recorded.event, input);
  await deps.queue.enqueue(
    deliveries.map((d) => ({ jobId: jobId(d.record.id, 0), delivery: d.record.id })),
  );
  return { id, deliveries: deliveries.length, duplicate: false };
}

/** Intake of a validated platform event: fan-out through the site's installations. */
export function intakeEvent(deps: IntakeDeps, input: EventInput): Promise<IntakeResult> {
  return queueEvent(deps, input.id ?? newEventId(), input, () =>
    fanOut(deps, input.topic, input.site),
  );
}
