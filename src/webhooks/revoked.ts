// What revocation does to webhooks: the installation's open deliveries are cancelled and
// dequeued, and its app is sent `installation/revoked` (once, however often it is called).
import type { Installation } from '../store/types.ts';
import { cancelDelivery } from './cancel.ts';
import { INSTALLATION_REVOKED } from './entitlement.ts';
import { entitledAmong } from './fan-out.ts';
import { jobId, revokedEventId } from './ids.ts';
import { type IntakeDeps, type IntakeResult, queueEvent } from './intake.ts';
import { revokedPayload } from './payload.ts';

/** Cancels the open deliveries of the installation, except its own `installation/revoked`. */
export async function cancelOpenDeliveries(
  deps: IntakeDeps,
  installation: string,
  reason: string,
): Promise<number> {
  const ids = await deps.log.openOf(installation);
  const found = await Promise.all(ids.map((id) => deps.log.get(id)));
  const now = (deps.now ?? (() => new Date()))();
  const cancelled: string[] = [];
  for (const delivery of found) {
    if (!delivery || delivery.topic === INSTALLATION_REVOKED) continue;
    const applied = await cancelDelivery(deps.log, delivery, reason, now);
    if (applied) cancelled.push(jobId(delivery.id, delivery.round));
  }
  await deps.queue.remove(cancelled);
  return cancelled.length;
}

/**
 * Called right after `revoked_at` was written: cancels queued deliveries, then queues
 * `installation/revoked` to the installation's app. A repeat queues nothing new.
 */
export async function installationRevoked(
  deps: IntakeDeps,
  installation: Installation,
): Promise<IntakeResult> {
  await cancelOpenDeliveries(deps, installation.id, 'installation revoked');
  return queueEvent(
    deps,
    revokedEventId(installation.id),
    { topic: INSTALLATION_REVOKED, site: installation.site, payload: revokedPayload(installation) },
    () => entitledAmong(deps, [installation], INSTALLATION_REVOKED),
  );
}
