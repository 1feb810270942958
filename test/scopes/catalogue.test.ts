// The scope catalogue: the shipped SitePack file, validation with key paths, and the
// consent-page grouping.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildCatalogue,
  groupByResource,
  type ScopeCatalogue,
  SITEPACK_SCOPES_JSON,
  sitepackCatalogue,
} from '../../src/scopes/index.ts';
import { anyScopes } from './arbitraries.ts';

const shipped = JSON.parse(
  readFileSync(new URL('../../config/scopes.json', import.meta.url), 'utf8'),
);

function problemsOf(input: unknown) {
  const result = buildCatalogue(input);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('the SitePack catalogue', () => {
  it('ships config/scopes.json identical to the built-in default', () => {
    expect(shipped).toEqual(SITEPACK_SCOPES_JSON);
  });

  it('has read and write for content, media, leads and payments, with sensitivity', () => {
    const c = sitepackCatalogue();
    expect(c.resources()).toEqual(['content', 'media', 'leads', 'payments']);
    expect(c.entries.map((e) => e.scope)).toEqual([
      'content:read',
      'content:write',
      'media:read',
      'media:write',
      'leads:read',
      'leads:write',
      'payments:read',
      'payments:write',
    ]);
    expect(c.get('leads:read')).toEqual({
      scope: 'leads:read',
      resource: 'leads',
      action: 'read',
      description: 'Read form submissions and lead data.',
      sensitive: 'customer_data',
    });
    expect(c.get('payments:write')?.sensitive).toBe('payments');
    expect(c.get('content:write')?.sensitive).toBeUndefined();
    expect(c.get('media:read')?.description).toBe('View and list media files in the library.');
    expect(c.has('content:read')).toBe(true);
    expect(c.has('orders:read')).toBe(false);
    expect(c.get('content:*')).toBeUndefined();
  });

  it('is immutable', () => {
    const c = sitepackCatalogue();
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.entries)).toBe(true);
    expect(Object.isFrozen(c.entries[0])).toBe(true);
    c.resources().push('evil');
    expect(c.resources()).not.toContain('evil');
  });
});

describe('buildCatalogue', () => {
  it('accepts a custom catalogue and keeps its order', () => {
    const result = buildCatalogue({
      scopes: [
        { scope: 'orders:read', description: 'See orders.' },
        { scope: 'content:read', description: 'Read content.' },
        { scope: 'orders:write', description: 'Change orders.', sensitive: 'customer_data' },
      ],
    });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.catalogue.resources()).toEqual(['orders', 'content']);
  });

  it('refuses anything that is not an object with a non-empty scopes list', () => {
    expect(problemsOf(null)).toEqual([{ path: '(root)', message: 'must be an object' }]);
    expect(problemsOf([])).toEqual([{ path: '(root)', message: 'must be an object' }]);
    expect(problemsOf({ scopes: [] })).toEqual([
      { path: 'scopes', message: 'must be a non-empty list' },
    ]);
    expect(problemsOf({ scope: [] }).map((p) => p.path)).toEqual(['scope', 'scopes']);
  });

  it('reports every problem at once with its key path', () => {
    const problems = problemsOf({
      scopes: [
        { scope: 'content:read', description: 'ok' },
        { scope: 'content:*', description: 'wildcard' },
        { scope: 'media:write', description: 'write without read' },
        { scope: 'content:read', description: 'again' },
        { scope: 'leads:read', description: '', sensitive: 'Very Sensitive' },
        'payments:read',
        { scope: 'orders:read', description: 'x', extra: true },
      ],
    });
    expect(problems).toEqual([
      { path: 'scopes[1].scope', message: 'must be "resource:read" or "resource:write"' },
      { path: 'scopes[3].scope', message: 'duplicate of scopes[0]' },
      { path: 'scopes[4].description', message: 'must be text of 1-200 characters' },
      { path: 'scopes[4].sensitive', message: 'must be a lower-case word such as "customer_data"' },
      { path: 'scopes[5]', message: 'must be an object' },
      { path: 'scopes[6].extra', message: 'unknown key' },
      {
        path: 'scopes[2].scope',
        message: '"media:write" needs "media:read" in the catalogue (write implies read)',
      },
    ]);
  });
});

describe('groupByResource', () => {
  const catalogue = sitepackCatalogue();

  it('groups by resource in catalogue order, whatever the request order', () => {
    const groups = groupByResource(
      ['leads:write', 'media:read', 'content:read', 'leads:read'],
      catalogue,
    );
    expect(groups.map((g) => [g.resource, g.entries.map((e) => e.scope)])).toEqual([
      ['content', ['content:read']],
      ['media', ['media:read']],
      ['leads', ['leads:read', 'leads:write']],
    ]);
    expect(groups[2]?.entries[0]?.sensitive).toBe('customer_data');
  });

  it('leaves out unknown scopes and repeats', () => {
    expect(
      groupByResource(['content:read', 'content:read', 'orders:read', '*'], catalogue),
    ).toEqual([{ resource: 'content', entries: [catalogue.get('content:read')] }]);
    expect(groupByResource([], catalogue)).toEqual([]);
  });

  it('follows catalogue resource order even when a resource is listed late', () => {
    const custom = buildCatalogue({
      scopes: [
        { scope: 'a:read', description: 'a' },
        { scope: 'b:read', description: 'b' },
        { scope: 'a:write', description: 'a' },
      ],
    });
    const c = (custom as { ok: true; catalogue: ScopeCatalogue }).catalogue;
    expect(groupByResource(['b:read', 'a:write'], c).map((g) => g.resource)).toEqual(['a', 'b']);
  });

  it('shows every known requested scope exactly once', () => {
    fc.assert(
      fc.property(anyScopes, (requested) => {
        const shown = groupByResource(requested, catalogue).flatMap((g) =>
          g.entries.map((e) => e.scope),
        );
        expect(shown.sort()).toEqual(
          [...new Set(requested.filter((s) => catalogue.has(s)))].sort(),
        );
      }),
    );
  });
});
