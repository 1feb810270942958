// The composition root: reads the config, opens the store and keys, builds the roles
// asked for and starts their listeners. Everything else receives what it needs from here.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAdminApp } from './admin/index.ts';
import { type AppCredentials, type RegistryDeps, upsertApp } from './apps/registry.ts';
import { createRotatingAuthServer } from './auth-server/index.ts';
import { type Config, ConfigError, describeConfig } from './config/index.ts';
import { seedDemo } from './demo/index.ts';
import { createDemoPlatformApi } from './demo/platform-api.ts';
import { type Problem, ScopegateError } from './errors/index.ts';
import { loadRoutes, verifierFor } from './gateway/build.ts';
import { createGateway } from './gateway/index.ts';
import { Upstreams } from './gateway/proxy.ts';
import { UsageCounter } from './gateway/usage.ts';
import { loadKeys } from './keys/index.ts';
import { watchSigningKeys } from './keys/watch.ts';
import { createLogger, type Logger } from './log.ts';
import { createMetrics, type Metrics } from './metrics/index.ts';
import { createMetricsApp } from './metrics/koa.ts';
import { cancelPendingProposals, createProposalReview } from './proposals/review.ts';
import { createMemoryBus } from './revocation/memory-bus.ts';
import { startReconciler } from './revocation/reconcile.ts';
import { createRedisBus, heartbeatFor, silenceFor } from './revocation/redis-bus.ts';
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
  urls: Partial<Record<'auth' | 'admin' | 'gateway' | 'platform' | 'metrics', string>>;
  metrics: Metrics;
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

/** How long in-flight requests get to finish on shutdown before their sockets are cut. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Stops accepting, lets in-flight requests finish (bounded), then resolves. Requests that
 * still arrive on open keep-alive connections are answered with `Connection: close`, so
 * every connection ends after its current answer instead of never becoming idle.
 */
function closeServer(server: Server): Promise<void> {
  server.prependListener('request', (_req, res: ServerResponse) => {
    res.shouldKeepAlive = false;
  });
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
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

/** The upstream pool of the gateway, and of the auth server's proposal replays. */
function newUpstreams(config: Config): Upstreams {
  return new Upstreams({
    maxBodyBytes: config.gatewayMaxBodyBytes,
    connectTimeoutMs: 2_000,
    headersTimeoutMs: config.upstreamTimeoutMs,
    bodyTimeoutMs: config.upstreamTimeoutMs,
  });
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
  const metrics = createMetrics();
  logger.info({ config: describeConfig(config) }, 'starting scopegate');

  const keys = await loadKeys(config.keysDir, {
    generate: config.nodeEnv !== 'production',
    cookieKeys: config.cookieKeys,
  });
  if (keys.generated.length) logger.warn({ files: keys.generated }, 'generated development keys');
  // Auth servers and gateways follow `scopegate keys rotate` without a restart.
  const signingKeys = watchSigningKeys(config.keysDir, {
    initial: keys.signingKeys,
    onError: (err) => logger.error({ err }, 'KEYS_DIR/jwks.json unusable; the keys in use stay'),
  });

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

  const stalenessMs = config.revocationStalenessMs;
  const bus = config.redisUrl
    ? createRedisBus(config.redisUrl, redisKeys(), { stalenessMs })
    : createMemoryBus();
  const revoker = createRevoker({
    store,
    bus,
    // A token issued just before the revocation lives its TTL, plus the verifier's tolerance.
    tokenLifetimeMs: (config.accessTokenTtl + 60) * 1000,
    ackTimeoutMs: config.revocationAckTimeoutMs,
    metrics,
  });

  const closers: (() => Promise<void>)[] = [async () => signingKeys.close()];
  if (has('auth') || has('admin')) {
    // Where revocations are made, their enforced_at is completed once late gateways settle.
    const reconciler = startReconciler({
      store,
      bus,
      silenceMs: silenceFor(stalenessMs),
      periodMs: heartbeatFor(stalenessMs),
      onError: (err) => logger.warn({ err }, 'revocation: pending enforcement check failed'),
    });
    closers.push(() => reconciler.stop());
  }
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
          onAttempt: (status) => metrics.webhookAttempts.inc({ outcome: status }),
        })
      : undefined;
  if (webhooks) {
    metrics.observe(
      'scopegate_webhook_queue_depth',
      'Webhook deliveries queued, delayed for a retry or running',
      () => webhooks.queueDepth().catch(() => Number.NaN),
    );
    revoker.onRevoked((installation) =>
      webhooks.onInstallationRevoked(installation).catch((err: unknown) => {
        logger.error({ err, installation: installation.id }, 'webhooks: revocation hook failed');
      }),
    );
    if (has('worker')) await webhooks.startWorker();
    closers.push(() => webhooks.close());
  }

  // Revoking an installation cancels its pending review-only proposals (idempotent).
  revoker.onRevoked((installation) =>
    cancelPendingProposals(store, installation).then(
      () => undefined,
      (err: unknown) => {
        logger.error({ err, installation: installation.id }, 'proposals: revocation hook failed');
      },
    ),
  );

  const servers: Server[] = [];
  const urls: RunningSystem['urls'] = {};
  // The upstream of the default routes; the built-in demo platform API when unset.
  let platformUrl = config.platformApiUrl;
  if (!platformUrl && (has('auth') || has('gateway'))) {
    const demo = createServer(createDemoPlatformApi().callback());
    servers.push(demo);
    platformUrl = urls.platform = await listen(demo, 0, '127.0.0.1');
  }
  if (has('auth')) {
    // Approved proposals are replayed from here (/account) by the gateway's own routes
    // and forwarding code.
    const replayUpstreams = newUpstreams(config);
    closers.push(() => replayUpstreams.close());
    const proposals = createProposalReview({
      store,
      replay: { routes: loadRoutes(config, platformUrl ?? ''), upstreams: replayUpstreams },
      logger,
    });
    const auth = createRotatingAuthServer({
      config,
      store,
      keys,
      revoker,
      logger,
      metrics,
      signingKeys,
      proposals,
    });
    const server = createServer(auth.callback());
    servers.push(server);
    urls.auth = await listen(server, config.authPort);
  }
  if (has('gateway')) {
    const upstreams = newUpstreams(config);
    const usage = new UsageCounter();
    const flush = () =>
      usage.flush(store.usage).catch((err) => logger.warn({ err }, 'usage flush failed'));
    const flusher = setInterval(flush, USAGE_FLUSH_MS);
    closers.push(async () => {
      clearInterval(flusher);
      await upstreams.close();
      await flush();
    });
    const feed = await bus.openFeed({ stalenessMs: config.revocationStalenessMs });
    metrics.observe(
      'scopegate_revoked_set_size',
      "Installations in this gateway's in-memory revoked set",
      () => feed.size,
    );
    metrics.observe(
      'scopegate_revocation_feed_staleness_seconds',
      'Seconds since the revocation feed was last confirmed live (+Inf before its first sync)',
      () => feed.staleForMs() / 1000,
    );
    const gateway = createGateway({
      routes: loadRoutes(config, platformUrl ?? ''),
      verifier: await verifierFor(config, signingKeys, (err) =>
        logger.warn({ err }, 'gateway: new signing keys unusable; the previous ones stay'),
      ),
      revoked: feed,
      upstreams,
      usage,
      proposals: store.proposals,
      logger,
      metrics,
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
      metrics,
      ...(webhooks ? { webhooks } : {}),
    });
    const server = createServer(admin.callback());
    servers.push(server);
    urls.admin = await listen(server, config.adminPort, config.adminHost);
  }
  if (!has('admin') && config.metricsPort) {
    const server = createServer(createMetricsApp(metrics, () => store.ping()).callback());
    servers.push(server);
    urls.metrics = await listen(server, config.metricsPort, config.adminHost);
  }
  logger.info({ urls }, 'scopegate listening');

  return {
    config,
    store,
    logger,
    urls,
    metrics,
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
