// The rules on what a task asks for, before any approval is looked at: credentials,
// provider, scope beyond the need, customer data, scopes that can never be approved.
// Each either blocks with its state, naming every refused scope and why, or passes.
import { broaderThan, isScope, minimal, readScopeOf, satisfies } from '../scopes/index.ts';
import { credentialMentions } from './credentials.ts';
import { isCustomerDataScope } from './customer-data.ts';
import type { Facts } from './facts.ts';
import { blocked, firstReasons, named, type Outcome } from './outcome.ts';
import { inspectionWrites } from './task-scopes.ts';
import type { RejectedScope } from './types.ts';

/** Stop at anything asking for passwords, keys, tokens or login details; nothing to reject. */
export function credentialRequest(f: Facts): Outcome | undefined {
  return credentialMentions(f.task).length > 0 ? blocked('credential_request') : undefined;
}

export function unsupportedProvider(f: Facts): Outcome | undefined {
  const provider = f.task.provider.trim().toLowerCase();
  const known = f.input.providers.some((p) => p.trim().toLowerCase() === provider);
  return known ? undefined : blocked('unsupported_provider');
}

/**
 * More than the task needs, from any of three sides: an inspection naming writes, the
 * app's request, or the live approval (unless the task is ticket-only and uses none).
 */
export function scopeTooBroad(f: Facts): Outcome | undefined {
  const needs =
    f.needed.length > 0
      ? `the task needs only ${named(f.needed)}`
      : 'the task needs no access (ticket-only)';
  const rejected: RejectedScope[] = inspectionWrites(f.task).map((scope) => ({
    scope,
    reason: `a ${f.task.kind} task only inspects: ${readScopeOf(scope)} is enough`,
  }));
  for (const scope of broaderThan(f.task.requested_scopes ?? [], f.needed)) {
    const what = isScope(scope) ? 'requested' : 'requested, but not a scope';
    rejected.push({ scope, reason: `${what}; ${needs}` });
  }
  const live = f.ledger.live;
  if (live && f.mode !== 'ticket-only') {
    for (const scope of broaderThan(live.approved_scope.scopes, f.needed)) {
      rejected.push({ scope, reason: `approved on installation ${live.id}; ${needs}` });
    }
  }
  if (rejected.length === 0) return undefined;
  return blocked('scope_too_broad', firstReasons(rejected), f.needed);
}

/**
 * Customer data only through a dedicated flow the operator approved for this app and
 * this purpose, one flow holding every customer-data scope the task touches.
 */
export function customerDataRequested(f: Facts): Outcome | undefined {
  const touched = minimal([...f.needed, ...(f.task.requested_scopes ?? [])]).filter((s) =>
    isCustomerDataScope(f.input.catalogue, s),
  );
  if (touched.length === 0) return undefined;
  const purpose = f.task.data_purpose?.trim() ?? '';
  const flows = f.input.dataFlows.filter(
    (flow) => purpose !== '' && flow.app === f.task.app && flow.purpose.trim() === purpose,
  );
  const covers = (scopes: readonly string[]) => touched.every((s) => satisfies(scopes, s));
  if (flows.some((flow) => covers(flow.scopes))) return undefined;
  const reasonFor = (scope: string): string => {
    if (purpose === '') return 'customer data needs a data_purpose and an approved data flow';
    if (flows.length === 0)
      return `no operator-approved data flow for app "${f.task.app}" and purpose "${purpose}"`;
    if (!flows.some((flow) => satisfies(flow.scopes, scope)))
      return `the approved data flow for purpose "${purpose}" does not include ${scope}`;
    return `no single approved data flow for purpose "${purpose}" covers ${named(touched)}`;
  };
  const rejected = touched.map((scope) => ({ scope, reason: reasonFor(scope) }));
  return blocked('customer_data_requested', rejected);
}

/**
 * Scopes no customer can approve as things stand: malformed, outside the catalogue, of an
 * unknown app, or not declared in the app's manifest (auth.scopes ∪ optional_scopes).
 */
export function notApprovable(f: Facts): Outcome | undefined {
  const rejected: RejectedScope[] = [...new Set(f.task.required_scopes)]
    .filter((scope) => !isScope(scope))
    .map((scope) => ({ scope, reason: 'not a scope (expected resource:read or resource:write)' }));
  const declared = f.manifest
    ? [...f.manifest.auth.scopes, ...f.manifest.auth.optional_scopes]
    : [];
  for (const scope of f.needed) {
    if (!f.input.catalogue.has(scope)) {
      rejected.push({ scope, reason: 'not in the scope catalogue' });
    } else if (!f.manifest) {
      rejected.push({ scope, reason: `app "${f.task.app}" is not registered` });
    } else if (!satisfies(declared, scope)) {
      rejected.push({ scope, reason: `not declared in the manifest of app "${f.task.app}"` });
    }
  }
  return rejected.length > 0 ? blocked('missing_approval', rejected) : undefined;
}
