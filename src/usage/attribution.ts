// Which counted requests an approved scope served. The gateway counts each request under
// the route's required scope, so a GET counts `content:read` even when the token holds
// only `content:write`: that read was served by the write scope unless `content:read`
// was approved too. Every report (operator review, merchant page) attributes the same way.
import { isWriteScope, readScopeOf } from '../scopes/index.ts';

/** The counted scopes whose requests `scope` served, given every approved scope. */
export function servedBy(scope: string, approved: readonly string[]): string[] {
  const read = readCounterpart(scope);
  return read === undefined || approved.includes(read) ? [scope] : [scope, read];
}

/** The read scope on the same resource for a write scope; undefined for anything else. */
export function readCounterpart(scope: string): string | undefined {
  return isWriteScope(scope) ? readScopeOf(scope) : undefined;
}

/** The latest of ISO times, null when there is none. */
export function latest(times: readonly (string | undefined)[]): string | null {
  let out: string | null = null;
  for (const t of times) if (t && (out === null || t > out)) out = t;
  return out;
}
