// The scope catalogue (`config/scopes.json`): which scopes exist, what each means to a
// merchant and which are sensitive. Validated once when loaded, every problem named.
import type { Problem } from '../errors/index.ts';
import { isObject } from '../json.ts';
import { type Action, parseScope, scopeOf } from './grammar.ts';

/** One grantable scope as merchants see it. */
export interface ScopeEntry {
  scope: string;
  resource: string;
  action: Action;
  /** Shown on the consent page. */
  description: string;
  /** Why the scope is sensitive (e.g. `customer_data`, `payments`), when it is. */
  sensitive?: string;
}

/** The scopes that exist, in catalogue order. Immutable. */
export interface ScopeCatalogue {
  readonly entries: readonly ScopeEntry[];
  has(scope: string): boolean;
  get(scope: string): ScopeEntry | undefined;
  /** Resources in catalogue order, each once. */
  resources(): string[];
}

export type CatalogueResult =
  | { ok: true; catalogue: ScopeCatalogue }
  | { ok: false; problems: Problem[] };

const ENTRY_KEYS = ['scope', 'description', 'sensitive'];
const SENSITIVE = /^[a-z][a-z0-9_]{0,31}$/;
const MAX_DESCRIPTION = 200;

type Obj = Record<string, unknown>;

function unknownKeys(o: Obj, allowed: readonly string[], at: string): Problem[] {
  return Object.keys(o)
    .filter((k) => !allowed.includes(k))
    .map((k) => ({ path: at ? `${at}.${k}` : k, message: 'unknown key' }));
}

/** One entry's problems, and the entry when it has none. */
function checkEntry(raw: unknown, at: string): { entry?: ScopeEntry; problems: Problem[] } {
  if (!isObject(raw)) return { problems: [{ path: at, message: 'must be an object' }] };
  const problems = unknownKeys(raw, ENTRY_KEYS, at);
  const { scope, description, sensitive } = raw;
  const parsed = typeof scope === 'string' ? parseScope(scope) : undefined;
  if (!parsed) {
    problems.push({ path: `${at}.scope`, message: 'must be "resource:read" or "resource:write"' });
  }
  if (
    typeof description !== 'string' ||
    description.trim() === '' ||
    description.length > MAX_DESCRIPTION
  ) {
    problems.push({
      path: `${at}.description`,
      message: `must be text of 1-${MAX_DESCRIPTION} characters`,
    });
  }
  if (sensitive !== undefined && (typeof sensitive !== 'string' || !SENSITIVE.test(sensitive))) {
    problems.push({
      path: `${at}.sensitive`,
      message: 'must be a lower-case word such as "customer_data"',
    });
  }
  if (problems.length > 0 || !parsed) return { problems };
  const entry: ScopeEntry = {
    scope: scope as string,
    ...parsed,
    description: (description as string).trim(),
  };
  if (typeof sensitive === 'string') entry.sensitive = sensitive;
  return { entry, problems };
}

/** Every write needs its read: `write ⇒ read` must never grant an unlisted scope. */
function readsPresent(entries: Map<string, { entry: ScopeEntry; at: string }>): Problem[] {
  const problems: Problem[] = [];
  for (const { entry, at } of entries.values()) {
    const read = scopeOf(entry.resource, 'read');
    if (entry.action === 'write' && !entries.has(read)) {
      problems.push({
        path: `${at}.scope`,
        message: `"${entry.scope}" needs "${read}" in the catalogue (write implies read)`,
      });
    }
  }
  return problems;
}

function catalogueOf(entries: readonly ScopeEntry[]): ScopeCatalogue {
  const frozen = Object.freeze(entries.map((e) => Object.freeze({ ...e })));
  const byScope = new Map(frozen.map((e) => [e.scope, e]));
  const resources = [...new Set(frozen.map((e) => e.resource))];
  return Object.freeze({
    entries: frozen,
    has: (scope: string) => byScope.has(scope),
    get: (scope: string) => byScope.get(scope),
    resources: () => [...resources],
  });
}

/**
 * Validates the JSON of `config/scopes.json`:
 * `{ "scopes": [{ "scope": "content:read", "description": "…", "sensitive"?: "customer_data" }] }`.
 * Reports every problem with its key path: shape, grammar, duplicates, a write without its read.
 */
export function buildCatalogue(input: unknown): CatalogueResult {
  if (!isObject(input))
    return { ok: false, problems: [{ path: '(root)', message: 'must be an object' }] };
  const problems = unknownKeys(input, ['scopes'], '');
  const list = input.scopes;
  if (!Array.isArray(list) || list.length === 0) {
    problems.push({ path: 'scopes', message: 'must be a non-empty list' });
    return { ok: false, problems };
  }
  const entries = new Map<string, { entry: ScopeEntry; at: string }>();
  for (const [i, raw] of list.entries()) {
    const at = `scopes[${i}]`;
    const checked = checkEntry(raw, at);
    problems.push(...checked.problems);
    if (!checked.entry) continue;
    const earlier = entries.get(checked.entry.scope);
    if (earlier) problems.push({ path: `${at}.scope`, message: `duplicate of ${earlier.at}` });
    else entries.set(checked.entry.scope, { entry: checked.entry, at });
  }
  problems.push(...readsPresent(entries));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, catalogue: catalogueOf([...entries.values()].map((e) => e.entry)) };
}
