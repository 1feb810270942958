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

export interface RevocationBus {
  /** Makes a revocation visible to every gateway: the shared set, then a notice. */
  announce(notice: RevocationNotice): Promise<void>;
  /** Gateways whose heartbeat is recent enough to count as live. */
  liveGateways(): Promise<string[]>;
  /**
   * Waits until each given gateway acknowledged the installation, or the timeout.
   * Returns the acknowledgement time (epoch ms) of every gateway that did.
   */
  awaitAcks(
    installation: string,
    gateways: readonly string[],
    timeoutMs: number,
  ): Promise<Map<string, number>>;
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
