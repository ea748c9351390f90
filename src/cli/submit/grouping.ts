/**
 * How `safeharbor submit` cuts a URL list into notices, and why this way is best for the server.
 *
 * The server resolves a notice in batches of 5,000 items, each batch looking up its zones' rows
 * and resolving each proxied zone's origin (DNS for hostname origins) once; when the notice is
 * processed it sends one message per site owner and per hosting provider, listing that party's
 * URLs, and one acknowledgement to the reporter per notice. So:
 * - a zone's URLs belong in one notice: split across notices, the same owner and host get several
 *   messages about the same site and its origin is resolved again for each;
 * - URLs of one zone sit next to each other in a notice, so a resolution batch touches few zones;
 * - few notices: every notice is a request, a receipt and an acknowledgement, so small zones are
 *   packed together up to the per-notice maximum (first-fit decreasing: the fewest notices
 *   without cutting a zone);
 * - only a zone larger than the maximum is cut, into full notices of that zone alone.
 * The zone is the URL's registrable domain under the ICANN section of the Public Suffix List
 * (tldts, as the server validates zones), or the address itself for an IP host.
 *
 * Memory: URLs are buffered by zone until the buffer holds `bufferUrls` of them (default the
 * larger of 200,000 and twice the per-notice maximum); then everything buffered is packed and sent,
 * and the buffer starts again. A zone reaching the maximum leaves the buffer at once as a full
 * notice. So at most `bufferUrls` URLs are held for grouping, whatever the size of the file; a
 * file with no more URLs than that is grouped as if it were read whole. The price of the bound:
 * a zone whose URLs straddle a flush ends up in two notices, and a duplicate line is folded only
 * if its first copy is still in the buffer (the server folds duplicates within a notice; across
 * notices the URL would be filed twice).
 *
 * Deterministic: the same lines with the same limits give the same notices, URL for URL, which
 * is what makes the idempotency keys and the resume state of a rerun match.
 */
import { getDomain } from 'tldts';

export const DEFAULT_BUFFER_URLS = 200_000;

export interface GroupingLimits {
  maxPerNotice: number;
  bufferUrls?: number;
}

export interface Batch {
  /** The URLs as the lines gave them (trimmed), zone by zone. */
  urls: string[];
  /** Each zone in the notice, with its number of URLs, in the order they appear. */
  zones: [zone: string, urls: number][];
}

/** The zone a URL is grouped by: its registrable domain, or the host when it has none (an IP address). */
export function zoneOf(host: string): string {
  if (host.startsWith('[')) return host;
  return getDomain(host, { allowPrivateDomains: false, extractHostname: false }) ?? host;
}

interface Bucket {
  urls: string[];
  /** The normalised URLs, to forget them from `seen` when the zone leaves the buffer alone. */
  keys: string[];
}

export function bufferFor(limits: GroupingLimits): number {
  return limits.bufferUrls ?? Math.max(DEFAULT_BUFFER_URLS, 2 * limits.maxPerNotice);
}

export class ZoneGrouper {
  private readonly buckets = new Map<string, Bucket>();
  /** The normalised URLs in the buffer (one set, not one per zone: a buffer of 200,000 one-URL zones is common). */
  private readonly seen = new Set<string>();
  private buffered = 0;
  private readonly max: number;
  private readonly bufferUrls: number;
  duplicatesFolded = 0;

  constructor(limits: GroupingLimits) {
    if (!Number.isInteger(limits.maxPerNotice) || limits.maxPerNotice < 1) throw new Error('maxPerNotice must be a whole number of at least 1');
    this.max = limits.maxPerNotice;
    this.bufferUrls = Math.max(bufferFor(limits), 1);
  }

  /** Adds one URL (`url` normalised, for folding duplicates); returns the notices this completes. */
  add(submitted: string, url: string, host: string): Batch[] {
    if (this.seen.has(url)) {
      this.duplicatesFolded++;
      return [];
    }
    this.seen.add(url);
    const zone = zoneOf(host);
    let b = this.buckets.get(zone);
    if (!b) this.buckets.set(zone, (b = { urls: [], keys: [] }));
    b.urls.push(submitted);
    b.keys.push(url);
    this.buffered++;
    if (b.urls.length >= this.max) {
      this.buckets.delete(zone);
      this.buffered -= b.urls.length;
      for (const k of b.keys) this.seen.delete(k);
      return [{ urls: b.urls, zones: [[zone, b.urls.length]] }];
    }
    return this.buffered >= this.bufferUrls ? this.flush() : [];
  }

  /** The notices of everything still buffered (at the end of the input). */
  finish(): Batch[] {
    return this.flush();
  }

  private flush(): Batch[] {
    const zones = [...this.buckets].sort(([za, a], [zb, b]) => b.urls.length - a.urls.length || (za < zb ? -1 : za > zb ? 1 : 0));
    this.buckets.clear();
    this.seen.clear();
    this.buffered = 0;
    const bins: { size: number; parts: [string, Bucket][] }[] = [];
    const room = new LeftmostFit(zones.length, this.max);
    for (const entry of zones) {
      const i = room.take(entry[1].urls.length);
      const bin = (bins[i] ??= { size: 0, parts: [] });
      bin.size += entry[1].urls.length;
      bin.parts.push(entry);
    }
    return bins.map((bin) => ({
      urls: bin.parts.flatMap(([, b]) => b.urls),
      zones: bin.parts.map(([z, b]) => [z, b.urls.length]),
    }));
  }
}

/**
 * First fit in O(log n): the leftmost of `n` bins (all of capacity `capacity` at first) with room
 * for a size, found in a tree of the most room left under each node. A linear search is quadratic
 * when a buffer of 200,000 one-URL zones meets a small per-notice maximum.
 */
class LeftmostFit {
  private readonly leaves: number;
  private readonly most: Int32Array;

  constructor(n: number, capacity: number) {
    let leaves = 1;
    while (leaves < n) leaves *= 2;
    this.leaves = leaves;
    this.most = new Int32Array(2 * leaves).fill(capacity);
  }

  /** The index of the bin that takes `size` (at most the capacity); its room shrinks by it. */
  take(size: number): number {
    let node = 1;
    while (node < this.leaves) node = this.most[2 * node]! >= size ? 2 * node : 2 * node + 1;
    this.most[node] = this.most[node]! - size;
    for (let up = node >> 1; up >= 1; up >>= 1) this.most[up] = Math.max(this.most[2 * up]!, this.most[2 * up + 1]!);
    return node - this.leaves;
  }
}
