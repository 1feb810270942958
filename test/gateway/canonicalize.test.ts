// Request-target canonicalization on its own: what is split, decoded and refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../src/gateway/canonicalize.ts';

describe('canonicalize', () => {
  it('splits path and query, decoding only the segments', () => {
    const r = canonicalize('/api/content/caf%C3%A9?q=%2F&x');
    expect(r).toEqual({
      ok: true,
      target: {
        rawPath: '/api/content/caf%C3%A9',
        segments: ['api', 'content', 'café'],
        query: 'q=%2F&x',
      },
    });
  });

  it('treats a trailing slash as the same segments', () => {
    const r = canonicalize('/api/content/');
    expect(r.ok && r.target.segments).toEqual(['api', 'content']);
  });

  it('keeps / as no segments and every non-empty segment in order', () => {
    expect(canonicalize('/')).toMatchObject({ ok: true, target: { segments: [] } });
    const segment = fc.stringMatching(/^[a-z0-9_.~-]{1,6}$/).filter((s) => s !== '.' && s !== '..');
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), fc.boolean(), (parts, slash) => {
        const path = `/${parts.join('/')}${slash && parts.length ? '/' : ''}`;
        expect(canonicalize(path)).toMatchObject({ ok: true, target: { segments: parts } });
      }),
    );
  });

  it.each([
    ['', 'must be a path'],
    ['//', 'empty path segment'],
    ['/a//b', 'empty path segment'],
    ['//a', 'empty path segment'],
    ['api/x', 'must be a path'],
    ['/a/%2e%2E', 'dot-segment'],
    ['/a/%ff', 'percent-encoding'],
    ['/a/%C0%AF', 'percent-encoding'],
    ['/a/b%2fc', 'encoded separator'],
    ['/a/%25', 'percent sign'],
    ['/a/%7F', 'control character'],
    ['/a/\u00e9', 'percent-encoding'],
    [`/${'a'.repeat(5000)}`, 'too long'],
  ])('refuses %j (%s)', (target, reason) => {
    const r = canonicalize(target);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });
});
