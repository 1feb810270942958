// Audit reports in memory: create-if-absent by id (the first post wins, a re-post gets
// the stored one back) and a per-site index, listed newest first like the Redis one.

import type { Report } from '../../access/types.ts';
import { newestFirst } from '../order.ts';
import type { ReportStore } from '../types.ts';

/** A ReportStore over a Map, with site → ids so a listing reads one site's reports only. */
export function createMemoryReports(): ReportStore {
  const reports = new Map<string, Report>();
  const bySite = new Map<string, Set<string>>();
  const copy = (report: Report | undefined) => report && structuredClone(report);
  return {
    async put(report) {
      const existing = reports.get(report.id);
      if (existing) return { created: false, report: structuredClone(existing) };
      if (Number.isNaN(Date.parse(report.received_at))) {
        throw new Error(`report ${report.id}: received_at is not a date`);
      }
      reports.set(report.id, structuredClone(report));
      const ids = bySite.get(report.site) ?? new Set<string>();
      bySite.set(report.site, ids.add(report.id));
      return { created: true, report: structuredClone(report) };
    },
    async get(id) {
      return copy(reports.get(id));
    },
    async listBySite(site) {
      const ids = [...(bySite.get(site) ?? [])];
      return ids
        .flatMap((id) => reports.get(id) ?? [])
        .sort(newestFirst('received_at'))
        .map((report) => structuredClone(report));
    },
  };
}
