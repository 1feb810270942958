// Demo data for `npm start` on the embedded store: a merchant with two sites and a
// public demo app, so the whole install flow can be tried at once. Never in production.
import type { RegistryDeps } from '../apps/registry.ts';
import { upsertApp } from '../apps/registry.ts';
import { createMerchant } from '../merchants/service.ts';
import type { Store } from '../store/types.ts';

export const DEMO_MERCHANT = {
  email: 'merchant@demo.sitepack.test',
  password: 'demo-password-1',
  sites: [
    { id: 's_demo_shop', name: 'Demo Shop' },
    { id: 's_demo_blog', name: 'Demo Blog' },
  ],
} as const;

export function demoApp(issuer: string) {
  return {
    uuid: 'demo-app',
    name: 'Demo Analytics',
    auth: {
      scopes: ['content:read', 'media:read', 'leads:write'],
      optional_scopes: ['media:read'],
      redirect_uris: [`${issuer}/demo/callback`],
      client_type: 'public',
    },
  };
}

/** Idempotent: existing demo records are left as they are. */
export async function seedDemo(
  store: Store,
  registry: RegistryDeps,
  issuer: string,
): Promise<void> {
  if (!(await store.merchants.findByEmail(DEMO_MERCHANT.email))) {
    await createMerchant(store.merchants, structuredClone(DEMO_MERCHANT));
  }
  await upsertApp(registry, demoApp(issuer));
}
