// Field rules shared by the operator inputs of remediation work (reports, data flows):
// bounded text, URL-safe ids, scopes checked against the catalogue, and how problems leave.
import { z } from 'zod';
import { problemsFromIssues, quoted } from '../apps/problems.ts';
import type { Problem } from '../errors/index.ts';
import { isScope, type ScopeCatalogue } from '../scopes/index.ts';

/** Ids that appear in URLs (`/reports/{id}`): a letter or digit, then up to 63 of `A-Za-z0-9_.-`. */
export const SLUG = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const ANY_CONTROL = /\p{Cc}/u;
/** Prose may break lines; every other control character is refused. */
const CONTROL_BUT_BREAKS = /[^\P{Cc}\t\n\r]/u;

/** Beyond this many, the rest are counted: a body of thousands of errors helps no one. */
const MAX_PROBLEMS = 100;

/** zod's message for a missing value vs a value of the wrong type. */
export const typed = (what: string) => ({
  error: (issue: { input?: unknown }) =>
    issue.input === undefined ? 'is required' : `must be ${what}`,
});

function bounded(max: number, forbidden: RegExp, refused: string) {
  return z
    .string(typed('a string'))
    .max(max, `must be at most ${max} characters`)
    .refine((s) => s.trim() !== '', 'must not be blank')
    .refine((s) => !forbidden.test(s), refused);
}

/** One line of text, not blank, at most `max` characters. */
export const line = (max: number) =>
  bounded(max, ANY_CONTROL, 'must not contain control characters');

/** Text that may span lines (tabs and line breaks allowed), not blank, at most `max`. */
export const prose = (max: number) =>
  bounded(
    max,
    CONTROL_BUT_BREAKS,
    'must not contain control characters other than tabs and line breaks',
  );

/** An id as in SLUG. */
export const slug = () =>
  z
    .string(typed('a string'))
    .regex(SLUG, 'must be 1-64 of A-Z a-z 0-9 _ . -, starting with a letter or digit');

/** The problems of one scope: grammar, catalogue, then whatever `more` adds for known ones. */
export function scopeProblems(
  catalogue: ScopeCatalogue,
  more: (scope: string) => string[] = () => [],
) {
  return (scope: string): string[] => {
    if (!isScope(scope))
      return [`malformed scope ${quoted(scope)} (expected resource:read or resource:write)`];
    return catalogue.has(scope) ? more(scope) : [`unknown scope ${quoted(scope)}`];
  };
}

/** A list of distinct scopes (`at` names it in messages), each checked by `problems`. */
export function scopeList(at: string, problems: (scope: string) => string[], max: number) {
  const scope = z.string(typed('a string')).superRefine((value, ctx) => {
    for (const message of problems(value)) ctx.addIssue({ code: 'custom', message });
  });
  return z
    .array(scope, typed('a list'))
    .max(max, `must name at most ${max} scopes`)
    .superRefine(
      (list, ctx) => {
        const first = new Map<unknown, number>();
        list.forEach((value, i) => {
          const earlier = first.get(value);
          if (earlier === undefined) first.set(value, i);
          else if (typeof value === 'string')
            ctx.addIssue({ code: 'custom', path: [i], message: `duplicate of ${at}[${earlier}]` });
        });
      },
      // Also when some element is bad, so duplicates are named with every other problem.
      { when: ({ value }) => Array.isArray(value) && value.length <= max },
    );
}

/** A raw value worth looking up: a non-blank string within its bound (else the schema speaks). */
export function lookable(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.length <= max;
}

/** Schema issues and further problems as one list, cut at MAX_PROBLEMS with a count of the rest. */
export function collect(issues: readonly z.core.$ZodIssue[], more: Problem[]): Problem[] {
  const all = [...problemsFromIssues(issues), ...more];
  if (all.length <= MAX_PROBLEMS) return all;
  const rest = all.length - MAX_PROBLEMS;
  return [
    ...all.slice(0, MAX_PROBLEMS),
    { path: '(body)', message: `and ${rest} more problem${rest === 1 ? '' : 's'}` },
  ];
}
