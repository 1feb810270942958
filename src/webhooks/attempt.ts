// One delivery attempt as an ordered list of small steps (svix worker.rs style): load →
// wait if not due → re-check entitlement → sign → send → record the verdict.
import type { Dispatcher } from 'undici';
import type { Logger } from '../log.ts';
import type { Store } from '../store/types.ts';
import { cancelDelivery } from './cancel.ts';
import { verdict } from './decide.ts';
import { entitlement } from './entitlement.ts';
import type { RetrySchedule } from './schedule.ts';
import { type SendOutcome, send } from './send.ts';
import { type SignatureHeaders, signatureHeaders } from './sign.ts';
import {
  type Attempt,
  type CurrentDelivery,
  type DeliveryHandler,
  type DeliveryLog,
  type DeliveryState,
  type DeliveryStatus,
  FINAL_STATUSES,
  type NextStep,
  OPEN_STATUSES,
  type StoredEvent,
} from './types.ts';

/** What an attempt needs; `now` is replaceable for tests. */
export interface AttemptDeps {
  store: Pick<Store, 'apps' | 'installations'>;
  log: DeliveryLog;
  schedule: RetrySchedule;
  /** Sealed webhook secrets → their plaintext (see secretOpener). */
  openSecrets: (sealed: readonly string[]) => string[];
  dispatcher: Dispatcher;
  attemptTimeoutMs: number;
  logger: Logger;
  now?: () => Date;
  /** Told the status each recorded attempt leads to (metrics). */
  onAttempt?: (status: DeliveryStatus) => void;
}

/** The explicit state of one attempt as it moves through the steps. */
interface Loaded {
  delivery: CurrentDelivery;
}
interface Targeted extends Loaded {
  event: StoredEvent;
  url: string;
  secrets: string[];
}

const DONE: NextStep = { kind: 'done' };
/** A job may fire this early (clock granularity) and still count as due. */
const DUE_TOLERANCE_MS = 20;

/** Step 1: the delivery's current state; nothing to do when it is gone or final. */
async function load(deps: AttemptDeps, id: string): Promise<Loaded | undefined> {
  const delivery = await deps.log.current(id);
  return delivery && !FINAL_STATUSES.has(delivery.status) ? { delivery } : undefined;
}

/** Step 2: a job run before its time (a crash between recording and re-queueing) waits. */
function waitIfNotDue(state: Loaded, now: Date): NextStep | undefined {
  const due = state.delivery.next_attempt_at;
  if (due === null) return undefined;
  const waitMs = Date.parse(due) - now.getTime();
  return waitMs > DUE_TOLERANCE_MS ? { kind: 'later', delayMs: waitMs } : undefined;
}

/**
 * Step 3: revocation, subscription, scope and 410 re-read from the store and checked
 * again, with the event to send; a reason when the delivery may not go ahead.
 */
async function checkEntitlement(
  deps: AttemptDeps,
  state: Loaded,
): Promise<Targeted | { reason: string }> {
  const { delivery } = state;
  const [event, installation, app, gone] = await Promise.all([
    deps.log.event(delivery.event),
    deps.store.installations.get(delivery.installation),
    deps.store.apps.get(delivery.app),
    deps.log.gone(delivery.app),
  ]);
  if (!event) return { reason: 'event expired before delivery' };
  const entitled = entitlement(installation, app, delivery.topic, gone);
  if (!entitled.ok) return { reason: entitled.reason };
  const secrets = deps.openSecrets(app?.webhookSecrets ?? []);
  return { ...state, event, url: entitled.url, secrets };
}

/** Step 4: the Standard Webhooks headers for this attempt's timestamp. */
function sign(state: Targeted, now: Date): SignatureHeaders {
  return signatureHeaders(state.secrets, state.delivery.id, state.event.body, now);
}

function attemptOf(state: Targeted, outcome: SendOutcome, at: Date): Attempt {
  return {
    round: state.delivery.round,
    at: at.toISOString(),
    url: state.url,
    status_code: outcome.statusCode,
    latency_ms: outcome.latencyMs,
    error: outcome.error,
    response: outcome.response,
  };
}

/** Step 6: the verdict on the outcome, logged with the attempt in one atomic transition. */
async function record(
  deps: AttemptDeps,
  state: Targeted,
  outcome: SendOutcome,
  at: Date,
): Promise<NextStep> {
  const { delivery } = state;
  const made = delivery.attempts_in_round + 1;
  const next = verdict(outcome, made, deps.schedule);
  const now = (deps.now ?? (() => new Date()))();
  const nextAt = next.status === 'retrying' ? new Date(now.getTime() + next.delayMs) : null;
  const newState: DeliveryState = {
    status: next.status,
    round: delivery.round,
    attempts_in_round: made,
    next_attempt_at: nextAt?.toISOString() ?? null,
    reason: 'reason' in next ? next.reason : null,
    updated_at: now.toISOString(),
  };
  // The 410 marker first: it is true whatever happens to this delivery's record.
  if (next.status === 'gone') {
    await deps.log.markGone(delivery.app, { url: state.url, at: now.toISOString() });
  }
  const applied = await deps.log.transition(delivery, {
    from: OPEN_STATUSES,
    state: newState,
    attempt: attemptOf(state, outcome, at),
  });
  if (!applied) return DONE;
  deps.onAttempt?.(next.status);
  if (next.status === 'dead' || next.status === 'gone') {
    deps.logger.warn(
      { delivery: delivery.id, app: delivery.app, status: next.status, reason: newState.reason },
      'webhook delivery stopped',
    );
  }
  return next.status === 'retrying' ? { kind: 'later', delayMs: next.delayMs } : DONE;
}

/** The queue handler: runs the steps in order for one delivery id. */
export function attemptRunner(deps: AttemptDeps): DeliveryHandler {
  const clock = deps.now ?? (() => new Date());
  return async (id) => {
    const loaded = await load(deps, id);
    if (!loaded) return DONE;
    const wait = waitIfNotDue(loaded, clock());
    if (wait) return wait;
    const targeted = await checkEntitlement(deps, loaded);
    if ('reason' in targeted) {
      await cancelDelivery(deps.log, loaded.delivery, targeted.reason, clock());
      return DONE;
    }
    const at = clock();
    // Step 5: the HTTP attempt itself.
    const outcome = await send({
      url: targeted.url,
      body: targeted.event.body,
      headers: sign(targeted, at),
      timeoutMs: deps.attemptTimeoutMs,
      dispatcher: deps.dispatcher,
    });
    return record(deps, targeted, outcome, at);
  };
}
