// Builds the gateway role from the config: the checked route table (with the `platform`
// upstream from PLATFORM_API_URL), the token verifier over the signing keys' public
// parts, the upstream pool and the usage counter.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JSONWebKeySet, JWK } from 'jose';
import type { Config } from '../config/index.ts';
import { ConfigError } from '../config/index.ts';
import { type CompiledRoute, compileRoutes } from './routes.ts';
import { type AccessTokenVerifier, createVerifier } from './verify-access-token.ts';

const DEFAULT_ROUTES = join(import.meta.dirname, '..', '..', 'config', 'routes.json');
const PRIVATE_PARTS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** The public half of private JWKs. */
export function publicJwks(keys: readonly JWK[]): JSONWebKeySet {
  return {
    keys: keys.map((k) => {
      const pub: JWK = { ...k };
      for (const part of PRIVATE_PARTS) delete pub[part];
      return pub;
    }),
  };
}

/** The route table, or a ConfigError naming every problem. */
export function loadRoutes(config: Config, platformUrl: string): CompiledRoute[] {
  const raw = (config.routes ?? JSON.parse(readFileSync(DEFAULT_ROUTES, 'utf8'))) as Record<
    string,
    unknown
  >;
  const upstreams = {
    platform: platformUrl,
    ...((raw.upstreams as Record<string, unknown>) ?? {}),
  };
  const result = compileRoutes({ ...raw, upstreams }, config.scopes);
  if (!result.ok)
    throw new ConfigError(result.problems.map((p) => ({ ...p, path: `routes.json ${p.path}` })));
  return result.routes;
}

/** A verifier whose keys are re-read from KEYS_DIR/jwks.json when an unknown kid shows up. */
export function verifierFor(config: Config): Promise<AccessTokenVerifier> {
  return createVerifier({
    issuer: config.issuer,
    audience: config.apiAudience,
    loadKeys: async () => {
      const jwks = JSON.parse(readFileSync(join(config.keysDir, 'jwks.json'), 'utf8')) as {
        keys: JWK[];
      };
      return publicJwks(jwks.keys);
    },
  });
}
