// What the upstream sees of the client's headers: hop-by-hop, method-override and URL
// rewrite headers, client-sent identity headers and the bearer token are dropped; the
// gateway's identity headers and forwarding headers are set from what it verified.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { VerifiedToken } from './token-cache.ts';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

// Cookie: the gateway authenticates by bearer token only; a browser's ambient cookies
// (the merchant session of an auth server on the same host, say) never reach the platform.
const NEVER_FORWARDED = new Set([
  'cookie',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'x-original-url',
  'x-rewrite-url',
  'x-original-method',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-real-ip',
]);

const MAPPED = '::ffff:';

/** The peer's address, an IPv4-mapped IPv6 one (`::ffff:10.0.0.1`) as plain IPv4. */
function peerOf(address: string): string {
  return address.startsWith(MAPPED) && address.includes('.', MAPPED.length)
    ? address.slice(MAPPED.length)
    : address;
}

/** The X-Forwarded-* values the upstream receives. */
export interface Forwarding {
  /** The client chain, nearest last. */
  forwardedFor: string;
  host: string;
  proto: string;
}

/**
 * Forwarding values for a request: rebuilt from the connection, except that a trusted
 * proxy's X-Forwarded-* are kept (with the proxy appended to the chain).
 */
export function forwardingOf(
  req: IncomingMessage,
  trustedProxies: ReadonlySet<string>,
): Forwarding {
  const peer = peerOf(req.socket.remoteAddress ?? '');
  const own: Forwarding = {
    forwardedFor: peer,
    host: req.headers.host ?? '',
    proto: 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http',
  };
  if (!trustedProxies.has(peer)) return own;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const chain = first(req.headers['x-forwarded-for']);
  return {
    forwardedFor: chain ? `${chain}, ${peer}` : peer,
    host: first(req.headers['x-forwarded-host']) ?? own.host,
    proto: first(req.headers['x-forwarded-proto']) ?? own.proto,
  };
}

const NONE: ReadonlySet<string> = new Set();

/** The header names a Connection header lists (RFC 9110 §7.6.1); none for the usual values. */
function listedIn(connection: string | undefined): ReadonlySet<string> {
  if (!connection || connection === 'keep-alive' || connection === 'close') return NONE;
  return new Set(
    connection
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** Adds a header to a flat `[name, value, …]` list, a repeated one once per value. */
export function pushHeader(out: string[], name: string, value: string | string[]): void {
  if (typeof value === 'string') out.push(name, value);
  else for (const each of value) out.push(name, each);
}

/**
 * The request headers to send upstream, as undici's flat `[name, value, …]` list: built
 * by pushing, and read by undici by index, where an object's dynamic keys cost a
 * megamorphic store each here and a keyed load each there.
 */
export function upstreamHeaders(
  incoming: IncomingHttpHeaders,
  token: VerifiedToken,
  forwarding: Forwarding,
  requestId: string,
  forwardAuthorization: boolean,
): string[] {
  const connectionListed = listedIn(incoming.connection);
  const out: string[] = [];
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined) continue;
    if (HOP_BY_HOP.has(name) || NEVER_FORWARDED.has(name) || connectionListed.has(name)) continue;
    if (name.startsWith('x-scopegate-')) continue;
    if (name === 'authorization' && !forwardAuthorization) continue;
    pushHeader(out, name, value);
  }
  out.push(
    'x-scopegate-app',
    token.client_id,
    'x-scopegate-site',
    token.site,
    'x-scopegate-merchant',
    token.sub,
    'x-scopegate-scopes',
    token.scope,
    'x-scopegate-installation',
    token.installation,
    'x-request-id',
    requestId,
    'x-forwarded-for',
    forwarding.forwardedFor,
    'x-forwarded-host',
    forwarding.host,
    'x-forwarded-proto',
    forwarding.proto,
  );
  return out;
}

/**
 * Response headers from the upstream that must not be relayed as they are. `name` is
 * lower-case, as undici (and node:http) give header names.
 */
export function relayable(name: string): boolean {
  return !HOP_BY_HOP.has(name);
}
