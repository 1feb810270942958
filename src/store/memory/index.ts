// The development store: everything in this process's memory, nothing survives a
// restart and nothing is shared between processes. It logs nothing; callers warn.
import type { Store } from '../types.ts';
import { createMemoryApps } from './apps.ts';
import { createMemoryDataFlows } from './data-flows.ts';
import { createMemoryInstallations } from './installations.ts';
import { createMemoryMerchants } from './merchants.ts';
import { createMemoryOidc } from './oidc-adapter.ts';
import { createMemoryProposals } from './proposals.ts';
import { createMemoryReports } from './reports.ts';
import { createMemoryThrottle } from './throttle.ts';
import { createMemoryUsage } from './usage.ts';

/** What to log when the memory store is chosen. */
export const MEMORY_STORE_WARNING =
  'in-memory store: development only — a single process, and nothing (apps, merchants, ' +
  'installations, tokens) survives a restart; set REDIS_URL for anything else';

/** A Store held in this process's memory, for development and tests. */
export function createMemoryStore(): Store {
  return {
    kind: 'memory',
    apps: createMemoryApps(),
    merchants: createMemoryMerchants(),
    installations: createMemoryInstallations(),
    throttle: createMemoryThrottle(),
    usage: createMemoryUsage(),
    reports: createMemoryReports(),
    dataFlows: createMemoryDataFlows(),
    proposals: createMemoryProposals(),
    oidcAdapter: createMemoryOidc(),
    async ping() {
      return true;
    },
    async close() {},
  };
}
