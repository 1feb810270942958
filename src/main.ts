// The composition root: reads the config, opens the store and keys, builds the roles
// asked for and starts their listeners. Everything else receives what it needs from here.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAdminApp } from './admin/index.ts';
import { type AppCredentials, type RegistryDeps, upsertApp } from './apps/registry.ts';
import { createAuthServer } from './auth-server/index.ts';
import { type Config, ConfigError, describeConfig } from './config/index.ts';
import { seedDemo } from './demo/index.ts';
import { createDemoPlatformApi } from './demo/platform-api.ts';
import { type Problem, ScopegateError } from './errors/index.ts';
import { loadRoutes, verifierFor } from './gateway/build.ts';
import { createGateway } from './gateway/index.ts';
import { Upstreams } from './gateway/proxy.ts';
import { UsageCounter } from './gateway/usage.ts';
import { loadKeys } from './keys/index.ts';
import { createLogger, type Logger } from './log.ts';
import { createMemoryBus } from './revocation/memory-bus.ts';
import { createRedisBus } from './revocation/redis-bus.ts';
import { createRevoker } from './revocation/revoke.ts';
import { createMemoryStore, MEMORY_STORE_WARNING } from './store/memory/index.ts';
import { createRedisStore } from './store/redis/index.ts';
import { redisKeys } from './store/redis/keys.ts';
import type { Store } from './store/types.ts';
import { createWebhooks } from './webhooks/index.ts';
import { retrySchedule } from './webhooks/schedule.ts';

/** How often a gateway hands its usage counts to the store. */
const USAGE_FLUSH_MS = 5_000;

export const ROLES = ['all', 'auth', 'gateway', 'admin', 'worker'] as const;
export type Role = (typeof ROLES)[number];

export interface RunningSystem {
  config: Config;
  store: Store;
  logger: Logger;
  /** Base URLs of the listeners started, by role. */
  urls: Partial<Record<'auth' | 'admin' | 'gateway' | 'platform', string>>;
  adminToken: string;
  /** Credentials of apps registered from config/apps at this start (shown once). */
  newCredentials: AppCredentials[];
  close(): Promise<void>;
}

function listen(server: Server, port: number, host?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { address, port: bound } = server.address() as AddressInfo;
      const host = address === '::' || address === '0.0.0.0' ? '127.0.0.1' : address;
      resolve(`http://${host.includes(':') ? `[${host}]` : host}:${bound}`);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

async function waitUntil(
  check: () => Promise<boolean>,
  ms: number,
  message: string,
): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(message);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** ADMIN_TOKEN, or in development a generated one kept in KEYS_DIR for the CLI. */
function adminTokenFor(config: Config): string {
  if (config.adminToken) return config.adminToken;
  if (config.nodeEnv === 'production') throw new Error('ADMIN_TOKEN is required in production');
  const file = join(config.keysDir, 'admin-token');
  if (!existsSync(file))
    writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

export async function startSystem(opts: {
  config: Config;
  role?: Role;
  logger?: Logger;
}): Promise<RunningSystem> {
  const { config } = opts;
  const role = opts.role ?? 'all';
  const has = (r: Role) => role === 'all' || role === r;
  const logger = opts.logger ?? createLogger({ level: config.logLevel, role });
  logger.info({ config: describeConfig(config) }, 'starting scopegate');

  const keys = await loadKeys(config.keysDir, {
    generate: config.nodeEnv !== 'production',
    cookieKeys: config.cookieKeys,
  });
  if (keys.generated.length) logger.warn({ files: keys.generated }, 'generated development keys');

  let store: Store;
  if (config.redisUrl) {
    store = createRedisStore({ url: config.redisUrl });
    await waitUntil(() => store.ping(), 15_000, 'Redis did not answer at REDIS_URL');
  } else {
    store = createMemoryStore();
    logger.warn(MEMORY_STORE_WARNING);
  }
  const adminToken = adminTokenFor(config);
  const registry: RegistryDeps = {
    apps: store.apps,
    catalogue: config.scopes,
    sealingKey: keys.sealingKey,
    allowPrivateAddresses: config.webhooksAllowPrivateAddresses,
  };

  const newCredentials: RunningSystem['newCredentials'] = [];
  const appProblems: Problem[] = [];
  for (const file of config.apps) {
    try {
      const { credentials } = await upsertApp(registry, file.manifest);
      if (credentials) newCredentials.push(credentials);
    } catch (err) {
      if (!(err instanceof ScopegateError)) throw err;
      // Every problem of every preloaded manifest, named by file and key, like other config.
      const details = err.details ?? [{ path: '(manifest)', message: err.message }];
      appProblems.push(
        ...details.map((d) => ({ path: `${file.file} ${d.path}`, message: d.message })),
      );
    }
  }
  if (appProblems.length) throw new ConfigError(appProblems);
  if (config.demo) await seedDemo(store, registry, config.issuer);

  const bus = config.redisUrl ? createRedisBus(config.redisUrl, redisKeys()) : createMemoryBus();
  const revoker = createRevoker({
    store,
    bus,
    // A token issued just before the revocation lives its TTL, plus the verifier's tolerance.
    tokenLifetimeMs: (config.accessTokenTtl + 60) * 1000,
    ackTimeoutMs: config.revocationAckTimeoutMs,
  });

  const closers: (() => Promise<void>)[] = [];
  const webhooks =
    has('auth') || has('admin') || has('worker')
      ? createWebhooks({
          store,
          catalogue: config.scopes,
          sealingKey: keys.sealingKey,
          allowPrivateAddresses: config.webhooksAllowPrivateAddresses,
          logger,
          redisUrl: config.redisUrl,
          schedule: retrySchedule(config.webhookRetryScheduleMs),
        })
      : undefined;
  if (webhooks) {
    revoker.onRevoked((installation) =>
      webhooks.onInstallationRevoked(installation).catch((err: unknown) => {
        logger.error({ err, installation: installation.id }, 'webhooks: revocation hook failed');
      }),
    );
    if (has('worker')) await webhooks.startWorker();
    closers.push(() => webhooks.close());
  }

  const servers: Server[] = [];
  const urls: RunningSystem['urls'] = {};
  if (has('auth')) {
    const auth = createAuthServer({ config, store, keys, revoker, logger });
    const server = createServer(auth.callback());
    servers.push(server);
    urls.auth = await listen(server, config.authPort);
  }
  if (has('gateway')) {
    let platformUrl = config.platformApiUrl;
    if (!platformUrl) {
      const demo = createServer(createDemoPlatformApi().callback());
      servers.push(demo);
      platformUrl = urls.platform = await listen(demo, 0, '127.0.0.1');
    }
    const upstreams = new Upstreams({
      maxBodyBytes: config.gatewayMaxBodyBytes,
      connectTimeoutMs: 2_000,
      headersTimeoutMs: config.upstreamTimeoutMs,
      bodyTimeoutMs: config.upstreamTimeoutMs,
    });
    const usage = new UsageCounter();
    const flush = () =>
      usage.flush(store.usage).catch((err) => logger.warn({ err }, 'usage flush failed'));
    const flusher = setInterval(flush, USAGE_FLUSH_MS);
    closers.push(async () => {
      clearInterval(flusher);
      await upstreams.close();
      await flush();
    });
    const gateway = createGateway({
      routes: loadRoutes(config, platformUrl),
      verifier: await verifierFor(config),
      revoked: await bus.openFeed({ stalenessMs: config.revocationStalenessMs }),
      upstreams,
      usage,
      logger,
      ready: () => store.ping(),
      trustedProxies: config.trustedProxies,
    });
    const server = createServer(gateway);
    servers.push(server);
    urls.gateway = await listen(server, config.gatewayPort);
  }
  if (has('admin')) {
    const admin = createAdminApp({
      store,
      revoker,
      registry,
      adminToken,
      logger,
      ...(webhooks ? { webhooks } : {}),
    });
    const server = createServer(admin.callback());
    servers.push(server);
    urls.admin = await listen(server, config.adminPort, config.adminHost);
  }
  logger.info({ urls }, 'scopegate listening');

  return {
    config,
    store,
    logger,
    urls,
    adminToken,
    newCredentials,
    async close() {
      await Promise.all(servers.map(closeServer));
      await Promise.all(closers.map((c) => c()));
      await bus.close();
      await store.close();
    },
  };
}
