// The app's own revocation (RFC 7009) and the merchant's (in Chromium, at /account/apps)
// have the operator's effects the moment the call returns: both gateway processes on one
// Redis refuse the token, refresh and introspection are dead, and the record says who.
import { join } from 'node:path';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTEFACTS, launchBrowser } from '../support/browser.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import {
  createMerchant,
  type Installed,
  install,
  MERCHANT,
  manifest,
  registerApp,
} from '../support/oauth.ts';
import { rawRequest } from '../support/raw-http.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';

let redis: TestRedis;
let upstream: Upstream;
let browser: Browser;
let sys: TestSystem;
let second: GatewayProcess;
let merchantId: string;

beforeAll(async () => {
  [redis, upstream, browser] = await Promise.all([startRedis(), startUpstream(), launchBrowser()]);
  sys = await startTestSystem({ redisUrl: redis.url, env: { PLATFORM_API_URL: upstream.url } });
  second = await startGatewayProcess(sys);
  merchantId = await createMerchant(sys);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await second?.stop();
  await sys?.stop();
  await upstream?.close();
  await redis?.stop();
});

const gateways = () => [sys.gatewayUrl, second.url];

const installationOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).installation as string;

const callApi = (base: string, token: string) =>
  rawRequest(base, 'GET', '/api/content/a', { authorization: `Bearer ${token}` });

/** Before revoking: both gateways serve the token and the refresh token is active. */
async function expectLive({ tokens, config }: Installed): Promise<void> {
  for (const base of gateways())
    expect((await callApi(base, tokens.access_token)).status).toBe(200);
  expect((await oidc.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(true);
}

/**
 * Right after the revoking call returned, with no waiting: the record (admin API) carries
 * the revocation by `by` and its enforcement, both gateways refuse the access token as
 * revoked, and the refresh token neither introspects nor refreshes. Returns the record.
 */
async function expectRevokedEverywhere(
  { tokens, config }: Installed,
  id: string,
  by: string,
): Promise<Record<string, unknown>> {
  // The record first: every live gateway acknowledged before the call returned.
  const record = await sys.admin('GET', `/admin/installations/${id}`);
  expect(record.status).toBe(200);
  expect(record.body).toMatchObject({ id, revoked_by: by });
  expect(Date.parse(record.body.revoked_at)).not.toBeNaN();
  expect(Date.parse(record.body.enforced_at)).toBeGreaterThanOrEqual(
    Date.parse(record.body.revoked_at),
  );
  for (const base of gateways()) {
    const res = await callApi(base, tokens.access_token);
    expect({ gateway: base, status: res.status }).toEqual({ gateway: base, status: 401 });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token", /);
    expect(JSON.parse(res.body)).toMatchObject({
      error: 'invalid_token',
      error_description: expect.stringContaining('revoked'),
    });
  }
  // Introspection first: a refresh attempt may consume the token and hide a live grant.
  expect((await oidc.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(false);
  await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
    error: 'invalid_grant',
  });

  return record.body;
}

describe('app revoke (RFC 7009)', () => {
  it('the app revoking its refresh token is enforced everywhere and recorded as the app', async () => {
    const app = await registerApp(sys, manifest('revoke-by-app'));
    const installed = await install(sys, app, { site: 's_shop' });
    const id = installationOf(installed.tokens.access_token);
    await expectLive(installed);

    await oidc.tokenRevocation(installed.config, installed.tokens.refresh_token!);

    const record = await expectRevokedEverywhere(installed, id, `app:${app.client_id}`);
    expect(record.revoke_reason).toMatch(/RFC 7009/);
  });
});

describe('merchant revoke (Chromium at /account/apps)', () => {
  it('the merchant revoking after confirming is enforced everywhere and shown on the page', async () => {
    const app = await registerApp(sys, manifest('revoke-by-merchant', { name: 'Ledger Sync' }));
    const installed = await install(sys, app, { site: 's_shop' });
    const id = installationOf(installed.tokens.access_token);
    await expectLive(installed);

    const page = await browser.newPage();
    try {
      await page.goto(`${sys.issuer}/account/apps`);
      await page.getByRole('heading', { name: 'Sign in to SitePack' }).waitFor();
      await page.getByLabel('Email').fill(MERCHANT.email);
      await page.getByLabel('Password').fill(MERCHANT.password);
      await page.getByRole('button', { name: 'Sign in' }).click();

      await page.getByRole('heading', { name: 'Connected apps' }).waitFor();
      const card = page.locator(`article[data-installation="${id}"]`);
      await expect(card.getAttribute('data-state')).resolves.toBe('active');
      await card.getByRole('link', { name: /^Revoke/ }).click();

      await page.getByRole('heading', { name: 'Revoke Ledger Sync on Shop?' }).waitFor();
      await page.getByRole('button', { name: 'Revoke access' }).click();
      // The notice is on the page the revoke POST redirected to: the revoke call returned.
      await page
        .getByRole('status')
        .filter({ hasText: 'You revoked Ledger Sync on Shop' })
        .waitFor();
      await page.screenshot({ path: join(ARTEFACTS, 'revocation-merchant.png'), fullPage: true });

      const record = await expectRevokedEverywhere(installed, id, merchantId);
      expect(record.revoke_reason).toBe('revoked by the merchant');

      await expect(card.getAttribute('data-state')).resolves.toBe('revoked');
      await expect(
        card.locator('[data-field="revoked_at"] time').getAttribute('datetime'),
      ).resolves.toBe(record.revoked_at);
      await expect(card.locator('[data-field="revoked_by"]').textContent()).resolves.toBe(
        `you (${MERCHANT.email})`,
      );
      await expect(card.getByRole('link', { name: /^Revoke/ }).count()).resolves.toBe(0);
    } finally {
      await page.close();
    }
  });
});
