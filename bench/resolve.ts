// URL resolutions per second, the way notice processing does them (src/services/resolver.ts):
// URL normalisation (at filing), then per batch of 5,000 hosts the zone match in the
// in-memory index (ZoneDirectory), one query for the matched zones' accounts and the origin in
// force at filing time (origin history), and the hosting provider of each proxied zone's
// origin (NetworkDirectory: overrides + bundled ASN data). DNS is off: hostname origins are
// recorded as dns_failed without a lookup, so the figure does not depend on a resolver.
import { performance } from 'node:perf_hooks';
import type { Store } from '../src/storage/store.ts';
import { ZoneDirectory } from '../src/services/zone-directory.ts';
import { NetworkDirectory } from '../src/services/network-directory.ts';
import { refreshDirectories, resolveHosts, type ResolverDeps } from '../src/services/resolver.ts';
import { systemResolver } from '../src/services/dns.ts';
import { normaliseUrl } from '../src/domain/url.ts';
import { collectGarbage, figure, note, perSecond, ratio, round } from './common.ts';
import { urlMix } from './world.ts';

const BATCH = 5_000; // as src/services/notice-processor.ts

export async function benchResolve(store: Store, label: string, names: readonly string[], urlCount: number): Promise<void> {
  collectGarbage();
  const deps: ResolverDeps = {
    db: store.db,
    zones: new ZoneDirectory(store.db),
    networks: new NetworkDirectory(store.db),
    dns: systemResolver({ enabled: false }),
  };
  note(`${label}: loading the zone index (${names.length.toLocaleString('en')} zones) and the ASN table…`);
  const heapBefore = process.memoryUsage();
  let t = performance.now();
  await refreshDirectories(deps);
  const loadSeconds = (performance.now() - t) / 1000;
  collectGarbage();
  const heapAfter = process.memoryUsage();
  const tail = label === 'postgres' ? '' : `_${label}`;
  figure(`zone_directory_load_s${tail}`, round(loadSeconds, 2), 's', {
    store: label,
    zones: deps.zones.index.size,
    zones_per_s: perSecond(deps.zones.index.size, loadSeconds),
    retained_mb: round((heapAfter.heapUsed + heapAfter.arrayBuffers - heapBefore.heapUsed - heapBefore.arrayBuffers) / 1024 / 1024, 1),
    note: 'ZoneDirectory.refresh (paged SELECT of every zone) + NetworkDirectory.refresh (bundled ASN table, overrides)',
  });
  if (deps.zones.index.size !== names.length) throw new Error(`zone index holds ${deps.zones.index.size} zones, expected ${names.length}`);

  const urls = urlMix(names, urlCount, 11);
  const warm = urlMix(names, Math.min(20_000, urlCount), 12);
  const at = new Date();

  // Warm-up: the JIT, the ASN table's pages, PostgreSQL's buffers for the touched zones.
  for (let i = 0; i < warm.length; i += BATCH) {
    const hosts = warm
      .slice(i, i + BATCH)
      .map(normaliseUrl)
      .flatMap((v) => (v.ok ? [v.host] : []));
    await resolveHosts(deps, hosts, at);
  }

  // 1. Normalisation alone (what filing does to every URL).
  t = performance.now();
  const verdicts = urls.map(normaliseUrl);
  const normaliseSeconds = (performance.now() - t) / 1000;
  const hosts = verdicts.flatMap((v) => (v.ok ? [v.host] : []));

  // 2. Zone match alone (in memory).
  t = performance.now();
  let matched = 0;
  for (const h of hosts) if (deps.zones.match(h)) matched++;
  const matchSeconds = (performance.now() - t) / 1000;

  // 3. The whole path, batch by batch as the notice processor runs it.
  let onNetwork = 0;
  let proxied = 0;
  let withProvider = 0;
  let withAbuseContact = 0;
  let dnsFailed = 0;
  let resolveOnly = 0;
  t = performance.now();
  for (let i = 0; i < urls.length; i += BATCH) {
    const batchHosts: string[] = [];
    for (let j = i; j < Math.min(i + BATCH, urls.length); j++) {
      const v = normaliseUrl(urls[j]!);
      if (v.ok) batchHosts.push(v.host);
    }
    const r0 = performance.now();
    const res = await resolveHosts(deps, batchHosts, at);
    resolveOnly += performance.now() - r0;
    for (const r of res) {
      if (!r.onNetwork) continue;
      onNetwork++;
      if (r.zone.mode !== 'proxied') continue;
      proxied++;
      if (r.origin?.hosting) withProvider++;
      if (r.origin?.hosting?.abuseEmail) withAbuseContact++;
      if (r.origin?.resolution === 'dns_failed') dnsFailed++;
    }
  }
  const totalSeconds = (performance.now() - t) / 1000;

  const matchPerSecond = perSecond(hosts.length, matchSeconds);
  const urlsPerSecond = perSecond(urls.length, totalSeconds);
  figure(`resolve_urls_per_s${tail}`, urlsPerSecond, 'URLs/s', {
    store: label,
    zones: names.length,
    urls: urls.length,
    seconds: round(totalSeconds, 2),
    vs_zone_match: ratio(urlsPerSecond, matchPerSecond),
    batch: BATCH,
    valid: hosts.length,
    on_network: onNetwork,
    proxied,
    hosting_provider_found: withProvider,
    abuse_contact_known: withAbuseContact,
    hostname_origins_dns_off: dnsFailed,
    resolve_hosts_per_s: perSecond(hosts.length, resolveOnly / 1000),
    note: 'normaliseUrl + resolveHosts (zone match, zone/account/origin-history query per batch, hosting provider), DNS off',
  });
  figure(`normalise_urls_per_s${tail}`, perSecond(urls.length, normaliseSeconds), 'URLs/s', {
    store: label,
    urls: urls.length,
    ns_per_url: round((normaliseSeconds * 1e9) / urls.length),
    valid_share: round(hosts.length / urls.length, 3),
  });
  figure(`resolve_zone_match_per_s${tail}`, matchPerSecond, 'lookups/s', {
    store: label,
    zones: names.length,
    hosts: hosts.length,
    hit_rate: round(matched / hosts.length, 3),
    note: 'ZoneDirectory.match on normalised hosts of the URL mix',
  });
}
