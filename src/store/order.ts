// The orderings both stores promise for lists, kept in one place so memory and Redis
// agree: apps oldest first; installations, proposals, data flows and reports newest first
// by their time field (ties by id, descending: Redis ZREVRANGE order on equal scores).
import type { Installation, StoredApp } from './types.ts';

/** Apps by createdAt, then id. */
export function byCreation(a: StoredApp, b: StoredApp): number {
  return compare(a.createdAt, b.createdAt) || compare(a.id, b.id);
}

/** Records newest `field` (an ISO time) first, then id descending. */
export function newestFirst<F extends string>(
  field: F,
): (a: Record<F | 'id', string>, b: Record<F | 'id', string>) => number {
  return (a, b) => Date.parse(b[field]) - Date.parse(a[field]) || compare(b.id, a.id);
}

/** Installations newest approval first, then id descending. */
export const byApprovalDesc: (a: Installation, b: Installation) => number =
  newestFirst('approved_at');

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
