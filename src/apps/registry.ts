// App registration: a validated manifest becomes a stored app with a client secret
// (confidential apps) and a webhook secret, both sealed at rest and shown once.
import { randomBytes } from 'node:crypto';
import { conflict, invalidRequest } from '../errors/index.ts';
import { seal, unseal } from '../keys/seal.ts';
import type { ScopeCatalogue } from '../scopes/index.ts';
import type { AppStore, StoredApp } from '../store/types.ts';
import { validateManifest } from './manifest.ts';
import type { AppManifest } from './types.ts';

export interface RegistryDeps {
  apps: AppStore;
  catalogue: ScopeCatalogue;
  sealingKey: Buffer;
  allowPrivateAddresses: boolean;
}

/** The credentials of a new app, returned once. */
export interface AppCredentials {
  client_id: string;
  client_secret?: string;
  webhook_secret: string;
}

const newClientSecret = (): string => `sgcs_${randomBytes(32).toString('base64url')}`;
/** Standard Webhooks secret format: `whsec_` + base64 of 24–64 random bytes. */
const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

async function validated(deps: RegistryDeps, input: unknown): Promise<AppManifest> {
  const result = await validateManifest(input, {
    catalogue: deps.catalogue,
    allowPrivateAddresses: deps.allowPrivateAddresses,
  });
  if (!result.ok) throw invalidRequest('invalid app manifest', result.problems);
  return result.manifest;
}

function stored(
  manifest: AppManifest,
  deps: RegistryDeps,
): { app: StoredApp; credentials: AppCredentials } {
  const webhookSecret = newWebhookSecret();
  const clientSecret = manifest.auth.client_type === 'confidential' ? newClientSecret() : undefined;
  const app: StoredApp = {
    id: manifest.uuid,
    manifest,
    clientSecret: clientSecret ? seal(clientSecret, deps.sealingKey) : null,
    webhookSecrets: [seal(webhookSecret, deps.sealingKey)],
    createdAt: new Date().toISOString(),
  };
  const credentials: AppCredentials = { client_id: app.id, webhook_secret: webhookSecret };
  if (clientSecret) credentials.client_secret = clientSecret;
  return { app, credentials };
}

/** Registers a new app; 400 with every manifest problem, 409 when the uuid is taken. */
export async function registerApp(deps: RegistryDeps, input: unknown): Promise<AppCredentials> {
  const manifest = await validated(deps, input);
  if (await deps.apps.get(manifest.uuid)) throw conflict(`app ${manifest.uuid} is registered`);
  const { app, credentials } = stored(manifest, deps);
  await deps.apps.put(app);
  return credentials;
}

/**
 * Registers or updates a preloaded app (config/apps): an existing app keeps its secrets
 * and gets the new manifest; a new one returns its credentials (to be shown once).
 */
export async function upsertApp(
  deps: RegistryDeps,
  input: unknown,
): Promise<{ app: StoredApp; credentials?: AppCredentials }> {
  const manifest = await validated(deps, input);
  const existing = await deps.apps.get(manifest.uuid);
  if (existing && (existing.clientSecret === null) === (manifest.auth.client_type === 'public')) {
    const app = { ...existing, manifest };
    await deps.apps.put(app);
    return { app };
  }
  const { app, credentials } = stored(manifest, deps);
  await deps.apps.put(app);
  return { app, credentials };
}

/** The app as operators see it: manifest and metadata, never a secret. */
export function publicView(app: StoredApp): Record<string, unknown> {
  return {
    client_id: app.id,
    name: app.manifest.name,
    manifest: app.manifest,
    created_at: app.createdAt,
  };
}

export function clientSecretOf(app: StoredApp, sealingKey: Buffer): string | undefined {
  return app.clientSecret ? unseal(app.clientSecret, sealingKey) : undefined;
}
