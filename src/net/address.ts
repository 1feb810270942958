// Which IP addresses a webhook may reach: public unicast only. Loopback, private,
// link-local (cloud metadata), CGNAT, multicast, reserved and their IPv6 forms are not.
import { parseIPv4, parseIPv6 } from './ip.ts';

type Cidr4 = readonly [string, number];

/** IANA special-purpose IPv4 ranges that are not reachable public unicast. */
const NON_PUBLIC_V4: readonly Cidr4[] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT (also Alibaba metadata 100.100.100.200)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata 169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments (Oracle metadata 192.0.0.192)
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved and broadcast
];

const V4_RANGES = NON_PUBLIC_V4.map(([net, bits]) => ({ net: parseIPv4(net) ?? 0, bits }));

const v6 = (text: string): bigint => parseIPv6(text) ?? 0n;
const inV6 = (addr: bigint, net: bigint, bits: number): boolean =>
  addr >> BigInt(128 - bits) === net >> BigInt(128 - bits);

/** Global unicast is 2000::/3; inside it these are special-purpose, not public. */
const GLOBAL_UNICAST = { net: v6('2000::'), bits: 3 };
const NON_PUBLIC_V6 = [
  { net: v6('2001::'), bits: 23 }, // IETF protocol assignments (Teredo, benchmarking, ORCHID)
  { net: v6('2001:db8::'), bits: 32 }, // documentation
  { net: v6('2002::'), bits: 16 }, // 6to4: reaches any IPv4, private included
  { net: v6('3fff::'), bits: 20 }, // documentation
];
/** Prefixes whose low 32 bits are an IPv4 address, judged as that address. */
const EMBEDS_V4 = [
  { net: v6('::ffff:0:0'), bits: 96 }, // IPv4-mapped
  { net: v6('64:ff9b::'), bits: 96 }, // NAT64 well-known prefix
];

function isPublicV4(addr: number): boolean {
  return !V4_RANGES.some(
    ({ net, bits }) => Math.floor(addr / 2 ** (32 - bits)) === Math.floor(net / 2 ** (32 - bits)),
  );
}

function isPublicV6(addr: bigint): boolean {
  if (EMBEDS_V4.some(({ net, bits }) => inV6(addr, net, bits)))
    return isPublicV4(Number(addr & 0xffffffffn));
  if (!inV6(addr, GLOBAL_UNICAST.net, GLOBAL_UNICAST.bits)) return false;
  return !NON_PUBLIC_V6.some(({ net, bits }) => inV6(addr, net, bits));
}

/**
 * true only for a public unicast IP address. IPv4-mapped and NAT64 IPv6 addresses are
 * judged by their IPv4 address; IPv6 outside 2000::/3 (loopback, unspecified, ULA,
 * link-local, multicast, …) is never public. Brackets (`[::1]`) are accepted; a zone
 * (`fe80::1%eth0`) or anything that is not an IP address is not public.
 */
export function isPublicAddress(ip: string): boolean {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const a4 = parseIPv4(text);
  if (a4 !== undefined) return isPublicV4(a4);
  const a6 = parseIPv6(text);
  return a6 !== undefined && isPublicV6(a6);
}

/** true when the text is an IPv4 or IPv6 address (brackets allowed), public or not. */
export function isIpAddress(ip: string): boolean {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  return parseIPv4(text) !== undefined || parseIPv6(text) !== undefined;
}
