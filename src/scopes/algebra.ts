// Set algebra over scopes: `write ⇒ read` on the same resource and nothing else. A
// malformed scope grants nothing, is implied by nothing, and never satisfies a check.
import { parseScope, scopeOf } from './grammar.ts';

/** true when holding `granted` allows everything `required` allows. */
export function implies(granted: string, required: string): boolean {
  const g = parseScope(granted);
  const r = parseScope(required);
  if (!g || !r || g.resource !== r.resource) return false;
  return g.action === r.action || (g.action === 'write' && r.action === 'read');
}

/** Everything the scopes allow: the well-formed ones plus the reads their writes imply. */
export function expand(scopes: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const s of scopes) {
    const p = parseScope(s);
    if (!p) continue;
    out.add(s);
    if (p.action === 'write') out.add(scopeOf(p.resource, 'read'));
  }
  return out;
}

/** true when some granted scope implies `required`. */
export function satisfies(granted: Iterable<string>, required: string): boolean {
  for (const g of granted) if (implies(g, required)) return true;
  return false;
}

/** The required scopes `granted` does not satisfy, first occurrence order, no repeats. */
export function missing(granted: Iterable<string>, required: Iterable<string>): string[] {
  const held = expand(granted);
  return [...new Set(required)].filter((r) => !held.has(r));
}

/**
 * The smallest set allowing the same as `scopes`: reads covered by a write are dropped,
 * as are malformed scopes and repeats. Sorted.
 */
export function minimal(scopes: Iterable<string>): string[] {
  const held = expand(scopes);
  return [...held].filter((s) => !isCoveredRead(s, held)).sort();
}

function isCoveredRead(scope: string, held: ReadonlySet<string>): boolean {
  const p = parseScope(scope);
  return p?.action === 'read' && held.has(scopeOf(p.resource, 'write'));
}

/**
 * The requested scopes the required set does not imply: what exceeds the task (a
 * malformed requested scope always does). First occurrence order, no repeats.
 */
export function broaderThan(requested: Iterable<string>, required: Iterable<string>): string[] {
  return missing(required, requested);
}

/** true when the scopes allow at least read on `resource`. */
export function canRead(granted: Iterable<string>, resource: string): boolean {
  return satisfies(granted, scopeOf(resource, 'read'));
}
