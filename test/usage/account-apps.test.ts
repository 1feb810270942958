// "Not used in N days" beside each approved scope on the merchant's /account/apps, over
// real HTTP from the system's real store: idle scopes, never-used ones, a write scope that
// only reads, and nothing for a fresh installation or a revoked one.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Installation } from '../../src/store/types.ts';
import { accountSignIn, cardOf, textOf } from '../account/harness.ts';
import {
  createMerchant,
  install,
  MERCHANT,
  manifest,
  REDIRECT_URI,
  registerApp,
} from '../support/oauth.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

let sys: TestSystem;
let merchant: string;
let fresh: string;

function record(id: string, fields: Partial<Installation>): Installation {
  const scopes = ['content:write', 'leads:read', 'media:read'];
  return {
    id,
    app: 'idle-app',
    merchant,
    site: 's_blog',
    requested_scopes: scopes,
    approved_scope: { scopes, site: 's_blog', audience: 'http://localhost:8080' },
    access_mode: 'connected',
    approved_at: ago(40 * DAY + 60_000),
    approved_by: merchant,
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
    enforced_at: null,
    ...fields,
  };
}

beforeAll(async () => {
  sys = await startTestSystem();
  merchant = await createMerchant(sys);
  const auth = {
    scopes: ['content:write', 'leads:read', 'media:read'],
    optional_scopes: [],
    redirect_uris: [REDIRECT_URI],
    client_type: 'confidential',
  };
  const app = await registerApp(sys, manifest('idle-app', { auth }));
  await install(sys, app, { scope: auth.scopes.join(' '), site: 's_shop' });
  fresh = (await sys.admin('GET', '/admin/installations?site=s_shop')).body.installations[0].id;
  // Installations approved 40 days ago, as the ledger holds them, and the gateway's counts.
  await sys.store.installations.create(record('old-live', {}));
  await sys.store.installations.create(
    record('old-revoked', { revoked_at: ago(DAY), revoked_by: merchant, revoke_reason: 'x' }),
  );
  const usage = (installation: string) => [
    { installation, scope: 'content:read', count: 5, last: ago(3_600_000) },
    { installation, scope: 'media:read', count: 2, last: ago(12 * DAY + 60_000) },
  ];
  await sys.store.usage.add([
    ...usage('old-live'),
    ...usage('old-revoked'),
    { installation: fresh, scope: 'content:read', count: 1, last: new Date().toISOString() },
  ]);
});
afterAll(() => sys?.stop());

it('shows beside each approved scope how long it went unused', async () => {
  const { agent, res } = await accountSignIn(sys.issuer, MERCHANT.email, MERCHANT.password);
  expect(res.status).toBe(303);
  const page = await agent.get(`${sys.issuer}/account/apps`);
  expect(page.status).toBe(200);

  const scopeText = (card: string, scope: string) => {
    const start = card.indexOf(`data-scope="${scope}"`);
    return textOf(card.slice(start, card.indexOf('</li>', start)));
  };
  const old = cardOf(page.body, 'old-live');
  expect(scopeText(old, 'media:read')).toContain('media:read not used in 12 days');
  expect(scopeText(old, 'leads:read')).toContain(
    'leads:read sensitive: customer data never used; approved 40 days ago',
  );
  expect(scopeText(old, 'content:write')).toContain(
    'content:write never used to make changes, only to read',
  );

  // Approved a moment ago: too early to call anything unused; a revoked one has no access.
  for (const id of [fresh, 'old-revoked']) {
    const card = cardOf(page.body, id);
    expect(card).toContain('data-scope="media:read"');
    expect(card).not.toContain('data-usage-note');
    expect(textOf(card)).not.toMatch(/not used|never used/);
  }
});
