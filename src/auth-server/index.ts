// The authorization server role: oidc-provider plus the merchant interaction pages,
// the RFC 8414 metadata alias and health endpoints, as one Koa application.
import type { RequestListener } from 'node:http';
import { errors, type Provider } from 'oidc-provider';
import { SUPPORTED_PROVIDERS } from '../access/policy.ts';
import { accountRoutes } from '../account/index.ts';
import type { Config } from '../config/index.ts';
import { demoClientRoutes } from '../demo/client.ts';
import { asClientError } from '../http/errors.ts';
import { healthRoutes } from '../http/health.ts';
import type { KeyMaterial } from '../keys/index.ts';
import type { SigningKeyWatch } from '../keys/watch.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics/index.ts';
import { observeRequests } from '../metrics/koa.ts';
import { errorPage } from '../pages/error.ts';
import { sendPage } from '../pages/layout.ts';
import type { ProposalReview } from '../proposals/review.ts';
import type { Revoker } from '../revocation/revoke.ts';
import type { Store } from '../store/types.ts';
import { recordConsent } from './consent.ts';
import { discoveryMetadata } from './discovery.ts';
import { interactionRoutes } from './interactions.ts';
import { createProvider } from './provider.ts';

export interface AuthServerDeps {
  config: Config;
  store: Store;
  keys: KeyMaterial;
  revoker: Revoker;
  logger: Logger;
  metrics?: Metrics;
  /** Approves (and replays) or rejects review-only proposals from /account. */
  proposals?: ProposalReview;
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

/** Every answer logged and counted, and the tokens issued counted. */
function observeAuthServer(provider: Provider, metrics: Metrics, logger: Logger): void {
  provider.use(observeRequests(metrics, logger, 'auth'));
  const issued = (kind: string) => () => metrics.tokensIssued.inc({ kind });
  // JWT access tokens are "issued" (never stored); the others are saved when issued.
  provider.on('access_token.issued', issued('access_token'));
  provider.on('refresh_token.saved', issued('refresh_token'));
  provider.on('authorization_code.saved', issued('authorization_code'));
}

export function createAuthServer(deps: AuthServerDeps): Provider {
  const { config, store, keys, logger } = deps;
  const provider = createProvider({ config, store, keys });
  provider.keys = keys.cookieKeys;

  // Koa's own report of an error it answered (a request cut short, say) goes to our logger,
  // not to stderr: a client's mistake at debug, anything else as an error.
  provider.silent = true;
  // (oidc-provider's types list only its own events; the provider is a Koa app.)
  (provider as unknown as NodeJS.EventEmitter).on('error', (err: Error & { status?: number }) => {
    if (typeof err.status === 'number' && err.status < 500)
      logger.debug({ err }, 'auth request error');
    else logger.error({ err }, 'auth server error');
  });
  if (deps.metrics) observeAuthServer(provider, deps.metrics, logger);
  provider.use(healthRoutes(() => store.ping()));

  // RFC 8414 metadata: the same document oidc-provider serves as OpenID discovery.
  provider.use(discoveryMetadata(config.scopes));

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
      // A form that could not be read (too large, bad Content-Encoding, cut short).
      const client = asClientError(err);
      if (client) {
        sendPage(ctx, {
          title: 'Error',
          status: client.status,
          body: errorPage(client.error, client.message),
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
    ...(deps.proposals ? { proposals: deps.proposals } : {}),
    providers: SUPPORTED_PROVIDERS,
    recordApproval: (req, plan) =>
      recordConsent(
        { provider, store, revoker: deps.revoker, audience: config.apiAudience },
        req,
        plan,
      ),
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

/** The auth server as one request handler that follows signing-key rotation. */
export interface RotatingAuthServer {
  /** For `http.createServer`: each request goes to the newest auth server. */
  callback(): RequestListener;
  /** The Provider that serves new requests. */
  readonly provider: Provider;
}

/**
 * oidc-provider fixes its keystore when a Provider is built (its maintainer advises a
 * rolling restart to change keys), so a rotation builds a whole new auth server with the
 * new keys and sends new requests to it; requests under way finish on the old one. What
 * a flow keeps (interactions, sessions, grants) is in the store and the cookie keys stay,
 * so flows that started before the swap finish after it.
 */
export function createRotatingAuthServer(
  deps: AuthServerDeps & { signingKeys: SigningKeyWatch },
): RotatingAuthServer {
  const build = (signingKeys: KeyMaterial['signingKeys']) =>
    createAuthServer({ ...deps, keys: { ...deps.keys, signingKeys } });
  let provider = build([...deps.signingKeys.keys]);
  let handle = provider.callback();
  deps.signingKeys.onChange((keys) => {
    try {
      provider = build([...keys]);
      handle = provider.callback();
      deps.logger.info({ kid: keys[0]?.kid }, 'auth server: signing keys reloaded');
    } catch (err) {
      deps.logger.error({ err }, 'auth server: new signing keys refused; the previous stay');
    }
  });
  return {
    callback: () => (req, res) => handle(req, res),
    get provider() {
      return provider;
    },
  };
}
