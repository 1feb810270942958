// Which installation of (app, site) speaks for the app in a decision: the newest live one,
// as grant reuse picks it (src/auth-server/grants.ts); when none is live, the newest
// revoked one, whose revoked_at is reported. Independent of the order records arrive in.
import { byApprovalDesc } from '../store/order.ts';
import type { Installation } from '../store/types.ts';
import type { AccessMode } from './types.ts';

export interface Ledger {
  /** The current approval: the newest installation not revoked. */
  live: Installation | undefined;
  /** The newest installation of all, live or revoked. */
  latest: Installation | undefined;
}

/** The ledger of one app; records of other apps are ignored. */
export function ledgerOf(installations: readonly Installation[], app: string): Ledger {
  const mine = installations.filter((i) => i.app === app).sort(byApprovalDesc);
  return { live: mine.find((i) => i.revoked_at === null), latest: mine[0] };
}

/**
 * true when an approval recorded in `held` mode may carry work done in `wanted` mode:
 * only the same mode. The gateway acts on the installation's mode, so a connected
 * approval would send a review-only task's writes straight through, unstaged.
 */
export function modeCovers(held: AccessMode, wanted: AccessMode): boolean {
  return held === wanted;
}
