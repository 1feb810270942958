// Who may receive an event, pure: an installation not revoked, whose app subscribed to
// the topic and whose approved scopes read its resource; `installation/revoked` only after.
import { PLATFORM_TOPICS } from '../apps/manifest-rules.ts';
import { canRead } from '../scopes/index.ts';
import type { Installation, StoredApp } from '../store/types.ts';
import type { GoneMarker } from './types.ts';

/** The topic every app receives for its own installation when it is revoked. */
export const INSTALLATION_REVOKED = 'installation/revoked';

/** The resource of a topic: the part before `/`. */
export function topicResource(topic: string): string {
  return topic.slice(0, topic.indexOf('/'));
}

/** true when the topic is one scopegate itself emits (never posted by the platform). */
export function isPlatformTopic(topic: string): boolean {
  return PLATFORM_TOPICS.has(topic);
}

/** A delivery may go ahead (`url` = where), or may not (`reason` = why, for the log). */
export type Entitlement = { ok: true; url: string } | { ok: false; reason: string };

/**
 * true when a 410 marker still applies: same URL, and the app was not registered again
 * since (a re-registration gets a new createdAt).
 */
export function isGone(app: StoredApp, url: string, marker: GoneMarker | undefined): boolean {
  return marker !== undefined && marker.url === url && marker.at >= app.createdAt;
}

/**
 * Whether `installation` of `app` may receive an event of `topic` now. Checked at intake
 * (the fan-out filter) and again before every attempt.
 */
export function entitlement(
  installation: Installation | undefined,
  app: StoredApp | undefined,
  topic: string,
  gone: GoneMarker | undefined,
): Entitlement {
  if (!installation) return { ok: false, reason: 'installation not found' };
  if (!app || app.id !== installation.app) return { ok: false, reason: 'app not registered' };
  const url = app.manifest.webhooks?.url;
  if (!url) return { ok: false, reason: 'app has no webhook url' };
  if (isGone(app, url, gone)) return { ok: false, reason: 'endpoint answered 410 Gone' };
  if (topic === INSTALLATION_REVOKED) {
    return installation.revoked_at === null
      ? { ok: false, reason: 'installation not revoked' }
      : { ok: true, url };
  }
  if (installation.revoked_at !== null) return { ok: false, reason: 'installation revoked' };
  if (!app.manifest.webhooks?.topics.includes(topic)) {
    return { ok: false, reason: `app not subscribed to ${topic}` };
  }
  const resource = topicResource(topic);
  if (!canRead(installation.approved_scope.scopes, resource)) {
    return { ok: false, reason: `approved scopes do not read ${resource}` };
  }
  return { ok: true, url };
}
