// Who hosts an origin IP: the bundled IP-to-ASN dataset, corrected and completed by
// operator overrides (which add the abuse contacts the dataset lacks). Pure: no I/O.
import type { AsnTable } from '../lookup/asn-table.ts';
import { isPublicUnicast, parseCidr, parseIp, specialRangeOf, unmap, type Address } from './ip-address.ts';
import type { NetworkOverride, NetworkOverrides } from './network-overrides.ts';

export interface HostingProvider {
  asn: number | null;
  name: string;
  abuseEmail: string | null;
  source: 'override' | 'asn-dataset';
}

/**
 * Who hosts `ip`. An override containing the address wins (most specific first), also for an
 * address that is not public unicast (private, documentation…) when the operator listed a
 * network of that very range (10.0.0.0/8, 203.0.113.0/24): an operator who writes one down means
 * it, as in a lab or the README's example. Otherwise null for addresses that are not public
 * unicast (private, loopback, link-local, CGNAT, documentation/reserved, multicast, 6to4,
 * Teredo...: no public host, and a broad override such as 0.0.0.0/0 does not give them one) and
 * for public addresses in no dataset range and no override. A matching
 * override without an e-mail borrows one from another override row with its ASN.
 * Otherwise the dataset's ASN and organisation, with the abuse e-mail of an override row
 * carrying the same ASN. IPv4-mapped IPv6 is treated as the IPv4 address.
 * Throws TypeError if `ip` is not an IP address.
 */
export function hostingProviderFor(ip: string, table: AsnTable, overrides: NetworkOverrides): HostingProvider | null {
  const addr = unmap(parseIp(ip));
  const isPublic = isPublicUnicast(addr);
  const o = overrides.lookupAddress(addr);
  if (o && (isPublic || listsRangeOf(o, addr))) {
    return {
      asn: o.asn,
      name: o.name,
      abuseEmail: o.abuseEmail || (o.asn !== null ? overrides.abuseEmailForAsn(o.asn) : null),
      source: 'override',
    };
  }
  if (!isPublic) return null;
  const hit = table.lookupAddress(addr);
  if (!hit) return null;
  return { asn: hit.asn, name: hit.name, abuseEmail: overrides.abuseEmailForAsn(hit.asn), source: 'asn-dataset' };
}

/** Does the override's network lie wholly in the special range of `addr` (private, reserved…)? */
function listsRangeOf(o: NetworkOverride, addr: Address): boolean {
  const c = parseCidr(o.cidr);
  return typeof c !== 'string' && specialRangeOf(c) === addr.range();
}
