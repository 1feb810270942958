// Manifest rules across fields, checked on whatever parts are well-formed so that they
// are reported alongside shape problems: optional vs required scopes, topics vs scopes.
import type { Problem } from '../errors/index.ts';
import { field } from '../json.ts';
import { canRead, implies, isScope } from '../scopes/index.ts';
import { TOPIC } from './manifest-schema.ts';
import { quoted } from './problems.ts';

/** Topics every app receives about itself; they need no scope. */
export const PLATFORM_TOPICS: ReadonlySet<string> = new Set(['installation/revoked']);

type Indexed = [index: number, value: string][];

/** The string elements of a list with their indexes; none when it is not a list. */
function strings(value: unknown): Indexed | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((v, i): Indexed => (typeof v === 'string' ? [[i, v]] : []));
}

function optionalScopeProblems(scopes: string[], optional: Indexed): Problem[] {
  const problems: Problem[] = [];
  const optionalSet = new Set(optional.map(([, s]) => s));
  const required = scopes.filter((s) => !optionalSet.has(s));
  for (const [i, scope] of optional) {
    const at = `auth.optional_scopes[${i}]`;
    if (!scopes.includes(scope)) {
      problems.push({ path: at, message: `${quoted(scope)} is not among auth.scopes` });
      continue;
    }
    const implier = required.find((r) => implies(r, scope));
    if (implier)
      problems.push({
        path: at,
        message: `${quoted(scope)} cannot be optional: required "${implier}" implies it`,
      });
  }
  if (scopes.length > 0 && required.length === 0) {
    problems.push({
      path: 'auth.optional_scopes',
      message: 'at least one of auth.scopes must stay required',
    });
  }
  return problems;
}

function topicProblems(scopes: string[], topics: Indexed): Problem[] {
  return topics.flatMap(([i, topic]): Problem[] => {
    const resource = TOPIC.exec(topic)?.[1];
    if (!resource || PLATFORM_TOPICS.has(topic) || canRead(scopes, resource)) return [];
    return [
      {
        path: `webhooks.topics[${i}]`,
        message: `topic "${topic}" needs ${resource}:read or ${resource}:write among auth.scopes`,
      },
    ];
  });
}

/** The cross-field problems of a raw manifest; parts that are not well-formed are skipped. */
export function crossFieldProblems(input: unknown): Problem[] {
  const auth = field(input, 'auth');
  const scopes = strings(field(auth, 'scopes'));
  if (!scopes) return [];
  const scopeList = scopes.map(([, s]) => s).filter(isScope);
  const optional = strings(field(auth, 'optional_scopes')) ?? [];
  const topics = strings(field(field(input, 'webhooks'), 'topics')) ?? [];
  return [...optionalScopeProblems(scopeList, optional), ...topicProblems(scopeList, topics)];
}
