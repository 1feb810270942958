// The gateway's request pipeline, in order: canonicalize path → match route →
// authenticate → check revocation → check scope → stage review-only write → rewrite
// headers → proxy. Each step is a small function that fills the exchange, throws a
// GatewayError, or ends the pipeline with the gateway's own answer (`x.reply`).
import type { IncomingMessage } from 'node:http';
// Imported: the global `performance` is a lazy getter, looked up on every use.
import { performance } from 'node:perf_hooks';
import { requestIdOf } from '../http/request-id.ts';
import { stageProposal } from '../proposals/stage.ts';
import { proposalStatusBody, proposalStatusPath, stagedBody } from '../proposals/status.ts';
import { writeDecision } from '../proposals/write-policy.ts';
import type { ProposalStore } from '../store/types.ts';
import { type CanonicalTarget, canonicalize, requestPath } from './canonicalize.ts';
import { badRequest, GatewayError, invalidToken } from './errors.ts';
import { type Forwarding, upstreamHeaders } from './headers.ts';
import type { UpstreamResponse, Upstreams } from './proxy.ts';
import type { RevokedSet } from './revoked-set.ts';
import { type CompiledRoute, matchRoute as findRoute } from './routes.ts';
import type { VerifiedToken } from './token-cache.ts';
import type { UsageCounter } from './usage.ts';
import type { AccessTokenVerifier, VerifyResult } from './verify-access-token.ts';

export interface GatewayDeps {
  routes: readonly CompiledRoute[];
  verifier: AccessTokenVerifier;
  revoked: RevokedSet;
  upstreams: Upstreams;
  usage: UsageCounter;
  /** Where review-only writes are staged and their status read (the store's proposals). */
  proposals: Pick<ProposalStore, 'create' | 'get'>;
}

/** An answer the gateway gives itself instead of forwarding (it ends the pipeline). */
export interface GatewayReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Why, for the decision metrics (e.g. `staged`). */
  reason: string;
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
  headers?: string[];
  response?: UpstreamResponse;
  /** The gateway's own answer; set by a step, it ends the pipeline. */
  reply?: GatewayReply;
  /** Which of the gateway's own endpoints (/scopegate/…) the request is for. */
  own?: { endpoint: 'proposal-status'; id: string };
  /** The step running, or the one that refused. */
  step: string;
  /** Time spent verifying the token and waiting for the upstream's headers. */
  authSeconds?: number;
  upstreamSeconds?: number;
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

const SCHEME = 'bearer ';

export const authenticate: Step = (x, deps) => {
  const header = x.req.headers.authorization;
  const query = need(x.target, 'target').query;
  // Parsed (so `access%5Ftoken` counts too) only when there is a query at all.
  if (query !== '' && new URLSearchParams(query).has('access_token'))
    throw invalidToken('tokens are accepted in the Authorization header only');
  if (!header) throw invalidToken('a bearer access token is required');
  // The scheme is case-insensitive (RFC 9110 §11.1); "Bearer " as sent is checked first.
  if (
    header.length <= SCHEME.length ||
    (!header.startsWith('Bearer ') && header.slice(0, SCHEME.length).toLowerCase() !== SCHEME)
  ) {
    throw invalidToken('the Authorization header must be "Bearer <token>"');
  }
  const token = header.slice(SCHEME.length);
  const started = performance.now();
  const result = deps.verifier.verify(token);
  // A cached token is answered at once: no promise, no microtask.
  if (result instanceof Promise) return result.then((verified) => accept(x, verified, started));
  accept(x, result, started);
};

function accept(x: Exchange, result: VerifyResult, started: number): void {
  x.authSeconds = (performance.now() - started) / 1000;
  if (!result.ok) throw invalidToken(result.reason);
  x.token = result.token;
}

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
  // The scope module's `write ⇒ read`, expanded once when the token was verified.
  if (!token.allowed.has(route.scope)) {
    throw new GatewayError(
      403,
      'insufficient_scope',
      `this request needs the ${route.scope} scope`,
      route.scope,
    );
  }
  deps.usage.record(token.installation, route.scope);
};

/**
 * A write the scopes allow goes on only for a connected installation. A review-only
 * one is staged as a proposal and answered 202 here: nothing reaches the upstream until
 * the merchant approves it. Reads, and connected writes, pass without any I/O.
 */
export const stageReviewOnlyWrite: Step = (x, deps) => {
  const route = need(x.route, 'route');
  if (!route.write) return;
  const decision = writeDecision(need(x.token, 'token').access_mode);
  if (decision.action === 'forward') return;
  if (decision.action === 'refuse') {
    throw new GatewayError(403, decision.error, decision.description);
  }
  return stage(x, deps);
};

async function stage(x: Exchange, deps: GatewayDeps): Promise<void> {
  const proposal = await stageProposal(
    { routes: deps.routes, upstreams: deps.upstreams, proposals: deps.proposals },
    {
      req: x.req,
      target: need(x.target, 'target'),
      route: need(x.route, 'route'),
      token: need(x.token, 'token'),
      forwarding: x.forwarding,
      requestId: x.requestId,
    },
  );
  x.reply = {
    status: 202,
    body: stagedBody(proposal),
    headers: { location: proposalStatusPath(proposal.id) },
    reason: 'staged',
  };
}

export const rewriteHeaders: Step = (x) => {
  x.headers = upstreamHeaders(
    x.req.headers,
    need(x.token, 'token'),
    x.forwarding,
    x.requestId,
    need(x.route, 'route').forwardAuthorization,
  );
};

export const proxy: Step = (x, deps) => {
  const path = requestPath(need(x.target, 'target'));
  const { upstreamUrl } = need(x.route, 'route');
  const headers = need(x.headers, 'headers');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    deps.upstreams.send(upstreamUrl, path, x.req, headers, (err, response) => {
      if (err) return reject(err);
      x.response = response;
      x.upstreamSeconds = (performance.now() - started) / 1000;
      resolve();
    });
  });
};

/** The gateway's own endpoints live under this prefix, before any route is matched. */
export const OWN_PREFIX = '/scopegate/';

/** GET /scopegate/proposals/:id; anything else under the prefix is 404. */
export const matchOwnEndpoint: Step = (x) => {
  const [root, kind, id, ...rest] = need(x.target, 'target').segments;
  if (
    x.req.method === 'GET' &&
    root === 'scopegate' &&
    kind === 'proposals' &&
    id &&
    !rest.length
  ) {
    x.own = { endpoint: 'proposal-status', id };
    return;
  }
  throw new GatewayError(404, 'not_found', 'no route for this method and path');
};

/** A proposal's status, for the token's own installation only (404 for any other). */
export const answerProposalStatus: Step = async (x, deps) => {
  const { id } = need(x.own, 'own endpoint');
  const proposal = await deps.proposals.get(id);
  if (!proposal || proposal.installation !== need(x.token, 'token').installation) {
    throw new GatewayError(404, 'not_found', 'this installation has no proposal with this id');
  }
  x.reply = { status: 200, body: proposalStatusBody(proposal), reason: 'proposal_status' };
};

/** Steps in order, with their names read once (a function's `name` is a slow getter). */
export interface Pipeline {
  steps: readonly Step[];
  names: readonly string[];
}

function inOrder(...steps: Step[]): Pipeline {
  return { steps, names: steps.map((step) => step.name) };
}

export const PIPELINE = inOrder(
  canonicalizePath,
  matchRoute,
  authenticate,
  checkRevocation,
  checkScope,
  stageReviewOnlyWrite,
  rewriteHeaders,
  proxy,
);

/** The gateway's own endpoints: authenticated and revocation-checked like any request. */
export const OWN_PIPELINE = inOrder(
  canonicalizePath,
  matchOwnEndpoint,
  authenticate,
  checkRevocation,
  answerProposalStatus,
);

/** A new exchange; the request id is the client's when well-formed, else a new one. */
export function newExchange(req: IncomingMessage, forwarding: Forwarding): Exchange {
  // Every field from the start: one object shape, none added as the steps fill it in.
  return {
    req,
    forwarding,
    requestId: requestIdOf(req.headers['x-request-id']),
    target: undefined,
    route: undefined,
    token: undefined,
    headers: undefined,
    response: undefined,
    reply: undefined,
    own: undefined,
    step: '',
    authSeconds: undefined,
    upstreamSeconds: undefined,
  };
}

/**
 * Runs every step in order, until one sets `x.reply` or throws. Synchronous steps run
 * synchronously (a refusal throws); from the first step that returns a promise, the rest
 * run when it settles, and that promise is returned (a refusal rejects it).
 */
export function runPipeline(x: Exchange, deps: GatewayDeps): Promise<void> | undefined {
  const chosen = x.req.url?.startsWith(OWN_PREFIX) ? OWN_PIPELINE : PIPELINE;
  return runFrom(0, chosen, x, deps);
}

function runFrom(
  first: number,
  pipeline: Pipeline,
  x: Exchange,
  deps: GatewayDeps,
): Promise<void> | undefined {
  const { steps, names } = pipeline;
  for (let i = first; i < steps.length; i++) {
    x.step = names[i] as string;
    const pending = (steps[i] as Step)(x, deps);
    // The last step's own promise is the pipeline's: no further hop once the proxy answers.
    if (pending && i === steps.length - 1) return pending;
    if (pending) {
      return pending.then(() => (x.reply ? undefined : runFrom(i + 1, pipeline, x, deps)));
    }
    if (x.reply) return undefined;
  }
  return undefined;
}
