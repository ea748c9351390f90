// Who hosts an origin IP: the bundled IP-to-ASN dataset, corrected and completed by
// operator overrides (which add the abuse contacts the dataset lacks). Pure: no I/O.
import type { AsnTable } from '../lookup/asn-table.ts';
import { isPublicUnicast, parseIp, unmap } from './ip-address.ts';
import type { NetworkOverrides } from './network-overrides.ts';

export interface HostingProvider {
  asn: number | null;
  name: string;
  abuseEmail: string | null;
  source: 'override' | 'asn-dataset';
}

/**
 * Who hosts `ip`. Null for addresses that are not public unicast (private, loopback,
 * link-local, CGNAT, documentation/reserved, multicast, 6to4, Teredo...: no public host,
 * even if an override covers them) and for public addresses in no dataset range and no
 * override. An override containing the address wins (most specific first); a matching
 * override without an e-mail borrows one from another override row with its ASN.
 * Otherwise the dataset's ASN and organisation, with the abuse e-mail of an override row
 * carrying the same ASN. IPv4-mapped IPv6 is treated as the IPv4 address.
 * Throws TypeError if `ip` is not an IP address.
 */
export function hostingProviderFor(ip: string, table: AsnTable, overrides: NetworkOverrides): HostingProvider | null {
  const addr = unmap(parseIp(ip));
  if (!isPublicUnicast(addr)) return null;
  const o = overrides.lookupAddress(addr);
  if (o) {
    return {
      asn: o.asn,
      name: o.name,
      abuseEmail: o.abuseEmail || (o.asn !== null ? overrides.abuseEmailForAsn(o.asn) : null),
      source: 'override',
    };
  }
  const hit = table.lookupAddress(addr);
  if (!hit) return null;
  return { asn: hit.asn, name: hit.name, abuseEmail: overrides.abuseEmailForAsn(hit.asn), source: 'asn-dataset' };
}
