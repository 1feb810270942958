// Which addresses a webhook may reach: public unicast only, in every notation an
// attacker could use to smuggle in a loopback, private or metadata address.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIpAddress, isPublicAddress } from '../../src/net/address.ts';
import { parseIPv4, parseIPv6 } from '../../src/net/ip.ts';

const NON_PUBLIC = [
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'this network'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['100.64.0.1', 'CGNAT'],
  ['100.100.100.200', 'Alibaba metadata (CGNAT)'],
  ['100.127.255.255', 'CGNAT'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['169.254.169.254', 'cloud metadata'],
  ['169.254.0.1', 'link-local'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.0.0.192', 'Oracle metadata'],
  ['192.0.2.10', 'documentation'],
  ['192.168.1.1', 'private'],
  ['198.18.0.1', 'benchmarking'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.9', 'documentation'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  ['::', 'IPv6 unspecified'],
  ['::1', 'IPv6 loopback'],
  ['[::1]', 'bracketed loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback, long form'],
  ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
  ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
  ['0:0:0:0:0:ffff:a9fe:a9fe', 'IPv4-mapped metadata, long form'],
  ['::FFFF:10.0.0.1', 'IPv4-mapped private, upper case'],
  ['64:ff9b::10.0.0.1', 'NAT64 of private'],
  ['64:ff9b::7f00:1', 'NAT64 of loopback'],
  ['::127.0.0.1', 'IPv4-compatible (deprecated)'],
  ['::ffff:0:8.8.8.8', 'IPv4-translated'],
  ['fc00::1', 'ULA'],
  ['fd00:ec2::254', 'AWS IPv6 metadata (ULA)'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'zoned link-local'],
  ['febf::1', 'link-local'],
  ['fec0::1', 'site-local'],
  ['ff02::1', 'multicast'],
  ['100::1', 'discard-only'],
  ['2001::1', 'Teredo'],
  ['2001:db8::1', 'documentation'],
  ['2002:7f00:1::1', '6to4'],
  ['3fff::1', 'documentation'],
  ['5f00::1', 'SRv6 SIDs'],
  ['4000::1', 'unassigned (outside 2000::/3)'],
] as const;

const PUBLIC = [
  '1.1.1.1',
  '8.8.8.8',
  '93.184.216.34',
  '100.63.255.255',
  '100.128.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.0.1.1',
  '192.169.0.1',
  '223.255.255.255',
  '2606:4700:4700::1111',
  '2a00:1450:4001:81c::200e',
  '[2001:4860:4860::8888]',
  '::ffff:8.8.8.8',
  '::ffff:808:808',
  '64:ff9b::8.8.8.8',
] as const;

const NOT_ADDRESSES = [
  '',
  'localhost',
  'example.com',
  '127.1',
  '0x7f.0.0.1',
  '0177.0.0.1',
  '2130706433',
  '127.0.0.1.',
  '256.1.1.1',
  '1.2.3',
  '1.2.3.4.5',
  ' 1.1.1.1',
  ':::',
  '1::2::3',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7:8::',
  '12345::1',
  '::ffff:1.2.3',
  '[8.8.8.8]x',
  'g::1',
] as const;

describe('isPublicAddress', () => {
  it.each(NON_PUBLIC)('refuses %s (%s)', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it.each(PUBLIC)('accepts %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });

  it.each(NOT_ADDRESSES)('refuses %j, which is not an address', (text) => {
    expect(isPublicAddress(text)).toBe(false);
  });

  it('judges IPv4-mapped and NAT64 IPv6 exactly as the IPv4 address', () => {
    fc.assert(
      fc.property(fc.ipV4(), (v4) => {
        const n = parseIPv4(v4) ?? 0;
        const hex = `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
        const expected = isPublicAddress(v4);
        expect(isPublicAddress(`::ffff:${v4}`)).toBe(expected);
        expect(isPublicAddress(`::ffff:${hex}`)).toBe(expected);
        expect(isPublicAddress(`0:0:0:0:0:ffff:${hex}`)).toBe(expected);
        expect(isPublicAddress(`64:ff9b::${v4}`)).toBe(expected);
        expect(isPublicAddress(`[::ffff:${v4}]`)).toBe(expected);
      }),
    );
  });

  it('refuses every IPv6 address outside global unicast 2000::/3', () => {
    fc.assert(
      fc.property(fc.ipV6(), (v6) => {
        const value = parseIPv6(v6);
        expect(value).toBeDefined();
        const top = Number((value ?? 0n) >> 125n);
        const embedsV4 =
          (value ?? 0n) >> 32n === 0xffffn || (value ?? 0n) >> 32n === 0x64ff9b0000000000000000n;
        if (top !== 1 && !embedsV4) expect(isPublicAddress(v6)).toBe(false);
      }),
    );
  });

  it('never throws and is false for anything that is not an address', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const result = isPublicAddress(text);
        if (!isIpAddress(text)) expect(result).toBe(false);
      }),
    );
  });
});

describe('parseIPv4 and parseIPv6', () => {
  it('agree with node:net on generated addresses', async () => {
    const { isIPv4, isIPv6 } = await import('node:net');
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV6(), (v4, v6) => {
        expect(parseIPv4(v4) !== undefined).toBe(isIPv4(v4));
        expect(parseIPv6(v6) !== undefined).toBe(isIPv6(v6));
      }),
    );
  });

  it('reads the same IPv6 value from every notation', () => {
    expect(parseIPv6('::1')).toBe(1n);
    expect(parseIPv6('0:0:0:0:0:0:0:1')).toBe(1n);
    expect(parseIPv6('::ffff:127.0.0.1')).toBe(parseIPv6('::ffff:7f00:1'));
    expect(parseIPv6('1:2:3:4:5:6:7::')).toBe(parseIPv6('1:2:3:4:5:6:7:0'));
    expect(parseIPv4('1.2.3.4')).toBe(0x01020304);
  });
});
