// The development delivery queue: timers and a FIFO in this process, bounded concurrency,
// the same job-id dedupe and failure handling as BullMQ; lost when the process exits.
import type { DeliveryHandler, DeliveryQueue, ExhaustedHandler, QueuedDelivery } from '../types.ts';

interface Job {
  delivery: string;
  failures: number;
  timer?: NodeJS.Timeout;
  running: boolean;
  removed: boolean;
}

/** Tuning of the memory queue. */
export interface MemoryQueueOptions {
  concurrency: number;
  /** Infrastructure failures (a handler throw) tolerated per job before it is given up. */
  maxFailures: number;
  /** First wait after a handler throw, doubled each time. */
  failureBackoffMs: number;
}

/** A DeliveryQueue in this process's memory. */
export function createMemoryDeliveryQueue(opts: MemoryQueueOptions): DeliveryQueue {
  const jobs = new Map<string, Job>();
  const ready: string[] = [];
  const running = new Set<Promise<void>>();
  let handler: DeliveryHandler | undefined;
  let exhausted: ExhaustedHandler | undefined;
  let closed = false;

  // Always through a timer, even for no delay: a job re-scheduled from inside its own run
  // must not start again before that run has finished.
  const schedule = (id: string, job: Job, delayMs: number) => {
    job.timer = setTimeout(
      () => {
        job.timer = undefined;
        ready.push(id);
        pump();
      },
      Math.max(0, delayMs),
    );
  };

  const run = async (id: string, job: Job, handle: DeliveryHandler) => {
    try {
      const next = await handle(job.delivery);
      if (next.kind === 'later' && !job.removed && !closed) return schedule(id, job, next.delayMs);
      jobs.delete(id);
    } catch (err) {
      job.failures += 1;
      if (job.failures <= opts.maxFailures && !job.removed && !closed) {
        return schedule(id, job, opts.failureBackoffMs * 2 ** (job.failures - 1));
      }
      jobs.delete(id);
      await exhausted?.(job.delivery, err instanceof Error ? err : new Error(String(err)));
    }
  };

  function pump(): void {
    while (handler && !closed && running.size < opts.concurrency && ready.length > 0) {
      const id = ready.shift() as string;
      const job = jobs.get(id);
      if (!job || job.removed) continue;
      job.running = true;
      const task = run(id, job, handler).finally(() => {
        job.running = false;
        running.delete(task);
        pump();
      });
      running.add(task);
    }
  }

  return {
    async depth() {
      return jobs.size;
    },
    async enqueue(list: readonly QueuedDelivery[]) {
      for (const q of list) {
        if (closed || jobs.has(q.jobId)) continue;
        const job: Job = { delivery: q.delivery, failures: 0, running: false, removed: false };
        jobs.set(q.jobId, job);
        schedule(q.jobId, job, q.delayMs ?? 0);
      }
    },
    async remove(ids) {
      for (const id of ids) {
        const job = jobs.get(id);
        if (!job) continue;
        job.removed = true;
        clearTimeout(job.timer);
        if (!job.running) jobs.delete(id);
      }
    },
    async consume(handle, onExhausted) {
      handler = handle;
      exhausted = onExhausted;
      pump();
    },
    async close() {
      closed = true;
      for (const job of jobs.values()) clearTimeout(job.timer);
      await Promise.allSettled([...running]);
      jobs.clear();
    },
  };
}
