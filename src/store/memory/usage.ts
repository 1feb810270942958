// Gateway usage counts in memory: per installation, per scope, a count and a last-use time,
// plus daily counts (per UTC day of each entry's last use) dropped after the retention.
import { oldestKeptDay, utcDay } from '../../usage/days.ts';
import type { DailyScopeUsage, ScopeUsage, UsageStore } from '../types.ts';

export function createMemoryUsage(): UsageStore {
  const byInstallation = new Map<string, Record<string, ScopeUsage>>();
  /** installation → day → scope → count */
  const daily = new Map<string, Map<string, Map<string, number>>>();

  function addDay(installation: string, day: string, scope: string, count: number): void {
    const days = daily.get(installation) ?? new Map<string, Map<string, number>>();
    const oldest = oldestKeptDay(utcDay(Date.now()));
    for (const kept of days.keys()) if (kept < oldest) days.delete(kept);
    if (day < oldest) return;
    const scopes = days.get(day) ?? new Map<string, number>();
    scopes.set(scope, (scopes.get(scope) ?? 0) + count);
    days.set(day, scopes);
    daily.set(installation, days);
  }

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
        addDay(installation, utcDay(last), scope, count);
      }
    },
    async get(installation) {
      return structuredClone(byInstallation.get(installation) ?? {});
    },
    async days(installation, from, to) {
      const oldest = oldestKeptDay(utcDay(Date.now()));
      const out: DailyScopeUsage[] = [];
      for (const [day, scopes] of daily.get(installation) ?? []) {
        if (day < from || day > to || day < oldest) continue;
        for (const [scope, count] of scopes) out.push({ day, scope, count });
      }
      const key = (u: DailyScopeUsage) => `${u.day} ${u.scope}`;
      return out.sort((a, b) => (key(a) < key(b) ? -1 : 1));
    },
  };
}
