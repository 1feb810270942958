// The one revoke service, used by every path (merchant, operator, app, re-consent). The
// order never leaves a token alive once revoked_at is visible: gateways are told first
// (shared revoked set + notice), then revoked_at is written, then the grant and its tokens
// are destroyed; finally it waits for every live gateway's acknowledgement (enforced_at).
// When some do not acknowledge in time the reconciler records enforced_at later.
import { notFound } from '../errors/index.ts';
import type { Metrics } from '../metrics/index.ts';
import { GRANT_BOUND_MODELS } from '../store/oidc-models.ts';
import type { Installation, Store } from '../store/types.ts';
import type { RevocationBus } from './bus.ts';

export interface RevokeInput {
  /** Who revoked: a merchant id, `operator`, `app:<client_id>` or `scopegate`. */
  by: string;
  reason: string | null;
}

/**
 * The record after a revocation, with the gateways that had not acknowledged in time (its
 * enforced_at is then recorded later, once each of them acknowledged or dropped out).
 */
export type RevocationResult = Installation & { pending_gateways?: string[] };

/** Called after revoked_at is written (webhooks, proposals); must not throw, must be idempotent. */
export type RevocationListener = (installation: Installation) => void | Promise<void>;

export interface Revoker {
  /**
   * Revokes an installation; 404 for an unknown id. Revoking twice returns the record with
   * the first revoked_at; an unfinished earlier revocation (no enforced_at) is completed.
   */
  revoke(id: string, input: RevokeInput): Promise<RevocationResult>;
  onRevoked(listener: RevocationListener): void;
}

export interface RevokerOptions {
  store: Pick<Store, 'installations' | 'oidcAdapter'>;
  bus: RevocationBus;
  /** How long an access token may still be presented after issue (TTL + clock tolerance), ms. */
  tokenLifetimeMs: number;
  /** Counts each installation once, when it is first revoked, by kind of revoker. */
  metrics?: Pick<Metrics, 'revocations'>;
  /** How long revoke waits for gateways' acknowledgements. */
  ackTimeoutMs: number;
}

/** Who revoked, as a metric label: never an id (`m_…`, `app:<uuid>`), only its kind. */
function revokerKind(by: string): 'operator' | 'scopegate' | 'app' | 'merchant' {
  if (by === 'operator' || by === 'scopegate') return by;
  return by.startsWith('app:') ? 'app' : 'merchant';
}

export function createRevoker(opts: RevokerOptions): Revoker {
  const { store, bus } = opts;
  const listeners: RevocationListener[] = [];

  async function destroyGrant(id: string): Promise<void> {
    await Promise.all(
      [...GRANT_BOUND_MODELS].map((model) => store.oidcAdapter(model).revokeByGrantId(id)),
    );
    await store.oidcAdapter('Grant').destroy(id);
  }

  return {
    onRevoked(listener) {
      listeners.push(listener);
    },
    async revoke(id, input) {
      const existing = await store.installations.get(id);
      if (!existing) throw notFound(`installation ${id}`);
      if (existing.enforced_at) return existing;

      // An earlier call of this revocation left gateways awaited: the reconciler decides.
      const earlier = existing.revoked_at ? await bus.isPending(id) : false;
      const gateways = await bus.liveGateways();
      const announcedAt = Date.now();
      await bus.announce({ installation: id, until: announcedAt + opts.tokenLifetimeMs });
      const record = await store.installations.revoke(id, {
        at: new Date().toISOString(),
        by: input.by,
        reason: input.reason,
      });
      if (!record) throw notFound(`installation ${id}`);
      if (!existing.revoked_at) {
        opts.metrics?.revocations.inc({ by: revokerKind(input.by) });
      }
      // Listeners run on every unfinished revocation, so one interrupted after revoked_at was
      // written still reaches them on the retry; they must be idempotent.
      await Promise.all(listeners.map((l) => l(record)));
      await destroyGrant(id);

      const acks = await bus.awaitAcks(id, gateways, opts.ackTimeoutMs);
      const pending = gateways.filter((g) => !acks.has(g));
      if (pending.length || earlier) {
        // Only now, with the grant destroyed, may the reconciler record enforced_at: no
        // earlier than the acknowledgements already in (those gateways are not awaited).
        const awaited = await bus.handOver(id, pending, Math.max(announcedAt, ...acks.values()));
        return { ...record, pending_gateways: awaited };
      }
      const enforcedMs = Math.max(Date.parse(record.revoked_at ?? ''), ...acks.values());
      const enforced = await store.installations.markEnforced(
        id,
        new Date(enforcedMs).toISOString(),
      );
      return enforced ?? record;
    },
  };
}
