// The merchant's decisions on proposals, and the revocation's: approve (then replay once),
// reject, or cancel every pending one of a revoked installation. A decision is taken only
// from pending_review (atomically in the store), so a double click cannot replay twice.
import { notFound } from '../errors/index.ts';
import type { Logger } from '../log.ts';
import type { Installation, Store } from '../store/types.ts';
import { failedReplay, type ReplayDeps, replayProposal } from './replay.ts';
import type { Proposal, ProposalReplay } from './types.ts';

/** The reason recorded on proposals cancelled because their installation was revoked. */
export const REVOKED_REASON = 'installation revoked';

export type ReviewOutcome =
  | { ok: true; proposal: Proposal }
  /** `decided`: it was no longer pending; `revoked`: its installation is revoked. */
  | { ok: false; conflict: 'decided' | 'revoked'; proposal: Proposal };

export interface ProposalReview {
  /** Approves a pending proposal for `merchant` and replays it; the outcome is stored. */
  approve(proposal: Proposal, merchant: string): Promise<ReviewOutcome>;
  reject(proposal: Proposal, merchant: string, reason: string | null): Promise<ReviewOutcome>;
}

type ProposalsDeps = Pick<Store, 'proposals'>;

/**
 * Cancels the pending proposals of a revoked installation (a revocation listener: each
 * cancellation is atomic and only from pending, so running it again changes nothing).
 */
export async function cancelPendingProposals(
  store: ProposalsDeps,
  installation: Pick<Installation, 'id'>,
): Promise<Proposal[]> {
  const pending = await store.proposals.listByInstallation(installation.id, { pending: true });
  const cancelled: Proposal[] = [];
  for (const p of pending) {
    const result = await cancel(store, p.id);
    if (result?.decided) cancelled.push(result.proposal);
  }
  return cancelled;
}

function cancel(store: ProposalsDeps, id: string) {
  return store.proposals.decide(id, {
    status: 'cancelled',
    at: new Date().toISOString(),
    by: 'scopegate',
    reason: REVOKED_REASON,
  });
}

export interface ReviewDeps {
  store: Pick<Store, 'proposals' | 'installations'>;
  replay: ReplayDeps;
  logger: Logger;
}

export function createProposalReview(deps: ReviewDeps): ProposalReview {
  const { store } = deps;
  const live = async (id: string) => {
    const installation = await store.installations.get(id);
    return installation && installation.revoked_at === null ? installation : undefined;
  };
  /**
   * A proposal of a revoked installation: cancelled now if a staging raced the revocation
   * (or already), else it was decided before the revocation and stays as it was.
   */
  const revoked = async (p: Proposal): Promise<ReviewOutcome> => {
    const proposal = (await cancel(store, p.id))?.proposal ?? p;
    const conflict = proposal.status === 'cancelled' ? 'revoked' : 'decided';
    return { ok: false, conflict, proposal };
  };
  const record = async (p: Proposal, replay: ProposalReplay): Promise<Proposal> =>
    (await store.proposals.recordReplay(p.id, replay)) ?? p;

  return {
    async approve(p, merchant) {
      if (!(await live(p.installation))) return revoked(p);
      const result = await store.proposals.decide(p.id, {
        status: 'approved',
        at: new Date().toISOString(),
        by: merchant,
        reason: null,
      });
      if (!result) throw notFound(`proposal ${p.id}`);
      if (!result.decided) return { ok: false, conflict: 'decided', proposal: result.proposal };
      // A revocation between the check and the decision found it no longer pending.
      const installation = await live(p.installation);
      if (!installation) {
        const proposal = await record(result.proposal, failedReplay('installation_revoked'));
        return { ok: false, conflict: 'revoked', proposal };
      }
      const replay = await replayProposal(deps.replay, result.proposal, installation, merchant);
      if (replay.outcome === 'failed') {
        deps.logger.warn({ proposal: p.id, error: replay.error }, 'proposal replay failed');
      }
      return { ok: true, proposal: await record(result.proposal, replay) };
    },
    async reject(p, merchant, reason) {
      const result = await store.proposals.decide(p.id, {
        status: 'rejected',
        at: new Date().toISOString(),
        by: merchant,
        reason,
      });
      if (!result) throw notFound(`proposal ${p.id}`);
      if (!result.decided) return { ok: false, conflict: 'decided', proposal: result.proposal };
      return { ok: true, proposal: result.proposal };
    },
  };
}
