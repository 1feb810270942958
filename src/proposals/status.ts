// What an app is told about its own proposals through the gateway: the staging answer
// (202) and the status document at GET /scopegate/proposals/:id. Pure.
import type { Proposal } from './types.ts';

/** Where an app reads a proposal's status, on the gateway. */
export function proposalStatusPath(id: string): string {
  return `/scopegate/proposals/${encodeURIComponent(id)}`;
}

/** The 202 body of a staged write. */
export function stagedBody(p: Proposal): { proposal: string; status: 'pending_review' } {
  return { proposal: p.id, status: 'pending_review' };
}

/**
 * A proposal as its app sees it: what was staged, the decision, and for an approved one
 * the platform's answer to the replay (null while it is being sent). Never the body or
 * the merchant's view of the target: the app knows what it sent.
 */
export function proposalStatusBody(p: Proposal) {
  return {
    proposal: p.id,
    status: p.status,
    method: p.method,
    path: p.path,
    created_at: p.created_at,
    decided_at: p.decided_at,
    reason: p.decision_reason,
    replay: p.replay && {
      outcome: p.replay.outcome,
      at: p.replay.at,
      status: p.replay.status,
      content_type: p.replay.content_type,
      body_base64: p.replay.body_base64,
      truncated: p.replay.truncated,
      error: p.replay.error,
    },
  };
}
