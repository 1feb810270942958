// The durable delivery queue on BullMQ: a job per delivery round, moved to `delayed` for
// each retry; a worker that dies leaves its jobs to the stalled check of another worker.
import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../log.ts';
import type { DeliveryQueue } from '../types.ts';

/** The BullMQ queue name (under the store's `webhookQueuePrefix`). */
export const QUEUE_NAME = 'deliveries';

interface JobData {
  /** The delivery id. Everything else is read from the log when the job runs. */
  d: string;
}

/** Tuning of the BullMQ queue and its worker. */
export interface BullQueueOptions {
  /** A client with `maxRetriesPerRequest: null` (BullMQ's requirement); not closed here. */
  connection: Redis;
  prefix: string;
  /** Jobs one worker process runs at once. */
  concurrency: number;
  /**
   * How long a job's lock lasts without renewal: a killed worker's jobs run again on
   * another worker after about this long (the stalled check runs at this interval).
   */
  lockDurationMs: number;
  /** Handler throws (infrastructure errors) retried per job before it is given up. */
  maxFailures: number;
  /** How long close() waits for running attempts to finish (they time out on their own). */
  drainTimeoutMs: number;
  logger: Logger;
}

/** How long close() waits for BullMQ's own clean-up once no attempt is running. */
const CLOSE_GRACE_MS = 2_000;

/** true when `promise` settles within `ms`, false otherwise (never rejects). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
}

/** A DeliveryQueue on BullMQ; several processes may consume it at once. */
export function createBullDeliveryQueue(opts: BullQueueOptions): DeliveryQueue {
  const { connection, prefix } = opts;
  const queue = new Queue<JobData>(QUEUE_NAME, {
    connection,
    prefix,
    // The event stream is for observers we do not run; keep it short.
    streams: { events: { maxLen: 100 } },
    // Stored with every job, so only what must be per job: removal is set on the worker.
    defaultJobOptions: {
      attempts: opts.maxFailures + 1,
      backoff: { type: 'exponential', delay: 1000 },
    },
  });
  queue.on('error', (err) => opts.logger.error({ err }, 'webhook queue error'));
  let worker: Worker<JobData> | undefined;
  const running = new Set<Promise<unknown>>();

  return {
    depth: () => queue.getJobCountByTypes('waiting', 'delayed', 'active', 'prioritized'),
    async enqueue(jobs) {
      if (jobs.length === 0) return;
      await queue.addBulk(
        jobs.map((j) => ({
          name: 'd',
          data: { d: j.delivery },
          opts: j.delayMs ? { jobId: j.jobId, delay: Math.round(j.delayMs) } : { jobId: j.jobId },
        })),
      );
    },
    async remove(jobIds) {
      // A running job is locked and stays: its next attempt re-checks and cancels itself.
      await Promise.all(jobIds.map((id) => queue.remove(id).catch(() => 0)));
    },
    async consume(handler, onExhausted) {
      const process = async (job: Job<JobData>, token?: string) => {
        const attempt = handler(job.data.d);
        running.add(attempt);
        const next = await attempt.finally(() => running.delete(attempt));
        if (next.kind === 'later') {
          await job.moveToDelayed(Date.now() + Math.max(1, Math.round(next.delayMs)), token);
          throw new DelayedError();
        }
      };
      worker = new Worker<JobData>(QUEUE_NAME, process, {
        connection,
        prefix,
        concurrency: opts.concurrency,
        lockDuration: opts.lockDurationMs,
        stalledInterval: opts.lockDurationMs,
        maxStalledCount: 10,
        removeOnComplete: { count: 0 },
        removeOnFail: { age: 7 * 86_400 },
      });
      worker.on('error', (err) => opts.logger.error({ err }, 'webhook worker error'));
      worker.on('failed', (job, err) => {
        opts.logger.error({ err, delivery: job?.data.d }, 'webhook job failed');
        if (job && typeof job.finishedOn === 'number') {
          onExhausted(job.data.d, err).catch((e: unknown) =>
            opts.logger.error({ err: e }, 'could not dead-letter a failed job'),
          );
        }
      });
      await worker.waitUntilReady();
    },
    async close() {
      if (worker) {
        const closing = worker.close();
        await settlesWithin(Promise.allSettled(running), opts.drainTimeoutMs);
        // With no attempt left, BullMQ still waits for its blocking client to emit 'end',
        // which a client waiting between reconnection attempts never does
        // (taskforcesh/bullmq#4656); its sockets and timers are gone by then, so move on.
        if (!(await settlesWithin(closing, CLOSE_GRACE_MS))) {
          opts.logger.warn('webhook worker: Redis unreachable at close, connections dropped');
        }
      }
      await settlesWithin(queue.close(), CLOSE_GRACE_MS);
    },
  };
}
