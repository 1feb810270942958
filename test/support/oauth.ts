// Drives the install flow the way an app and a merchant would: openid-client builds the
// PKCE authorization request and redeems the code; HttpAgent signs in and consents.
import * as oidc from 'openid-client';
import { formAction, HttpAgent, inputValue, type Page } from './http-agent.ts';
import type { TestSystem } from './system.ts';

export const MERCHANT = {
  email: 'owner@shop.test',
  password: 'correct-horse-battery',
  sites: [
    { id: 's_shop', name: 'Shop' },
    { id: 's_blog', name: 'Blog' },
  ],
};

export const REDIRECT_URI = 'http://localhost:7999/callback';

export function manifest(uuid: string, overrides: Record<string, unknown> = {}) {
  return {
    uuid,
    name: `App ${uuid}`,
    auth: {
      scopes: ['content:read', 'media:read', 'leads:write'],
      optional_scopes: ['media:read'],
      redirect_uris: [REDIRECT_URI],
      client_type: 'confidential',
    },
    ...overrides,
  };
}

export interface RegisteredApp {
  client_id: string;
  client_secret?: string;
  webhook_secret: string;
}

export async function registerApp(sys: TestSystem, body: unknown): Promise<RegisteredApp> {
  const res = await sys.admin('POST', '/admin/apps', body);
  if (res.status !== 201) throw new Error(`register failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function createMerchant(sys: TestSystem, body: unknown = MERCHANT): Promise<string> {
  const res = await sys.admin('POST', '/admin/merchants', body);
  if (res.status !== 201) throw new Error(`merchant failed: ${JSON.stringify(res.body)}`);
  return res.body.id;
}

export async function clientConfig(
  sys: TestSystem,
  app: RegisteredApp,
): Promise<oidc.Configuration> {
  return oidc.discovery(
    new URL(sys.issuer),
    app.client_id,
    app.client_secret ? { client_secret: app.client_secret } : {},
    app.client_secret ? oidc.ClientSecretBasic(app.client_secret) : oidc.None(),
    { execute: [oidc.allowInsecureRequests] },
  );
}

export interface AuthorizeStart {
  url: URL;
  verifier: string;
  state: string;
}

export async function authorizationUrl(
  config: oidc.Configuration,
  params: Record<string, string> = {},
): Promise<AuthorizeStart> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'content:read media:read leads:write',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...params,
  });
  return { url, verifier, state };
}

/** Signs in on the interaction page `page` and returns the next page (consent or callback). */
export async function signIn(
  agent: HttpAgent,
  page: Page,
  email: string,
  password: string,
): Promise<Page> {
  const csrf = inputValue(page.body, 'csrf') ?? '';
  const res = await agent.post(formAction(page.body, page.url), { csrf, email, password });
  return agent.follow(res, REDIRECT_URI);
}

/** Submits the consent form with the given decision and form values. */
export async function consent(
  agent: HttpAgent,
  page: Page,
  form: { decision: 'approve' | 'deny'; scope?: string[]; site?: string },
): Promise<Page> {
  const csrf = inputValue(page.body, 'csrf') ?? '';
  const res = await agent.post(formAction(page.body, page.url), {
    csrf,
    decision: form.decision,
    ...(form.scope ? { scope: form.scope } : {}),
    ...(form.site ? { site: form.site } : {}),
  });
  return agent.follow(res, REDIRECT_URI);
}

export interface Installed {
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
  config: oidc.Configuration;
  agent: HttpAgent;
}

/** The whole install: authorize → sign in → consent (approve) → code exchange. */
export async function install(
  sys: TestSystem,
  app: RegisteredApp,
  opts: {
    scope?: string;
    keepOptional?: string[];
    site?: string;
    merchant?: typeof MERCHANT;
    agent?: HttpAgent;
    /** Extra authorization parameters (e.g. `site`, which selects an existing approval). */
    params?: Record<string, string>;
  } = {},
): Promise<Installed> {
  const merchant = opts.merchant ?? MERCHANT;
  const agent = opts.agent ?? new HttpAgent();
  const config = await clientConfig(sys, app);
  const start = await authorizationUrl(config, {
    ...(opts.scope ? { scope: opts.scope } : {}),
    ...opts.params,
  });
  let page = await agent.follow(await agent.get(start.url.href), REDIRECT_URI);
  if (page.body.includes('name="password"'))
    page = await signIn(agent, page, merchant.email, merchant.password);
  if (page.body.includes('name="decision"')) {
    page = await consent(agent, page, {
      decision: 'approve',
      scope: opts.keepOptional ?? [],
      site: opts.site ?? merchant.sites[0]?.id ?? '',
    });
  }
  if (!page.location?.startsWith(REDIRECT_URI))
    throw new Error(`no callback: ${page.status} ${page.body.slice(0, 400)}`);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(page.location), {
    pkceCodeVerifier: start.verifier,
    expectedState: start.state,
  });
  return { tokens, config, agent };
}
