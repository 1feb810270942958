// Records for the store contract: complete, valid-looking values so a round trip that
// drops or reshapes a field (an empty array, a null) shows up as a difference.
import type { Installation, StoredApp, StoredMerchant } from '../../src/store/types.ts';

export function app(id: string, createdAt = '2026-01-01T00:00:00.000Z'): StoredApp {
  return {
    id,
    manifest: {
      uuid: id,
      name: `App ${id}`,
      auth: {
        scopes: ['content:read'],
        optional_scopes: [],
        redirect_uris: ['https://app.example/callback'],
        client_type: 'confidential',
      },
      webhooks: { url: 'https://app.example/hooks', topics: ['content.updated'] },
    },
    clientSecret: 'sealed:secret',
    webhookSecrets: ['sealed:new', 'sealed:old'],
    createdAt,
  };
}

export function merchant(id: string, email: string, siteIds: string[]): StoredMerchant {
  return {
    id,
    email,
    passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
    sites: siteIds.map((site) => ({ id: site, name: `Site ${site}` })),
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

export function installation(
  id: string,
  fields: Partial<Installation> & Pick<Installation, 'app' | 'site' | 'merchant'>,
): Installation {
  return {
    id,
    requested_scopes: ['content:read', 'leads:write'],
    approved_scope: {
      scopes: ['content:read'],
      site: fields.site,
      audience: 'http://localhost:8080',
    },
    access_mode: 'connected',
    approved_at: '2026-02-01T10:00:00.000Z',
    approved_by: fields.merchant,
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
    enforced_at: null,
    ...fields,
  };
}

export const ids = (list: { id: string }[]) => list.map((item) => item.id);
