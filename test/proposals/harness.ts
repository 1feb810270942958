// The proposal tests' world: a running scopegate in front of a recording platform, a
// review-only app and a connected one installed by the real flows, the merchant signed
// in at /account, and helpers to call the gateway and to decide proposals by form.
import { expect } from 'vitest';
import { accountSignIn, formFor } from '../account/harness.ts';
import type { HttpAgent, Page } from '../support/http-agent.ts';
import {
  createMerchant,
  install,
  MERCHANT,
  manifest,
  REDIRECT_URI,
  registerApp,
} from '../support/oauth.ts';
import { type RawResponse, rawRequest } from '../support/raw-http.ts';
import { installReviewOnly } from '../support/review-only.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { type Platform, startPlatform } from './platform.ts';

export const CONTENT_SCOPES = ['content:read', 'content:write'];

function contentApp(uuid: string) {
  return manifest(uuid, {
    auth: {
      scopes: CONTENT_SCOPES,
      optional_scopes: [],
      redirect_uris: [REDIRECT_URI],
      client_type: 'confidential',
    },
  });
}

export interface ProposalWorld {
  sys: TestSystem;
  platform: Platform;
  merchantId: string;
  /** A review-only installation on s_shop and its access token. */
  review: { app: string; installation: string; token: string };
  /** A connected installation of another app on s_blog and its access token. */
  connected: { app: string; token: string };
  /** The merchant's browser, signed in at /account. */
  merchant: HttpAgent;
  stop(): Promise<void>;
}

export async function startWorld(opts: { redisUrl?: string } = {}): Promise<ProposalWorld> {
  const platform = await startPlatform();
  const sys = await startTestSystem({
    env: { PLATFORM_API_URL: platform.url },
    ...(opts.redisUrl ? { redisUrl: opts.redisUrl } : {}),
  });
  const merchantId = await createMerchant(sys);
  const reviewApp = await registerApp(sys, contentApp('review-app'));
  const review = await installReviewOnly(sys, reviewApp, {
    merchantId,
    site: 's_shop',
    scopes: CONTENT_SCOPES,
  });
  const connectedApp = await registerApp(sys, contentApp('connected-app'));
  const connected = await install(sys, connectedApp, {
    scope: CONTENT_SCOPES.join(' '),
    site: 's_blog',
  });
  const { agent, res } = await accountSignIn(sys.issuer, MERCHANT.email, MERCHANT.password);
  expect(res.status).toBe(303);
  return {
    sys,
    platform,
    merchantId,
    review: {
      app: reviewApp.client_id,
      installation: review.installation,
      token: review.tokens.access_token,
    },
    connected: { app: connectedApp.client_id, token: connected.tokens.access_token },
    merchant: agent,
    async stop() {
      await sys.stop();
      await platform.close();
    },
  };
}

/** A request to the gateway with a bearer token (JSON body when given an object). */
export function gateway(
  w: ProposalWorld,
  token: string,
  method: string,
  target: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const raw = body === undefined || typeof body === 'string' ? body : JSON.stringify(body);
  return rawRequest(
    w.sys.gatewayUrl,
    method,
    target,
    {
      authorization: `Bearer ${token}`,
      ...(raw === undefined
        ? {}
        : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(raw)) }),
      ...headers,
    },
    raw,
  );
}

/** Stages a write with the review-only token; returns the proposal id. */
export async function propose(
  w: ProposalWorld,
  method: string,
  target: string,
  body?: unknown,
): Promise<string> {
  const res = await gateway(w, w.review.token, method, target, body);
  expect(res.status, res.body).toBe(202);
  const answer = JSON.parse(res.body) as { proposal: string; status: string };
  expect(answer.status).toBe('pending_review');
  expect(res.headers.location).toBe(`/scopegate/proposals/${answer.proposal}`);
  return answer.proposal;
}

/** The proposal's status as its app reads it through the gateway. */
export async function statusOf(w: ProposalWorld, id: string, token = w.review.token) {
  const res = await gateway(w, token, 'GET', `/scopegate/proposals/${id}`);
  return { status: res.status, body: JSON.parse(res.body) };
}

/** The merchant's page of a proposal. */
export function proposalPage(w: ProposalWorld, id: string, agent = w.merchant): Promise<Page> {
  return agent.get(`${w.sys.issuer}/account/proposals/${id}`);
}

/** Opens the proposal's page and submits its approve or reject form, as a browser would. */
export async function decide(
  w: ProposalWorld,
  id: string,
  decision: 'approve' | 'reject',
  fields: Record<string, string> = {},
): Promise<Page> {
  const page = await proposalPage(w, id);
  expect(page.status).toBe(200);
  const form = formFor(page, `/${decision}`);
  return w.merchant.post(form.action, { csrf: form.csrf, ...fields });
}

/** The platform's write requests that carried a proposal id. */
export function replaysOf(w: ProposalWorld, id: string) {
  return w.platform.writes().filter((r) => r.headers['x-scopegate-proposal'] === id);
}
