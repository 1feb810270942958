// Review-only proposals in memory: decided once (only from pending_review), the replay
// recorded once, listed per installation newest first like the Redis sorted sets.

import type { Proposal } from '../../proposals/types.ts';
import { newestFirst } from '../order.ts';
import type { ProposalStore } from '../types.ts';

/** A ProposalStore over a Map, with installation → ids so a listing reads one installation. */
export function createMemoryProposals(): ProposalStore {
  const records = new Map<string, Proposal>();
  const byInstallation = new Map<string, Set<string>>();
  return {
    async create(proposal, maxPending = Number.MAX_SAFE_INTEGER) {
      if (records.has(proposal.id)) throw new Error(`proposal ${proposal.id} exists`);
      if (Number.isNaN(Date.parse(proposal.created_at))) {
        throw new Error(`proposal ${proposal.id}: created_at is not a date`);
      }
      const pending = [...(byInstallation.get(proposal.installation) ?? [])].filter(
        (id) => records.get(id)?.status === 'pending_review',
      );
      if (pending.length >= maxPending) return false;
      records.set(proposal.id, structuredClone(proposal));
      const ids = byInstallation.get(proposal.installation) ?? new Set<string>();
      byInstallation.set(proposal.installation, ids.add(proposal.id));
      return true;
    },
    async get(id) {
      const found = records.get(id);
      return found && structuredClone(found);
    },
    async listByInstallation(installation, filter = {}) {
      return [...(byInstallation.get(installation) ?? [])]
        .flatMap((id) => records.get(id) ?? [])
        .filter((p) => !filter.pending || p.status === 'pending_review')
        .sort(newestFirst('created_at'))
        .map((p) => structuredClone(p));
    },
    async decide(id, decision) {
      const found = records.get(id);
      if (!found) return undefined;
      const decided = found.status === 'pending_review';
      if (decided) {
        found.status = decision.status;
        found.decided_at = decision.at;
        found.decided_by = decision.by;
        found.decision_reason = decision.reason;
      }
      return { decided, proposal: structuredClone(found) };
    },
    async recordReplay(id, replay) {
      const found = records.get(id);
      if (!found) return undefined;
      if (found.status !== 'approved') throw new Error(`proposal ${id} is not approved`);
      found.replay ??= structuredClone(replay);
      return structuredClone(found);
    },
  };
}
