// The oidc-provider instance: authorization code + PKCE (S256, every client), rotating
// refresh tokens, RFC 9068 JWT access tokens for the API audience, introspection and
// revocation; no dev interactions, no OpenID userinfo. Interactions live in interactions.ts.
import { type KoaContextWithOIDC, Provider } from 'oidc-provider';
import type { Config } from '../config/index.ts';
import type { KeyMaterial } from '../keys/index.ts';
import { SIGNING_ALG } from '../keys/index.ts';
import { errorPage } from '../pages/error.ts';
import { sendPage } from '../pages/layout.ts';
import type { Store } from '../store/types.ts';
import { clientAdapter } from './clients.ts';
import { installationClaims, loadExistingGrant } from './grants.ts';
import { resourceServerInfo } from './scope-request.ts';

export interface ProviderDeps {
  config: Config;
  store: Store;
  keys: KeyMaterial;
}

const ownToken = (
  _ctx: unknown,
  client: { clientId: string },
  token: { clientId?: string | undefined },
) => token.clientId === client.clientId;

const TEN_YEARS = 10 * 365 * 24 * 3600;

export function createProvider({ config, store, keys }: ProviderDeps): Provider {
  const clients = clientAdapter(store.apps, keys.sealingKey);
  const grantDeps = { installations: store.installations, merchants: store.merchants };
  const cookie = { httpOnly: true, sameSite: 'lax' as const, signed: true };

  const provider = new Provider(config.issuer, {
    adapter: (name: string) => (name === 'Client' ? clients : store.oidcAdapter(name)),
    jwks: { keys: keys.signingKeys as never },
    cookies: { keys: keys.cookieKeys, long: cookie, short: cookie },
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      id_token_signed_response_alg: SIGNING_ALG,
    },
    responseTypes: ['code'],
    extraParams: ['site'],
    findAccount: async (_ctx, id) =>
      (await store.merchants.get(id)) ? { accountId: id, claims: () => ({ sub: id }) } : undefined,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: false },
      // An app may introspect or revoke its own tokens only.
      introspection: { enabled: true, allowedPolicy: ownToken },
      revocation: { enabled: true, allowedPolicy: ownToken },
      rpInitiatedLogout: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => config.apiAudience,
        useGrantedResource: () => true,
        getResourceServerInfo: resourceServerInfo({
          apps: store.apps,
          catalogue: config.scopes,
          audience: config.apiAudience,
          accessTokenTtl: config.accessTokenTtl,
        }),
      },
    },
    pkce: { required: () => true },
    ttl: {
      AccessToken: config.accessTokenTtl,
      AuthorizationCode: 60,
      RefreshToken: config.refreshTokenTtl,
      // An installation lives until revoked; its grant must outlive every refresh token.
      Grant: TEN_YEARS,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
    },
    expiresWithSession: () => false,
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    loadExistingGrant: loadExistingGrant(grantDeps),
    extraTokenClaims: installationClaims(grantDeps),
    renderError: (ctx: KoaContextWithOIDC, out) => {
      sendPage(ctx, {
        title: 'Error',
        status: ctx.status,
        body: errorPage(String(out.error), String(out.error_description ?? '')),
      });
    },
  });
  return provider;
}
