// Which oidc-provider grant an authorization continues, and the installation claims of
// its tokens. A grant is an installation: only a live (not revoked) one is ever reused.
import { errors, type Grant, type KoaContextWithOIDC } from 'oidc-provider';
import type { InstallationStore, MerchantStore } from '../store/types.ts';

export interface GrantDeps {
  installations: InstallationStore;
  merchants: MerchantStore;
}

/**
 * loadExistingGrant: the grant just consented to; otherwise the live installation of this
 * app on the requested site (the `site` parameter, or the merchant's only site). Anything
 * else (no site known, revoked, superseded) means a new consent.
 */
export function loadExistingGrant(deps: GrantDeps) {
  return async (ctx: KoaContextWithOIDC): Promise<Grant | undefined> => {
    const { provider, result, session, client, params } = ctx.oidc;
    const consented = result?.consent?.grantId;
    if (consented) return provider.Grant.find(consented);
    const accountId = session?.accountId;
    if (!accountId || !client) return undefined;
    let site = typeof params?.site === 'string' ? params.site : undefined;
    if (!site) {
      const merchant = await deps.merchants.get(accountId);
      if (merchant?.sites.length !== 1) return undefined;
      site = merchant.sites[0]?.id;
    }
    const [live] = (
      await deps.installations.list({ app: client.clientId, merchant: accountId, site })
    ).filter((i) => i.revoked_at === null);
    return live ? provider.Grant.find(live.id) : undefined;
  };
}

/**
 * extraTokenClaims: `site`, `installation` and `access_mode` (the gateway stages the writes
 * of a review-only installation); a token of a revoked grant is never issued.
 */
export function installationClaims(deps: GrantDeps) {
  return async (_ctx: KoaContextWithOIDC, token: object): Promise<Record<string, string>> => {
    const grantId =
      'grantId' in token && typeof token.grantId === 'string' ? token.grantId : undefined;
    const installation = grantId ? await deps.installations.get(grantId) : undefined;
    if (!installation || installation.revoked_at !== null) {
      throw new errors.InvalidGrant('the installation was revoked');
    }
    return {
      site: installation.site,
      installation: installation.id,
      access_mode: installation.access_mode,
    };
  };
}
