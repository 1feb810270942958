// Sending an approved proposal to the platform with the gateway's own route table and
// forwarding code: the stored method, path, body and headers, the installation's identity
// headers, and who approved it. The answer is kept (bounded); nothing is retried.
import { canonicalize } from '../gateway/canonicalize.ts';
import { GatewayError } from '../gateway/errors.ts';
import { upstreamHeaders } from '../gateway/headers.ts';
import type { Upstreams } from '../gateway/proxy.ts';
import { type CompiledRoute, matchRoute } from '../gateway/routes.ts';
import { scopeFields, type VerifiedToken } from '../gateway/token-cache.ts';
import { newRequestId } from '../http/request-id.ts';
import { satisfies } from '../scopes/index.ts';
import type { Installation } from '../store/types.ts';
import { REPLAY_EXCERPT_BYTES, readUpTo, storedRequest } from './http.ts';
import type { Proposal, ProposalReplay } from './types.ts';

export interface ReplayDeps {
  /** The gateway's route table (src/gateway/build.ts loadRoutes). */
  routes: readonly CompiledRoute[];
  upstreams: Upstreams;
}

/** A replay that sent nothing, or got no answer, and why. */
export function failedReplay(error: string): ProposalReplay {
  return {
    outcome: 'failed',
    at: new Date().toISOString(),
    status: null,
    content_type: null,
    body_base64: '',
    truncated: false,
    error,
  };
}

/** The identity the app had when it staged the write, as the gateway's headers carry it. */
function identityOf(p: Proposal): VerifiedToken {
  return {
    sub: p.merchant,
    client_id: p.app,
    ...scopeFields(p.scopes),
    site: p.site,
    installation: p.installation,
    access_mode: 'review-only',
    jti: p.id,
    exp: 0,
  };
}

/**
 * Replays `p`, approved by `approvedBy`, for the live `installation` it belongs to. The
 * route is matched again (the table may have changed since staging) and its scope must
 * still be among the installation's approved scopes; otherwise nothing is sent.
 */
export async function replayProposal(
  deps: ReplayDeps,
  p: Proposal,
  installation: Installation,
  approvedBy: string,
): Promise<ProposalReplay> {
  const target = canonicalize(p.path);
  const route = target.ok ? matchRoute(deps.routes, p.method, target.target.segments) : undefined;
  if (!route) return failedReplay('no_route');
  if (!satisfies(installation.approved_scope.scopes, route.scope)) {
    return failedReplay('insufficient_scope');
  }
  const body = Buffer.from(p.body_base64, 'base64');
  const incoming = body.length
    ? { ...p.headers, 'content-length': String(body.length) }
    : p.headers;
  const headers = upstreamHeaders(
    incoming,
    identityOf(p),
    { forwardedFor: p.forwarded.for, host: p.forwarded.host, proto: p.forwarded.proto },
    newRequestId(),
    false,
  );
  headers.push('x-scopegate-approved-by', approvedBy, 'x-scopegate-proposal', p.id);
  try {
    const res = await deps.upstreams.forward(
      route.upstreamUrl,
      p.path,
      storedRequest(p.method, p.headers, body),
      headers,
    );
    const { bytes, truncated } = await readUpTo(res.body, REPLAY_EXCERPT_BYTES);
    const type = res.headers['content-type'];
    return {
      outcome: 'replayed',
      at: new Date().toISOString(),
      status: res.statusCode,
      content_type: typeof type === 'string' ? type : null,
      body_base64: bytes.toString('base64'),
      truncated,
      error: null,
    };
  } catch (err) {
    return failedReplay(err instanceof GatewayError ? err.error : 'replay_failed');
  }
}
