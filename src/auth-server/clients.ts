// oidc-provider's Client model served from the app registry: every registered app is an
// OAuth client (code + refresh, PKCE), confidential apps with their unsealed secret.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { clientSecretOf } from '../apps/registry.ts';
import type { AppStore } from '../store/types.ts';

/** Read-only adapter: clients change only through app registration. */
export function clientAdapter(apps: AppStore, sealingKey: Buffer): Adapter {
  const readOnly = async (): Promise<never> => {
    throw new Error('clients are managed through app registration');
  };
  return {
    async find(id: string): Promise<AdapterPayload | undefined> {
      const app = await apps.get(id);
      if (!app) return undefined;
      const { manifest } = app;
      const confidential = manifest.auth.client_type === 'confidential';
      const secret = clientSecretOf(app, sealingKey);
      return {
        client_id: app.id,
        client_name: manifest.name,
        redirect_uris: manifest.auth.redirect_uris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: confidential ? 'client_secret_basic' : 'none',
        ...(confidential && secret ? { client_secret: secret } : {}),
      };
    },
    upsert: readOnly,
    consume: readOnly,
    destroy: readOnly,
    revokeByGrantId: readOnly,
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
  };
}
