// A bounded cache of verified access tokens, matched on the whole token string. Entries
// leave at `exp`, or oldest-first when full. It caches claims only, never a decision.
import { expand } from '../scopes/index.ts';
import type { AccessMode } from '../store/types.ts';

export interface VerifiedToken {
  sub: string;
  client_id: string;
  scopes: string[];
  /** The scopes space-separated, as the `x-scopegate-scopes` header carries them. */
  scope: string;
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

/** A token's scopes with what is derived from them once, for every request it makes. */
export function scopeFields(scopes: string[]): Pick<VerifiedToken, 'scopes' | 'scope' | 'allowed'> {
  return { scopes, scope: scopes.join(' '), allowed: expand(scopes) };
}

/**
 * How many trailing characters index an entry: they are signature, and a hash of them is
 * the entry's key. V8 hashes a string at about 2 ns a character, and every request brings
 * a new string: hashing a whole RS256 token cost 1.7 µs a request, and even a 43-character
 * tail needed a substring and its hash (bench/gateway/instructions.ts). A hit still needs
 * the whole token to be equal, so two tokens sharing a key only miss (and invalid tokens
 * are never cached).
 */
const INDEX_CHARS = 8;

/** A small-integer key from the token's last characters (30 bits: a V8 Smi, no allocation). */
function indexOf(token: string): number {
  let hash = 0;
  for (let i = Math.max(0, token.length - INDEX_CHARS); i < token.length; i++) {
    hash = (Math.imul(hash, 31) + token.charCodeAt(i)) | 0;
  }
  return hash & 0x3fffffff;
}

export class TokenCache {
  private readonly entries = new Map<number, { token: string; verified: VerifiedToken }>();
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
