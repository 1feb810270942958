// Schema issues as scopegate problems: one `{ path, message }` per issue, the key path
// written as in the document (`auth.scopes[2]`), each unknown key named on its own.
import type { z } from 'zod';
import type { Problem } from '../errors/index.ts';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['auth', 'scopes', 2]` → `auth.scopes[2]`; the root is `(root)`. */
export function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || '(root)';
}

/** One problem per issue; an unknown-keys issue becomes one problem per key. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[]): Problem[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: keyPath([...issue.path, key]), message: 'unknown key' }))
      : [{ path: keyPath(issue.path), message: issue.message }],
  );
}

/** A user-supplied string quoted for a message, cut to a readable length. */
export function quoted(text: string): string {
  const json = JSON.stringify(text);
  return json.length > 82 ? `${json.slice(0, 80)}…"` : json;
}
