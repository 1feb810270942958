// A bounded cache of verified access tokens, matched on the whole token string. Entries
// leave at `exp`, or oldest-first when full. It caches claims only, never a decision.
import type { AccessMode } from '../store/types.ts';

export interface VerifiedToken {
  sub: string;
  client_id: string;
  scopes: string[];
  /** What the scopes allow (`expand`: each scope, and the read its write implies). */
  allowed: ReadonlySet<string>;
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

/**
 * How many trailing characters index an entry. V8 hashes a string at about 2 ns a
 * character, and every request brings a new string: hashing a whole RS256 token cost
 * 1.7 µs a request (bench/gateway.bench.ts). The tail is signature, 258 bits of it;
 * a hit still needs the whole token to be equal, so a crafted token sharing a cached
 * one's tail is only a miss (and invalid tokens are never cached).
 */
const INDEX_CHARS = 43;

function indexOf(token: string): string {
  return token.length > INDEX_CHARS ? token.slice(-INDEX_CHARS) : token;
}

export class TokenCache {
  private readonly entries = new Map<string, { token: string; verified: VerifiedToken }>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(maxEntries: number, now: () => number = Date.now) {
    this.maxEntries = maxEntries;
    this.now = now;
  }

  get(token: string): VerifiedToken | undefined {
    const index = indexOf(token);
    const hit = this.entries.get(index);
    if (!hit || hit.token !== token) return undefined;
    if (hit.verified.exp * 1000 <= this.now()) {
      this.entries.delete(index);
      return undefined;
    }
    return hit.verified;
  }

  set(token: string, verified: VerifiedToken): void {
    const index = indexOf(token);
    if (this.entries.size >= this.maxEntries && !this.entries.has(index)) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(index, { token, verified });
  }

  get size(): number {
    return this.entries.size;
  }
}
