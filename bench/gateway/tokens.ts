// Access tokens for the gateway bench, signed with the deployment's key from KEYS_DIR as
// the authorization server would sign them, and forged ones (claims edited, signature kept).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, type JWK, SignJWT } from 'jose';

export interface TokenAudience {
  issuer: string;
  audience: string;
  keysDir: string;
}

export type Signer = (n: number) => Promise<string>;

/** Signs token number `n`: distinct sub, site, installation and jti per n. */
export async function signerFor(target: TokenAudience): Promise<Signer> {
  const { keys } = JSON.parse(readFileSync(join(target.keysDir, 'jwks.json'), 'utf8')) as {
    keys: JWK[];
  };
  const jwk = keys[0];
  if (!jwk) throw new Error('KEYS_DIR/jwks.json holds no key');
  const key = await importJWK(jwk, 'RS256');
  return (n) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: target.issuer,
      aud: target.audience,
      sub: `m_bench_${n}`,
      client_id: 'bench-app',
      scope: 'content:read',
      site: `s_bench_${n}`,
      installation: `inst_bench_${n}`,
      jti: `jti-bench-${n}-${now}`,
      iat: now,
      exp: now + 3_600,
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: jwk.kid })
      .sign(key);
  };
}

/** `count` distinct valid tokens. */
export async function mintTokens(sign: Signer, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let n = 0; n < count; n++) tokens.push(await sign(n));
  return tokens;
}

/** The token with its payload edited (scope widened) and the original signature kept. */
export function forge(token: string): string {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) throw new Error('not a compact JWS');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  const edited = { ...claims, scope: 'content:read content:write payments:write' };
  return `${header}.${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${signature}`;
}
