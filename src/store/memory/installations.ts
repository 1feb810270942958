// The grant ledger in memory: records never expire; revoke keeps the first revocation,
// and list answers newest approval first like the Redis sorted-set indexes.
import { byApprovalDesc } from '../order.ts';
import type { Installation, InstallationStore } from '../types.ts';

/** An InstallationStore over a Map; lists scan every record (fine for development). */
export function createMemoryInstallations(): InstallationStore {
  const records = new Map<string, Installation>();
  return {
    async create(installation) {
      if (records.has(installation.id)) {
        throw new Error(`installation ${installation.id} exists`);
      }
      if (Number.isNaN(Date.parse(installation.approved_at))) {
        throw new Error(`installation ${installation.id}: approved_at is not a date`);
      }
      records.set(installation.id, structuredClone(installation));
    },
    async get(id) {
      const found = records.get(id);
      return found && structuredClone(found);
    },
    async list(filter) {
      return [...records.values()]
        .filter(
          (i) =>
            (filter.app === undefined || i.app === filter.app) &&
            (filter.site === undefined || i.site === filter.site) &&
            (filter.merchant === undefined || i.merchant === filter.merchant),
        )
        .sort(byApprovalDesc)
        .map((i) => structuredClone(i));
    },
    async revoke(id, revocation) {
      const found = records.get(id);
      if (!found) return undefined;
      if (found.revoked_at === null) {
        found.revoked_at = revocation.at;
        found.revoked_by = revocation.by;
        found.revoke_reason = revocation.reason;
      }
      return structuredClone(found);
    },
    async markEnforced(id, at) {
      const found = records.get(id);
      if (!found) return undefined;
      found.enforced_at ??= at;
      return structuredClone(found);
    },
  };
}
