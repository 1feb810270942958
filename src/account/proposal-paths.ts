// Where the merchant reviews a proposal: its page (GET) and the two decisions (POST).

/** The review page of one proposal. */
export function proposalPagePath(id: string): string {
  return `/account/proposals/${encodeURIComponent(id)}`;
}

/** The form action approving (and replaying) or rejecting a proposal. */
export function proposalDecisionPath(id: string, decision: 'approve' | 'reject'): string {
  return `${proposalPagePath(id)}/${decision}`;
}
