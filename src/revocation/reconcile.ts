// Completes enforced_at for revocations whose call returned with gateways pending. Each
// awaited gateway is settled when it acknowledges (at its ack time) or when it can no
// longer be serving (at the moment that is seen): its last heartbeat is older than the
// silence bound (its staleness bound plus a beat and the clock skew), so it answers 503
// until it has reloaded the revoked set. Once the revocation's tokens have all expired
// nothing is left to enforce, whatever the gateways did.
import type { Store } from '../store/types.ts';
import type { PendingRevocation, RevocationBus } from './bus.ts';

/** What one look at a pending revocation concludes. */
export type Assessment =
  | { kind: 'enforced'; atMs: number }
  | { kind: 'progress'; settled: string[]; sinceMs: number }
  | { kind: 'waiting' };

/**
 * Pure: settles the awaited gateways that acknowledged or fell silent for `silenceMs`.
 * Enforced once none is left, at the latest of the acknowledgements, the silences seen
 * and `sinceMs`; or once its tokens expired (`untilMs`, or now when that entry lapsed).
 */
export function assess(pending: PendingRevocation, nowMs: number, silenceMs: number): Assessment {
  const expiredAt = pending.untilMs ?? nowMs;
  if (expiredAt <= nowMs) return { kind: 'enforced', atMs: Math.max(pending.sinceMs, expiredAt) };
  let sinceMs = pending.sinceMs;
  const settled: string[] = [];
  for (const { gateway, ackedAt, beatAt } of pending.awaited) {
    if (ackedAt !== undefined) sinceMs = Math.max(sinceMs, ackedAt);
    else if (beatAt === undefined || nowMs - beatAt > silenceMs) sinceMs = Math.max(sinceMs, nowMs);
    else continue;
    settled.push(gateway);
  }
  if (settled.length === pending.awaited.length) return { kind: 'enforced', atMs: sinceMs };
  return settled.length ? { kind: 'progress', settled, sinceMs } : { kind: 'waiting' };
}

export interface ReconcilerOptions {
  store: Pick<Store, 'installations'>;
  bus: RevocationBus;
  /** How long a gateway may serve after its last heartbeat (redis-bus.ts `silenceFor`). */
  silenceMs: number;
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

  /** Records enforced_at (set-if-absent, never before revoked_at) and forgets the entry. */
  async function complete(pending: PendingRevocation, atMs: number): Promise<void> {
    const { installation } = pending;
    // Handed over only after revoked_at was written; a record gone is nothing to complete.
    const record = await store.installations.get(installation);
    if (record?.revoked_at) {
      const enforcedMs = Math.max(atMs, Date.parse(record.revoked_at));
      await store.installations.markEnforced(installation, new Date(enforcedMs).toISOString());
    }
    await bus.forgetPending(installation);
  }

  async function look(pending: PendingRevocation): Promise<void> {
    const outcome = assess(pending, Date.now(), opts.silenceMs);
    if (outcome.kind === 'enforced') await complete(pending, outcome.atMs);
    else if (outcome.kind === 'progress')
      await bus.settleGateways(pending.installation, outcome.settled, outcome.sinceMs);
  }

  async function pass(): Promise<void> {
    // One entry failing does not hold up the others; the first failure is reported.
    const failures = (await Promise.allSettled((await bus.pendingRevocations()).map(look))).filter(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    if (failures.length) throw failures[0]?.reason;
  }

  function reconcile(): Promise<void> {
    running ??= pass()
      .then(
        () => {
          failing = false;
        },
        (err: unknown) => {
          // Once per outage, not on every period; a failing reporter must not reject the
          // timer's promise (an unhandled rejection ends the process).
          if (!failing) {
            try {
              opts.onError?.(err);
            } catch {}
          }
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
