// What one rule of the access policy concludes; the policy runs its rules in order and the
// first that concludes anything decides (src/access/policy.ts).
import type { Facts } from './facts.ts';
import type { AccessState, RejectedScope } from './types.ts';

export interface Outcome {
  state: AccessState;
  rejected: RejectedScope[];
  /** The narrower set to ask for instead, when the rule offers one. */
  narrower: string[] | null;
  /** The approval the task runs under; only set by the ready states that use access. */
  approved: string[] | null;
}

/** A rule concludes (an outcome) or passes the task on to the next rule (undefined). */
export type Rule = (facts: Facts) => Outcome | undefined;

export function blocked(
  state: AccessState,
  rejected: RejectedScope[] = [],
  narrower: string[] | null = null,
): Outcome {
  return { state, rejected, narrower, approved: null };
}

/** Each scope once, with the first reason given for it. */
export function firstReasons(rejected: readonly RejectedScope[]): RejectedScope[] {
  const seen = new Set<string>();
  return rejected.filter((r) => {
    if (seen.has(r.scope)) return false;
    seen.add(r.scope);
    return true;
  });
}

/** A scope set as the reasons name it. */
export function named(scopes: readonly string[]): string {
  return scopes.join(', ');
}
