// The review of proposals by the merchant: a proposal's page, and its approval (replayed
// once to the platform) or rejection. Only the merchant owning the proposal's site sees
// or decides it; anyone else gets a plain 404. Forms are CSRF-checked like revocation.
import { humanTime } from '../pages/account-parts.ts';
import { sendPage } from '../pages/layout.ts';
import { type PendingProposalLink, type ProposalView, proposalPage } from '../pages/proposals.ts';
import { proposedChange } from '../proposals/change.ts';
import type { ProposalReview, ReviewOutcome } from '../proposals/review.ts';
import type { Proposal } from '../proposals/types.ts';
import type { Store } from '../store/types.ts';
import { sessionToken, sessionTokenValid } from './csrf.ts';
import { formField } from './form.ts';
import { type MerchantHandler, type SignedIn, sendAccountError } from './guard.ts';
import { proposalPagePath } from './proposal-paths.ts';
import { actorName } from './view.ts';

/** What the proposal routes need. */
export interface ProposalRoutesDeps {
  store: Pick<Store, 'apps' | 'proposals'>;
  cookieKey: string;
  /** Absent when this process cannot replay (then decisions are refused, nothing sent). */
  proposals?: ProposalReview;
}

const NOT_YOURS = 'No proposal with this id exists for your sites.';
const MAX_REASON = 500;

/** The proposal `id` when its site is one of the signed-in merchant's. */
async function ownProposal(
  deps: ProposalRoutesDeps,
  account: SignedIn,
  id: string | undefined,
): Promise<Proposal | undefined> {
  const found = id ? await deps.store.proposals.get(id) : undefined;
  return found && account.merchant.sites.some((s) => s.id === found.site) ? found : undefined;
}

/** The pending proposals of each installation, for the connected-apps page. */
export async function pendingLinks(
  store: Pick<Store, 'proposals'>,
  installations: readonly { id: string; revoked_at: string | null }[],
): Promise<Record<string, PendingProposalLink[]>> {
  const live = installations.filter((i) => i.revoked_at === null);
  const lists = await Promise.all(
    live.map((i) => store.proposals.listByInstallation(i.id, { pending: true })),
  );
  return Object.fromEntries(
    live.map((i, n) => [
      i.id,
      (lists[n] ?? []).map((p) => ({
        id: p.id,
        method: p.method,
        path: p.path,
        createdAt: p.created_at,
      })),
    ]),
  );
}

async function viewOf(
  deps: ProposalRoutesDeps,
  account: SignedIn,
  p: Proposal,
): Promise<ProposalView> {
  const app = await deps.store.apps.get(p.app);
  return {
    id: p.id,
    appId: p.app,
    appName: app?.manifest.name ?? p.app,
    siteId: p.site,
    siteName: account.merchant.sites.find((s) => s.id === p.site)?.name ?? p.site,
    method: p.method,
    path: p.path,
    createdAt: p.created_at,
    status: p.status,
    decidedAt: p.decided_at,
    decidedBy: p.decided_by && actorName(p.decided_by, account.merchant),
    reason: p.decision_reason,
    replay: p.replay,
  };
}

const NOTICES: Record<string, string> = {
  approved: 'You approved this change; what the platform answered is below.',
  rejected: 'You rejected this change; nothing was sent.',
};

/** GET /account/proposals/:id. */
export function showProposal(deps: ProposalRoutesDeps): MerchantHandler {
  return async (ctx, account) => {
    const proposal = await ownProposal(deps, account, ctx.params.id);
    if (!proposal) return sendAccountError(ctx, 404, NOT_YOURS);
    const view = await viewOf(deps, account, proposal);
    const notice = typeof ctx.query.done === 'string' ? NOTICES[ctx.query.done] : undefined;
    sendPage(ctx, {
      title: `Proposal of ${view.appName}`,
      body: proposalPage({
        merchantEmail: account.merchant.email,
        csrf: sessionToken(deps.cookieKey, account.session),
        proposal: view,
        change: proposedChange(proposal),
        ...(notice ? { notice } : {}),
      }),
    });
  };
}

function conflictText(outcome: Extract<ReviewOutcome, { ok: false }>): string {
  const p = outcome.proposal;
  if (outcome.conflict === 'revoked') {
    return "This app's access was revoked, so its pending proposals were cancelled; nothing was sent.";
  }
  const at = p.decided_at ? ` at ${humanTime(p.decided_at)}` : '';
  return `This proposal was already ${p.status.replace('_', ' ')}${at}; nothing more was done.`;
}

/** POST /account/proposals/:id/approve and /reject: CSRF, ownership, then the review. */
export function submitDecision(
  deps: ProposalRoutesDeps,
  decision: 'approve' | 'reject',
): MerchantHandler {
  return async (ctx, account) => {
    if (!sessionTokenValid(deps.cookieKey, account.session, formField(ctx, 'csrf'))) {
      return sendAccountError(ctx, 403, 'Reload the page and try again; nothing was decided.');
    }
    const proposal = await ownProposal(deps, account, ctx.params.id);
    if (!proposal) return sendAccountError(ctx, 404, NOT_YOURS);
    if (!deps.proposals) {
      return sendAccountError(
        ctx,
        503,
        'Proposals cannot be decided here right now; try again later.',
      );
    }
    const merchant = account.merchant.id;
    const reason = formField(ctx, 'reason')?.trim().slice(0, MAX_REASON) || null;
    const outcome =
      decision === 'approve'
        ? await deps.proposals.approve(proposal, merchant)
        : await deps.proposals.reject(proposal, merchant, reason);
    if (!outcome.ok) return sendAccountError(ctx, 409, conflictText(outcome));
    ctx.status = 303;
    ctx.redirect(
      `${proposalPagePath(proposal.id)}?done=${decision === 'approve' ? 'approved' : 'rejected'}`,
    );
  };
}
