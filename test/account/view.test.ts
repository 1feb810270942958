// The pure parts of the account pages: the installation view (names, scopes in catalogue
// order, actors in words, optional enforced_at), safe return paths and readable times.
import { describe, expect, it } from 'vitest';
import { loginUrl, safeReturnTo } from '../../src/account/paths.ts';
import { actorName, installationView, scopeEntries } from '../../src/account/view.ts';
import { humanTime } from '../../src/pages/account-parts.ts';
import { sitepackCatalogue } from '../../src/scopes/index.ts';
import type { Installation, StoredMerchant } from '../../src/store/types.ts';

const catalogue = sitepackCatalogue();

const merchant: StoredMerchant = {
  id: 'm_me',
  email: 'me@shop.test',
  passwordHash: 'x',
  sites: [{ id: 's_shop', name: 'Shop' }],
  createdAt: '2026-01-01T00:00:00.000Z',
};

const record: Installation = {
  id: 'inst1',
  app: 'an-app',
  merchant: 'm_me',
  site: 's_shop',
  requested_scopes: ['leads:write', 'content:read'],
  approved_scope: { scopes: ['leads:write', 'content:read'], site: 's_shop', audience: 'a' },
  access_mode: 'connected',
  approved_at: '2026-05-01T09:30:12.345Z',
  approved_by: 'm_me',
  revoked_at: null,
  revoked_by: null,
  revoke_reason: null,
  enforced_at: null,
};

describe('installationView', () => {
  it('names the app and site and lists scopes in catalogue order', () => {
    const v = installationView(record, {
      merchant,
      appName: 'An App',
      catalogue,
    });
    expect(v).toMatchObject({
      appName: 'An App',
      siteName: 'Shop',
      approvedBy: 'you (me@shop.test)',
    });
    expect(v.scopes.map((s) => s.scope)).toEqual(['content:read', 'leads:write']);
    expect(v.scopes[1]?.sensitive).toBe('customer_data');
    expect(v.revocation).toBeUndefined();
    expect(v.enforcedAt).toBeUndefined();
  });

  it('falls back to ids, and carries the revocation and enforced_at when present', () => {
    const revoked = {
      ...record,
      revoked_at: '2026-05-02T00:00:00.000Z',
      revoked_by: 'operator',
      revoke_reason: 'compromised',
      enforced_at: '2026-05-02T00:00:00.010Z',
    };
    const v = installationView(revoked, {
      merchant,
      appName: undefined,
      catalogue,
    });
    expect(v.appName).toBe('an-app');
    expect(v.revocation).toEqual({
      at: '2026-05-02T00:00:00.000Z',
      by: 'a SitePack operator',
      reason: 'compromised',
    });
    expect(v.enforcedAt).toBe('2026-05-02T00:00:00.010Z');
    const { enforced_at: _, ...older } = revoked;
    const legacy = installationView(older as Installation, {
      merchant,
      appName: 'x',
      catalogue,
    });
    expect(legacy.enforcedAt).toBeUndefined();
  });

  it('keeps a scope the catalogue no longer has', () => {
    const [entry] = scopeEntries(['gone:write'], catalogue);
    expect(entry).toMatchObject({ scope: 'gone:write', resource: 'gone', action: 'write' });
    expect(entry?.description).toContain('No longer');
  });

  it('says who acted in words', () => {
    expect(actorName('app:an-app', merchant)).toBe('the app itself (an-app)');
    expect(actorName('scopegate', merchant)).toBe('SitePack, automatically');
    expect(actorName('m_other', merchant)).toBe('m_other');
  });
});

describe('return paths', () => {
  it('accepts /account pages only', () => {
    expect(safeReturnTo('/account/apps/abc_-1/revoke')).toBe('/account/apps/abc_-1/revoke');
    for (const bad of [
      'https://evil.test/',
      '//evil.test',
      '/account//evil.test',
      '/account/../admin',
      '/\\evil',
      '/demo',
      ['/account/apps'],
      undefined,
    ]) {
      expect(safeReturnTo(bad)).toBe('/account/apps');
    }
    expect(loginUrl('/account/apps')).toBe('/account/login?return_to=%2Faccount%2Fapps');
  });
});

it('shows times readably, exact values unchanged when not ISO UTC', () => {
  expect(humanTime('2026-05-01T09:30:12.345Z')).toBe('2026-05-01 09:30:12 UTC');
  expect(humanTime('yesterday')).toBe('yesterday');
});
