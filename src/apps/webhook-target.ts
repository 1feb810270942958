// Where a webhook URL's host leads: unless private targets are allowed, every address
// it resolves to must be public, so deliveries cannot reach internal services (SSRF).
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIpAddress, isPublicAddress } from '../net/address.ts';

/** Resolves a host name to all of its addresses. */
export type HostLookup = (host: string) => Promise<string[]>;

/** The system resolver (as connections would use it), every address family. */
export const systemLookup: HostLookup = async (host) =>
  (await dnsLookup(host, { all: true, order: 'verbatim' })).map((a) => a.address);

const LOOKUP_TIMEOUT_MS = 5_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error('timed out'), { code: 'ETIMEOUT' })),
      ms,
    );
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const reason = (err: unknown): string =>
  err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : String(err);

/**
 * Why the host may not receive webhooks, or undefined when every address it has is
 * public. A failed lookup is a reason, never a throw.
 */
export async function nonPublicHostProblem(
  hostname: string,
  lookup: HostLookup = systemLookup,
): Promise<string | undefined> {
  if (isIpAddress(hostname)) {
    return isPublicAddress(hostname) ? undefined : `host ${hostname} is not a public address`;
  }
  let addresses: string[];
  try {
    addresses = await withTimeout(lookup(hostname), LOOKUP_TIMEOUT_MS);
  } catch (err) {
    return `host "${hostname}" cannot be resolved (${reason(err)})`;
  }
  if (addresses.length === 0) return `host "${hostname}" has no address`;
  const internal = addresses.filter((a) => !isPublicAddress(a));
  if (internal.length === 0) return undefined;
  return `host "${hostname}" resolves to a non-public address (${internal.join(', ')}); webhooks must reach a public address`;
}
