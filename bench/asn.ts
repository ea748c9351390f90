// Bundled IP-to-ASN table: load time, memory, lookup throughput.
// Run directly: node --import tsx bench/asn.ts   (prints one JSON object per line)
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import ipaddr from 'ipaddr.js';
import { AsnTable } from '../src/lookup/asn-table.ts';
import { NetworkOverrides } from '../src/domain/network-overrides.ts';
import { hostingProviderFor } from '../src/domain/hosting-provider.ts';
import { bundledAsnDatasetDir } from '../src/storage/asn-dataset.ts';

const LOOKUPS = 1_000_000;

/** A full collection, if one can be had, so that memory figures mean retained bytes. */
function collect(): void {
  const g =
    (globalThis as { gc?: () => void }).gc ??
    (() => {
      setFlagsFromString('--expose-gc');
      return runInNewContext('gc') as () => void;
    })();
  g();
  g();
}

/** Deterministic 32-bit generator (xorshift32), so runs compare. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function randomIpv4(n: number): string[] {
  const next = rng(0x5afe);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const v = next();
    out[i] = `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  return out;
}

/**
 * IPv6 space is too sparse for uniform sampling to hit anything, so: 90% take the first
 * 64 bits of a random dataset range start and random low 64 bits (mostly inside that
 * range), 10% are random under 2000::/3 (mostly misses).
 */
function randomIpv6(n: number, ipv6Csv: string): string[] {
  const next = rng(0xa5a);
  const starts = ipv6Csv
    .split('\n', 200_000)
    .map((line) => line.slice(0, line.indexOf(',')))
    .filter((s) => s !== '');
  const out = new Array<string>(n);
  const hex = () => (next() & 0xffff).toString(16);
  for (let i = 0; i < n; i++) {
    let head: string[];
    if (next() % 10 === 0) {
      head = [(0x2000 + (next() & 0x1fff)).toString(16), hex(), hex(), hex()];
    } else {
      head = ipaddr.IPv6.parse(starts[next() % starts.length]!)
        .parts.slice(0, 4)
        .map((p) => p.toString(16));
    }
    out[i] = [...head, hex(), hex(), hex(), hex()].join(':');
  }
  return out;
}

async function load(dir: string): Promise<{ table: AsnTable; readMs: number; parseMs: number; csvBytes: number }> {
  const t0 = performance.now();
  const [v4Text, v6Text] = await Promise.all([readFile(join(dir, 'asn-ipv4-num.csv'), 'utf8'), readFile(join(dir, 'asn-ipv6.csv'), 'utf8')]);
  const t1 = performance.now();
  const table = AsnTable.fromCsv(v4Text, v6Text);
  const t2 = performance.now();
  return {
    table,
    readMs: t1 - t0,
    parseMs: t2 - t1,
    csvBytes: Buffer.byteLength(v4Text) + Buffer.byteLength(v6Text),
  };
}

function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

function rate(count: number, ms: number): number {
  return Math.round(count / (ms / 1000));
}

export async function benchAsn(options: { lookups?: number } = {}): Promise<Record<string, unknown>[]> {
  const lookups = options.lookups ?? LOOKUPS;
  const results: Record<string, unknown>[] = [];
  const dir = bundledAsnDatasetDir();

  collect();
  const before = process.memoryUsage();
  const loaded = await load(dir);
  const { table } = loaded;
  results.push({
    name: 'asn_load_ms',
    value: Math.round(loaded.readMs + loaded.parseMs),
    unit: 'ms',
    read_ms: Math.round(loaded.readMs),
    parse_ms: Math.round(loaded.parseMs),
    ipv4_ranges: table.ipv4RangeCount,
    ipv6_ranges: table.ipv6RangeCount,
    organisations: table.organisationCount,
    csv_mb: mb(loaded.csvBytes),
  });
  collect();
  const after = process.memoryUsage();
  results.push({
    name: 'asn_table_mb',
    // The CSV strings are garbage by now; what is left is the table.
    value: mb(after.heapUsed - before.heapUsed + after.arrayBuffers - before.arrayBuffers),
    unit: 'MB',
    heap_mb: mb(after.heapUsed - before.heapUsed),
    typed_arrays_mb: mb(after.arrayBuffers - before.arrayBuffers),
    rss_mb: mb(after.rss),
  });

  const ipv4Sample = randomIpv4(lookups);
  const ipv6Sample = randomIpv6(lookups, await readFile(join(dir, 'asn-ipv6.csv'), 'utf8'));
  const overrides = new NetworkOverrides([]);
  for (const [family, ips] of [
    ['ipv4', ipv4Sample],
    ['ipv6', ipv6Sample],
  ] as const) {
    // Warm up, then time: lookup() from strings (ipaddr.js parse + binary search).
    let hits = 0;
    for (let i = 0; i < 50_000; i++) if (table.lookup(ips[i]!)) hits++;
    hits = 0;
    let s = performance.now();
    for (let i = 0; i < ips.length; i++) if (table.lookup(ips[i]!) !== undefined) hits++;
    const lookupMs = performance.now() - s;

    // The search alone, on addresses parsed beforehand.
    const parsed = ips.map((ip) => ipaddr.parse(ip));
    for (let i = 0; i < 50_000; i++) table.lookupAddress(parsed[i]!);
    s = performance.now();
    for (let i = 0; i < parsed.length; i++) table.lookupAddress(parsed[i]!);
    const searchMs = performance.now() - s;

    // The full answer: parse, public-range check, overrides, dataset.
    s = performance.now();
    for (let i = 0; i < ips.length; i++) hostingProviderFor(ips[i]!, table, overrides);
    const providerMs = performance.now() - s;

    results.push({
      name: `asn_lookups_per_s_${family}`,
      value: rate(ips.length, lookupMs),
      unit: 'lookups/s',
      lookups: ips.length,
      hit_rate: Math.round((hits / ips.length) * 1000) / 1000,
      search_only_per_s: rate(parsed.length, searchMs),
      hosting_provider_per_s: rate(ips.length, providerMs),
    });
  }
  return results;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await benchAsn()) console.log(JSON.stringify(row));
}
