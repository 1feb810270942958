// Access tokens signed by the test system's own key (read from its KEYS_DIR), with any
// claims or header a test needs — for checking what the gateway accepts and refuses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, type JWK, SignJWT } from 'jose';
import type { TestSystem } from './system.ts';

export async function signingKey(
  sys: TestSystem,
): Promise<{ jwk: JWK; key: Awaited<ReturnType<typeof importJWK>> }> {
  const { keys } = JSON.parse(readFileSync(join(sys.config.keysDir, 'jwks.json'), 'utf8')) as {
    keys: JWK[];
  };
  const jwk = keys[0]!;
  return { jwk, key: await importJWK(jwk, 'RS256') };
}

export interface MintOptions {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  expiresIn?: number;
  notBefore?: number;
}

/** A token like the authorization server's, with overrides. */
export async function mint(sys: TestSystem, opts: MintOptions = {}): Promise<string> {
  const { jwk, key } = await signingKey(sys);
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: sys.issuer,
    aud: sys.config.apiAudience,
    sub: 'm_test',
    client_id: 'test-app',
    scope: 'content:read',
    site: 's_test',
    installation: 'inst_test',
    access_mode: 'connected',
    jti: `jti-${Math.random()}`,
    iat: now,
    exp: now + (opts.expiresIn ?? 600),
    ...(opts.notBefore ? { nbf: now + opts.notBefore } : {}),
    ...opts.claims,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: jwk.kid, ...opts.header })
    .sign(key);
}
