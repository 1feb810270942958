// The scope grammar: `resource:action` with action `read` or `write`, and nothing else:
// no wildcards, no extra segments, no upper case. Anything else is malformed.

/** The two actions a scope can grant; `write` implies `read` on the same resource. */
export const ACTIONS = ['read', 'write'] as const;
export type Action = (typeof ACTIONS)[number];

/** A well-formed scope split into its parts. */
export interface ParsedScope {
  resource: string;
  action: Action;
}

/** Resource names: lower-case letter first, then up to 31 of `a-z 0-9 _ -`. */
export const RESOURCE_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;
const SCOPE_PATTERN = /^([a-z][a-z0-9_-]{0,31}):(read|write)$/;

/** Parses `resource:action`; `undefined` for anything malformed. */
export function parseScope(scope: string): ParsedScope | undefined {
  const m = SCOPE_PATTERN.exec(scope);
  if (!m) return undefined;
  return { resource: m[1] as string, action: m[2] as Action };
}

/** true for a well-formed scope (whether or not a catalogue knows it). */
export function isScope(scope: string): boolean {
  return SCOPE_PATTERN.test(scope);
}

/** true for a well-formed resource name. */
export function isResource(name: string): boolean {
  return RESOURCE_PATTERN.test(name);
}

/** The scope string for a resource and an action. */
export function scopeOf(resource: string, action: Action): string {
  return `${resource}:${action}`;
}

/** true for a write scope (`content:write`): requests under it change things. */
export function isWriteScope(scope: string): boolean {
  return parseScope(scope)?.action === 'write';
}

/** The read scope of the same resource (`content:write` → `content:read`); others as given. */
export function readScopeOf(scope: string): string {
  const p = parseScope(scope);
  return p ? scopeOf(p.resource, 'read') : scope;
}
