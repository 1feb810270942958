// The pure least-privilege review, table-driven: which approved scopes each installation
// used in the window, which write scopes served only reads (with the read scope
// suggested), the last use of each, the window's day boundaries, and the app summary.
import { describe, expect, it } from 'vitest';
import type { DailyScopeUsage, Installation, ScopeUsage } from '../../src/store/types.ts';
import {
  type InstallationUsage,
  reviewApp,
  reviewedInstallations,
  reviewScopes,
  type ScopeReview,
} from '../../src/usage/review.ts';
import type { UsageWindow } from '../../src/usage/window.ts';

const window: UsageWindow = {
  from: '2026-11-01',
  to: '2026-11-23',
  since: '2026-11-01T00:00:00.000Z',
  until: '2026-11-23T11:00:00.000Z',
};

function installation(id: string, scopes: string[], extra: Partial<Installation> = {}) {
  return {
    id,
    app: 'an-app',
    merchant: 'm_1',
    site: `s_${id}`,
    requested_scopes: scopes,
    approved_scope: { scopes, site: `s_${id}`, audience: 'http://localhost:8080' },
    access_mode: 'connected',
    approved_at: '2026-01-01T00:00:00.000Z',
    approved_by: 'm_1',
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
    enforced_at: null,
    ...extra,
  } satisfies Installation;
}

/** Usage from `[day, scope, count]` rows; totals' last use = the latest day's noon. */
function usage(
  inst: Installation,
  rows: [string, string, number][],
  lastOverride: Record<string, string> = {},
): InstallationUsage {
  const days: DailyScopeUsage[] = rows.map(([day, scope, count]) => ({ day, scope, count }));
  const totals: Record<string, ScopeUsage> = {};
  for (const { day, scope, count } of days) {
    const last = `${day}T12:00:00.000Z`;
    const prev = totals[scope];
    totals[scope] = {
      count: (prev?.count ?? 0) + count,
      last: prev && prev.last > last ? prev.last : last,
    };
  }
  for (const [scope, last] of Object.entries(lastOverride)) {
    totals[scope] = { count: totals[scope]?.count ?? 1, last };
  }
  return { installation: inst, totals, days };
}

const cases: {
  name: string;
  approved: string[];
  rows: [string, string, number][];
  expected: ScopeReview[];
}[] = [
  {
    name: 'a read scope with requests in the window is used',
    approved: ['content:read'],
    rows: [['2026-11-20', 'content:read', 4]],
    expected: [
      { scope: 'content:read', count: 4, last_used: '2026-11-20T12:00:00.000Z', status: 'used' },
    ],
  },
  {
    name: 'a scope with no request at all is unused, never used',
    approved: ['leads:read'],
    rows: [],
    expected: [{ scope: 'leads:read', count: 0, last_used: null, status: 'unused' }],
  },
  {
    name: 'a write scope that only served reads suggests the read scope',
    approved: ['content:write', 'leads:read'],
    rows: [
      ['2026-11-02', 'content:read', 2],
      ['2026-11-22', 'content:read', 3],
    ],
    expected: [
      {
        scope: 'content:write',
        count: 5,
        last_used: '2026-11-22T12:00:00.000Z',
        last_write: null,
        status: 'write_used_only_for_reads',
        suggestion: 'content:read',
      },
      { scope: 'leads:read', count: 0, last_used: null, status: 'unused' },
    ],
  },
  {
    name: 'a write scope that wrote in the window is used, its reads counted with it',
    approved: ['content:write'],
    rows: [
      ['2026-11-10', 'content:write', 1],
      ['2026-11-11', 'content:read', 6],
    ],
    expected: [
      {
        scope: 'content:write',
        count: 7,
        last_used: '2026-11-11T12:00:00.000Z',
        last_write: '2026-11-10T12:00:00.000Z',
        status: 'used',
      },
    ],
  },
  {
    name: 'reads go to an approved read scope, leaving the write scope unused',
    approved: ['content:read', 'content:write'],
    rows: [['2026-11-05', 'content:read', 8]],
    expected: [
      { scope: 'content:read', count: 8, last_used: '2026-11-05T12:00:00.000Z', status: 'used' },
      {
        scope: 'content:write',
        count: 0,
        last_used: null,
        last_write: null,
        status: 'unused',
      },
    ],
  },
  {
    name: 'the first and last day of the window count, the day before does not',
    approved: ['media:read', 'leads:read', 'payments:read'],
    rows: [
      ['2026-11-01', 'media:read', 1],
      ['2026-11-23', 'leads:read', 1],
      ['2026-10-31', 'payments:read', 9],
    ],
    expected: [
      { scope: 'media:read', count: 1, last_used: '2026-11-01T12:00:00.000Z', status: 'used' },
      { scope: 'leads:read', count: 1, last_used: '2026-11-23T12:00:00.000Z', status: 'used' },
      {
        scope: 'payments:read',
        count: 0,
        last_used: '2026-10-31T12:00:00.000Z',
        status: 'unused',
      },
    ],
  },
  {
    name: 'a write before the window and reads inside it: used only for reads in the window',
    approved: ['media:write'],
    rows: [
      ['2026-10-01', 'media:write', 2],
      ['2026-11-15', 'media:read', 1],
    ],
    expected: [
      {
        scope: 'media:write',
        count: 1,
        last_used: '2026-11-15T12:00:00.000Z',
        last_write: '2026-10-01T12:00:00.000Z',
        status: 'write_used_only_for_reads',
        suggestion: 'media:read',
      },
    ],
  },
  {
    name: 'counts of scopes the installation was not approved for are ignored',
    approved: ['content:read'],
    rows: [['2026-11-15', 'leads:read', 3]],
    expected: [{ scope: 'content:read', count: 0, last_used: null, status: 'unused' }],
  },
];

describe('reviewScopes', () => {
  it.each(cases)('$name', ({ approved, rows, expected }) => {
    expect(reviewScopes(usage(installation('i1', approved), rows), window)).toEqual(expected);
  });

  it('lists a scope approved twice once', () => {
    const review = reviewScopes(
      usage(installation('i1', ['content:read', 'content:read']), []),
      window,
    );
    expect(review.map((r) => r.scope)).toEqual(['content:read']);
  });
});

describe('reviewApp', () => {
  const a = installation('a', ['content:write', 'leads:read', 'media:read']);
  const b = installation('b', ['content:write', 'leads:read']);
  const c = installation('c', ['content:read', 'media:read']);

  it('reviews each installation and summarizes the scopes no installation used', () => {
    const review = reviewApp(
      'an-app',
      [
        usage(a, [
          ['2026-11-20', 'content:read', 3],
          ['2026-11-20', 'media:read', 1],
        ]),
        usage(b, [['2026-11-21', 'content:read', 1]]),
        usage(c, []),
      ],
      window,
    );
    expect(review).toMatchObject({
      app: 'an-app',
      since: '2026-11-01T00:00:00.000Z',
      until: '2026-11-23T11:00:00.000Z',
    });
    expect(review.installations.map((i) => [i.id, i.site, i.approved_scopes])).toEqual([
      ['a', 's_a', ['content:write', 'leads:read', 'media:read']],
      ['b', 's_b', ['content:write', 'leads:read']],
      ['c', 's_c', ['content:read', 'media:read']],
    ]);
    expect(
      review.installations.map((i) => Object.fromEntries(i.scopes.map((s) => [s.scope, s.status]))),
    ).toEqual([
      {
        'content:write': 'write_used_only_for_reads',
        'leads:read': 'unused',
        'media:read': 'used',
      },
      { 'content:write': 'write_used_only_for_reads', 'leads:read': 'unused' },
      { 'content:read': 'unused', 'media:read': 'unused' },
    ]);
    expect(review.summary).toEqual({
      unused: [
        { scope: 'content:read', installations: ['c'] },
        { scope: 'leads:read', installations: ['a', 'b'] },
      ],
      write_only_read: [
        { scope: 'content:write', suggestion: 'content:read', installations: ['a', 'b'] },
      ],
    });
  });

  it('keeps a scope out of the summary when one installation wrote with it', () => {
    const review = reviewApp(
      'an-app',
      [
        usage(a, [['2026-11-20', 'content:read', 3]]),
        usage(b, [['2026-11-20', 'content:write', 1]]),
      ],
      window,
    );
    expect(review.summary.write_only_read).toEqual([]);
    expect(review.summary.unused.map((u) => u.scope)).toEqual(['leads:read', 'media:read']);
  });

  it('reviews nothing for an app without installations', () => {
    expect(reviewApp('an-app', [], window)).toEqual({
      app: 'an-app',
      since: window.since,
      until: window.until,
      installations: [],
      summary: { unused: [], write_only_read: [] },
    });
  });
});

describe('reviewedInstallations', () => {
  const live = installation('live', ['content:read']);
  const revoked = installation('gone', ['content:read'], {
    revoked_at: '2026-11-02T00:00:00.000Z',
    revoked_by: 'operator',
  });

  it('keeps live installations, revoked ones only when asked', () => {
    expect(reviewedInstallations([live, revoked], { includeRevoked: false })).toEqual([live]);
    expect(reviewedInstallations([live, revoked], { includeRevoked: true })).toEqual([
      live,
      revoked,
    ]);
  });
});
