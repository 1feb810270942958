// A report of four findings driven through approval in real Chromium: a diagnostic
// (read-only), a fix (review-only), a fix with a live-write reason (connected) and a task
// asking for payments:read without a data flow (blocked, fallback). Then a revoke shows
// revoked_access with its revoked_at, and the page's JSON says the same as the page.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ARTEFACTS, launchBrowser } from '../support/browser.ts';
import { createMerchant, install, MERCHANT, manifest, registerApp } from '../support/oauth.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';

let sys: TestSystem;
let browser: Browser;
let platform: Upstream;

beforeAll(async () => {
  platform = await startUpstream();
  [sys, browser] = await Promise.all([
    startTestSystem({ env: { PLATFORM_API_URL: platform.url } }),
    launchBrowser(),
  ]);
  await createMerchant(sys);
});
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
  await platform?.close();
});

/** A JSON write through the gateway with the app's token. */
async function write(token: string, path: string, body: unknown) {
  const res = await fetch(`${sys.gatewayUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** The platform's record of writes to `path`. */
const writesTo = (path: string) =>
  platform.received.filter((r) => r.method === 'POST' && r.url === path).length;

const app = (uuid: string, name: string, scopes: string[]) =>
  registerApp(
    sys,
    manifest(uuid, { name, auth: { ...manifest(uuid).auth, scopes, optional_scopes: [] } }),
  );

const task = (appId: string, over: Record<string, unknown>) => ({
  app: appId,
  kind: 'fix',
  provider: 'wordpress',
  target: '/about',
  required_scopes: ['content:read'],
  instructions: 'Open the page editor, fix the heading and save.',
  ...over,
});

/** The finding's card and a field of it. */
const card = (page: Page, id: string) => page.locator(`[data-finding="${id}"]`);
const field = (page: Page, id: string, name: string) =>
  card(page, id).locator(`[data-field="${name}"]`);

async function approve(page: Page, finding: string, title: string, mode: string): Promise<void> {
  await card(page, finding).getByRole('link', { name: 'Approve access' }).click();
  await page.getByRole('heading', { name: /wants access to your site/ }).waitFor();
  // The consent page names the task and the mode chosen for it.
  await expect(page.getByText(/For the task:/).textContent()).resolves.toContain(title);
  await expect(page.locator('[data-access-mode]').getAttribute('data-access-mode')).resolves.toBe(
    mode,
  );
  await page.getByRole('button', { name: 'Approve' }).click();
  await card(page, finding).waitFor();
}

it('approves each finding with the least access, falls back, and shows a revoke', async () => {
  const [audit, fixer, tags, payments] = await Promise.all([
    app('seo-audit', 'SEO Audit', ['content:read']),
    app('seo-fixer', 'SEO Fixer', ['content:write']),
    app('tag-pilot', 'Tag Pilot', ['media:write']),
    app('pay-check', 'Pay Check', ['payments:read']),
  ]);
  const report = {
    id: 'r-2026-11',
    site: 's_shop',
    findings: [
      { id: 'f-diag', title: 'Broken links', task: task(audit!.client_id, { kind: 'diagnostic' }) },
      {
        id: 'f-fix',
        title: 'Missing meta description',
        task: task(fixer!.client_id, { required_scopes: ['content:write'] }),
      },
      {
        id: 'f-live',
        title: 'Hero image too large',
        task: task(tags!.client_id, {
          provider: 'gtm',
          required_scopes: ['media:write'],
          needs_live_write: { reason: 'the image is replaced in the CDN, which has no drafts' },
        }),
      },
      {
        id: 'f-pay',
        title: 'Checkout errors',
        task: task(payments!.client_id, {
          kind: 'diagnostic',
          required_scopes: ['payments:read'],
          instructions: 'Export the failed payments from your payment provider and attach them.',
        }),
      },
    ],
  };
  expect((await sys.admin('POST', '/admin/reports', report)).status).toBe(201);

  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${sys.issuer}/reports/r-2026-11`);
  await page.getByLabel('Email').fill(MERCHANT.email);
  await page.getByLabel('Password').fill(MERCHANT.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Report r-2026-11' }).waitFor();

  const states = async () =>
    Object.fromEntries(
      await Promise.all(
        ['f-diag', 'f-fix', 'f-live', 'f-pay'].map(
          async (id) => [id, await card(page, id).getAttribute('data-state')] as const,
        ),
      ),
    );
  expect(await states()).toEqual({
    'f-diag': 'missing_approval',
    'f-fix': 'missing_approval',
    'f-live': 'missing_approval',
    'f-pay': 'customer_data_requested',
  });
  await expect(
    card(page, 'f-pay').getByRole('link', { name: 'Approve access' }).count(),
  ).resolves.toBe(0);

  await approve(page, 'f-diag', 'Broken links', 'read-only');
  await approve(page, 'f-fix', 'Missing meta description', 'review-only');
  await approve(page, 'f-live', 'Hero image too large', 'connected');
  expect(await states()).toEqual({
    'f-diag': 'read_only_ready',
    'f-fix': 'review_only_ready',
    'f-live': 'connected_scope_approved',
    'f-pay': 'customer_data_requested',
  });
  await expect(field(page, 'f-fix', 'approved').textContent()).resolves.toBe('content:write');
  await expect(field(page, 'f-live', 'mode').textContent()).resolves.toMatch(/connected/);
  const installations = await sys.store.installations.list({
    merchant: (await sys.store.merchants.findBySite('s_shop'))!.id,
  });
  expect(Object.fromEntries(installations.map((i) => [i.app, i.access_mode]))).toEqual({
    [audit!.client_id]: 'read-only',
    [fixer!.client_id]: 'review-only',
    [tags!.client_id]: 'connected',
  });

  // The review-only app authorizes as usual for the site: no consent again, and its token
  // carries the mode. Its writes wait as proposals; the platform sees none of them yet.
  const { tokens } = await install(sys, fixer!, {
    scope: 'content:write',
    params: { site: 's_shop' },
  });
  const claims = JSON.parse(
    Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString(),
  );
  expect(claims.access_mode).toBe('review-only');
  const token = tokens.access_token;
  const staged = await Promise.all([
    write(token, '/api/content/approve-me', { title: 'Approved title' }),
    write(token, '/api/content/reject-me', { title: 'Rejected title' }),
    write(token, '/api/content/cancel-me', { title: 'Cancelled title' }),
  ]);
  for (const s of staged)
    expect(s).toMatchObject({ status: 202, body: { status: 'pending_review' } });
  expect(writesTo('/api/content/approve-me') + writesTo('/api/content/reject-me')).toBe(0);

  await page.reload();
  const pending = card(page, 'f-fix').locator('[data-proposal]');
  await expect(pending.count()).resolves.toBe(3);
  await card(page, 'f-fix')
    .getByRole('link', { name: /approve-me/ })
    .click();
  await page.getByRole('heading', { name: /proposes a change/ }).waitFor();
  await expect(page.getByText('Approved title').count()).resolves.toBeGreaterThan(0);
  await page.getByRole('button', { name: /Approve and send/ }).click();
  await page.goto(`${sys.issuer}/reports/r-2026-11`);
  await card(page, 'f-fix')
    .getByRole('link', { name: /reject-me/ })
    .click();
  await page.getByRole('button', { name: 'Reject' }).click();
  await page.goto(`${sys.issuer}/reports/r-2026-11`);
  await expect(pending.count()).resolves.toBe(1);
  expect(writesTo('/api/content/approve-me')).toBe(1);
  expect(writesTo('/api/content/reject-me')).toBe(0);
  const approvedWrite = platform.received.find((r) => r.url === '/api/content/approve-me');
  expect(approvedWrite?.headers['x-scopegate-approved-by']).toBeTypeOf('string');
  const status = async (id: string) => {
    const res = await fetch(`${sys.gatewayUrl}/scopegate/proposals/${id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return ((await res.json()) as { status: string }).status;
  };
  expect(await status(staged[0]?.body.proposal)).toBe('approved');
  expect(await status(staged[1]?.body.proposal)).toBe('rejected');

  // Revoking the review-only access cancels what is still pending; it never reaches the
  // platform.
  await card(page, 'f-fix').getByRole('link', { name: 'Revoke' }).click();
  await page.getByRole('button', { name: 'Revoke access' }).click();
  await page.goto(`${sys.issuer}/reports/r-2026-11`);
  await expect(card(page, 'f-fix').getAttribute('data-state')).resolves.toBe('revoked_access');
  expect((await sys.store.proposals.get(staged[2]?.body.proposal))?.status).toBe('cancelled');
  expect(writesTo('/api/content/cancel-me')).toBe(0);

  // The blocked finding's fallback: the customer-applied instructions.
  await card(page, 'f-pay').getByRole('link', { name: 'Use fallback' }).click();
  await page.getByText('Export the failed payments').waitFor();
  await page.getByRole('link', { name: /Back to report/ }).click();

  // Revoke the diagnostic's access from the report: revoked_access with its revoked_at.
  await card(page, 'f-diag').getByRole('link', { name: 'Revoke' }).click();
  await page.getByRole('button', { name: 'Revoke access' }).click();
  await page.goto(`${sys.issuer}/reports/r-2026-11`);
  await expect(card(page, 'f-diag').getAttribute('data-state')).resolves.toBe('revoked_access');
  const [revoked] = await sys.store.installations.list({ app: audit!.client_id });
  await expect(
    field(page, 'f-diag', 'revoked_at').locator('time').getAttribute('datetime'),
  ).resolves.toBe(revoked?.revoked_at);
  // No reconnect without a new approval: the approval is offered again, nothing else.
  await expect(
    card(page, 'f-diag').getByRole('link', { name: 'Approve access' }).count(),
  ).resolves.toBe(1);
  await page.screenshot({ path: join(ARTEFACTS, 'report.png'), fullPage: true });

  const json = await (
    await page.request.get(`${sys.issuer}/reports/r-2026-11`, {
      headers: { accept: 'application/json' },
    })
  ).json();
  const byId = Object.fromEntries(json.findings.map((f: any) => [f.id, f]));
  expect(byId['f-diag']).toMatchObject({
    state: 'revoked_access',
    remediation_access_mode: 'read-only',
    required_scopes: ['content:read'],
    approved_scope: null,
    revoked_at: revoked?.revoked_at,
  });
  expect(byId['f-live']).toMatchObject({
    state: 'connected_scope_approved',
    revoke_path_visible: true,
  });
  expect(byId['f-fix']).toMatchObject({ state: 'revoked_access', approved_scope: null });
  expect(byId['f-pay']).toMatchObject({
    state: 'customer_data_requested',
    fallback: { mode: 'ticket-only' },
    approval: null,
  });
  expect(byId['f-pay'].rejected_scopes[0].scope).toBe('payments:read');

  // Another merchant's session, or none, never sees the report.
  const other = await browser.newPage();
  const res = await other.request.get(`${sys.issuer}/reports/r-2026-11`, {
    headers: { accept: 'application/json' },
    maxRedirects: 0,
  });
  expect(res.status()).toBe(303);
});
