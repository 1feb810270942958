// "Not used in N days" for the merchant's connected-apps page, pure: per approved scope of
// a live installation, how long since the app last used it (attributed as in the operator
// review), or since approval when it never did. Nothing is said within the first day.
import type { Installation, ScopeUsage } from '../store/types.ts';
import { latest, readCounterpart, servedBy } from './attribution.ts';
import { daysSince } from './days.ts';

function days(n: number): string {
  return n === 1 ? '1 day' : `${n} days`;
}

/**
 * The note for one approved scope; undefined when it was used within the last day, or
 * approved less than a day ago and not used since. Wording:
 * - `not used in N days`: the last request it served was N whole days ago;
 * - `never used; approved N days ago`: no request it served was ever counted;
 * - a write scope whose writes are older than its reads adds that the read scope would
 *   have done: `not used to make changes in N days` or `never used to make changes`,
 *   followed by `, only to read` when it read within the last day, else after a `; `.
 */
export function idleNote(
  scope: string,
  installation: Installation,
  totals: Record<string, ScopeUsage>,
  now: Date,
): string | undefined {
  const approved = installation.approved_scope.scopes;
  const lastUse = latest(servedBy(scope, approved).map((s) => totals[s]?.last));
  const approvedDays = daysSince(installation.approved_at, now);
  if (lastUse === null) {
    return approvedDays >= 1 ? `never used; approved ${days(approvedDays)} ago` : undefined;
  }
  const parts: string[] = [];
  const idle = daysSince(lastUse, now);
  if (idle >= 1) parts.push(`not used in ${days(idle)}`);
  const lastWrite = readCounterpart(scope) ? latest([totals[scope]?.last]) : lastUse;
  if (lastWrite !== lastUse) {
    const writeIdle = lastWrite === null ? approvedDays : daysSince(lastWrite, now);
    const writes =
      lastWrite === null
        ? 'never used to make changes'
        : `not used to make changes in ${days(writeIdle)}`;
    if (writeIdle >= 1) parts.push(idle >= 1 ? writes : `${writes}, only to read`);
  }
  return parts.length ? parts.join('; ') : undefined;
}

/** Notes for every approved scope that needs one, by scope; empty for a revoked installation. */
export function idleNotes(
  installation: Installation,
  totals: Record<string, ScopeUsage>,
  now: Date,
): Record<string, string> {
  const notes: Record<string, string> = {};
  if (installation.revoked_at) return notes;
  for (const scope of installation.approved_scope.scopes) {
    const note = idleNote(scope, installation, totals, now);
    if (note) notes[scope] = note;
  }
  return notes;
}
