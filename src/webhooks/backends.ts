// Where webhook state lives: Redis (BullMQ queue, Redis log) or this process's memory;
// in Redis the admin side fails fast, the worker side pipelines without command timers.
import { Redis } from 'ioredis';
import type { Logger } from '../log.ts';
import { CLIENT_OPTIONS, closeClient } from '../store/redis/client.ts';
import { createRedisStore } from '../store/redis/index.ts';
import { DEFAULT_PREFIX, type RedisKeys, redisKeys } from '../store/redis/keys.ts';
import type { Store } from '../store/types.ts';
import { createMemoryDeliveryLog } from './memory/log.ts';
import { createMemoryDeliveryQueue } from './memory/queue.ts';
import { createRedisDeliveryLog } from './redis/log.ts';
import { createBullDeliveryQueue } from './redis/queue.ts';
import type { DeliveryLog, DeliveryQueue } from './types.ts';

/** What the intake and the worker read from and write to. */
export interface Access {
  /** Installations and apps: the store, or in Redis mode a view of it on our own client. */
  reads: Pick<Store, 'apps' | 'installations'>;
  log: DeliveryLog;
}

/** One backend of the webhook subsystem. */
export interface Backend {
  mode: 'redis' | 'memory';
  queue: DeliveryQueue;
  /** For intake, the admin routes and the revocation hook. */
  admin: Access;
  /** For the worker; created on first use. */
  worker(): Access;
  close(): Promise<void>;
}

/** How a backend is built. */
export interface BackendOptions {
  store: Store;
  logger: Logger;
  redisUrl?: string;
  prefix?: string;
  retentionMs: number;
  concurrency: number;
  lockDurationMs: number;
  /** How long close() waits for running attempts. */
  drainTimeoutMs: number;
}

/** What the development backend logs when it is chosen. */
export const MEMORY_WEBHOOKS_WARNING =
  'webhooks in memory: development only — queued deliveries and the delivery log are ' +
  'lost on restart and only this process delivers; set REDIS_URL for anything else';

/** Handler throws (infrastructure errors) tolerated per job before it is dead-lettered. */
const MAX_FAILURES = 8;

function redisAccess(client: Redis, keys: RedisKeys, retentionMs: number): Access {
  // The same records as the store (same Redis, same prefix), read over this client.
  return {
    reads: createRedisStore({ client, prefix: keys.prefix }),
    log: createRedisDeliveryLog(client, keys, { retentionMs }),
  };
}

function redisBackend(opts: BackendOptions, url: string): Backend {
  const keys = redisKeys(opts.prefix ?? DEFAULT_PREFIX);
  const onError = (what: string) => (err: Error) => opts.logger.debug({ err }, what);
  // Auto-pipelining: the many small reads and scripts of concurrent requests share writes.
  const adminClient = new Redis(url, { ...CLIENT_OPTIONS, enableAutoPipelining: true });
  adminClient.on('error', onError('webhook admin connection'));
  // BullMQ's blocking commands need a client that never gives up a command.
  // Its blocking duplicate inherits the options: both reconnect within a second.
  const connection = new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: CLIENT_OPTIONS.retryStrategy,
  });
  connection.on('error', onError('webhook queue connection'));
  const clients = [adminClient, connection];
  const queue = createBullDeliveryQueue({
    connection,
    prefix: keys.webhookQueuePrefix(),
    concurrency: opts.concurrency,
    lockDurationMs: opts.lockDurationMs,
    drainTimeoutMs: opts.drainTimeoutMs,
    maxFailures: MAX_FAILURES,
    logger: opts.logger,
  });
  // No per-command timer on the worker's client: a worker stuck on Redis loses its job
  // lock and another worker runs the job, which bounds the wait better than a timeout.
  let worker: Access | undefined;
  return {
    mode: 'redis',
    queue,
    admin: redisAccess(adminClient, keys, opts.retentionMs),
    worker() {
      if (!worker) {
        const client = new Redis(url, {
          ...CLIENT_OPTIONS,
          commandTimeout: undefined,
          enableAutoPipelining: true,
        });
        client.on('error', onError('webhook worker connection'));
        clients.push(client);
        worker = redisAccess(client, keys, opts.retentionMs);
      }
      return worker;
    },
    async close() {
      await queue.close();
      await Promise.all(clients.map(closeClient));
    },
  };
}

function memoryBackend(opts: BackendOptions): Backend {
  opts.logger.warn(MEMORY_WEBHOOKS_WARNING);
  const queue = createMemoryDeliveryQueue({
    concurrency: opts.concurrency,
    maxFailures: MAX_FAILURES,
    failureBackoffMs: 1000,
  });
  const access: Access = {
    reads: opts.store,
    log: createMemoryDeliveryLog({ retentionMs: opts.retentionMs }),
  };
  return { mode: 'memory', queue, admin: access, worker: () => access, close: () => queue.close() };
}

/** Redis when a URL is given, otherwise memory (development only, warned about). */
export function createBackend(opts: BackendOptions): Backend {
  return opts.redisUrl ? redisBackend(opts, opts.redisUrl) : memoryBackend(opts);
}
