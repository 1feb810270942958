// Where a delivery may connect, decided at connect time: the address checked is the one
// the socket uses (the connection's own DNS lookup), so DNS rebinding cannot slip past.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { isIpAddress, isPublicAddress } from '../net/address.ts';

/** The error of a refused target; its message names the address, never a secret. */
export class BlockedAddressError extends Error {
  readonly code = 'ERR_WEBHOOK_ADDRESS_BLOCKED';
  constructor(host: string, addresses: readonly string[]) {
    super(`address not allowed for webhooks: ${host} (${addresses.join(', ')})`);
    this.name = 'BlockedAddressError';
  }
}

/**
 * A lookup for `net.connect` that resolves every address and refuses the host when any of
 * them is not public (the same rule as at registration), whatever family was asked.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, found: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const addresses = found.map((a) => a.address);
    const blocked = addresses.filter((a) => !isPublicAddress(a));
    const first = found[0];
    if (blocked.length > 0 || !first) {
      return callback(new BlockedAddressError(hostname, addresses), '', 0);
    }
    if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, found);
    return callback(null, first.address, first.family);
  });
};

/** Connection settings of the delivery agent. */
export interface TargetOptions {
  /** WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: skip the address check (tests, local development). */
  allowPrivateAddresses: boolean;
  connectTimeoutMs: number;
}

/**
 * The undici Agent every delivery goes through. Unless private addresses are allowed, an
 * IP-literal host is checked here (Node skips the lookup for literals) and a host name by
 * `publicOnlyLookup` inside the connection. undici's `request` follows no redirects.
 */
export function deliveryAgent(opts: TargetOptions): Agent {
  const base = buildConnector({
    timeout: opts.connectTimeoutMs,
    ...(opts.allowPrivateAddresses ? {} : { lookup: publicOnlyLookup }),
  });
  const connect: buildConnector.connector = (options, callback) => {
    const host = options.hostname;
    if (!opts.allowPrivateAddresses && isIpAddress(host) && !isPublicAddress(host)) {
      callback(new BlockedAddressError(host, [host]), null);
      return;
    }
    base(options, callback);
  };
  // No per-origin connection cap: the worker's concurrency bounds the sockets.
  return new Agent({ connect, keepAliveTimeout: 10_000 });
}
