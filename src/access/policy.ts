// The access policy for remediation work (DESIGN.md §9): the least mode that completes a
// task, then its rules in order; the first that concludes decides. Pure: plain data in,
// a decision out, no I/O and no clock, so every edge (reports page, JSON) shows the same.

import { approved, notApproved, revokedAccess, ticketOnly } from './approval-rules.ts';
import { type Facts, factsOf, type PolicyInput } from './facts.ts';
import type { Outcome, Rule } from './outcome.ts';
import {
  credentialRequest,
  customerDataRequested,
  notApprovable,
  scopeTooBroad,
  unsupportedProvider,
} from './request-rules.ts';
import type { AccessDecision, AccessState } from './types.ts';

export type { PolicyInput };

/** The providers scopegate has a scoped access path for (the seed's provider list). */
export const SUPPORTED_PROVIDERS: readonly string[] = Object.freeze([
  'wordpress',
  'woocommerce',
  'shopify',
  'gtm',
  'cmp',
]);

/** The precedence of the rules, most severe first; when none concludes, `approved` does. */
const RULES: readonly Rule[] = [
  credentialRequest,
  unsupportedProvider,
  scopeTooBroad,
  customerDataRequested,
  notApprovable,
  ticketOnly,
  revokedAccess,
  notApproved,
];

function conclude(facts: Facts): Outcome {
  for (const rule of RULES) {
    const outcome = rule(facts);
    if (outcome) return outcome;
  }
  return approved(facts);
}

const READY_STATES: ReadonlySet<AccessState> = new Set<AccessState>([
  'ticket_only_ready',
  'read_only_ready',
  'review_only_ready',
  'connected_scope_approved',
]);

/** Decides the access mode, state and fallback of one remediation task. */
export function decideAccess(input: PolicyInput): AccessDecision {
  const facts = factsOf(input);
  const outcome = conclude(facts);
  const { live, latest } = facts.ledger;
  const isReady = READY_STATES.has(outcome.state);
  return {
    remediation_access_mode: facts.mode,
    state: outcome.state,
    required_scopes: facts.required,
    approved_scope: outcome.approved,
    installation: (live ?? latest)?.id ?? null,
    revoked_at: live ? null : (latest?.revoked_at ?? null),
    revoke_path_visible: outcome.approved !== null,
    rejected_scopes: outcome.rejected,
    narrower_scopes: outcome.narrower,
    fallback: isReady ? null : { mode: 'ticket-only', instructions: facts.task.instructions },
  };
}
