// The authorization server role: oidc-provider plus the merchant interaction pages,
// the RFC 8414 metadata alias and health endpoints, as one Koa application.
import { errors, type Provider } from 'oidc-provider';
import { accountRoutes } from '../account/index.ts';
import type { Config } from '../config/index.ts';
import { demoClientRoutes } from '../demo/client.ts';
import { healthRoutes } from '../http/health.ts';
import type { KeyMaterial } from '../keys/index.ts';
import type { Logger } from '../log.ts';
import { errorPage } from '../pages/error.ts';
import { sendPage } from '../pages/layout.ts';
import type { Revoker } from '../revocation/revoke.ts';
import type { Store } from '../store/types.ts';
import { interactionRoutes } from './interactions.ts';
import { createProvider } from './provider.ts';

export interface AuthServerDeps {
  config: Config;
  store: Store;
  keys: KeyMaterial;
  revoker: Revoker;
  logger: Logger;
}

const PENDING = Symbol('pending revocations');
type WithPending = { [PENDING]?: Promise<unknown>[] };

/**
 * oidc-provider revokes a grant itself when an app revokes its refresh token (RFC 7009)
 * or a code or refresh token is replayed; the installation is then revoked through the
 * revoke service too, before the response leaves.
 */
function trackGrantRevocations(provider: Provider, revoker: Revoker, logger: Logger): void {
  provider.use(async (ctx, next) => {
    await next();
    const pending = (ctx.state as WithPending)[PENDING];
    if (pending) await Promise.all(pending);
  });
  provider.on('grant.revoked', (ctx, grantId: string) => {
    const byApp = ctx.oidc?.route === 'revocation';
    const done = revoker
      .revoke(grantId, {
        by: byApp ? `app:${ctx.oidc?.client?.clientId ?? 'unknown'}` : 'scopegate',
        reason: byApp
          ? 'the app revoked its refresh token (RFC 7009)'
          : 'a code or refresh token was replayed',
      })
      .catch((err: unknown) => {
        if ((err as { status?: number }).status !== 404)
          logger.error({ err }, 'revoking the installation failed');
      });
    const state = ctx.state as WithPending;
    state[PENDING] = [...(state[PENDING] ?? []), done];
  });
}

export function createAuthServer(deps: AuthServerDeps): Provider {
  const { config, store, keys, logger } = deps;
  const provider = createProvider({ config, store, keys });
  provider.keys = keys.cookieKeys;

  provider.use(healthRoutes(() => store.ping()));

  // RFC 8414 metadata: the same document oidc-provider serves as OpenID discovery.
  provider.use(async (ctx, next) => {
    if (ctx.path === '/.well-known/oauth-authorization-server') {
      ctx.path = '/.well-known/openid-configuration';
    }
    return next();
  });

  provider.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (!ctx.path.startsWith('/interaction/')) throw err;
      if (err instanceof errors.OIDCProviderError) {
        const description =
          err instanceof errors.SessionNotFound
            ? 'this sign-in has expired or was opened elsewhere; start again from the app'
            : (err.error_description ?? err.message);
        sendPage(ctx, {
          title: 'Error',
          status: err.statusCode,
          body: errorPage(err.error, description),
        });
        return;
      }
      logger.error({ err, path: ctx.path }, 'interaction failed');
      sendPage(ctx, {
        title: 'Error',
        status: 500,
        body: errorPage('server_error', 'something went wrong on our side'),
      });
    }
  });

  const csrfKey = keys.cookieKeys[0];
  if (!csrfKey) throw new Error('no cookie key');
  const routes = interactionRoutes({
    provider,
    store,
    revoker: deps.revoker,
    catalogue: config.scopes,
    audience: config.apiAudience,
    csrfKey,
  });
  provider.use(routes.routes());
  provider.use(routes.allowedMethods());
  const account = accountRoutes({
    store,
    revoker: deps.revoker,
    catalogue: config.scopes,
    cookieKey: csrfKey,
  });
  provider.use(account.routes());
  if (config.demo) {
    const demo = demoClientRoutes({
      issuer: config.issuer,
      gatewayUrl: `http://localhost:${config.gatewayPort}`,
    });
    provider.use(demo.routes());
  }

  trackGrantRevocations(provider, deps.revoker, logger);
  provider.on('server_error', (ctx, err) =>
    logger.error({ err, path: ctx.path }, 'oidc server_error'),
  );
  return provider;
}
