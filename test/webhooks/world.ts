// The pieces a webhook test runs against, all real: a store (memory, or Redis under a
// unique prefix), apps registered through the registry, createWebhooks with a short
// schedule, and the admin routes mounted on a Koa listener like the admin app does.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import { type RegistryDeps, registerApp } from '../../src/apps/registry.ts';
import { jsonErrors } from '../../src/http/errors.ts';
import { createLogger } from '../../src/log.ts';
import { sitepackCatalogue } from '../../src/scopes/index.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import { createRedisStore } from '../../src/store/redis/index.ts';
import type { Installation, Store } from '../../src/store/types.ts';
import {
  createWebhooks,
  type Delivery,
  type DeliveryStatus,
  type RetrySchedule,
  retrySchedule,
  type Webhooks,
  type WebhooksDeps,
} from '../../src/webhooks/index.ts';
import { installation as installationFixture } from '../store/fixtures.ts';
import { uniquePrefix } from '../support/redis.ts';

export type Backend = 'memory' | 'redis';

/** Four attempts 100–300 ms apart: a whole schedule runs in well under a second. */
export const SHORT_SCHEDULE: RetrySchedule = retrySchedule([100, 200, 300], {
  jitter: 0.1,
  maxRetryAfterMs: 1500,
});

export interface WorldOptions {
  /** Redis URL for the redis backend. */
  redisUrl?: string;
  /** Deliveries may reach 127.0.0.1 (default true). */
  allowPrivateAddresses?: boolean;
  /** Start the worker at once (default true). */
  worker?: boolean;
  deps?: Partial<WebhooksDeps>;
}

export interface World {
  backend: Backend;
  store: Store;
  webhooks: Webhooks;
  registry: RegistryDeps;
  sealingKey: Buffer;
  prefix: string;
  /** Base URL of a listener serving the webhook admin routes. */
  adminUrl: string;
  /** Registers an app through the real registry; returns its `whsec_` secret. */
  register(
    uuid: string,
    webhooks: { url: string; topics: string[] },
    scopes?: { required?: string[]; optional?: string[] },
  ): Promise<string>;
  /** Creates an installation of `app` on `site` with the approved scopes. */
  install(id: string, app: string, site: string, approved: string[]): Promise<Installation>;
  /** Revokes like the revoke service: revoked_at written, then the webhook hook. */
  revoke(id: string): Promise<Installation>;
  /** JSON request to the admin routes. */
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Polls the log until the delivery has the status. */
  waitForStatus(id: string, status: DeliveryStatus, timeoutMs?: number): Promise<Delivery>;
  close(): Promise<void>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
}

/** Polls `check` every 10 ms until it returns a value; throws after timeoutMs. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function createWorld(backend: Backend, opts: WorldOptions = {}): Promise<World> {
  const prefix = uniquePrefix();
  if (backend === 'redis' && !opts.redisUrl) throw new Error('the redis backend needs a URL');
  const store =
    backend === 'redis' ? createRedisStore({ url: opts.redisUrl, prefix }) : createMemoryStore();
  const sealingKey = randomBytes(32);
  const catalogue = sitepackCatalogue();
  const registry: RegistryDeps = {
    apps: store.apps,
    catalogue,
    sealingKey,
    allowPrivateAddresses: true,
  };
  const webhooks = createWebhooks({
    store,
    catalogue,
    sealingKey,
    allowPrivateAddresses: opts.allowPrivateAddresses ?? true,
    logger: createLogger({ level: process.env.LOG_LEVEL ?? 'silent' }),
    prefix,
    schedule: SHORT_SCHEDULE,
    attemptTimeoutMs: 2000,
    lockDurationMs: 1000,
    ...(backend === 'redis' ? { redisUrl: opts.redisUrl } : {}),
    ...opts.deps,
  });
  if (opts.worker ?? true) await webhooks.startWorker();

  const app = new Koa();
  const logger = createLogger({ level: 'silent' });
  const router = webhooks.adminRoutes();
  app.use(jsonErrors(logger));
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '256kb', encoding: 'utf-8' }));
  app.use(router.routes());
  const server = createServer(app.callback());
  const adminUrl = await listen(server);

  return {
    backend,
    store,
    webhooks,
    registry,
    sealingKey,
    prefix,
    adminUrl,
    async register(uuid, hooks, scopes = {}) {
      const required = scopes.required ?? ['content:read'];
      const optional = scopes.optional ?? [];
      const credentials = await registerApp(registry, {
        uuid,
        name: `App ${uuid}`,
        auth: {
          scopes: [...required, ...optional],
          optional_scopes: optional,
          redirect_uris: ['https://app.example/callback'],
          client_type: 'confidential',
        },
        webhooks: hooks,
      });
      return credentials.webhook_secret;
    },
    async install(id, appId, site, approved) {
      const record = installationFixture(id, {
        app: appId,
        site,
        merchant: 'm_test',
        requested_scopes: approved,
        approved_scope: { scopes: approved, site, audience: 'http://localhost:8080' },
        approved_at: new Date().toISOString(),
      });
      await store.installations.create(record);
      return record;
    },
    async revoke(id) {
      const record = await store.installations.revoke(id, {
        at: new Date().toISOString(),
        by: 'operator',
        reason: 'test',
      });
      if (!record) throw new Error(`no installation ${id}`);
      await webhooks.onInstallationRevoked(record);
      return record;
    },
    async admin(method, path, body) {
      const res = await fetch(`${adminUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    waitForStatus(id, status, timeoutMs = 10_000) {
      return eventually(
        async () => {
          const d = await webhooks.log.get(id);
          return d?.status === status ? d : undefined;
        },
        timeoutMs,
        `delivery ${id} to be ${status}`,
      );
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await webhooks.close();
      await store.close();
    },
  };
}
