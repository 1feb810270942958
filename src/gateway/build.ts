// Builds the gateway role from the config: the checked route table (with the `platform`
// upstream from PLATFORM_API_URL), the token verifier over the signing keys' public
// parts, the upstream pool and the usage counter.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.ts';
import { ConfigError } from '../config/index.ts';
import { readSigningKeys } from '../keys/jwks-file.ts';
import { publicJwks } from '../keys/public.ts';
import type { SigningKeyWatch } from '../keys/watch.ts';
import { type CompiledRoute, compileRoutes } from './routes.ts';
import { type AccessTokenVerifier, createVerifier } from './verify-access-token.ts';

const DEFAULT_ROUTES = join(import.meta.dirname, '..', '..', 'config', 'routes.json');

/** The public half of private JWKs (an allow-list: no private parts, no key metadata). */
export { publicJwks } from '../keys/public.ts';

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

/**
 * A verifier whose keys are re-read from KEYS_DIR/jwks.json when an unknown kid shows up
 * (rate-limited). With a key watch, a rotation also replaces the verifier at once: the new
 * key is trusted before its first token arrives, and a dropped key stops verifying.
 */
export async function verifierFor(
  config: Config,
  signingKeys?: SigningKeyWatch,
  onRebuildError: (err: unknown) => void = () => undefined,
): Promise<AccessTokenVerifier> {
  const build = () =>
    createVerifier({
      issuer: config.issuer,
      audience: config.apiAudience,
      loadKeys: async () => publicJwks(readSigningKeys(config.keysDir)),
    });
  let current = await build();
  signingKeys?.onChange(() => {
    // A set the watch accepted but that fails here was replaced meanwhile: keep the old one.
    build().then(
      (next) => {
        current = next;
      },
      (err: unknown) => onRebuildError(err),
    );
  });
  return {
    verify: (token) => current.verify(token),
    get cacheSize() {
      return current.cacheSize;
    },
  };
}
