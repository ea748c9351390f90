// Who hosts an origin IP: the bundled IP-to-ASN dataset (loaded once per process) with the
// operator's overrides from the networks table on top (reloaded when that table changes).
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { loadBundledAsnTable } from '../storage/asn-dataset.ts';
import { AsnTable } from '../lookup/asn-table.ts';
import { NetworkOverrides } from '../domain/network-overrides.ts';
import { hostingProviderFor, type HostingProvider } from '../domain/hosting-provider.ts';

export class NetworkDirectory {
  private table: AsnTable | null = null;
  private overrides = new NetworkOverrides([]);
  private version = '';

  constructor(private readonly db: Kysely<Database>) {}

  async refresh(): Promise<void> {
    this.table ??= await loadBundledAsnTable();
    const v = (await sql<{ v: string }>`SELECT count(*)::text || ':' || coalesce(max(updated_at)::text, '') AS v FROM networks`.execute(this.db)).rows[0]!.v;
    if (v === this.version) return;
    const rows = await this.db.selectFrom('networks').select(['cidr', 'asn', 'name', 'abuse_email']).execute();
    this.overrides = new NetworkOverrides(
      rows.map((r) => ({ cidr: r.cidr, asn: r.asn === null ? null : Number(r.asn), name: r.name, abuseEmail: r.abuse_email })),
    );
    this.version = v;
  }

  /** After refresh(). */
  providerFor(ip: string): HostingProvider | null {
    if (!this.table) throw new Error('NetworkDirectory.refresh() must run before lookups');
    try {
      return hostingProviderFor(ip, this.table, this.overrides);
    } catch {
      return null; // not an address we can place (DNS answered garbage): no known host, not a crash
    }
  }
}
