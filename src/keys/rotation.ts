// The signing-key lifecycle as plain functions of the key list and a clock: the first key
// signs; a rotated-out key stays published until every token it signed has expired
// (its `retire_after`), then it may be dropped.
import type { SigningKey } from './jwks-file.ts';

/**
 * Seconds a retired key stays published beyond the longest access-token lifetime: the
 * gateway's clock tolerance (5 s) plus the time auth servers take to notice a rotation
 * (a file poll of 2 s, more on shared storage), with room to spare.
 */
export const RETIRE_MARGIN_SECONDS = 60;

/**
 * How long a key that stops signing now must stay published. Only access tokens are
 * signed with these keys: ID tokens need `openid`, which is not a grantable scope.
 */
export function retireWindowSeconds(accessTokenTtl: number): number {
  return accessTokenTtl + RETIRE_MARGIN_SECONDS;
}

export type KeyStatus =
  | { state: 'signing' }
  /** `until` is undefined for a key put behind the first by hand, without metadata. */
  | { state: 'retiring'; until: string | undefined }
  | { state: 'expired' };

/** The status of the key at `index` of the list. */
export function keyStatus(key: SigningKey, index: number, now: Date): KeyStatus {
  if (index === 0) return { state: 'signing' };
  if (key.retire_after === undefined) return { state: 'retiring', until: undefined };
  return Date.parse(key.retire_after) <= now.getTime()
    ? { state: 'expired' }
    : { state: 'retiring', until: key.retire_after };
}

export interface Rotation {
  keys: SigningKey[];
  /** The key that stopped signing. */
  retired: SigningKey;
  /** Kids of expired keys removed. */
  dropped: string[];
}

export interface Pruning {
  keys: SigningKey[];
  dropped: string[];
}

/** Removes the keys whose `retire_after` has passed; the signing key always stays. */
export function pruneKeys(keys: readonly SigningKey[], now: Date): Pruning {
  const dropped: string[] = [];
  const kept = keys.filter((key, i) => {
    const expired = keyStatus(key, i, now).state === 'expired';
    if (expired) dropped.push(key.kid);
    return !expired;
  });
  return { keys: kept, dropped };
}

/**
 * Puts `fresh` in front (it signs from now), retires the previous signing key until
 * `now + retireAfterSeconds`, gives the same deadline to retiring keys that had none (they
 * may have signed until now) and drops the expired ones. Earlier deadlines are kept: a
 * key that stopped signing before has nothing newer to outlive.
 */
export function rotateKeys(
  keys: readonly SigningKey[],
  fresh: SigningKey,
  opts: { now: Date; retireAfterSeconds: number },
): Rotation {
  const [current] = keys;
  if (!current) throw new Error('rotateKeys: there is no signing key to rotate');
  if (keys.some((k) => k.kid === fresh.kid)) {
    throw new Error(`rotateKeys: kid "${fresh.kid}" is already in the key set`);
  }
  const { now } = opts;
  const deadline = new Date(now.getTime() + opts.retireAfterSeconds * 1000).toISOString();
  const { keys: kept, dropped } = pruneKeys(keys, now);
  const retired: SigningKey = { ...current, retired_at: now.toISOString(), retire_after: deadline };
  const others = kept.slice(1).map((k) => (k.retire_after ? k : { ...k, retire_after: deadline }));
  return { keys: [fresh, retired, ...others], retired, dropped };
}
