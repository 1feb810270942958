// Webhooks assembled: Redis (BullMQ queue + Redis log) when a URL is given, otherwise the
// in-process development backend; the filter, signing and retry logic are the same.
import type Router from '@koa/router';
import type { Agent } from 'undici';
import type { Logger } from '../log.ts';
import type { ScopeCatalogue } from '../scopes/index.ts';
import type { Installation, Store } from '../store/types.ts';
import { attemptRunner } from './attempt.ts';
import { createBackend } from './backends.ts';
import { parseEventInput } from './event-input.ts';
import { type IntakeDeps, type IntakeResult, intakeEvent } from './intake.ts';
import { replayDelivery } from './replay.ts';
import { installationRevoked } from './revoked.ts';
import { webhookRoutes } from './routes.ts';
import { defaultRetrySchedule, type RetrySchedule } from './schedule.ts';
import { secretOpener } from './secrets.ts';
import { deliveryAgent } from './target.ts';
import { type DeliveryLog, type DeliveryStatus, OPEN_STATUSES } from './types.ts';

export { MEMORY_WEBHOOKS_WARNING } from './backends.ts';
export type { IntakeResult } from './intake.ts';
export {
  DEFAULT_RETRY_SCHEDULE,
  parseRetrySchedule,
  type RetrySchedule,
  retrySchedule,
} from './schedule.ts';
export type { Attempt, Delivery, DeliveryStatus } from './types.ts';

/** What createWebhooks needs; everything after `logger` has a production default. */
export interface WebhooksDeps {
  store: Store;
  /** The scope catalogue: a topic's resource must be one of its resources. */
  catalogue: ScopeCatalogue;
  /** Unseals the apps' webhook secrets (KEYS_DIR). */
  sealingKey: Buffer;
  /** WEBHOOKS_ALLOW_PRIVATE_ADDRESSES. */
  allowPrivateAddresses: boolean;
  logger: Logger;
  /** REDIS_URL; unset = in-process queue and log (development only). */
  redisUrl?: string;
  /** Redis key prefix, the store's (default `sg:`). */
  prefix?: string;
  /** WEBHOOK_RETRY_SCHEDULE (default DEFAULT_RETRY_SCHEDULE, about a day). */
  schedule?: RetrySchedule;
  /** Per-attempt timeout, connect to last body byte (default 15 s). */
  attemptTimeoutMs?: number;
  /** Told the status each recorded attempt leads to (metrics). */
  onAttempt?: (status: DeliveryStatus) => void;
  /** Deliveries one worker process runs at once (default 50). */
  concurrency?: number;
  /** BullMQ lock: a killed worker's deliveries resume after about this long (default 30 s). */
  lockDurationMs?: number;
  /** Events, deliveries and attempts are kept this long after their last change (7 days). */
  retentionMs?: number;
  /** Largest accepted event payload, serialized (default 64 KiB). */
  maxPayloadBytes?: number;
}

/** The webhook subsystem of one process. */
export interface Webhooks {
  readonly mode: 'redis' | 'memory';
  /** Validates and queues a posted event (POST /admin/events); throws 400/409. */
  intake(body: unknown): Promise<IntakeResult>;
  /**
   * Call right after revoked_at was written: cancels the installation's queued deliveries
   * and queues `installation/revoked` to its app. Idempotent.
   */
  onInstallationRevoked(installation: Installation): Promise<void>;
  /** /admin/events, /admin/deliveries, /admin/deliveries/:id, /admin/deliveries/:id/retry. */
  adminRoutes(): Router;
  /** Starts delivering in this process (the worker role). */
  startWorker(): Promise<void>;
  /** Deliveries queued, delayed or running. */
  queueDepth(): Promise<number>;
  /** Stops taking jobs, finishes the running attempts, closes connections. */
  close(): Promise<void>;
  /** The delivery log (read it; writes go through the subsystem). */
  readonly log: DeliveryLog;
}

const DAY_MS = 86_400_000;

/** A job the queue gave up on (repeated infrastructure errors) is dead-lettered. */
async function deadLetter(log: DeliveryLog, id: string, error: Error): Promise<void> {
  const delivery = await log.current(id);
  if (!delivery) return;
  await log.transition(delivery, {
    from: OPEN_STATUSES,
    state: {
      status: 'dead',
      round: delivery.round,
      attempts_in_round: delivery.attempts_in_round,
      next_attempt_at: null,
      reason: `worker error: ${error.message}`.slice(0, 300),
      updated_at: new Date().toISOString(),
    },
  });
}

/** Builds the webhook subsystem; nothing is delivered until startWorker(). */
export function createWebhooks(deps: WebhooksDeps): Webhooks {
  const attemptTimeoutMs = deps.attemptTimeoutMs ?? 15_000;
  const backend = createBackend({
    store: deps.store,
    logger: deps.logger,
    redisUrl: deps.redisUrl,
    prefix: deps.prefix,
    retentionMs: deps.retentionMs ?? 7 * DAY_MS,
    concurrency: deps.concurrency ?? 50,
    lockDurationMs: deps.lockDurationMs ?? 30_000,
    // An attempt's own timeout, then its log write.
    drainTimeoutMs: attemptTimeoutMs + 5_000,
  });
  const { queue } = backend;
  const { log } = backend.admin;
  const intakeDeps: IntakeDeps = { store: backend.admin.reads, log, queue };
  const maxPayloadBytes = deps.maxPayloadBytes ?? 64 * 1024;
  let agent: Agent | undefined;

  const intake = (body: unknown) =>
    intakeEvent(intakeDeps, parseEventInput(body, { catalogue: deps.catalogue, maxPayloadBytes }));
  const replay = (id: string) => replayDelivery({ log, queue }, id);

  return {
    mode: backend.mode,
    log,
    intake,
    async onInstallationRevoked(installation) {
      await installationRevoked(intakeDeps, installation);
    },
    adminRoutes: () => webhookRoutes({ intake, log, replay }),
    async startWorker() {
      agent ??= deliveryAgent({
        allowPrivateAddresses: deps.allowPrivateAddresses,
        connectTimeoutMs: Math.min(attemptTimeoutMs, 10_000),
      });
      const worker = backend.worker();
      const handler = attemptRunner({
        store: worker.reads,
        log: worker.log,
        schedule: deps.schedule ?? defaultRetrySchedule(),
        openSecrets: secretOpener(deps.sealingKey),
        dispatcher: agent,
        attemptTimeoutMs,
        logger: deps.logger,
        ...(deps.onAttempt ? { onAttempt: deps.onAttempt } : {}),
      });
      await queue.consume(handler, (id, error) => deadLetter(worker.log, id, error));
    },
    queueDepth: () => queue.depth(),
    async close() {
      await backend.close();
      await agent?.close();
    },
  };
}
