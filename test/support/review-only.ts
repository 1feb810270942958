// A review-only installation for tests, reached through the real authorization flow.
// No consent screen offers review-only on its own (a remediation approval does), so this
// writes what recordConsent (src/auth-server/consent.ts) would write for one — the
// oidc-provider grant and the installation record with access_mode 'review-only' — and then
// runs the real authorization code + PKCE flow with `site`, which reuses that live
// installation as its grant (loadExistingGrant) and issues tokens carrying its mode.
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { HttpAgent } from './http-agent.ts';
import {
  authorizationUrl,
  clientConfig,
  type Installed,
  MERCHANT,
  REDIRECT_URI,
  type RegisteredApp,
  signIn,
} from './oauth.ts';
import type { TestSystem } from './system.ts';

export interface ReviewOnlyInstall extends Installed {
  /** The installation id (= grant id), also the tokens' `installation` claim. */
  installation: string;
}

/**
 * Installs `app` in review-only mode for the merchant `merchantId` on `site` with `scopes`
 * (all of which the app's manifest must request). Throws if a consent screen shows up:
 * the flow must continue the seeded installation, never create another.
 */
export async function installReviewOnly(
  sys: TestSystem,
  app: RegisteredApp,
  opts: { merchantId: string; site: string; scopes: string[]; merchant?: typeof MERCHANT },
): Promise<ReviewOnlyInstall> {
  const merchant = opts.merchant ?? MERCHANT;
  const audience = sys.config.apiAudience;
  const id = randomBytes(16).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const ttl = 24 * 3600;
  // The payload oidc-provider saves for `new provider.Grant(...)` + addResourceScope().
  await sys.store.oidcAdapter('Grant').upsert(
    id,
    {
      iat: now,
      exp: now + ttl,
      jti: id,
      kind: 'Grant',
      accountId: opts.merchantId,
      clientId: app.client_id,
      resources: { [audience]: opts.scopes.join(' ') },
    },
    ttl,
  );
  await sys.store.installations.create({
    id,
    app: app.client_id,
    merchant: opts.merchantId,
    site: opts.site,
    requested_scopes: opts.scopes,
    approved_scope: { scopes: opts.scopes, site: opts.site, audience },
    access_mode: 'review-only',
    approved_at: new Date().toISOString(),
    approved_by: opts.merchantId,
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
    enforced_at: null,
  });

  const agent = new HttpAgent();
  const config = await clientConfig(sys, app);
  const start = await authorizationUrl(config, { scope: opts.scopes.join(' '), site: opts.site });
  let page = await agent.follow(await agent.get(start.url.href), REDIRECT_URI);
  if (page.body.includes('name="password"')) {
    page = await signIn(agent, page, merchant.email, merchant.password);
  }
  if (!page.location?.startsWith(REDIRECT_URI)) {
    throw new Error(
      `the seeded installation was not reused: ${page.status} ${page.body.slice(0, 300)}`,
    );
  }
  const tokens = await oidc.authorizationCodeGrant(config, new URL(page.location), {
    pkceCodeVerifier: start.verifier,
    expectedState: start.state,
  });
  return { tokens, config, agent, installation: id };
}
