// Query parameters of the admin API, read one way: each known parameter given at most once
// and not empty, nothing unknown, every problem named at once (a 400), so a mistyped or
// repeated filter is never silently dropped (which would list everything).
import { invalidRequest, type Problem } from '../errors/index.ts';

type Query = Record<string, string | string[] | undefined>;

/** The known parameters' values; each problem is added to `problems`. */
export function queryParams<K extends string>(
  query: Query,
  known: readonly K[],
  problems: Problem[],
): Partial<Record<K, string>> {
  const names = new Set<string>(known);
  for (const key of Object.keys(query)) {
    if (!names.has(key)) {
      problems.push({
        path: key.slice(0, 40),
        message: `unknown parameter; expected ${known.join(', ')}`,
      });
    }
  }
  const values: Partial<Record<K, string>> = {};
  for (const key of known) {
    const value = query[key];
    if (Array.isArray(value)) problems.push({ path: key, message: 'given more than once' });
    else if (value === '') problems.push({ path: key, message: 'empty; give a value or omit it' });
    else if (value !== undefined) values[key] = value;
  }
  return values;
}

/** The known parameters' values, or a 400 naming every problem (`what`: e.g. "installations"). */
export function readQueryParams<K extends string>(
  query: Query,
  known: readonly K[],
  what: string,
  required: readonly K[] = [],
): Partial<Record<K, string>> {
  const problems: Problem[] = [];
  const values = queryParams(query, known, problems);
  for (const key of required) {
    if (query[key] === undefined) problems.push({ path: key, message: 'required' });
  }
  if (problems.length) throw invalidRequest(`invalid ${what} query`, problems);
  return values;
}
