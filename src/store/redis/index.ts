// The production store: records in Redis (run it with AOF persistence — installations
// are the audit ledger and never expire), every key built by keys.ts under one prefix.
import type { Redis } from 'ioredis';
import type { Store } from '../types.ts';
import { createRedisApps } from './apps.ts';
import { closeClient, openClient, pingClient } from './client.ts';
import { createRedisDataFlows } from './data-flows.ts';
import { createRedisInstallations } from './installations.ts';
import { DEFAULT_PREFIX, redisKeys } from './keys.ts';
import { createRedisMerchants } from './merchants.ts';
import { createRedisOidc } from './oidc-adapter.ts';
import { createRedisProposals } from './proposals.ts';
import { createRedisReports } from './reports.ts';
import { createRedisThrottle } from './throttle.ts';
import { createRedisUsage } from './usage.ts';

export interface RedisStoreOptions {
  /** redis:// URL; ignored when `client` is given. Default localhost:6379. */
  url?: string;
  /**
   * A client to use instead of opening one; its options are the caller's (see
   * CLIENT_OPTIONS in client.ts for the fail-fast ones) and close() leaves it open.
   */
  client?: Redis;
  /** Prefix of every key. Default `sg:`. */
  prefix?: string;
  /**
   * Connection errors of a client the store opens (each failed reconnect attempt). Calls
   * fail on their own and ping() reports the state; by default these are dropped.
   */
  onError?: (err: Error) => void;
}

/** A Store in Redis. Records are JSON (strings, or hashes where a field is written apart). */
export function createRedisStore(opts: RedisStoreOptions = {}): Store {
  const owned = opts.client === undefined;
  const client = opts.client ?? openClient(opts.url, opts.onError ?? (() => {}));
  const keys = redisKeys(opts.prefix ?? DEFAULT_PREFIX);
  return {
    kind: 'redis',
    apps: createRedisApps(client, keys),
    merchants: createRedisMerchants(client, keys),
    installations: createRedisInstallations(client, keys),
    throttle: createRedisThrottle(client, keys),
    usage: createRedisUsage(client, keys),
    reports: createRedisReports(client, keys),
    dataFlows: createRedisDataFlows(client, keys),
    proposals: createRedisProposals(client, keys),
    oidcAdapter: createRedisOidc(client, keys),
    ping: () => pingClient(client),
    async close() {
      if (owned) await closeClient(client);
    },
  };
}
