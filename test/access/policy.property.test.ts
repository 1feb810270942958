// Properties of the access policy over generated tasks, approvals, flows and manifests:
// the least mode, never more approved than required, a fallback exactly when blocked,
// and one answer whatever order the ledger and the flows arrive in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accessModeOf } from '../../src/access/mode.ts';
import { decideAccess, type PolicyInput, SUPPORTED_PROVIDERS } from '../../src/access/policy.ts';
import { leastMode, neededScopes } from '../../src/access/task-scopes.ts';
import {
  ACCESS_MODES,
  type AccessMode,
  type AccessState,
  type DataFlow,
  type RemediationTask,
} from '../../src/access/types.ts';
import { broaderThan, minimal, parseScope } from '../../src/scopes/index.ts';
import type { Installation } from '../../src/store/types.ts';
import { APP, catalogue, inst, manifest } from './policy-fixtures.ts';

// Weighted towards inputs that pass the early rules, so that every state comes up often
// (checked below: no property here holds only vacuously).
const SCOPES = [...catalogue.entries.map((e) => e.scope), 'orders:read'];
const anyScope = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom('content:read', 'content:write', 'media:read', 'media:write'),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom('leads:read', 'leads:write', 'payments:read', 'payments:write'),
  },
  { weight: 1, arbitrary: fc.constantFrom('orders:read', 'content:admin', 'Leads:read', '') },
);
const scopes: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<string[]>([]) },
  { weight: 5, arbitrary: fc.uniqueArray(anyScope, { minLength: 1, maxLength: 3 }) },
);
const TIMES = ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'];
const PURPOSES = ['fix lead form validation', 'refunds'];
const CUSTOMER_SCOPES = ['leads:read', 'leads:write', 'payments:read', 'payments:write'];
const weighted = <T>(often: T[], rarely: T[]) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...often) },
    { weight: 1, arbitrary: fc.constantFrom(...rarely) },
  );

const baseTask: fc.Arbitrary<RemediationTask> = fc.record(
  {
    app: fc.constant(APP),
    kind: weighted(['fix'], ['diagnostic', 'retest'] as const),
    provider: weighted(['wordpress', 'Shopify', ' gtm ', 'cmp'], ['magento', '']),
    target: fc.constantFrom('/about', 'theme/header.liquid', 'GTM-ABC123'),
    required_scopes: scopes,
    needs_live_write: fc.record({ reason: fc.constantFrom('publish the container', '', '  ') }),
    data_purpose: fc.constantFrom(...PURPOSES, ' refunds ', ''),
    instructions: weighted(
      ['Add a meta description to the About page.', 'Label the password field of the form.'],
      ['Send us your admin password.'],
    ),
  },
  { requiredKeys: ['app', 'kind', 'provider', 'target', 'required_scopes', 'instructions'] },
);

/** Apps mostly request nothing or exactly what is required; sometimes anything. */
const task: fc.Arbitrary<RemediationTask> = baseTask.chain((t) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(t) },
    { weight: 3, arbitrary: fc.constant({ ...t, requested_scopes: t.required_scopes }) },
    { weight: 1, arbitrary: scopes.map((requested) => ({ ...t, requested_scopes: requested })) },
  ),
);

/** What the task can be done with, written out here: reads only for an inspection. */
function exactly(t: RemediationTask): string[] {
  const required = minimal(t.required_scopes);
  return t.kind === 'fix' ? required : minimal(required.map((s) => s.replace(/:write$/, ':read')));
}

const flow = (t: RemediationTask): fc.Arbitrary<DataFlow> =>
  fc.record({
    id: fc.constantFrom('f1', 'f2', 'f3'),
    app: weighted([APP], ['other-app']),
    scopes: fc.oneof(fc.subarray(CUSTOMER_SCOPES), fc.constant(CUSTOMER_SCOPES)),
    purpose: weighted([t.data_purpose ?? ''], PURPOSES),
    created_at: fc.constant(TIMES[0] as string),
  });

/**
 * Installations with unique ids (as the store guarantees), mostly recorded as the auth
 * server does, and mostly approving exactly what the task names.
 */
const installations = (t: RemediationTask): fc.Arbitrary<Installation[]> =>
  fc
    .uniqueArray(
      fc.record({
        id: fc.constantFrom('g1', 'g2', 'g3', 'g4', 'g5'),
        scopes: fc.oneof(
          { weight: 5, arbitrary: fc.constant(exactly(t)) },
          { weight: 1, arbitrary: fc.subarray(SCOPES) },
        ),
        approvedAt: fc.constantFrom(...TIMES),
        revokedAt: fc.option(fc.constantFrom(...TIMES), { freq: 2 }),
        mode: fc.option(fc.constantFrom(...ACCESS_MODES), { freq: 4 }),
        // Recorded as a report approval does: in the task's own mode.
        asTask: fc.boolean(),
      }),
      { selector: (r) => r.id, maxLength: 3 },
    )
    .map((list) =>
      list.map((r) =>
        inst(r.id, r.scopes, {
          approved_at: r.approvedAt,
          revoked_at: r.revokedAt,
          access_mode:
            r.mode ?? (r.asTask ? leastMode(t, neededScopes(t)) : accessModeOf(r.scopes)),
        }),
      ),
    );

const policyInput: fc.Arbitrary<PolicyInput> = task.chain((t) =>
  fc.record({
    task: fc.constant(t),
    manifest: weighted([manifest], [undefined]),
    catalogue: fc.constant(catalogue),
    providers: fc.constant(SUPPORTED_PROVIDERS),
    dataFlows: fc.array(flow(t), { maxLength: 3 }),
    installations: installations(t),
  }),
);

/** A deep copy (the catalogue holds functions, so it is shared, not cloned). */
function copyOf(i: PolicyInput): PolicyInput {
  const { catalogue: shared, ...data } = i;
  return { ...structuredClone(data), catalogue: shared };
}

/** Enough runs that every ready state comes up several times in each property. */
const RUNS = { numRuns: 400 };
const rank = (mode: AccessMode) => ACCESS_MODES.indexOf(mode);
const READY: readonly AccessState[] = [
  'ticket_only_ready',
  'read_only_ready',
  'review_only_ready',
  'connected_scope_approved',
];
const BLOCKED: readonly AccessState[] = [
  'scope_too_broad',
  'unsupported_provider',
  'missing_approval',
  'credential_request',
  'customer_data_requested',
  'revoked_access',
];
const permutation = <T>(list: readonly T[]) =>
  fc.shuffledSubarray([...list], { minLength: list.length, maxLength: list.length });

describe('the chosen mode is the least sufficient', () => {
  it('reads only: never above read-only; writes in a fix: review-only or more; nothing: ticket-only', () => {
    fc.assert(
      fc.property(policyInput, (i) => {
        const { remediation_access_mode: mode } = decideAccess(i);
        const required = minimal(i.task.required_scopes);
        const writes = required.some((s) => parseScope(s)?.action === 'write');
        if (!writes) expect(rank(mode)).toBeLessThanOrEqual(rank('read-only'));
        // …and never below what suffices: a fix that writes needs at least review-only.
        if (writes && i.task.kind === 'fix') {
          expect(rank(mode)).toBeGreaterThanOrEqual(rank('review-only'));
        }
        expect(mode === 'ticket-only').toBe(required.length === 0);
      }),
      RUNS,
    );
  });

  it('inspections never need more than read-only; connected needs a non-blank reason', () => {
    fc.assert(
      fc.property(policyInput, (i) => {
        const { remediation_access_mode: mode } = decideAccess(i);
        if (i.task.kind !== 'fix') expect(rank(mode)).toBeLessThanOrEqual(rank('read-only'));
        if (mode === 'connected') expect(i.task.needs_live_write?.reason.trim()).not.toBe('');
      }),
      RUNS,
    );
  });

  it('adding a live-write reason never lowers the mode; dropping a scope never raises it', () => {
    fc.assert(
      fc.property(policyInput, fc.nat(), (i, n) => {
        const base = { ...i, task: { ...i.task, needs_live_write: undefined } };
        const withReason = {
          ...i,
          task: { ...i.task, needs_live_write: { reason: 'publish the container' } },
        };
        const fewer = {
          ...i,
          task: {
            ...i.task,
            required_scopes: i.task.required_scopes.filter((_, k) => k !== n % 4),
          },
        };
        const mode = (x: PolicyInput) => rank(decideAccess(x).remediation_access_mode);
        expect(mode(withReason)).toBeGreaterThanOrEqual(mode(base));
        expect(mode(fewer)).toBeLessThanOrEqual(mode(i));
      }),
      RUNS,
    );
  });
});

describe('approvals and fallbacks', () => {
  it('approved_scope is never broader than required, and holds all of it when ready', () => {
    fc.assert(
      fc.property(policyInput, (i) => {
        const d = decideAccess(i);
        expect(d.revoke_path_visible).toBe(d.approved_scope !== null);
        if (d.approved_scope === null) return;
        expect(broaderThan(d.approved_scope, d.required_scopes)).toEqual([]);
        expect(d.state).not.toBe('ticket_only_ready');
        expect(READY).toContain(d.state);
        expect(d.installation).not.toBeNull();
        expect(d.revoked_at).toBeNull();
      }),
      RUNS,
    );
  });

  it('every blocked state has the ticket-only fallback; ready states none and reject nothing', () => {
    fc.assert(
      fc.property(policyInput, (i) => {
        const d = decideAccess(i);
        if (READY.includes(d.state)) {
          expect(d.fallback).toBeNull();
          expect(d.rejected_scopes).toEqual([]);
          expect(d.narrower_scopes).toBeNull();
        } else {
          expect(d.fallback).toEqual({ mode: 'ticket-only', instructions: i.task.instructions });
        }
      }),
      RUNS,
    );
  });

  it('a ready state matches the mode', () => {
    const expected: Record<AccessMode, AccessState> = {
      'ticket-only': 'ticket_only_ready',
      'read-only': 'read_only_ready',
      'review-only': 'review_only_ready',
      connected: 'connected_scope_approved',
    };
    fc.assert(
      fc.property(policyInput, (i) => {
        const d = decideAccess(i);
        if (READY.includes(d.state)) expect(d.state).toBe(expected[d.remediation_access_mode]);
      }),
      RUNS,
    );
  });

  it('reports revoked_at only when no installation is live', () => {
    fc.assert(
      fc.property(policyInput, (i) => {
        const d = decideAccess(i);
        const live = i.installations.some((x) => x.revoked_at === null);
        if (live || i.installations.length === 0) expect(d.revoked_at).toBeNull();
        else expect(d.revoked_at).not.toBeNull();
      }),
      RUNS,
    );
  });
});

describe('the generators', () => {
  it('reach every state, so no property above holds vacuously', () => {
    const states = new Set(
      fc.sample(policyInput, { numRuns: 2000, seed: 1 }).map((i) => decideAccess(i).state),
    );
    expect([...states].sort()).toEqual([...READY, ...BLOCKED].sort());
  });
});

describe('determinism', () => {
  it('the same input gives the same decision, whatever the order of installations and flows', () => {
    const shuffled = policyInput.chain((i) =>
      fc.tuple(
        fc.constant(i),
        permutation(i.installations),
        permutation(i.dataFlows),
        permutation(i.providers),
      ),
    );
    fc.assert(
      fc.property(shuffled, ([i, installs, flows, providers]) => {
        const d = decideAccess(i);
        expect(decideAccess(copyOf(i))).toEqual(d);
        expect(
          decideAccess({ ...i, installations: installs, dataFlows: flows, providers }),
        ).toEqual(d);
      }),
      RUNS,
    );
  });

  it('does not change its input', () => {
    fc.assert(
      fc.property(policyInput, (i) => {
        const before = copyOf(i);
        decideAccess(i);
        expect(i).toEqual(before);
      }),
      RUNS,
    );
  });
});
