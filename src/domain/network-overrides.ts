// Operator overrides of the ASN dataset: networks an operator lists with the name and the abuse
// contact to use (the dataset has no contacts), found by longest prefix. Pure: no I/O.
import { parseCidr, parseIp, unmap, v4ToUint, v6ToBigInt, type Address, type IPv4, type IPv6 } from './ip-address.ts';

export interface NetworkOverride {
  cidr: string;
  asn: number | null;
  name: string;
  abuseEmail: string | null;
}

export class NetworkOverrides {
  /** prefix length -> network -> row, with the prefix lengths in use, longest first. */
  private readonly v4 = new Map<number, Map<number, NetworkOverride>>();
  private readonly v4Prefixes: number[];
  private readonly v6 = new Map<number, Map<bigint, NetworkOverride>>();
  private readonly v6Prefixes: number[];
  private readonly emailByAsn = new Map<number, string>();

  /**
   * Throws TypeError on a row whose CIDR is invalid or has host bits set. When two rows
   * denote the same network the first one is kept. abuseEmailForAsn() answers with the
   * first row (in order) that has both that ASN and an e-mail.
   */
  constructor(rows: NetworkOverride[]) {
    rows.forEach((row, i) => {
      const c = parseCidr(row.cidr);
      if (typeof c === 'string') throw new TypeError(`network override #${i + 1}: ${c}`);
      if (c.kind === 'ipv4') {
        let byNet = this.v4.get(c.prefix);
        if (!byNet) this.v4.set(c.prefix, (byNet = new Map()));
        if (!byNet.has(c.network as number)) byNet.set(c.network as number, row);
      } else {
        let byNet = this.v6.get(c.prefix);
        if (!byNet) this.v6.set(c.prefix, (byNet = new Map()));
        if (!byNet.has(c.network as bigint)) byNet.set(c.network as bigint, row);
      }
      if (row.asn !== null && row.abuseEmail && !this.emailByAsn.has(row.asn)) this.emailByAsn.set(row.asn, row.abuseEmail);
    });
    this.v4Prefixes = [...this.v4.keys()].sort((a, b) => b - a);
    this.v6Prefixes = [...this.v6.keys()].sort((a, b) => b - a);
  }

  /** The most specific override whose CIDR contains `ip` (longest prefix), if any. Throws TypeError if `ip` is not an IP address. */
  lookup(ip: string): NetworkOverride | undefined {
    return this.lookupAddress(parseIp(ip));
  }

  /** Same as lookup() for an address already parsed by ipaddr.js; IPv4-mapped IPv6 matches IPv4 overrides. */
  lookupAddress(address: Address): NetworkOverride | undefined {
    const addr = unmap(address);
    if (addr.kind() === 'ipv4') {
      if (this.v4Prefixes.length === 0) return undefined;
      const v = v4ToUint(addr as IPv4);
      for (const prefix of this.v4Prefixes) {
        const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
        const hit = this.v4.get(prefix)!.get((v & mask) >>> 0);
        if (hit) return hit;
      }
      return undefined;
    }
    if (this.v6Prefixes.length === 0) return undefined;
    const v = v6ToBigInt(addr as IPv6);
    for (const prefix of this.v6Prefixes) {
      const hit = this.v6.get(prefix)!.get(prefix === 0 ? 0n : (v >> BigInt(128 - prefix)) << BigInt(128 - prefix));
      if (hit) return hit;
    }
    return undefined;
  }

  /** The abuse e-mail of an override row with this ASN, or null. */
  abuseEmailForAsn(asn: number): string | null {
    return this.emailByAsn.get(asn) ?? null;
  }
}
