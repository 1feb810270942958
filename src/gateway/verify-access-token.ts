// Verifies a bearer JWT as an access token of this authorization server: pinned
// algorithms, `typ: at+jwt`, issuer, audience, time claims with a small tolerance, and
// the scopegate claims. Keys come from a local JWKS; an unknown `kid` triggers one
// rate-limited reload, so key rotation needs no restart.
import {
  createLocalJWKSet,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { ACCESS_MODES, type AccessMode } from '../access/types.ts';
import { SIGNING_ALG } from '../keys/index.ts';
import { scopeFields, TokenCache, type VerifiedToken } from './token-cache.ts';

export interface VerifierOptions {
  issuer: string;
  audience: string;
  /** Loads the public JWKS (from KEYS_DIR or the issuer). */
  loadKeys: () => Promise<JSONWebKeySet>;
  clockToleranceSeconds?: number;
  cacheSize?: number;
  /** Minimum time between two reloads triggered by unknown kids. */
  reloadIntervalMs?: number;
  now?: () => number;
}

export type VerifyResult = { ok: true; token: VerifiedToken } | { ok: false; reason: string };

const MODES: ReadonlySet<unknown> = new Set(ACCESS_MODES);

/** RFC 6750's b64token: what a bearer token may look like. */
const TOKEN68 = /^[A-Za-z0-9._~+/-]+=*$/;
const MALFORMED: VerifyResult = {
  ok: false,
  reason: 'the Authorization header must be "Bearer <token>"',
};

function claimsOf(payload: JWTPayload): VerifiedToken | undefined {
  const { sub, client_id, scope, site, installation, jti, exp, access_mode } = payload as Record<
    string,
    unknown
  >;
  const strings = [sub, client_id, scope, site, installation, jti];
  if (!strings.every((s) => typeof s === 'string' && s !== '') || typeof exp !== 'number') {
    return undefined;
  }
  const scopes = (scope as string).split(' ').filter(Boolean);
  const token: VerifiedToken = {
    sub: sub as string,
    client_id: client_id as string,
    ...scopeFields(scopes),
    site: site as string,
    installation: installation as string,
    jti: jti as string,
    exp,
  };
  // An unknown or missing mode is left out: writes then fail closed (write-policy.ts).
  if (MODES.has(access_mode)) token.access_mode = access_mode as AccessMode;
  return token;
}

export interface AccessTokenVerifier {
  /** A cached token's result at once (no promise, no microtask); otherwise a promise. */
  verify(token: string): VerifyResult | Promise<VerifyResult>;
  /** Entries in the verified-token cache. */
  readonly cacheSize: number;
}

export async function createVerifier(opts: VerifierOptions): Promise<AccessTokenVerifier> {
  const now = opts.now ?? Date.now;
  const cache = new TokenCache(opts.cacheSize ?? 100_000, now);
  const reloadInterval = opts.reloadIntervalMs ?? 5_000;
  let keys: JWTVerifyGetKey = createLocalJWKSet(await opts.loadKeys());
  // The first unknown kid may reload at once (a key rotated just before this start).
  let lastReload = Number.NEGATIVE_INFINITY;
  let reloading: Promise<void> | undefined;

  async function reload(): Promise<boolean> {
    if (now() - lastReload < reloadInterval) return false;
    lastReload = now();
    reloading ??= opts
      .loadKeys()
      .then((jwks) => {
        keys = createLocalJWKSet(jwks);
      })
      .finally(() => {
        reloading = undefined;
      });
    await reloading.catch(() => undefined);
    return true;
  }

  const verifyOnce = (token: string) =>
    jwtVerify(token, keys, {
      algorithms: [SIGNING_ALG],
      typ: 'at+jwt',
      issuer: opts.issuer,
      audience: opts.audience,
      clockTolerance: opts.clockToleranceSeconds ?? 5,
      requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id', 'scope'],
      currentDate: new Date(now()),
    });

  async function verifyUncached(token: string): Promise<VerifyResult> {
    let payload: JWTPayload;
    try {
      payload = (await verifyOnce(token)).payload;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ERR_JWKS_NO_MATCHING_KEY' && (await reload())) {
        try {
          payload = (await verifyOnce(token)).payload;
        } catch {
          return { ok: false, reason: 'the token is not valid' };
        }
      } else {
        return { ok: false, reason: reasonFor(code) };
      }
    }
    const claims = claimsOf(payload);
    if (!claims) return { ok: false, reason: 'the token lacks scopegate claims' };
    cache.set(token, claims);
    return { ok: true, token: claims };
  }

  return {
    get cacheSize() {
      return cache.size;
    },
    verify(token) {
      const hit = cache.get(token);
      if (hit) return { ok: true, token: hit };
      // Checked only on a miss: a cached token passed this check when it was verified.
      if (!TOKEN68.test(token)) return MALFORMED;
      return verifyUncached(token);
    },
  };
}

function reasonFor(code: string | undefined): string {
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'the token has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return 'the token is not valid here (issuer, audience, type or time)';
    default:
      return 'the token is not valid';
  }
}
