// Operator-approved data flows in memory: never expire, gone only when an operator
// deletes one; listed newest first like the Redis sorted-set indexes.
import type { DataFlow } from '../../access/types.ts';
import type { DataFlowStore } from '../types.ts';

/** Newest created_at first, then id descending (Redis ZREVRANGE order on equal scores). */
export function byCreationDesc(a: DataFlow, b: DataFlow): number {
  const at = Date.parse(b.created_at) - Date.parse(a.created_at);
  return at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** A DataFlowStore over a Map; lists scan every flow (few, and fine for development). */
export function createMemoryDataFlows(): DataFlowStore {
  const flows = new Map<string, DataFlow>();
  return {
    async create(flow) {
      if (flows.has(flow.id)) throw new Error(`data flow ${flow.id} exists`);
      if (Number.isNaN(Date.parse(flow.created_at))) {
        throw new Error(`data flow ${flow.id}: created_at is not a date`);
      }
      flows.set(flow.id, structuredClone(flow));
    },
    async delete(id) {
      return flows.delete(id);
    },
    async list(filter = {}) {
      return [...flows.values()]
        .filter((flow) => filter.app === undefined || flow.app === filter.app)
        .sort(byCreationDesc)
        .map((flow) => structuredClone(flow));
    },
  };
}
