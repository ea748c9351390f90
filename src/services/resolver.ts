// For a batch of hosts: the zone (longest suffix, in memory), its account and the origin in
// force at the notice's filing time (from the origin history), and for proxied zones the
// hosting provider of that origin.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { ZoneDirectory } from './zone-directory.ts';
import type { NetworkDirectory } from './network-directory.ts';
import type { HostResolver } from './dns.ts';
import type { ItemResolution, OriginFacts, ZoneFacts } from '../domain/routing.ts';

export interface ResolverDeps {
  db: Kysely<Database>;
  zones: ZoneDirectory;
  networks: NetworkDirectory;
  dns: HostResolver;
}

export async function refreshDirectories(deps: ResolverDeps): Promise<void> {
  await Promise.all([deps.zones.refresh(), deps.networks.refresh()]);
}

/** Call refreshDirectories first. */
export async function resolveHosts(deps: ResolverDeps, hosts: readonly string[], at: Date): Promise<ItemResolution[]> {
  const matches = hosts.map((h) => deps.zones.match(h));
  const zoneIds = [...new Set(matches.filter((m) => m !== undefined).map((m) => m!.zoneId))];
  const zones = new Map<number, ZoneFacts>();
  if (zoneIds.length) {
    // Zones with their origin at `at`, then their accounts by key: a join to accounts in the same
    // statement was planned as a hash of the whole accounts table for every batch of a few
    // thousand zones, and made this lookup the costliest statement of a big notice's processing.
    const rows = (
      await sql<{ id: number; name: string; mode: 'proxied' | 'hosted'; account_id: string; origin: string; origin_kind: 'ip' | 'hostname' }>`
        SELECT z.id, z.name, z.mode, z.account_id,
               coalesce(o.origin, z.origin) AS origin, coalesce(o.origin_kind, z.origin_kind) AS origin_kind
        FROM zones z
        -- The origin history only for a zone whose current origin began after the notice (or whose
        -- start is not known): for the others the zone row holds it.
        LEFT JOIN LATERAL (
          SELECT origin, origin_kind FROM zone_origins zo
          WHERE (z.origin_since IS NULL OR z.origin_since > ${at}) AND zo.zone_id = z.id AND zo.valid_from <= ${at}
          ORDER BY zo.valid_from DESC LIMIT 1
        ) o ON true
        WHERE z.id = ANY(${zoneIds}::int[]) AND z.status <> 'terminated'`.execute(deps.db)
    ).rows;
    const accountIds = [...new Set(rows.map((r) => r.account_id))];
    const accounts = new Map(
      accountIds.length
        ? (
            await sql<{ id: string; name: string; email: string }>`SELECT id, name, email FROM accounts WHERE id = ANY(${accountIds}::text[])`.execute(deps.db)
          ).rows.map((a) => [a.id, a])
        : [],
    );
    for (const r of rows) {
      // A zone whose account is not (or no longer) there is not matched, as the join did before.
      const account = accounts.get(r.account_id);
      if (!account) continue;
      zones.set(r.id, {
        id: r.id,
        name: r.name,
        mode: r.mode,
        accountId: r.account_id,
        accountName: account.name,
        accountEmail: account.email,
        origin: r.origin,
        originKind: r.origin_kind,
      });
    }
  }
  const origins = new Map<number, Promise<OriginFacts>>();
  const originOf = (z: ZoneFacts) => {
    let p = origins.get(z.id);
    if (!p) origins.set(z.id, (p = originFacts(deps, z)));
    return p;
  };
  return Promise.all(
    hosts.map(async (host, i): Promise<ItemResolution> => {
      const m = matches[i];
      const zone = m ? zones.get(m.zoneId) : undefined;
      if (!zone) return { onNetwork: false, host };
      return { onNetwork: true, zone, origin: zone.mode === 'proxied' ? await originOf(zone) : null };
    }),
  );
}

async function originFacts(deps: ResolverDeps, zone: ZoneFacts): Promise<OriginFacts> {
  if (zone.originKind === 'ip') {
    return { ips: [zone.origin], resolution: 'ip', hosting: deps.networks.providerFor(zone.origin) };
  }
  const answer = await deps.dns.resolve(zone.origin);
  if (!answer.ok) return { ips: [], resolution: 'dns_failed', hosting: null, error: answer.error };
  const hosting = answer.ips.map((ip) => deps.networks.providerFor(ip)).find((h) => h !== null) ?? null;
  return { ips: answer.ips, resolution: 'dns', hosting };
}
