// "Not used in N days" beside each approved scope on the merchant's page: whole days since
// the last request the scope served, since approval when it never served one, nothing
// within the first day, and write scopes that only read say so.
import { describe, expect, it } from 'vitest';
import type { Installation, ScopeUsage } from '../../src/store/types.ts';
import { idleNote, idleNotes } from '../../src/usage/idle.ts';

const now = new Date('2026-11-23T12:00:00.000Z');
const ago = (days: number, hours = 0) =>
  new Date(now.getTime() - days * 86_400_000 - hours * 3_600_000).toISOString();

function installation(scopes: string[], approvedDaysAgo = 40): Installation {
  return {
    id: 'i1',
    app: 'an-app',
    merchant: 'm_1',
    site: 's_1',
    requested_scopes: scopes,
    approved_scope: { scopes, site: 's_1', audience: 'a' },
    access_mode: 'connected',
    approved_at: ago(approvedDaysAgo),
    approved_by: 'm_1',
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
    enforced_at: null,
  };
}

const used = (last: string): ScopeUsage => ({ count: 1, last });

describe('idleNote', () => {
  it.each<{
    name: string;
    scope: string;
    approved: string[];
    totals: Record<string, ScopeUsage>;
    approvedDaysAgo?: number;
    note: string | undefined;
  }>([
    {
      name: 'used within the last day: nothing',
      scope: 'content:read',
      approved: ['content:read'],
      totals: { 'content:read': used(ago(0, 23)) },
      note: undefined,
    },
    {
      name: 'last used 12 days ago',
      scope: 'content:read',
      approved: ['content:read'],
      totals: { 'content:read': used(ago(12, 3)) },
      note: 'not used in 12 days',
    },
    {
      name: 'exactly one day',
      scope: 'content:read',
      approved: ['content:read'],
      totals: { 'content:read': used(ago(1)) },
      note: 'not used in 1 day',
    },
    {
      name: 'never used since approval',
      scope: 'leads:read',
      approved: ['leads:read'],
      totals: {},
      note: 'never used; approved 40 days ago',
    },
    {
      name: 'never used, approved less than a day ago: nothing yet',
      scope: 'leads:read',
      approved: ['leads:read'],
      totals: {},
      approvedDaysAgo: 0,
      note: undefined,
    },
    {
      name: 'a write scope that reads today and never wrote',
      scope: 'content:write',
      approved: ['content:write'],
      totals: { 'content:read': used(ago(0, 1)) },
      note: 'never used to make changes, only to read',
    },
    {
      name: 'a write scope that last wrote 30 days ago and reads today',
      scope: 'content:write',
      approved: ['content:write'],
      totals: { 'content:write': used(ago(30)), 'content:read': used(ago(0, 1)) },
      note: 'not used to make changes in 30 days, only to read',
    },
    {
      name: 'a write scope idle for both',
      scope: 'content:write',
      approved: ['content:write'],
      totals: { 'content:write': used(ago(30)), 'content:read': used(ago(5)) },
      note: 'not used in 5 days; not used to make changes in 30 days',
    },
    {
      name: 'a write scope whose reads belong to the approved read scope',
      scope: 'content:write',
      approved: ['content:read', 'content:write'],
      totals: { 'content:read': used(ago(0, 1)) },
      note: 'never used; approved 40 days ago',
    },
    {
      name: 'a write scope that wrote last',
      scope: 'content:write',
      approved: ['content:write'],
      totals: { 'content:write': used(ago(3)), 'content:read': used(ago(4)) },
      note: 'not used in 3 days',
    },
  ])('$name', ({ scope, approved, totals, approvedDaysAgo, note }) => {
    expect(idleNote(scope, installation(approved, approvedDaysAgo), totals, now)).toBe(note);
  });
});

describe('idleNotes', () => {
  it('notes every approved scope that needs one, none for a revoked installation', () => {
    const inst = installation(['content:read', 'leads:read', 'media:read']);
    const totals = { 'content:read': used(ago(2)), 'media:read': used(ago(0, 2)) };
    expect(idleNotes(inst, totals, now)).toEqual({
      'content:read': 'not used in 2 days',
      'leads:read': 'never used; approved 40 days ago',
    });
    expect(idleNotes({ ...inst, revoked_at: ago(1) }, totals, now)).toEqual({});
  });
});
