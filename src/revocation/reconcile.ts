// Completes enforced_at for revocations whose call returned with gateways pending. Each
// awaited gateway is settled when it acknowledges (at its ack time) or when it can no
// longer be serving (at the moment that is seen): its last heartbeat is older than the
// staleness bound, so its feed is stale and it answers 503 until it has caught up.
import type { Store } from '../store/types.ts';
import type { PendingRevocation, RevocationBus } from './bus.ts';

/** What one look at a pending revocation concludes. */
export type Assessment =
  | { kind: 'enforced'; atMs: number }
  | { kind: 'progress'; settled: string[]; sinceMs: number }
  | { kind: 'waiting' };

/**
 * Pure: settles the awaited gateways that acknowledged or dropped out. Enforced once none
 * is left, at the latest of the acknowledgements, the drop-outs seen and `sinceMs`.
 */
export function assess(pending: PendingRevocation, nowMs: number, stalenessMs: number): Assessment {
  let sinceMs = pending.sinceMs;
  const settled: string[] = [];
  for (const { gateway, ackedAt, beatAt } of pending.awaited) {
    if (ackedAt !== undefined) sinceMs = Math.max(sinceMs, ackedAt);
    else if (beatAt === undefined || nowMs - beatAt > stalenessMs)
      sinceMs = Math.max(sinceMs, nowMs);
    else continue;
    settled.push(gateway);
  }
  if (settled.length === pending.awaited.length) return { kind: 'enforced', atMs: sinceMs };
  return settled.length ? { kind: 'progress', settled, sinceMs } : { kind: 'waiting' };
}

/** A pending revocation whose record never got revoked_at (its call failed) is dropped then. */
const ABANDONED_AFTER_MS = 10 * 60_000;

export interface ReconcilerOptions {
  store: Pick<Store, 'installations'>;
  bus: RevocationBus;
  /** The gateways' REVOCATION_STALENESS_MS. */
  stalenessMs: number;
  /** How often to look; one small read each time when nothing is pending. */
  periodMs: number;
  onError?: (err: unknown) => void;
}

export interface Reconciler {
  /** One pass now (the timer runs them otherwise). */
  reconcile(): Promise<void>;
  stop(): Promise<void>;
}

export function startReconciler(opts: ReconcilerOptions): Reconciler {
  const { store, bus } = opts;
  let running: Promise<void> | undefined;
  let failing = false;

  async function complete(pending: PendingRevocation, atMs: number): Promise<void> {
    const { installation } = pending;
    const record = await store.installations.get(installation);
    if (!record?.revoked_at) {
      // The revoke call may still be between its announce and revoked_at; wait for it.
      if (record && Date.now() - pending.sinceMs < ABANDONED_AFTER_MS) return;
      await bus.forgetPending(installation);
      return;
    }
    const enforcedMs = Math.max(atMs, Date.parse(record.revoked_at));
    await store.installations.markEnforced(installation, new Date(enforcedMs).toISOString());
    await bus.forgetPending(installation);
  }

  async function pass(): Promise<void> {
    for (const pending of await bus.pendingRevocations()) {
      const outcome = assess(pending, Date.now(), opts.stalenessMs);
      if (outcome.kind === 'enforced') await complete(pending, outcome.atMs);
      else if (outcome.kind === 'progress')
        await bus.settleGateways(pending.installation, outcome.settled, outcome.sinceMs);
    }
  }

  function reconcile(): Promise<void> {
    running ??= pass()
      .then(
        () => {
          failing = false;
        },
        (err: unknown) => {
          // Once per outage, not on every period.
          if (!failing) opts.onError?.(err);
          failing = true;
        },
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  const timer = setInterval(reconcile, opts.periodMs);
  timer.unref();
  return {
    reconcile,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
