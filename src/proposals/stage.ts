// Staging a review-only write at the gateway: the body is read within its bound, the
// target's current version is fetched as the token itself could read it (for the
// merchant's diff), and the proposal is stored pending review. Nothing is forwarded.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type CanonicalTarget, requestPath } from '../gateway/canonicalize.ts';
import { GatewayError } from '../gateway/errors.ts';
import { type Forwarding, upstreamHeaders } from '../gateway/headers.ts';
import type { Upstreams } from '../gateway/proxy.ts';
import { type CompiledRoute, matchRoute } from '../gateway/routes.ts';
import type { VerifiedToken } from '../gateway/token-cache.ts';
import type { ProposalStore } from '../store/types.ts';
import {
  discard,
  headersThatMatter,
  PROPOSAL_MAX_BODY_BYTES,
  readRequestBody,
  readUpTo,
  SNAPSHOT_MAX_BYTES,
  storedRequest,
} from './http.ts';
import { type Proposal, type ProposalSnapshot, pendingProposal } from './types.ts';

export interface StageDeps {
  routes: readonly CompiledRoute[];
  upstreams: Upstreams;
  proposals: Pick<ProposalStore, 'create'>;
}

/** The write being staged, as the gateway's pipeline has verified it. */
export interface StagedWrite {
  req: IncomingMessage;
  target: CanonicalTarget;
  route: CompiledRoute;
  token: VerifiedToken;
  forwarding: Forwarding;
  requestId: string;
}

/** A fresh proposal id: `prop_` and 128 random bits. */
export function newProposalId(): string {
  return `prop_${randomBytes(16).toString('base64url')}`;
}

/** Proposals one installation may have waiting at once; more are refused with 429. */
export const MAX_PENDING = 100;

const tooLarge = () =>
  new GatewayError(
    413,
    'payload_too_large',
    `a write staged for review may carry at most ${PROPOSAL_MAX_BODY_BYTES} bytes`,
  );

/**
 * The target's current version for a write that changes it (PUT, PATCH, DELETE): a GET
 * through the route the token would use to read it, with the same identity headers.
 */
async function currentVersion(
  deps: StageDeps,
  w: StagedWrite,
  accept: string | undefined,
): Promise<ProposalSnapshot> {
  if (w.req.method === 'POST') {
    return {
      state: 'not_read',
      reason: 'a POST adds to its target; there is no version to compare',
    };
  }
  const read = matchRoute(deps.routes, 'GET', w.target.segments);
  if (!read || !w.token.allowed.has(read.scope)) {
    return { state: 'not_read', reason: 'the app may not read its target' };
  }
  const headers = upstreamHeaders(
    accept ? { accept } : {},
    w.token,
    w.forwarding,
    w.requestId,
    false,
  );
  try {
    const res = await deps.upstreams.forward(
      read.upstreamUrl,
      requestPath(w.target),
      storedRequest('GET', {}, Buffer.alloc(0)),
      headers,
    );
    if (res.statusCode < 200 || res.statusCode >= 300) {
      discard(res.body);
      if (res.statusCode === 404 || res.statusCode === 410) return { state: 'absent' };
      return {
        state: 'not_read',
        reason: `the platform answered ${res.statusCode} when it was read`,
      };
    }
    const { bytes, truncated } = await readUpTo(res.body, SNAPSHOT_MAX_BYTES);
    const type = res.headers['content-type'];
    return {
      state: 'current',
      status: res.statusCode,
      content_type: typeof type === 'string' ? type : null,
      body_base64: bytes.toString('base64'),
      truncated,
    };
  } catch {
    return { state: 'not_read', reason: 'the platform could not be reached when it was read' };
  }
}

/** Reads, snapshots and stores a review-only write; 413 when its body is over the bound. */
export async function stageProposal(deps: StageDeps, w: StagedWrite): Promise<Proposal> {
  if (Number(w.req.headers['content-length'] ?? 0) > PROPOSAL_MAX_BODY_BYTES) throw tooLarge();
  const body = await readRequestBody(w.req, PROPOSAL_MAX_BODY_BYTES);
  if (body === undefined) throw tooLarge();
  const headers = headersThatMatter(w.req.headers);
  const proposal = pendingProposal({
    id: newProposalId(),
    installation: w.token.installation,
    app: w.token.client_id,
    site: w.token.site,
    merchant: w.token.sub,
    scopes: w.token.scopes,
    route: w.route.id,
    method: w.req.method ?? '',
    path: requestPath(w.target),
    headers,
    body_base64: body.toString('base64'),
    before: await currentVersion(deps, w, headers.accept),
    forwarded: {
      for: w.forwarding.forwardedFor,
      host: w.forwarding.host,
      proto: w.forwarding.proto,
    },
    request_id: w.requestId,
    created_at: new Date().toISOString(),
  });
  if (!(await deps.proposals.create(proposal, MAX_PENDING))) {
    throw new GatewayError(
      429,
      'too_many_pending',
      `${MAX_PENDING} proposals already wait for the merchant's review`,
    );
  }
  return proposal;
}
