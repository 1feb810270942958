// The orderings both stores promise for lists, kept in one place so memory and Redis
// agree: apps oldest first, installations newest approval first (ties by id, descending).
import type { Installation, StoredApp } from './types.ts';

/** Apps by createdAt, then id. */
export function byCreation(a: StoredApp, b: StoredApp): number {
  return compare(a.createdAt, b.createdAt) || compare(a.id, b.id);
}

/** Installations newest approval first, then id descending (Redis ZREVRANGE order on ties). */
export function byApprovalDesc(a: Installation, b: Installation): number {
  return Date.parse(b.approved_at) - Date.parse(a.approved_at) || compare(b.id, a.id);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
