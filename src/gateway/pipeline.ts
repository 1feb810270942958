// The gateway's request pipeline, in order: canonicalize path → match route →
// authenticate → check revocation → check scope → rewrite headers → proxy. Each step is
// a small function that fills the exchange or throws a GatewayError.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { satisfies } from '../scopes/index.ts';
import { type CanonicalTarget, canonicalize } from './canonicalize.ts';
import { badRequest, GatewayError, invalidToken } from './errors.ts';
import { type Forwarding, upstreamHeaders } from './headers.ts';
import type { UpstreamResponse, Upstreams } from './proxy.ts';
import type { RevokedSet } from './revoked-set.ts';
import { type CompiledRoute, matchRoute as findRoute } from './routes.ts';
import type { VerifiedToken } from './token-cache.ts';
import type { UsageCounter } from './usage.ts';
import type { AccessTokenVerifier } from './verify-access-token.ts';

export interface GatewayDeps {
  routes: readonly CompiledRoute[];
  verifier: AccessTokenVerifier;
  revoked: RevokedSet;
  upstreams: Upstreams;
  usage: UsageCounter;
}

/** What the pipeline learns about one request as it goes. */
export interface Exchange {
  req: IncomingMessage;
  /** Where the request came from, as the upstream will be told. */
  forwarding: Forwarding;
  requestId: string;
  target?: CanonicalTarget;
  route?: CompiledRoute;
  token?: VerifiedToken;
  headers?: Record<string, string | string[]>;
  response?: UpstreamResponse;
}

type Step = (x: Exchange, deps: GatewayDeps) => void | Promise<void>;

export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`pipeline order: ${what} missing`);
  return value;
}

export const canonicalizePath: Step = (x) => {
  const result = canonicalize(x.req.url ?? '');
  if (!result.ok) throw badRequest(result.reason);
  x.target = result.target;
};

export const matchRoute: Step = (x, deps) => {
  const target = need(x.target, 'target');
  x.route = findRoute(deps.routes, x.req.method ?? '', target.segments);
  if (!x.route) throw new GatewayError(404, 'not_found', 'no route for this method and path');
};

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

export const authenticate: Step = async (x, deps) => {
  const header = x.req.headers.authorization;
  const query = need(x.target, 'target').query;
  if (query.includes('access_token') && new URLSearchParams(query).has('access_token'))
    throw invalidToken('tokens are accepted in the Authorization header only');
  if (!header) throw invalidToken('a bearer access token is required');
  const token = BEARER.exec(header)?.[1];
  if (!token) throw invalidToken('the Authorization header must be "Bearer <token>"');
  const result = await deps.verifier.verify(token);
  if (!result.ok) throw invalidToken(result.reason);
  x.token = result.token;
};

export const checkRevocation: Step = (x, deps) => {
  if (!deps.revoked.isFresh()) {
    throw new GatewayError(
      503,
      'temporarily_unavailable',
      'revocation state cannot be confirmed; try again shortly',
    );
  }
  if (deps.revoked.has(need(x.token, 'token').installation)) {
    throw invalidToken('the installation was revoked');
  }
};

export const checkScope: Step = (x, deps) => {
  const route = need(x.route, 'route');
  const token = need(x.token, 'token');
  if (!satisfies(token.scopes, route.scope)) {
    throw new GatewayError(
      403,
      'insufficient_scope',
      `this request needs the ${route.scope} scope`,
      route.scope,
    );
  }
  deps.usage.record(token.installation, route.scope);
};

export const rewriteHeaders: Step = (x) => {
  x.headers = upstreamHeaders(
    x.req.headers,
    need(x.token, 'token'),
    { ...x.forwarding, requestId: x.requestId },
    need(x.route, 'route').forwardAuthorization,
  );
};

export const proxy: Step = async (x, deps) => {
  const target = need(x.target, 'target');
  const path = target.query ? `${target.rawPath}?${target.query}` : target.rawPath;
  x.response = await deps.upstreams.forward(
    need(x.route, 'route').upstreamUrl,
    path,
    x.req,
    need(x.headers, 'headers'),
  );
};

export const PIPELINE: readonly Step[] = [
  canonicalizePath,
  matchRoute,
  authenticate,
  checkRevocation,
  checkScope,
  rewriteHeaders,
  proxy,
];

/** A new exchange; the request id is the client's when well-formed, else a new one. */
export function newExchange(req: IncomingMessage, forwarding: Forwarding): Exchange {
  const incomingId = req.headers['x-request-id'];
  return {
    req,
    forwarding,
    requestId:
      typeof incomingId === 'string' && /^[\w.-]{1,64}$/.test(incomingId)
        ? incomingId
        : randomUUID(),
  };
}

/** Runs every step in order; resolves with `x.response` set or rejects with the refusal. */
export async function runPipeline(x: Exchange, deps: GatewayDeps): Promise<void> {
  for (const step of PIPELINE) {
    // Most steps are synchronous; awaiting only real promises saves a microtask per step.
    const pending = step(x, deps);
    if (pending) await pending;
  }
}
