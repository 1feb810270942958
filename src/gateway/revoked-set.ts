// What the gateway knows of revocations, in memory: membership is checked on every
// request with no I/O; a feed keeps it current and says whether it is still live.

export interface RevokedSet {
  has(installation: string): boolean;
  /** false when the feed has not been confirmed live within its staleness bound: fail closed. */
  isFresh(): boolean;
  readonly size: number;
}
