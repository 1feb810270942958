import { describe, expect, it } from 'vitest';
import { scopeFields, TokenCache, type VerifiedToken } from '../../src/gateway/token-cache.ts';

const NOW = 1_800_000_000_000;

function claims(n: number, exp = NOW / 1000 + 600): VerifiedToken {
  return {
    sub: `m_${n}`,
    client_id: 'app',
    ...scopeFields(['content:read']),
    site: `s_${n}`,
    installation: `inst_${n}`,
    jti: `j_${n}`,
    exp,
  };
}

/** A JWT-shaped token: distinct header and payload, a signature tail that may repeat. */
function token(payload: string, signature = 'S'.repeat(86)): string {
  return `eyJhbGciOiJSUzI1NiJ9.${payload}.${signature}`;
}

describe('TokenCache', () => {
  it('finds a token only when the whole token is equal', () => {
    const cache = new TokenCache(10, () => NOW);
    const cached = token('cGF5bG9hZDE');
    cache.set(cached, claims(1));
    // A fresh copy of the same text is a hit.
    expect(cache.get(`${cached.slice(0, 10)}${cached.slice(10)}`)?.installation).toBe('inst_1');
    // Same signature tail, another payload: never the cached claims.
    expect(cache.get(token('cGF5bG9hZDI'))).toBeUndefined();
    expect(cache.get(cached.slice(1))).toBeUndefined();
    expect(cache.get(`x${cached}`)).toBeUndefined();
  });

  it('keeps the newest of two tokens that share an index, and only matches it', () => {
    const cache = new TokenCache(10, () => NOW);
    const first = token('Zmlyc3Q');
    const second = token('c2Vjb25k');
    cache.set(first, claims(1));
    cache.set(second, claims(2));
    expect(cache.get(first)).toBeUndefined();
    expect(cache.get(second)?.installation).toBe('inst_2');
  });

  it('drops an entry at its exp', () => {
    let now = NOW;
    const cache = new TokenCache(10, () => now);
    const t = token('ZXhw', 'a'.repeat(86));
    cache.set(t, claims(1, NOW / 1000 + 60));
    now = NOW + 59_999;
    expect(cache.get(t)).toBeDefined();
    now = NOW + 60_000;
    expect(cache.get(t)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('is bounded: the oldest entry leaves first', () => {
    const cache = new TokenCache(3, () => NOW);
    const tokens = [1, 2, 3, 4].map((n) => token(`p${n}`, `${n}`.repeat(86)));
    tokens.forEach((t, i) => {
      cache.set(t, claims(i));
    });
    expect(cache.size).toBe(3);
    expect(cache.get(tokens[0] as string)).toBeUndefined();
    expect(cache.get(tokens[3] as string)?.installation).toBe('inst_3');
  });

  it('indexes short tokens whole', () => {
    const cache = new TokenCache(3, () => NOW);
    cache.set('abc', claims(1));
    expect(cache.get('abc')?.installation).toBe('inst_1');
    expect(cache.get('ab')).toBeUndefined();
  });
});
