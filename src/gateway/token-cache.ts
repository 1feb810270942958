// A bounded cache of verified access tokens keyed by the whole token string. Entries
// leave at `exp`, or oldest-first when full. It caches claims only, never a decision.
import type { AccessMode } from '../store/types.ts';

export interface VerifiedToken {
  sub: string;
  client_id: string;
  scopes: string[];
  site: string;
  installation: string;
  /**
   * The installation's access mode (the `access_mode` claim). Absent from tokens issued
   * before the claim existed, or naming a mode this gateway does not know: such a token
   * may read but never write (see src/proposals/write-policy.ts).
   */
  access_mode?: AccessMode;
  jti: string;
  /** Seconds since the epoch. */
  exp: number;
}

export class TokenCache {
  private readonly entries = new Map<string, VerifiedToken>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(maxEntries: number, now: () => number = Date.now) {
    this.maxEntries = maxEntries;
    this.now = now;
  }

  get(token: string): VerifiedToken | undefined {
    const hit = this.entries.get(token);
    if (!hit) return undefined;
    if (hit.exp * 1000 <= this.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return hit;
  }

  set(token: string, verified: VerifiedToken): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, verified);
  }

  get size(): number {
    return this.entries.size;
  }
}
