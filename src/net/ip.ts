// Strict textual IP parsing: dotted-quad IPv4 and RFC 4291 IPv6 (with `::` and an
// embedded IPv4 tail). Anything looser (octal, short forms, zones) is not an address.

const OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEXTET = /^[0-9a-f]{1,4}$/i;

/** An IPv4 address as an unsigned 32-bit number, or `undefined` if not dotted decimal. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** The 16-bit groups of one side of `::`, an IPv4 tail counting as two. */
function groupsOf(text: string, allowIPv4Tail: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (const [i, part] of parts.entries()) {
    if (allowIPv4Tail && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIPv4(part);
      if (v4 === undefined) return undefined;
      groups.push(Math.floor(v4 / 0x10000), v4 % 0x10000);
    } else if (HEXTET.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/** An IPv6 address as a 128-bit bigint, or `undefined` if malformed (zones included). */
export function parseIPv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const [head = '', tail] = halves;
  let groups: number[];
  if (tail === undefined) {
    const all = groupsOf(head, true);
    if (all?.length !== 8) return undefined;
    groups = all;
  } else {
    const left = groupsOf(head, false);
    const right = groupsOf(tail, true);
    if (!left || !right || left.length + right.length > 7) return undefined;
    groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  }
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}
