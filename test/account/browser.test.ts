// The connected-apps page in real Chromium: a merchant signs in at /account/login, finds
// the app installed over OAuth, revokes it through the confirmation page and sees it
// revoked. No CSP violation on the way; a screenshot is kept in test-results/.
import { join } from 'node:path';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ARTEFACTS, launchBrowser } from '../support/browser.ts';
import { createMerchant, install, MERCHANT, manifest, registerApp } from '../support/oauth.ts';
import { type AccountSystem, startAccountSystem } from './harness.ts';

let env: AccountSystem;
let browser: Browser;

beforeAll(async () => {
  [env, browser] = await Promise.all([startAccountSystem(), launchBrowser()]);
  await createMerchant(env.sys);
});
afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

it('signs in, revokes an app after confirming and shows it revoked', async () => {
  const app = await registerApp(env.sys, manifest('browser-revoke', { name: 'Shop Insights' }));
  const { tokens, config } = await install(env.sys, app);
  const api = () =>
    fetch(`${env.sys.gatewayUrl}/api/content`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    }).then((r) => r.status);
  expect(await api()).toBe(200);
  const page = await browser.newPage();
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) cspViolations.push(m.text());
  });

  await page.goto(`${env.base}/account/apps`);
  await page.getByRole('heading', { name: 'Sign in to SitePack' }).waitFor();
  await page.getByLabel('Email').fill(MERCHANT.email);
  await page.getByLabel('Password').fill(MERCHANT.password);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await page.getByRole('heading', { name: 'Connected apps' }).waitFor();
  const card = page.getByRole('article', { name: /Shop Insights on Shop/ });
  await expect(card.getByText('leads:write').isVisible()).resolves.toBe(true);
  await card.getByRole('link', { name: /^Revoke/ }).click();

  await page.getByRole('heading', { name: 'Revoke Shop Insights on Shop?' }).waitFor();
  await expect(page.getByText(/Its access ends at once/).isVisible()).resolves.toBe(true);
  await page.getByRole('button', { name: 'Revoke access' }).click();

  await page.getByRole('status').filter({ hasText: 'You revoked Shop Insights on Shop' }).waitFor();
  await expect(card.getByText('revoked', { exact: true }).isVisible()).resolves.toBe(true);
  await expect(card.getByRole('link', { name: /^Revoke/ }).count()).resolves.toBe(0);
  await page.screenshot({ path: join(ARTEFACTS, 'account-apps.png'), fullPage: true });

  const [record] = await env.sys.store.installations.list({ app: app.client_id });
  expect(record?.revoked_at).not.toBeNull();
  await expect(
    card.locator('[data-field="revoked_at"] time').getAttribute('datetime'),
  ).resolves.toBe(record?.revoked_at);
  expect(cspViolations).toEqual([]);

  // The same effects as an operator's revoke: gateway, refresh token, introspection.
  expect(await api()).toBe(401);
  await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
    error: 'invalid_grant',
  });
  expect((await oidc.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(false);
  expect(record?.enforced_at).toBeTypeOf('string');
});
