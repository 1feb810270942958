// How a revocation reaches every gateway and how the revoker learns that it did: the
// contract shared by the in-process bus (embedded store) and the Redis bus.
import type { RevokedSet } from '../gateway/revoked-set.ts';

export interface RevocationNotice {
  installation: string;
  /** Epoch ms until which the id must stay in revoked sets (its last token's expiry). */
  until: number;
}

/** The gateway side: a revoked set kept current by the bus, with a liveness verdict. */
export interface RevocationFeed extends RevokedSet {
  readonly gatewayId: string;
  /** Milliseconds since the feed was last confirmed live (Infinity before its first sync). */
  staleForMs(): number;
  close(): Promise<void>;
}

export interface FeedOptions {
  /** Past this long without confirming the feed is live, `isFresh()` is false (fail closed). */
  stalenessMs: number;
}

/** A gateway a pending revocation still waits for, as last seen. */
export interface AwaitedGateway {
  gateway: string;
  /** When it first had the installation in its revoked set (epoch ms), if it said so. */
  ackedAt?: number;
  /** Its latest heartbeat (epoch ms); absent once it stopped or left. */
  beatAt?: number;
}

/** A revocation that ended with gateways pending, kept until every one is accounted for. */
export interface PendingRevocation {
  installation: string;
  /** The latest moment known to be covered so far (announce, then settled gateways), ms. */
  sinceMs: number;
  /** When its last token expires (the revoked set's entry); absent once that entry lapsed. */
  untilMs?: number;
  awaited: AwaitedGateway[];
}

export interface RevocationBus {
  /** Makes a revocation visible to every gateway: the shared set, then a notice. */
  announce(notice: RevocationNotice): Promise<void>;
  /**
   * Gateways that may still be serving with a fresh feed: their last heartbeat is recent
   * enough that their staleness bound may not have passed (with a margin for the beat
   * period and clock skew). A gateway silent for longer answers 503.
   */
  liveGateways(): Promise<string[]>;
  /** true while an earlier call's revocation of `installation` awaits gateways. */
  isPending(installation: string): Promise<boolean>;
  /**
   * Hands a revocation whose call is done (revoked_at written, grant destroyed) to the
   * reconciler, awaiting `gateways` too (added to any awaited already), covered since
   * `sinceMs`. Returns every gateway it now awaits. Gateways acknowledge pending
   * revocations they hold at every heartbeat, however the id reached them.
   */
  handOver(installation: string, gateways: readonly string[], sinceMs: number): Promise<string[]>;
  /**
   * Waits until each given gateway acknowledged the installation, or the timeout.
   * Returns the acknowledgement time (epoch ms) of every gateway that did.
   */
  awaitAcks(
    installation: string,
    gateways: readonly string[],
    timeoutMs: number,
  ): Promise<Map<string, number>>;
  /** Revocations still awaiting gateways (oldest first, a bounded batch); one read when none. */
  pendingRevocations(): Promise<PendingRevocation[]>;
  /** Stops awaiting the given gateways of a pending revocation, now covered up to `sinceMs`. */
  settleGateways(installation: string, gateways: readonly string[], sinceMs: number): Promise<void>;
  /** Forgets a pending revocation (its enforced_at is recorded). */
  forgetPending(installation: string): Promise<void>;
  /** Starts a gateway's feed: loads the revoked set, then follows notices. */
  openFeed(options: FeedOptions): Promise<RevocationFeed>;
  close(): Promise<void>;
}

/** An in-memory revoked set whose entries lapse when their tokens have expired. */
export class ExpiringSet {
  private readonly until = new Map<string, number>();

  add(id: string, until: number): void {
    if ((this.until.get(id) ?? 0) < until) this.until.set(id, until);
  }

  has(id: string, now = Date.now()): boolean {
    const until = this.until.get(id);
    return until !== undefined && until > now;
  }

  /** Drops lapsed entries. */
  sweep(now = Date.now()): void {
    for (const [id, until] of this.until) if (until <= now) this.until.delete(id);
  }

  get size(): number {
    return this.until.size;
  }
}
