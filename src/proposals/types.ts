// Review-only proposals: a write a review-only app sent, staged at the gateway instead of
// forwarded, that the merchant approves (the gateway's forwarding code replays it) or rejects.

/**
 * Where a proposal is: awaiting the merchant, or decided once for good. `approved` is
 * followed by the replay's outcome in `replay` (null while it is being sent).
 */
const PROPOSAL_STATUSES = ['pending_review', 'approved', 'rejected', 'cancelled'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** The statuses a pending proposal can move to. */
export type ProposalDecisionStatus = Exclude<ProposalStatus, 'pending_review'>;

/** Who the gateway forwarded for when the write was staged (the access token's claims). */
export interface ProposalIdentity {
  installation: string;
  app: string;
  site: string;
  /** The token's subject: the merchant who approved the installation. */
  merchant: string;
  scopes: string[];
}

/**
 * The target as the upstream had it when the write was staged (a GET the token may make):
 * its representation, known absent (404/410), or not read and why (a POST adds rather
 * than changes; no read route or scope; another status; the upstream unreachable).
 */
export type ProposalSnapshot =
  | {
      state: 'current';
      status: number;
      content_type: string | null;
      body_base64: string;
      /** true when the representation was longer than SNAPSHOT_MAX_BYTES and cut. */
      truncated: boolean;
    }
  | { state: 'absent' }
  | { state: 'not_read'; reason: string };

/** What the upstream answered to the approved replay, or why it could not be sent. */
export interface ProposalReplay {
  outcome: 'replayed' | 'failed';
  at: string;
  /** The upstream's status; null when it did not answer. */
  status: number | null;
  content_type: string | null;
  /** The start of the upstream's answer (REPLAY_EXCERPT_BYTES at most). */
  body_base64: string;
  truncated: boolean;
  /** Why a failed replay failed (e.g. `bad_gateway`, `installation_revoked`). */
  error: string | null;
}

/** A staged write as recorded, with the merchant's decision and the replay's outcome. */
export interface Proposal extends ProposalIdentity {
  /** `prop_…`, opaque. */
  id: string;
  /** The route the write matched when staged (its id in the route table). */
  route: string;
  method: string;
  /** The raw path and query the upstream would have received. */
  path: string;
  /** The request headers that matter to the upstream (PROPOSAL_HEADERS), lower-cased. */
  headers: Record<string, string>;
  body_base64: string;
  /** The target at staging, for the merchant's diff. */
  before: ProposalSnapshot;
  /** The client chain, host and scheme the gateway saw, as the upstream would be told. */
  forwarded: { for: string; host: string; proto: string };
  /** The staging request's id (x-request-id), for correlating logs. */
  request_id: string;
  created_at: string;
  status: ProposalStatus;
  decided_at: string | null;
  /** A merchant id, or `scopegate` for a cancellation by revocation. */
  decided_by: string | null;
  /** Why it was rejected or cancelled (e.g. `installation revoked`). */
  decision_reason: string | null;
  replay: ProposalReplay | null;
}

/** The fields a proposal is created with; the decision and replay come later. */
export type NewProposal = Omit<
  Proposal,
  'status' | 'decided_at' | 'decided_by' | 'decision_reason' | 'replay'
>;

/** A merchant's (or the revocation's) decision on a pending proposal. */
export interface ProposalDecision {
  status: ProposalDecisionStatus;
  at: string;
  by: string;
  reason: string | null;
}

/** A new proposal: pending review, nothing decided, nothing replayed. */
export function pendingProposal(fields: NewProposal): Proposal {
  return {
    ...fields,
    status: 'pending_review',
    decided_at: null,
    decided_by: null,
    decision_reason: null,
    replay: null,
  };
}
