/**
 * Benchmark of the zone index (src/lookup/zone-index.ts) against the obvious
 * alternative, a `Map<string, number>` walked with indexOf/slice.
 *
 *   node --expose-gc --import tsx bench/zone-index.ts [--zones=5000000] [--lookups=1000000]
 *        [--label=5m] [--no-baseline]
 *
 * Prints one figure per line (`{"name","value","unit",…}`); `npm run bench` runs it in a child
 * process per size, so each build starts from an empty heap and 10,000,000 zones can have
 * the heap they need. Memory is measured as retained
 * `heapUsed + arrayBuffers` (typed-array storage lives outside the V8 heap,
 * so heapUsed alone would flatter the ZoneIndex). With --expose-gc a full GC
 * runs before each reading; without it the figures are plain deltas and
 * include garbage, which the `memory_method` column says.
 */
import { pathToFileURL } from 'node:url';
import { getPublicSuffix } from 'tldts';
import { ZoneIndex } from '../src/lookup/zone-index.ts';

type Row = Record<string, unknown>;

export interface ZoneBenchOptions {
  zones?: number;
  lookups?: number;
  seed?: number;
}

interface ZoneLookup {
  match(host: string): { zone: string; zoneId: number } | undefined;
}

const SUFFIXES: ReadonlyArray<readonly [string, number]> = [
  ['com', 45],
  ['net', 7],
  ['org', 6],
  ['co.uk', 6],
  ['de', 6],
  ['io', 4],
  ['com.au', 3],
  ['fr', 3],
  ['nl', 3],
  ['ca', 2],
  ['com.br', 2],
  ['co.jp', 2],
  ['info', 2],
  ['xyz', 2],
  ['shop', 2],
  ['app', 1],
  ['dev', 1],
  ['xn--p1ai', 1],
  ['co.za', 1],
  ['es', 1],
];
const WORDS = [
  'acme',
  'blue',
  'cloud',
  'data',
  'eagle',
  'fast',
  'green',
  'happy',
  'info',
  'jolly',
  'kite',
  'lucky',
  'media',
  'nova',
  'open',
  'pixel',
  'quick',
  'red',
  'star',
  'tech',
  'urban',
  'vivid',
  'web',
  'xeno',
  'young',
  'zen',
  'bücher',
  'café',
];
const SUBZONES = ['blog', 'shop', 'cdn', 'static', 'api', 'eu', 'us', 'm', 'files', 'media'];
const EXTRA_LABELS = ['www', 'img', 'cdn', 'a1', 'static', 'm', 'eu-west', 'assets', 'v2', 'files'];

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function weightedSuffix(random: () => number): string {
  const total = SUFFIXES.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [suffix, weight] of SUFFIXES) {
    if ((r -= weight) < 0) return suffix;
  }
  return 'com';
}

/** Punycode-ish stand-in for IDN words so names stay ASCII like normalised zones. */
function ascii(word: string): string {
  return word === 'bücher' ? 'xn--bcher-kva' : word === 'café' ? 'xn--caf-dma' : word;
}

/** A registrable name unique for `n`: site123456.com, shop-77.co.uk, bluecloud4711.de, … */
function registrable(random: () => number, n: number): string {
  const suffix = weightedSuffix(random);
  const style = random();
  if (style < 0.35) return `site${n}.${suffix}`;
  if (style < 0.55) return `shop-${n}.${suffix}`;
  if (style < 0.85) return `${ascii(pick(random, WORDS))}${ascii(pick(random, WORDS))}${n}.${suffix}`;
  return `${ascii(pick(random, WORDS))}-${n.toString(36)}.${suffix}`;
}

/**
 * `count` distinct zone names, ~10% of them subzones of earlier zones.
 * Round-tripped through JSON so every name is a flat string, as names read
 * from a database would be (template literals produce cons strings).
 */
export function zoneNames(count: number, seed: number): string[] {
  const random = prng(seed);
  const seen = new Set<string>();
  const names: string[] = [];
  let n = 0;
  while (names.length < count) {
    let name: string;
    if (names.length > 100 && random() < 0.1) {
      name = `${pick(random, SUBZONES)}.${names[Math.floor(random() * names.length)]!}`;
    } else {
      name = registrable(random, n++);
    }
    if (seen.has(name)) continue;
    seen.add(name);
    names.push(name);
  }
  return JSON.parse(JSON.stringify(names)) as string[];
}

/** Hosts with 0–3 extra labels; ~75% fall in a zone, the rest miss (unknown or near-miss names). */
function lookupHosts(names: readonly string[], count: number, seed: number): string[] {
  const random = prng(seed);
  const hosts: string[] = [];
  for (let i = 0; i < count; i++) {
    let base: string;
    const kind = random();
    if (kind < 0.75) base = names[Math.floor(random() * names.length)]!;
    else if (kind < 0.9)
      base = registrable(random, names.length * 10 + i); // unknown domain
    else base = `x${names[Math.floor(random() * names.length)]!}`; // near miss: not on a label boundary
    const extra = Math.floor(random() * 4);
    let host = base;
    for (let e = 0; e < extra; e++) host = `${pick(random, EXTRA_LABELS)}.${host}`;
    hosts.push(host);
  }
  return JSON.parse(JSON.stringify(hosts)) as string[];
}

/** The baseline: a Map walked longest first with indexOf/slice, never probing the lone TLD. */
class MapZoneIndex implements ZoneLookup {
  private readonly map = new Map<string, number>();
  set(zoneName: string, zoneId: number): void {
    this.map.set(zoneName, zoneId);
  }
  get size(): number {
    return this.map.size;
  }
  match(host: string): { zone: string; zoneId: number } | undefined {
    let start = 0;
    for (;;) {
      const candidate = start === 0 ? host : host.slice(start);
      const zoneId = this.map.get(candidate);
      if (zoneId !== undefined) return { zone: candidate, zoneId };
      const dot = host.indexOf('.', start);
      if (dot < 0) return undefined;
      start = dot + 1;
      if (host.indexOf('.', start) < 0) return undefined; // only the TLD is left
    }
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
const memoryMethod = gc ? 'heapUsed+arrayBuffers after global.gc()' : 'heapUsed+arrayBuffers delta WITHOUT gc (run with --expose-gc for reliable figures)';

function retainedBytes(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function heapParts(): { heap: number; buffers: number } {
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers };
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function timeLookups(index: ZoneLookup, hosts: readonly string[]): { seconds: number; cpuSeconds: number; hits: number; checksum: number } {
  // Warm-up so the timed pass runs optimised code.
  for (let i = 0; i < Math.min(hosts.length, 200_000); i++) index.match(hosts[i]!);
  let hits = 0;
  let checksum = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < hosts.length; i++) {
    const m = index.match(hosts[i]!);
    if (m !== undefined) {
      hits++;
      checksum = (checksum + m.zoneId) % 1_000_000_007;
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, hits, checksum };
}

function buildAndMeasure<T extends { set(name: string, id: number): void }>(
  create: () => T,
  zones: number,
  seed: number,
): { index: T; buildSeconds: number; bytes: number; heapBytes: number; bufferBytes: number; nameChars: number } {
  const before = retainedBytes();
  const partsBefore = heapParts();
  // Names are generated inside so that only what the index retains is counted.
  const { index, buildSeconds, nameChars } = (() => {
    const names = zoneNames(zones, seed);
    let nameChars = 0;
    for (const name of names) nameChars += name.length;
    const index = create();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < names.length; i++) index.set(names[i]!, i + 1);
    const buildSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { index, buildSeconds, nameChars };
  })();
  const bytes = retainedBytes() - before;
  const partsAfter = heapParts();
  return {
    index,
    buildSeconds,
    bytes,
    heapBytes: partsAfter.heap - partsBefore.heap,
    bufferBytes: partsAfter.buffers - partsBefore.buffers,
    nameChars,
  };
}

/**
 * The figures, named with `label` (the nominal size, "1m" or "10m"): bytes_per_zone_<label>
 * (retained heap + typed arrays after building, per zone) and resolve_lookups_per_s_<label>
 * (ZoneIndex.match on one thread), and with `baseline` the same for a Map beside it.
 */
export async function benchZoneIndex(options: ZoneBenchOptions & { label?: string; baseline?: boolean } = {}): Promise<Row[]> {
  const zones = options.zones ?? 1_000_000;
  const lookups = options.lookups ?? 1_000_000;
  const seed = options.seed ?? 20240611;
  const label = options.label ?? '1m';
  const rows: Row[] = [];

  // Lookup hosts are made first (from a throwaway copy of the names) so they
  // are part of the memory baseline of both builds.
  const hosts = lookupHosts(zoneNames(zones, seed), lookups, seed + 1);
  const singleProbeMisses = JSON.parse(JSON.stringify(Array.from({ length: lookups }, (_, i) => `nosuch${i}.${i % 2 ? 'com' : 'co.uk'}`))) as string[];

  const results: Record<string, { hits: number; checksum: number }> = {};
  const candidates: Array<[string, () => ZoneIndex | MapZoneIndex]> = [['zone_index', () => new ZoneIndex()]];
  // A Map of 10,000,000 strings takes gigabytes and minutes to build: the baseline is for the smaller size.
  if (options.baseline !== false) candidates.push(['map_baseline', () => new MapZoneIndex()]);
  for (const [name, create] of candidates) {
    const built = buildAndMeasure(create, zones, seed);
    const index = built.index;
    const suffix = name === 'zone_index' ? label : `${label}_map`;
    rows.push({
      name: `bytes_per_zone_${suffix}`,
      value: round(built.bytes / index.size),
      unit: 'bytes',
      goal: name === 'zone_index' ? '<= 150' : undefined,
      zones: index.size,
      structure: name,
      heap_bytes_per_zone: round(built.heapBytes / index.size),
      array_buffer_bytes_per_zone: round(built.bufferBytes / index.size),
      avg_name_chars: round(built.nameChars / index.size),
      ...(index instanceof ZoneIndex ? { typed_array_bytes_per_zone: round(index.byteLength / index.size) } : {}),
      build_s: round(built.buildSeconds, 2),
      memory_method: memoryMethod,
    });

    const timed = timeLookups(index, hosts);
    results[name] = { hits: timed.hits, checksum: timed.checksum };
    rows.push({
      name: `resolve_lookups_per_s_${suffix}`,
      // Per second of the one thread's CPU time: its rate on one core, also on a machine busy
      // with other work (where wall-clock time counts the waits for a core; wall_* below).
      value: Math.round(hosts.length / timed.cpuSeconds),
      unit: 'lookups/s',
      goal: name === 'zone_index' ? '>= 1000000 on one core' : undefined,
      zones: index.size,
      structure: name,
      lookups: hosts.length,
      ns_per_lookup: round((timed.cpuSeconds * 1e9) / hosts.length),
      wall_lookups_per_s: Math.round(hosts.length / timed.seconds),
      cpu_share: round(timed.cpuSeconds / timed.seconds, 2),
      hit_rate: round(timed.hits / hosts.length, 3),
      extra_labels: '0-3',
      threads: 1,
    });

    if (index instanceof ZoneIndex) {
      // Cost of one probe that misses (2-label host, so exactly one probe),
      // versus asking tldts for the public suffix: the price of a PSL-aware walk.
      const probe = timeLookups(index, singleProbeMisses);
      let sink = 0;
      for (let i = 0; i < 200_000; i++) sink += getPublicSuffix(hosts[i % hosts.length]!)?.length ?? 0;
      const t0 = process.hrtime.bigint();
      for (const host of hosts) sink += getPublicSuffix(host)?.length ?? 0;
      const tldtsSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const t1 = process.hrtime.bigint();
      for (const host of hosts) {
        sink += getPublicSuffix(host, { extractHostname: false, validateHostname: false, detectIp: false })?.length ?? 0;
      }
      const tldtsFastSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
      rows.push({
        name: `zone_index_probe_miss_ns_${label}`,
        value: round((probe.seconds * 1e9) / singleProbeMisses.length),
        unit: 'ns',
        zones: index.size,
        tldts_get_public_suffix_ns: round((tldtsSeconds * 1e9) / hosts.length),
        tldts_get_public_suffix_hostname_only_ns: round((tldtsFastSeconds * 1e9) / hosts.length),
        sink: sink % 10,
      });
    }
  }

  const a = results['zone_index'];
  const b = results['map_baseline'];
  if (b && (!a || a.hits !== b.hits || a.checksum !== b.checksum)) {
    throw new Error(`zone index and Map baseline disagree: ${JSON.stringify(results)}`);
  }
  return rows;
}

function numberArg(name: string): number | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (!arg) return undefined;
  const n = Number(arg.slice(name.length + 3));
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const label = process.argv.find((a) => a.startsWith('--label='))?.slice('--label='.length);
  const rows = await benchZoneIndex({ zones: numberArg('zones'), lookups: numberArg('lookups'), label, baseline: !process.argv.includes('--no-baseline') });
  for (const row of rows) console.log(JSON.stringify(row));
}
