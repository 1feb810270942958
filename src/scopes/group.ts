// How requested scopes are shown to a merchant: grouped by resource, resources and
// scopes in catalogue order, each scope once with its catalogue entry.
import type { ScopeCatalogue, ScopeEntry } from './catalogue.ts';

/** The scopes of one resource, in catalogue order. */
export interface ResourceGroup {
  resource: string;
  entries: ScopeEntry[];
}

/**
 * Groups scopes by resource for the consent page. Scopes the catalogue does not know are
 * left out: they were refused before anything is shown.
 */
export function groupByResource(
  scopes: Iterable<string>,
  catalogue: ScopeCatalogue,
): ResourceGroup[] {
  const wanted = new Set(scopes);
  const groups = new Map<string, ScopeEntry[]>(catalogue.resources().map((r) => [r, []]));
  for (const entry of catalogue.entries) {
    if (wanted.has(entry.scope)) groups.get(entry.resource)?.push(entry);
  }
  return [...groups]
    .filter(([, entries]) => entries.length > 0)
    .map(([resource, entries]) => ({ resource, entries }));
}
