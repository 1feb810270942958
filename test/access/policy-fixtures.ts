// Inputs for the access-policy tests: one agency app on the SitePack catalogue, its
// installations on one site, and tasks that differ from a plain fix in what a test names.
import { accessModeOf } from '../../src/access/mode.ts';
import { type PolicyInput, SUPPORTED_PROVIDERS } from '../../src/access/policy.ts';
import type { DataFlow, RemediationTask } from '../../src/access/types.ts';
import type { AppManifest } from '../../src/apps/types.ts';
import { sitepackCatalogue } from '../../src/scopes/index.ts';
import type { Installation } from '../../src/store/types.ts';
import { installation } from '../store/fixtures.ts';

export const APP = 'agency-app';
export const SITE = 's_shop';
export const catalogue = sitepackCatalogue();

export const manifest: AppManifest = {
  uuid: APP,
  name: 'Agency App',
  auth: {
    scopes: ['content:write', 'media:read', 'media:write', 'leads:write', 'payments:read'],
    optional_scopes: ['media:write'],
    redirect_uris: ['https://agency.example/callback'],
    client_type: 'confidential',
  },
};

export function task(fields: Partial<RemediationTask> = {}): RemediationTask {
  return {
    app: APP,
    kind: 'fix',
    provider: 'wordpress',
    target: '/about',
    required_scopes: ['content:read'],
    instructions: 'Add a meta description to the About page.',
    ...fields,
  };
}

/** An installation of APP on SITE as the auth server records it (mode from its scopes). */
export function inst(
  id: string,
  scopes: string[],
  fields: Partial<Installation> = {},
): Installation {
  return installation(id, {
    app: APP,
    site: SITE,
    merchant: 'm_1',
    requested_scopes: scopes,
    approved_scope: { scopes, site: SITE, audience: 'http://localhost:8080' },
    access_mode: accessModeOf(scopes),
    ...fields,
  });
}

/** An installation revoked at `at` by the merchant. */
export function revoked(
  id: string,
  scopes: string[],
  at: string,
  fields: Partial<Installation> = {},
) {
  return inst(id, scopes, { revoked_at: at, revoked_by: 'm_1', revoke_reason: 'done', ...fields });
}

export function flow(fields: Partial<DataFlow> = {}): DataFlow {
  return {
    id: 'flow_1',
    app: APP,
    scopes: ['leads:read'],
    purpose: 'fix lead form validation',
    created_at: '2026-01-05T00:00:00.000Z',
    ...fields,
  };
}

export function input(fields: Partial<PolicyInput> = {}): PolicyInput {
  return {
    task: task(),
    manifest,
    catalogue,
    providers: SUPPORTED_PROVIDERS,
    dataFlows: [],
    installations: [],
    ...fields,
  };
}
