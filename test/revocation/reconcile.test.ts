// The reconciler's verdict on a pending revocation, as plain data: a gateway settles by its
// acknowledgement (at its time) or by falling silent past the silence bound (when seen);
// once the revocation's tokens have expired nothing is left to wait for.
import { describe, expect, it } from 'vitest';
import { assess } from '../../src/revocation/reconcile.ts';

const NOW = 1_000_000;
const BOUND = 4_500;
const UNTIL = NOW + 600_000;
const pending = (awaited: { gateway: string; ackedAt?: number; beatAt?: number }[]) => ({
  installation: 'i1',
  sinceMs: NOW - 5_000,
  untilMs: UNTIL,
  awaited,
});

describe('assess', () => {
  it('is enforced at the latest acknowledgement once every awaited gateway acknowledged', () => {
    const p = pending([
      { gateway: 'a', ackedAt: NOW - 900, beatAt: NOW - 100 },
      { gateway: 'b', ackedAt: NOW - 400, beatAt: NOW - 100 },
    ]);
    expect(assess(p, NOW, BOUND)).toEqual({ kind: 'enforced', atMs: NOW - 400 });
  });

  it('waits for a live gateway that has not acknowledged, keeping the others settled', () => {
    const p = pending([
      { gateway: 'a', ackedAt: NOW - 900, beatAt: NOW - 100 },
      { gateway: 'b', beatAt: NOW - BOUND },
    ]);
    expect(assess(p, NOW, BOUND)).toEqual({
      kind: 'progress',
      settled: ['a'],
      sinceMs: NOW - 900,
    });
    expect(assess(pending([{ gateway: 'b', beatAt: NOW - 10 }]), NOW, BOUND)).toEqual({
      kind: 'waiting',
    });
  });

  it('settles a gateway silent past the bound, or gone, at the moment that is seen', () => {
    const p = pending([
      { gateway: 'a', ackedAt: NOW - 900 },
      { gateway: 'b', beatAt: NOW - BOUND - 1 },
      { gateway: 'c' },
    ]);
    expect(assess(p, NOW, BOUND)).toEqual({ kind: 'enforced', atMs: NOW });
  });

  it('never goes below what was already known', () => {
    const p = {
      installation: 'i1',
      sinceMs: NOW - 10,
      untilMs: UNTIL,
      awaited: [{ gateway: 'a', ackedAt: NOW - 50 }],
    };
    expect(assess(p, NOW, BOUND)).toEqual({ kind: 'enforced', atMs: NOW - 10 });
    expect(assess({ ...p, awaited: [] }, NOW, BOUND)).toEqual({ kind: 'enforced', atMs: NOW - 10 });
  });

  it('is enforced when its tokens expired, even with a gateway still awaited', () => {
    const live = { gateway: 'b', beatAt: NOW - 10 };
    expect(assess({ ...pending([live]), untilMs: NOW - 20 }, NOW, BOUND)).toEqual({
      kind: 'enforced',
      atMs: NOW - 20,
    });
    // The revoked set's entry lapsed (pruned after expiry): enforced as of now.
    const { untilMs: _gone, ...lapsed } = pending([live]);
    expect(assess(lapsed, NOW, BOUND)).toEqual({ kind: 'enforced', atMs: NOW });
  });
});
