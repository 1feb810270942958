// The body every delivery of an event sends (Standard Webhooks' recommended shape), built
// once at intake so each attempt signs the very same bytes.
import { createHash } from 'node:crypto';
import type { Installation } from '../store/types.ts';
import type { EventInput } from './event-input.ts';

/** `{id, type, timestamp, site, data}` as JSON text. */
export function eventBody(id: string, input: EventInput, receivedAt: string): string {
  return JSON.stringify({
    id,
    type: input.topic,
    timestamp: receivedAt,
    site: input.site,
    data: input.payload,
  });
}

/** What makes two postings of one id the same event: topic, site and payload. */
export function eventFingerprint(input: EventInput): string {
  return createHash('sha256')
    .update(JSON.stringify([input.topic, input.site, input.payload]))
    .digest('base64url');
}

/** The payload of `installation/revoked`: which installation, and when (not by whom). */
export function revokedPayload(installation: Installation): Record<string, unknown> {
  return {
    installation: installation.id,
    app: installation.app,
    site: installation.site,
    revoked_at: installation.revoked_at,
  };
}
