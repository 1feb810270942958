// The identifiers of webhook delivery: event ids (given or generated), delivery ids
// derived from (event, installation) so a re-posted event maps to the same deliveries.
import { createHash, randomBytes } from 'node:crypto';

/** Event ids the platform may choose: 1–128 of letters, digits and `_ . : -`. */
export const EVENT_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** A fresh event id for an event posted without one. */
export function newEventId(): string {
  return `evt_${randomBytes(16).toString('base64url')}`;
}

/** The event id of an installation's `installation/revoked` (one per installation). */
export function revokedEventId(installation: string): string {
  return `evt_revoked_${createHash('sha256').update(installation).digest('base64url').slice(0, 24)}`;
}

/**
 * The delivery id (the `webhook-id`) of an event for an installation: deterministic, so
 * intake is idempotent, and opaque (`msg_` + 144 bits of a hash).
 */
export function deliveryId(event: string, installation: string): string {
  const digest = createHash('sha256').update(`${event}\n${installation}`).digest('base64url');
  return `msg_${digest.slice(0, 24)}`;
}

/** The queue job of a delivery's round: rounds after an operator replay get their own job. */
export function jobId(delivery: string, round: number): string {
  return round === 0 ? delivery : `${delivery}-r${round}`;
}
