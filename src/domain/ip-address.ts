// IP addresses and CIDR blocks, parsed strictly (what a resolver or an operator's file may hold),
// and the integer forms the lookups compare. Pure: no I/O.
import ipaddr from 'ipaddr.js';

export type IPv4 = ipaddr.IPv4;
export type IPv6 = ipaddr.IPv6;
export type Address = IPv4 | IPv6;

// Four-part decimal only: ipaddr.js alone would also accept '127.1', '0x7f.0.0.1' and
// '010.0.0.1' (octal!), none of which a resolver ever produces.
const IPV4_SHAPE = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;

export function tryParseIp(ip: string): Address | null {
  if (typeof ip !== 'string') return null;
  try {
    if (ip.includes(':')) return ipaddr.IPv6.parse(ip);
    if (IPV4_SHAPE.test(ip)) return ipaddr.IPv4.parse(ip);
  } catch {
    // fall through
  }
  return null;
}

export function parseIp(ip: string): Address {
  const addr = tryParseIp(ip);
  if (addr === null) throw new TypeError(`not an IP address: ${JSON.stringify(ip)}`);
  return addr;
}

export function isV4Mapped(p: number[]): boolean {
  return p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0xffff;
}

/** `::ffff:a.b.c.d` becomes the IPv4 address it carries; everything else is returned as is. */
export function unmap(addr: Address): Address {
  if (addr.kind() === 'ipv6' && isV4Mapped((addr as IPv6).parts)) return (addr as IPv6).toIPv4Address();
  return addr;
}

export function v4ToUint(addr: IPv4): number {
  const o = addr.octets;
  return ((o[0]! << 24) >>> 0) + (o[1]! << 16) + (o[2]! << 8) + o[3]!;
}

export function v6ToBigInt(addr: IPv6): bigint {
  let v = 0n;
  for (const part of addr.parts) v = (v << 16n) | BigInt(part);
  return v;
}

/** A public, globally routed unicast address (after unmapping); private, loopback, link-local, CGNAT, documentation, multicast, 6to4, Teredo... are not. */
export function isPublicUnicast(addr: Address): boolean {
  return addr.range() === 'unicast';
}

export interface ParsedCidr {
  kind: 'ipv4' | 'ipv6';
  /** Network address: a uint32 for IPv4, a 128-bit bigint for IPv6. */
  network: number | bigint;
  prefix: number;
}

const V4_CIDR_SHAPE = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}\/(?:0|[1-9]\d?)$/;

/**
 * Parses a CIDR strictly: four-part decimal IPv4 or any IPv6 form ipaddr.js accepts,
 * a prefix length, and no host bits set (as PostgreSQL's `cidr` type requires).
 * `::ffff:a.b.c.d/n` with n >= 96 is read as the IPv4 network a.b.c.d/(n-96).
 */
export function parseCidr(cidr: string): ParsedCidr | string {
  const s = cidr.trim();
  if (!s.includes('/')) return `"${s}" has no prefix length (write e.g. ${s.includes(':') ? `${s}/128` : `${s}/32`})`;
  let addr: Address;
  let prefix: number;
  try {
    if (s.includes(':')) {
      [addr, prefix] = ipaddr.IPv6.parseCIDR(s);
    } else {
      if (!V4_CIDR_SHAPE.test(s)) return `"${s}" is not a CIDR block`;
      [addr, prefix] = ipaddr.IPv4.parseCIDR(s);
    }
  } catch {
    return `"${s}" is not a CIDR block`;
  }
  if (addr.kind() === 'ipv6' && (addr as IPv6).zoneId !== undefined) return `"${s}" is not a CIDR block (zone index not allowed)`;
  if (addr.kind() === 'ipv6' && isV4Mapped((addr as IPv6).parts) && prefix >= 96) {
    addr = (addr as IPv6).toIPv4Address();
    prefix -= 96;
  }
  if (addr.kind() === 'ipv4') {
    const v = v4ToUint(addr as IPv4);
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    const network = (v & mask) >>> 0;
    if (network !== v) return `"${s}" has host bits set (did you mean ${ipaddr.fromByteArray(uintToBytes(network)).toString()}/${prefix}?)`;
    return { kind: 'ipv4', network, prefix };
  }
  const v = v6ToBigInt(addr as IPv6);
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(128 - prefix);
  const network = v & mask;
  if (network !== v) {
    return `"${s}" has host bits set (did you mean ${ipaddr.fromByteArray(bigToBytes(network)).toString()}/${prefix}?)`;
  }
  return { kind: 'ipv6', network, prefix };
}

function uintToBytes(v: number): number[] {
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

function bigToBytes(v: bigint): number[] {
  const out: number[] = new Array<number>(16);
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(v & 255n);
    v >>= 8n;
  }
  return out;
}

/** A key identifying the network a CIDR denotes, whatever its spelling. */
export function cidrKey(c: ParsedCidr): string {
  return `${c.kind}/${c.network.toString(16)}/${c.prefix}`;
}

/**
 * The special range (ipaddr.js's name: 'private', 'reserved', 'loopback'…) a whole CIDR lies in,
 * judged by its first and last address; null when it is public unicast or spans ranges (e.g. a
 * catch-all 0.0.0.0/0).
 */
export function specialRangeOf(c: ParsedCidr): string | null {
  const first = ipaddr.fromByteArray(c.kind === 'ipv4' ? uintToBytes(c.network as number) : bigToBytes(c.network as bigint));
  const last = ipaddr.fromByteArray(
    c.kind === 'ipv4'
      ? uintToBytes((c.network as number) + (2 ** (32 - c.prefix) - 1))
      : bigToBytes((c.network as bigint) | ((1n << BigInt(128 - c.prefix)) - 1n)),
  );
  const range = first.range();
  return range !== 'unicast' && last.range() === range ? range : null;
}
