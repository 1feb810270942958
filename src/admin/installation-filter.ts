// The query of `GET /admin/installations`: each filter given at most once, non-empty, and
// nothing else, so a mistyped or repeated filter is a 400, never a list of everything.
import { invalidRequest, type Problem } from '../errors/index.ts';
import type { InstallationFilter } from '../store/types.ts';

const FILTERS = ['app', 'site', 'merchant'] as const;

/** The filter, or a 400 naming every bad parameter (unknown, repeated, empty). */
export function installationFilter(
  query: Record<string, string | string[] | undefined>,
): InstallationFilter {
  const problems: Problem[] = [];
  const known = new Set<string>(FILTERS);
  for (const key of Object.keys(query)) {
    if (!known.has(key)) {
      problems.push({
        path: key.slice(0, 40),
        message: `unknown parameter; expected ${FILTERS.join(', ')}`,
      });
    }
  }
  const filter: InstallationFilter = {};
  for (const key of FILTERS) {
    const value = query[key];
    if (Array.isArray(value)) problems.push({ path: key, message: 'given more than once' });
    else if (value === '') problems.push({ path: key, message: 'empty; give a value or omit it' });
    else if (value !== undefined) filter[key] = value;
  }
  if (problems.length) throw invalidRequest('invalid installations query', problems);
  return filter;
}
