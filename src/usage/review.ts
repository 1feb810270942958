// The least-privilege review of one app, pure: per live installation, each approved
// scope's requests in the window, its last use, and whether it was used, unused, or a
// write scope used only for reads (then the read scope is suggested); per app, the
// scopes no installation used. Inputs are plain records; the admin route does the I/O.
import type { DailyScopeUsage, Installation, ScopeUsage } from '../store/types.ts';
import { latest, readCounterpart, servedBy } from './attribution.ts';
import type { UsageWindow } from './window.ts';

export type ScopeStatus = 'used' | 'unused' | 'write_used_only_for_reads';

/** One approved scope of one installation. */
export interface ScopeReview {
  scope: string;
  /** Requests in the window this scope served (a write scope: also reads no read scope served). */
  count: number;
  /** Latest request it served, ever (may be before the window); null if none was counted. */
  last_used: string | null;
  /** Write scopes only: latest request that needed the write itself. */
  last_write?: string | null;
  status: ScopeStatus;
  /** With write_used_only_for_reads: the read scope that would have served the same requests. */
  suggestion?: string;
}

export interface InstallationReview {
  id: string;
  site: string;
  merchant: string;
  approved_scopes: string[];
  approved_at: string;
  revoked_at: string | null;
  scopes: ScopeReview[];
}

/** A scope that no reviewed installation used in the window. */
export interface UnusedScope {
  scope: string;
  /** The installations that approved it. */
  installations: string[];
}

/** A write scope that no reviewed installation used for a write, but some used for reads. */
export interface WriteOnlyReadScope extends UnusedScope {
  suggestion: string;
}

export interface UsageReview {
  app: string;
  since: string;
  until: string;
  installations: InstallationReview[];
  summary: { unused: UnusedScope[]; write_only_read: WriteOnlyReadScope[] };
}

/** What the review needs of one installation: its record, usage totals and daily counts. */
export interface InstallationUsage {
  installation: Installation;
  totals: Record<string, ScopeUsage>;
  days: readonly DailyScopeUsage[];
}

/** Requests per counted scope on the window's days. */
function windowCounts(days: readonly DailyScopeUsage[], window: UsageWindow): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of days) {
    if (d.day < window.from || d.day > window.to) continue;
    counts.set(d.scope, (counts.get(d.scope) ?? 0) + d.count);
  }
  return counts;
}

/** The review of each approved scope of one installation, in approval order. */
export function reviewScopes(usage: InstallationUsage, window: UsageWindow): ScopeReview[] {
  const approved = [...new Set(usage.installation.approved_scope.scopes)];
  const counts = windowCounts(usage.days, window);
  return approved.map((scope) => {
    const served = servedBy(scope, approved);
    const count = served.reduce((sum, s) => sum + (counts.get(s) ?? 0), 0);
    const row: ScopeReview = {
      scope,
      count,
      last_used: latest(served.map((s) => usage.totals[s]?.last)),
      status: count > 0 ? 'used' : 'unused',
    };
    const read = readCounterpart(scope);
    if (read) {
      row.last_write = latest([usage.totals[scope]?.last]);
      if (count > 0 && !counts.get(scope)) {
        row.status = 'write_used_only_for_reads';
        row.suggestion = read;
      }
    }
    return row;
  });
}

function reviewInstallation(usage: InstallationUsage, window: UsageWindow): InstallationReview {
  const i = usage.installation;
  return {
    id: i.id,
    site: i.site,
    merchant: i.merchant,
    approved_scopes: [...i.approved_scope.scopes],
    approved_at: i.approved_at,
    revoked_at: i.revoked_at,
    scopes: reviewScopes(usage, window),
  };
}

/** Scopes no installation used: unused everywhere, or used only for reads somewhere. */
function summarize(installations: readonly InstallationReview[]): UsageReview['summary'] {
  const byScope = new Map<string, { statuses: Set<ScopeStatus>; ids: string[] }>();
  for (const inst of installations) {
    for (const row of inst.scopes) {
      const entry = byScope.get(row.scope) ?? { statuses: new Set(), ids: [] };
      entry.statuses.add(row.status);
      entry.ids.push(inst.id);
      byScope.set(row.scope, entry);
    }
  }
  const summary: UsageReview['summary'] = { unused: [], write_only_read: [] };
  for (const [scope, { statuses, ids }] of [...byScope].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (statuses.has('used')) continue;
    const suggestion = readCounterpart(scope);
    if (statuses.has('write_used_only_for_reads') && suggestion) {
      summary.write_only_read.push({ scope, suggestion, installations: ids });
    } else summary.unused.push({ scope, installations: ids });
  }
  return summary;
}

/** The review of an app over `window`, for the installations given (in the given order). */
export function reviewApp(
  app: string,
  usages: readonly InstallationUsage[],
  window: UsageWindow,
): UsageReview {
  const installations = usages.map((u) => reviewInstallation(u, window));
  return {
    app,
    since: window.since,
    until: window.until,
    installations,
    summary: summarize(installations),
  };
}

/** The installations a review covers: live ones, and revoked ones only when asked. */
export function reviewedInstallations(
  installations: readonly Installation[],
  opts: { includeRevoked: boolean },
): Installation[] {
  return installations.filter((i) => opts.includeRevoked || i.revoked_at === null);
}
