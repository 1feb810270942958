// Properties of the scope algebra (write ⇒ read, same resource, nothing else), checked
// over generated sets that mix well-formed and malformed scopes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  broaderThan,
  canRead,
  expand,
  implies,
  minimal,
  missing,
  parseScope,
  satisfies,
} from '../../src/scopes/index.ts';
import {
  anyScope,
  anyScopes,
  malformedScope,
  RESOURCES,
  validScope,
  validScopes,
} from './arbitraries.ts';

const sorted = (s: Iterable<string>) => [...s].sort();
const permuted = anyScopes.chain((x) =>
  fc.tuple(fc.constant(x), fc.shuffledSubarray(x, { minLength: x.length, maxLength: x.length })),
);

describe('implies', () => {
  it('write implies read on the same resource, and nothing else is implied', () => {
    expect(implies('content:write', 'content:read')).toBe(true);
    expect(implies('content:read', 'content:write')).toBe(false);
    expect(implies('content:write', 'media:read')).toBe(false);
    expect(implies('leads:write', 'leads:write')).toBe(true);
  });

  it('is reflexive on well-formed scopes', () => {
    fc.assert(fc.property(validScope, (s) => implies(s, s)));
  });

  it('never involves a malformed scope, even an identical one', () => {
    fc.assert(
      fc.property(
        malformedScope,
        anyScope,
        (bad, other) => !implies(bad, other) && !implies(other, bad),
      ),
    );
  });

  it('is transitive', () => {
    fc.assert(
      fc.property(
        anyScope,
        anyScope,
        anyScope,
        (a, b, c) => !(implies(a, b) && implies(b, c)) || implies(a, c),
      ),
    );
  });

  it('only relates scopes of one resource, read never implying write', () => {
    fc.assert(
      fc.property(validScope, validScope, (g, r) => {
        const pg = parseScope(g);
        const pr = parseScope(r);
        if (implies(g, r)) {
          expect(pg?.resource).toBe(pr?.resource);
          expect(pg?.action === 'read' && pr?.action === 'write').toBe(false);
        }
      }),
    );
  });
});

describe('expand and satisfies', () => {
  it('adds the reads writes imply and drops malformed scopes', () => {
    expect(sorted(expand(['content:write', 'media:read', 'bogus', 'content:*']))).toEqual([
      'content:read',
      'content:write',
      'media:read',
    ]);
  });

  it('satisfies(g, r) ⇔ r ∈ expand(g)', () => {
    fc.assert(fc.property(anyScopes, anyScope, (g, r) => satisfies(g, r) === expand(g).has(r)));
  });

  it('is idempotent, extensive on well-formed scopes and monotone', () => {
    fc.assert(
      fc.property(anyScopes, anyScopes, (a, b) => {
        const ea = expand(a);
        expect(sorted(expand(ea))).toEqual(sorted(ea));
        for (const s of a) if (parseScope(s)) expect(ea.has(s)).toBe(true);
        const eab = expand([...a, ...b]);
        for (const s of ea) expect(eab.has(s)).toBe(true);
      }),
    );
  });

  it('expands to exactly what is implied by some member', () => {
    fc.assert(
      fc.property(
        anyScopes,
        validScope,
        (g, r) => expand(g).has(r) === g.some((s) => implies(s, r)),
      ),
    );
  });

  it('never grants from malformed scopes alone', () => {
    fc.assert(
      fc.property(
        fc.array(malformedScope),
        anyScope,
        (g, r) => expand(g).size === 0 && !satisfies(g, r),
      ),
    );
  });
});

describe('minimal', () => {
  it('drops implied reads, repeats and malformed scopes, sorted', () => {
    expect(minimal(['media:read', 'content:read', 'content:write', 'media:read', 'x'])).toEqual([
      'content:write',
      'media:read',
    ]);
  });

  it('expands to the same set as its input', () => {
    fc.assert(
      fc.property(anyScopes, (x) => {
        expect(sorted(expand(minimal(x)))).toEqual(sorted(expand(x)));
      }),
    );
  });

  it('is minimal: no member implies another, and removing any member loses access', () => {
    fc.assert(
      fc.property(anyScopes, (x) => {
        const m = minimal(x);
        for (const a of m) for (const b of m) if (a !== b) expect(implies(a, b)).toBe(false);
        for (const drop of m)
          expect(expand(m.filter((s) => s !== drop)).size).toBeLessThan(expand(m).size);
      }),
    );
  });

  it('is sorted, idempotent and order-insensitive', () => {
    fc.assert(
      fc.property(permuted, ([x, shuffled]) => {
        const m = minimal(x);
        expect(m).toEqual([...m].sort());
        expect(minimal(m)).toEqual(m);
        expect(minimal(shuffled)).toEqual(m);
      }),
    );
  });

  it('is a subset of every set with the same expansion', () => {
    fc.assert(
      fc.property(validScopes, validScopes, (a, b) => {
        if (sorted(expand(a)).join() !== sorted(expand(b)).join()) return;
        for (const s of minimal(a)) expect(b).toContain(s);
      }),
    );
  });
});

describe('missing', () => {
  it('lists unsatisfied requirements once, in order', () => {
    expect(
      missing(['content:write'], ['media:read', 'content:read', 'leads:write', 'media:read']),
    ).toEqual(['media:read', 'leads:write']);
  });

  it('is exactly the required scopes not satisfied', () => {
    fc.assert(
      fc.property(anyScopes, anyScopes, (g, r) => {
        expect(missing(g, r)).toEqual([...new Set(r)].filter((s) => !satisfies(g, s)));
      }),
    );
  });

  it('is empty once the missing scopes are granted (for well-formed requirements)', () => {
    fc.assert(
      fc.property(
        anyScopes,
        validScopes,
        (g, r) => missing([...g, ...missing(g, r)], r).length === 0,
      ),
    );
  });
});

describe('broaderThan', () => {
  it('names the requested scopes a task does not need', () => {
    expect(broaderThan(['content:write', 'leads:read'], ['content:read'])).toEqual([
      'content:write',
      'leads:read',
    ]);
    expect(broaderThan(['content:read'], ['content:write'])).toEqual([]);
    expect(broaderThan(['content:*'], ['content:write'])).toEqual(['content:*']);
  });

  it('is empty for a well-formed set against itself', () => {
    fc.assert(fc.property(validScopes, (x) => broaderThan(x, x).length === 0));
  });

  it('partitions the requested scopes with those the requirement implies', () => {
    fc.assert(
      fc.property(anyScopes, anyScopes, (requested, required) => {
        const broader = new Set(broaderThan(requested, required));
        const implied = new Set(requested.filter((s) => satisfies(required, s)));
        for (const s of broader) expect(implied.has(s)).toBe(false);
        expect(sorted(new Set([...broader, ...implied]))).toEqual(sorted(new Set(requested)));
      }),
    );
  });

  it('is empty exactly when the requirement covers the request', () => {
    fc.assert(
      fc.property(anyScopes, anyScopes, (requested, required) => {
        const covered = requested.every((s) => satisfies(required, s));
        expect(broaderThan(requested, required).length === 0).toBe(covered);
      }),
    );
  });

  it('never shrinks when the request grows', () => {
    fc.assert(
      fc.property(anyScopes, anyScopes, anyScopes, (a, extra, q) => {
        const more = new Set(broaderThan([...a, ...extra], q));
        for (const s of broaderThan(a, q)) expect(more.has(s)).toBe(true);
      }),
    );
  });

  it('is empty against a minimal() narrowing of the same set', () => {
    fc.assert(fc.property(validScopes, (x) => broaderThan(x, minimal(x)).length === 0));
  });
});

describe('canRead', () => {
  it('holds with read or write on the resource', () => {
    expect(canRead(['leads:write'], 'leads')).toBe(true);
    expect(canRead(['leads:read'], 'leads')).toBe(true);
    expect(canRead(['content:write'], 'leads')).toBe(false);
    expect(canRead([], 'leads')).toBe(false);
  });

  it('equals satisfies(resource:read)', () => {
    fc.assert(
      fc.property(anyScopes, fc.constantFrom(...RESOURCES, 'other', '*', ''), (g, r) => {
        expect(canRead(g, r)).toBe(satisfies(g, `${r}:read`));
      }),
    );
  });
});
