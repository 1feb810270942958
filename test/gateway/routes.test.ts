// The route table is checked when loaded: every problem named (unknown scope or
// upstream, bad pattern, overlaps that make a route unreachable); matching is exact.
import { describe, expect, it } from 'vitest';
import { compileRoutes, matchRoute } from '../../src/gateway/routes.ts';
import { sitepackCatalogue } from '../../src/scopes/index.ts';

const catalogue = sitepackCatalogue();
const upstreams = { platform: 'http://127.0.0.1:1', other: 'https://api.example/base' };
const route = (over: Record<string, unknown>) => ({
  id: 'r',
  methods: ['GET'],
  pattern: '/api/content/**',
  scope: 'content:read',
  upstream: 'platform',
  ...over,
});

describe('compileRoutes', () => {
  it('names every problem at once', () => {
    const result = compileRoutes(
      {
        upstreams: { ...upstreams, broken: 'ftp://x' },
        routes: [
          route({ id: 'a', scope: 'content:admin' }),
          route({ id: 'b', pattern: 'api/x', upstream: 'nowhere' }),
          route({ id: 'c', methods: ['FETCH'], pattern: '/api/**/x' }),
          route({ id: 'd', pattern: '/api/../x' }),
        ],
      },
      catalogue,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        'upstreams.broken',
        'routes[0].scope',
        'routes[1].pattern',
        'routes[1].upstream',
        'routes[2].methods',
        'routes[2].pattern',
        'routes[3].pattern',
      ]),
    );
  });

  it('refuses overlapping routes for a shared method, naming both', () => {
    const result = compileRoutes(
      {
        upstreams,
        routes: [
          route({ id: 'all-content' }),
          route({ id: 'one-page', pattern: '/api/content/pages/:id', scope: 'content:write' }),
        ],
      },
      catalogue,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.message).toContain('all-content');
  });

  it('accepts the same pattern for disjoint methods, and disjoint literals', () => {
    const result = compileRoutes(
      {
        upstreams,
        routes: [
          route({ id: 'read' }),
          route({ id: 'write', methods: ['POST'], scope: 'content:write' }),
          route({ id: 'media', pattern: '/api/media/:id', scope: 'media:read', upstream: 'other' }),
        ],
      },
      catalogue,
    );
    expect(result.ok).toBe(true);
  });

  it('accepts the default table', async () => {
    const { default: table } = await import('../../config/routes.json', { with: { type: 'json' } });
    expect(compileRoutes({ ...table, upstreams }, catalogue).ok).toBe(true);
  });
});

describe('matchRoute', () => {
  const compiled = compileRoutes(
    {
      upstreams,
      routes: [
        route({ id: 'rest' }),
        route({ id: 'one', pattern: '/api/media/:id', scope: 'media:read' }),
      ],
    },
    catalogue,
  );
  const routes = compiled.ok ? compiled.routes : [];

  it.each([
    ['GET', ['api', 'content'], 'rest'],
    ['GET', ['api', 'content', 'a', 'b'], 'rest'],
    ['GET', ['api', 'media', 'x'], 'one'],
    ['GET', ['api', 'media'], undefined],
    ['GET', ['api', 'media', 'x', 'y'], undefined],
    ['POST', ['api', 'content'], undefined],
    ['GET', ['api', 'contents'], undefined],
  ])('%s /%s → %s', (method, segments, id) => {
    expect(matchRoute(routes, method, segments)?.id).toBe(id);
  });
});
