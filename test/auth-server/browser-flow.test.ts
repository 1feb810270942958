// The install flow once in a real browser: Chromium signs in, drops an optional scope,
// picks a site and approves; the app redeems the code with openid-client. A screenshot
// of the consent page is kept in test-results/.
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ARTEFACTS, launchBrowser } from '../support/browser.ts';
import {
  authorizationUrl,
  clientConfig,
  createMerchant,
  MERCHANT,
  manifest,
  REDIRECT_URI,
  registerApp,
} from '../support/oauth.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let sys: TestSystem;
let browser: Browser;

beforeAll(async () => {
  [sys, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
  await createMerchant(sys);
});
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});

it('installs an app through the consent page in Chromium', async () => {
  const app = await registerApp(sys, manifest('browser-app'));
  const config = await clientConfig(sys, app);
  const start = await authorizationUrl(config);
  const page = await browser.newPage();
  const callback = new Promise<string>((resolve) => {
    page.route(`${new URL(REDIRECT_URI).origin}/**`, (route) => {
      resolve(route.request().url());
      return route.fulfill({ status: 200, contentType: 'text/plain', body: 'app callback' });
    });
  });
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) cspViolations.push(m.text());
  });

  await page.goto(start.url.href);
  await page.getByLabel('Email').fill(MERCHANT.email);
  await page.getByLabel('Password').fill(MERCHANT.password);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await page.getByRole('heading', { name: /wants access to your site/ }).waitFor();
  await page.screenshot({ path: join(ARTEFACTS, 'consent-page.png'), fullPage: true });
  const optional = page.getByRole('checkbox', { name: /media:read/ });
  await expect(optional.isChecked()).resolves.toBe(true);
  await optional.uncheck();
  await page.getByLabel('Site', { exact: true }).selectOption('s_blog');
  await page.getByRole('button', { name: 'Approve' }).click();

  const url = new URL(await callback);
  const tokens = await oidc.authorizationCodeGrant(config, url, {
    pkceCodeVerifier: start.verifier,
    expectedState: start.state,
  });
  const { payload } = await jwtVerify(
    tokens.access_token,
    createRemoteJWKSet(new URL(`${sys.issuer}/jwks`)),
    {
      issuer: sys.issuer,
      audience: sys.config.apiAudience,
      typ: 'at+jwt',
    },
  );
  expect(payload.scope).toBe('content:read leads:write');
  expect(payload.site).toBe('s_blog');
  expect(cspViolations).toEqual([]);
});
