// The signing-key lifecycle as plain functions under an injected clock: which key signs,
// how long a rotated-out key stays published, when it is dropped; how jwks.json is
// judged; and that the public half never carries private parts or metadata.
import { describe, expect, it } from 'vitest';
import { ScopegateError } from '../../src/errors/index.ts';
import { newSigningKey, type SigningKey } from '../../src/keys/index.ts';
import { parseSigningKeys } from '../../src/keys/jwks-file.ts';
import { publicJwks } from '../../src/keys/public.ts';
import { keyStatus, pruneKeys, retireWindowSeconds, rotateKeys } from '../../src/keys/rotation.ts';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
/** The error `fn` throws (fails the test when it returns). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}
/** Key stand-ins: the lifecycle only reads kid and the metadata. */
const key = (kid: string, meta: Partial<SigningKey> = {}): SigningKey => ({
  kid,
  kty: 'RSA',
  ...meta,
});

describe('retireWindowSeconds', () => {
  it('is the access-token lifetime plus a 60 s margin', () => {
    expect(retireWindowSeconds(600)).toBe(660);
    expect(retireWindowSeconds(60)).toBe(120);
  });
});

describe('keyStatus', () => {
  it('the first key signs; later ones retire until retire_after, then are expired', () => {
    const retiring = key('b', { retire_after: at(100).toISOString() });
    expect(keyStatus(key('a'), 0, T0)).toEqual({ state: 'signing' });
    expect(keyStatus(retiring, 1, T0)).toEqual({
      state: 'retiring',
      until: at(100).toISOString(),
    });
    expect(keyStatus(retiring, 1, at(100))).toEqual({ state: 'expired' });
    expect(keyStatus(key('c'), 2, T0)).toEqual({ state: 'retiring', until: undefined });
  });

  it('never calls the signing key expired, whatever its metadata says', () => {
    expect(keyStatus(key('a', { retire_after: at(-10).toISOString() }), 0, T0).state).toBe(
      'signing',
    );
  });
});

describe('rotateKeys', () => {
  const opts = { now: T0, retireAfterSeconds: 660 };

  it('puts the new key first and retires the previous one for the window', () => {
    const { keys, retired, dropped } = rotateKeys([key('old')], key('new'), opts);
    expect(keys.map((k) => k.kid)).toEqual(['new', 'old']);
    expect(retired).toMatchObject({
      kid: 'old',
      retired_at: T0.toISOString(),
      retire_after: at(660).toISOString(),
    });
    expect(keys[1]).toEqual(retired);
    expect(dropped).toEqual([]);
  });

  it('drops keys whose retire_after has passed and keeps earlier deadlines', () => {
    const keys = [
      key('current'),
      key('recent', { retire_after: at(300).toISOString() }),
      key('ancient', { retire_after: at(-1).toISOString() }),
      key('unmarked'),
    ];
    const rotation = rotateKeys(keys, key('new'), opts);
    expect(rotation.keys.map((k) => [k.kid, k.retire_after])).toEqual([
      ['new', undefined],
      ['current', at(660).toISOString()],
      ['recent', at(300).toISOString()],
      ['unmarked', at(660).toISOString()],
    ]);
    expect(rotation.dropped).toEqual(['ancient']);
  });

  it('does not change the list it was given', () => {
    const keys = [key('a')];
    rotateKeys(keys, key('b'), opts);
    expect(keys).toEqual([key('a')]);
  });

  it('refuses an empty set and a kid already present', () => {
    expect(() => rotateKeys([], key('b'), opts)).toThrow(/no signing key/);
    expect(() => rotateKeys([key('a')], key('a'), opts)).toThrow(/already/);
  });
});

describe('pruneKeys', () => {
  it('drops only expired retired keys', () => {
    const keys = [
      key('signing', { retire_after: at(-5).toISOString() }),
      key('live', { retire_after: at(5).toISOString() }),
      key('gone', { retire_after: at(-5).toISOString() }),
    ];
    expect(pruneKeys(keys, T0)).toEqual({ keys: [keys[0], keys[1]], dropped: ['gone'] });
    expect(pruneKeys(keys, at(5)).dropped).toEqual(['live', 'gone']);
  });
});

describe('parseSigningKeys', () => {
  it('accepts what newSigningKey makes, with its creation time', async () => {
    const fresh = await newSigningKey(T0);
    const [parsed] = parseSigningKeys(JSON.stringify({ keys: [fresh] }));
    expect(parsed).toMatchObject({ kid: fresh.kid, alg: 'RS256', created_at: T0.toISOString() });
  });

  it('names every problem at once', async () => {
    const good = await newSigningKey(T0);
    const { d: _d, ...publicOnly } = good;
    const text = JSON.stringify({
      keys: [good, { ...publicOnly, kid: 'x' }, { ...good, retire_after: 'soon' }],
    });
    const error = thrown(() => parseSigningKeys(text));
    expect(error).toBeInstanceOf(ScopegateError);
    expect((error as ScopegateError).details).toEqual([
      { path: 'jwks.json#keys[1].d', message: expect.stringContaining('private RSA JWK') },
      { path: 'jwks.json#keys[2].kid', message: `duplicates kid "${good.kid}"` },
      { path: 'jwks.json#keys[2].retire_after', message: 'must be an ISO 8601 date-time' },
    ]);
  });

  it('refuses what is not a key list', () => {
    expect(() => parseSigningKeys('{')).toThrow(/not JSON/);
    expect(() => parseSigningKeys('{"keys":[]}')).toThrow(/non-empty list/);
  });

  it('never echoes key material in its messages', async () => {
    const good = await newSigningKey(T0);
    const error = thrown(() =>
      parseSigningKeys(JSON.stringify({ keys: [{ ...good, kty: 'EC' }] })),
    );
    expect(error.message).toContain('kty');
    expect(error.message).not.toContain(good.d);
  });
});

describe('publicJwks', () => {
  it('keeps the verification members only', async () => {
    const retired = {
      ...(await newSigningKey(T0)),
      retired_at: at(1).toISOString(),
      retire_after: at(2).toISOString(),
    };
    const [pub] = publicJwks([retired]).keys;
    expect(Object.keys(pub ?? {}).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(pub).toMatchObject({ kid: retired.kid, n: retired.n, e: retired.e });
  });
});
