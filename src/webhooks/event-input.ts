// What the platform may post to `POST /admin/events`: every problem named at once
// (unknown topic resource, missing site, payload too large) before anything is queued.
import { TOPIC } from '../apps/manifest-schema.ts';
import { invalidRequest, type Problem } from '../errors/index.ts';
import { isObject } from '../json.ts';
import type { ScopeCatalogue } from '../scopes/index.ts';
import { EVENT_ID } from './ids.ts';

/** A valid event as posted, with its id when one was given. */
export interface EventInput {
  id?: string;
  topic: string;
  site: string;
  payload: Record<string, unknown>;
}

const SITE = /^[A-Za-z0-9_.:-]{1,128}$/;
const KEYS = ['id', 'topic', 'site', 'payload'];

function topicProblems(topic: unknown, catalogue: ScopeCatalogue): Problem[] {
  if (typeof topic !== 'string' || topic === '') {
    return [{ path: 'topic', message: 'is required (resource/event, e.g. "content/updated")' }];
  }
  const resource = TOPIC.exec(topic)?.[1];
  if (!resource) {
    return [{ path: 'topic', message: 'must be resource/event, e.g. "content/updated"' }];
  }
  if (resource === 'installation') {
    return [{ path: 'topic', message: `"${topic}" is sent by scopegate itself` }];
  }
  if (!catalogue.resources().includes(resource)) {
    return [{ path: 'topic', message: `unknown resource "${resource}" (no such scope)` }];
  }
  return [];
}

function payloadProblems(payload: unknown, maxBytes: number): Problem[] {
  if (payload === undefined) return [{ path: 'payload', message: 'is required (an object)' }];
  if (!isObject(payload)) return [{ path: 'payload', message: 'must be an object' }];
  const size = Buffer.byteLength(JSON.stringify(payload));
  return size > maxBytes
    ? [{ path: 'payload', message: `is ${size} bytes; at most ${maxBytes} are accepted` }]
    : [];
}

/**
 * Validates an intake body; throws a 400 listing every problem. The topic's resource must
 * be in the scope catalogue, or no app could ever be entitled to it.
 */
export function parseEventInput(
  body: unknown,
  ctx: { catalogue: ScopeCatalogue; maxPayloadBytes: number },
): EventInput {
  if (!isObject(body)) throw invalidRequest('the body must be a JSON object');
  const { id, topic, site, payload } = body;
  const problems: Problem[] = Object.keys(body)
    .filter((k) => !KEYS.includes(k))
    .map((k) => ({ path: k, message: 'unknown key' }));
  if (id !== undefined && (typeof id !== 'string' || !EVENT_ID.test(id))) {
    problems.push({ path: 'id', message: 'must be 1-128 of A-Z a-z 0-9 _ . : -' });
  }
  problems.push(...topicProblems(topic, ctx.catalogue));
  if (typeof site !== 'string' || site === '') {
    problems.push({ path: 'site', message: 'is required (a site id)' });
  } else if (!SITE.test(site)) {
    problems.push({ path: 'site', message: 'must be 1-128 of A-Z a-z 0-9 _ . : -' });
  }
  problems.push(...payloadProblems(payload, ctx.maxPayloadBytes));
  if (problems.length > 0) throw invalidRequest('invalid event', problems);
  const input: EventInput = {
    topic: topic as string,
    site: site as string,
    payload: payload as Record<string, unknown>,
  };
  if (typeof id === 'string') input.id = id;
  return input;
}
