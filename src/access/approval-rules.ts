// The rules on the merchant's approval, once the task asks for nothing unsafe: a
// ticket-only task needs none; a revoked one never reconnects silently; otherwise the
// live installation must hold exactly what the task needs, in a mode that carries it.
import { broaderThan, minimal, missing } from '../scopes/index.ts';
import type { Facts } from './facts.ts';
import { modeCovers } from './ledger.ts';
import { blocked, type Outcome } from './outcome.ts';
import type { AccessMode, ReadyState } from './types.ts';

const READY: Record<Exclude<AccessMode, 'ticket-only'>, ReadyState> = {
  'read-only': 'read_only_ready',
  'review-only': 'review_only_ready',
  connected: 'connected_scope_approved',
};

/** No access needed: the customer applies the fix; no installation is used or judged. */
export function ticketOnly(f: Facts): Outcome | undefined {
  if (f.mode !== 'ticket-only') return undefined;
  return { state: 'ticket_only_ready', rejected: [], narrower: null, approved: null };
}

/** Nothing live and the latest installation was revoked: a new approval is needed. */
export function revokedAccess(f: Facts): Outcome | undefined {
  const { live, latest } = f.ledger;
  return !live && latest?.revoked_at ? blocked('revoked_access') : undefined;
}

/**
 * No live installation, or one that does not hold every needed scope in the task's own
 * mode: a connected approval is not a review-only one (its writes are not staged), so
 * the merchant is asked to approve the task's mode, which supersedes it.
 */
export function notApproved(f: Facts): Outcome | undefined {
  const live = f.ledger.live;
  const held = live?.approved_scope.scopes ?? [];
  const covered = live !== undefined && missing(held, f.needed).length === 0;
  return covered && modeCovers(live.access_mode, f.mode) ? undefined : blocked('missing_approval');
}

/** Ready: the live approval holds exactly the needed scopes, in the mode's ready state. */
export function approved(f: Facts): Outcome {
  const live = f.ledger.live;
  const scopes = minimal(live?.approved_scope.scopes ?? []);
  if (f.mode === 'ticket-only' || !live || broaderThan(scopes, f.needed).length > 0) {
    // Unreachable after the earlier rules; kept so no path can report more than needed.
    return blocked('missing_approval');
  }
  return { state: READY[f.mode], rejected: [], narrower: null, approved: scopes };
}
