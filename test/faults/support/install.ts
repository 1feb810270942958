// A real app installation for a fault scenario: registered through the admin API, then
// installed through the OAuth code + PKCE flow (openid-client), as tests elsewhere do.
import type { Configuration } from 'openid-client';
import type { HttpAgent } from '../../support/http-agent.ts';
import {
  install,
  MERCHANT,
  manifest,
  type RegisteredApp,
  registerApp,
} from '../../support/oauth.ts';
import type { TestSystem } from '../../support/system.ts';

export interface Installed {
  app: RegisteredApp;
  uuid: string;
  /** The access token the install returned. */
  token: string;
  refreshToken: string;
  installation: string;
  /** The app's openid-client configuration (for refresh and revocation). */
  config: Configuration;
}

/** The `installation` claim of an access token. */
export function installationOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
  return payload.installation as string;
}

/**
 * Registers app `uuid` (manifest overrides allowed) and installs it on `site`; the merchant
 * signs in afresh (a new user agent) unless `agent` already holds a session.
 */
export async function installApp(
  sys: TestSystem,
  uuid: string,
  opts: {
    overrides?: Record<string, unknown>;
    site?: string;
    merchant?: typeof MERCHANT;
    keepOptional?: string[];
    agent?: HttpAgent;
  } = {},
): Promise<Installed> {
  const app = await registerApp(sys, manifest(uuid, opts.overrides));
  const merchant = opts.merchant ?? MERCHANT;
  const { tokens, config } = await install(sys, app, {
    site: opts.site ?? merchant.sites[0]?.id ?? '',
    merchant,
    ...(opts.agent ? { agent: opts.agent } : {}),
    ...(opts.keepOptional ? { keepOptional: opts.keepOptional } : {}),
  });
  return {
    app,
    uuid,
    token: tokens.access_token,
    refreshToken: tokens.refresh_token ?? '',
    installation: installationOf(tokens.access_token),
    config,
  };
}
