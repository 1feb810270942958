// Gateway usage counts in memory: per installation, per scope, a count and a last-use time.
import type { ScopeUsage, UsageStore } from '../types.ts';

export function createMemoryUsage(): UsageStore {
  const byInstallation = new Map<string, Record<string, ScopeUsage>>();
  return {
    async add(batch) {
      for (const { installation, scope, count, last } of batch) {
        const scopes = byInstallation.get(installation) ?? {};
        const prev = scopes[scope];
        scopes[scope] = {
          count: (prev?.count ?? 0) + count,
          last: prev && prev.last > last ? prev.last : last,
        };
        byInstallation.set(installation, scopes);
      }
    },
    async get(installation) {
      return structuredClone(byInstallation.get(installation) ?? {});
    },
  };
}
