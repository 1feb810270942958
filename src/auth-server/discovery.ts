// The authorization server metadata: served at the OpenID and the RFC 8414 well-known
// paths, and advertising as `scopes_supported` exactly the scopes a request may carry.
import type { Middleware } from 'koa';
import type { ScopeCatalogue } from '../scopes/index.ts';

const OPENID = '/.well-known/openid-configuration';
const OAUTH = '/.well-known/oauth-authorization-server';

/**
 * oidc-provider advertises its own `scopes` (always `openid`, which it adds for its
 * claims, and `offline_access`), but a request may carry only catalogue scopes: anything
 * else is `invalid_scope` (scope-request.ts), and refresh tokens need no scope. Putting
 * the catalogue in its `scopes` instead would make them OpenID scopes, not API scopes.
 */
export function discoveryMetadata(catalogue: ScopeCatalogue): Middleware {
  const supported = catalogue.entries.map((e) => e.scope);
  return async (ctx, next) => {
    if (ctx.path === OAUTH) ctx.path = OPENID;
    await next();
    if (ctx.path !== OPENID || ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (body && typeof body === 'object') body.scopes_supported = supported;
  };
}
