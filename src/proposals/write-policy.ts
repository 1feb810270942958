// What the gateway does with a write the token's scopes allow, by the installation's access
// mode: connected forwards it, review-only stages it as a proposal, anything else refuses.
// Pure; the gateway's stageReviewOnlyWrite step is its only caller.
import type { AccessMode } from '../access/types.ts';

export type WriteDecision =
  | { action: 'forward' }
  | { action: 'stage' }
  | { action: 'refuse'; error: string; description: string };

// Decided per write request: the common answers are shared, not allocated each time.
const FORWARD: WriteDecision = { action: 'forward' };
const STAGE: WriteDecision = { action: 'stage' };
const UNKNOWN: WriteDecision = {
  action: 'refuse',
  error: 'access_mode_unknown',
  description: 'this access token names no access mode; get a new access token to write',
};

/**
 * The decision for a write by a token of `mode`. A token without a known mode (issued
 * before the `access_mode` claim existed, at most ACCESS_TOKEN_TTL ago) fails closed:
 * it may still read, and a refreshed token carries the claim.
 */
export function writeDecision(mode: AccessMode | undefined): WriteDecision {
  switch (mode) {
    case 'connected':
      return FORWARD;
    case 'review-only':
      return STAGE;
    case undefined:
      return UNKNOWN;
    default:
      return {
        action: 'refuse',
        error: 'access_mode_forbids_write',
        description: `the installation's access mode is ${mode}: it cannot write`,
      };
  }
}
