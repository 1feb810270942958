// Operator-approved data flows in memory: never expire, gone only when an operator
// deletes one; listed newest first like the Redis sorted-set indexes.

import type { DataFlow } from '../../access/types.ts';
import { newestFirst } from '../order.ts';
import type { DataFlowStore } from '../types.ts';

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
        .sort(newestFirst('created_at'))
        .map((flow) => structuredClone(flow));
    },
  };
}
