// What an authorization request may ask for: only catalogue scopes the app declared in
// its manifest, for the configured API audience. Anything else is `invalid_scope`.
import { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import { SIGNING_ALG } from '../keys/index.ts';
import type { ScopeCatalogue } from '../scopes/index.ts';
import type { AppStore } from '../store/types.ts';

export interface ScopeRequestDeps {
  apps: AppStore;
  catalogue: ScopeCatalogue;
  audience: string;
  accessTokenTtl: number;
}

/** Splits a scope parameter into its distinct values. */
export function scopeList(param: unknown): string[] {
  return typeof param === 'string' ? [...new Set(param.split(' ').filter(Boolean))] : [];
}

/** The problems with a requested scope list for an app declaring `declared`. */
export function scopeRequestProblems(
  requested: string[],
  declared: readonly string[],
  catalogue: ScopeCatalogue,
): string[] {
  if (requested.length === 0) return ['scope is required'];
  return requested.flatMap((s) => {
    if (!catalogue.has(s)) return [`unknown scope "${s}"`];
    if (!declared.includes(s)) return [`scope "${s}" is not declared in the app's manifest`];
    return [];
  });
}

/**
 * features.resourceIndicators.getResourceServerInfo: the API audience only, with the
 * app's manifest scopes; on the authorization endpoint it also rejects bad scopes.
 */
export function resourceServerInfo(deps: ScopeRequestDeps) {
  return async (
    ctx: KoaContextWithOIDC,
    resource: string,
    client: { clientId: string },
  ): Promise<ResourceServer> => {
    if (resource !== deps.audience) {
      throw new errors.InvalidTarget(`unknown resource; the API audience is ${deps.audience}`);
    }
    const app = await deps.apps.get(client.clientId);
    if (!app) throw new errors.InvalidClient('client not found');
    const declared = app.manifest.auth.scopes;
    if (ctx.oidc.route === 'authorization' || ctx.oidc.route === 'pushed_authorization_request') {
      const problems = scopeRequestProblems(
        scopeList(ctx.oidc.params?.scope),
        declared,
        deps.catalogue,
      );
      if (problems.length) {
        throw new errors.InvalidScope(
          problems.join('; '),
          scopeList(ctx.oidc.params?.scope).join(' '),
        );
      }
    }
    return {
      scope: declared.join(' '),
      audience: deps.audience,
      accessTokenFormat: 'jwt',
      accessTokenTTL: deps.accessTokenTtl,
      jwt: { sign: { alg: SIGNING_ALG } },
    };
  };
}
