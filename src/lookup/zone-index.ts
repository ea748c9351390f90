/**
 * In-memory index of the provider's zones (the domain names it serves), used
 * to find which zone a reported host belongs to: the longest zone that is the
 * host itself or a suffix of it on a label boundary.
 *
 *   zones example.com, b.example.com
 *   a.b.example.com -> b.example.com
 *   a.c.example.com -> example.com
 *   badexample.com  -> no match (not on a label boundary)
 *
 * Representation (sized for millions of zones, see bench/zone-index.ts):
 *
 * - `arena`: one byte array holding every zone as a record
 *   `[name length: 1 byte][name: ASCII bytes][zone id: LEB128 varint]`.
 *   Zone names are normalised DNS names (lower-case punycode), hence ASCII
 *   and at most 253 bytes.
 * - `table`: an open-addressing hash table with linear probing, two int32s
 *   per slot: `[hash, record offset + 1]`, 0 meaning empty. Keeping the hash
 *   next to the reference rejects almost every non-matching slot without
 *   touching the arena; deletion uses backward shifting, so there are no
 *   tombstones.
 *
 * Records orphaned by delete/replace are garbage in the arena; the arena is
 * compacted once garbage exceeds the live bytes.
 *
 * Lookups allocate nothing except the returned object (and the zone string it
 * carries): the suffix hashes of all label boundaries are computed in one
 * right-to-left pass over the host, with `charCodeAt`, into a preallocated
 * scratch array, then probed longest first.
 *
 * The walk never looks up the last label alone (a TLD is never a zone), but it
 * does not consult the public suffix list to stop at the registrable domain.
 * The only probe that would save is the one for a multi-label suffix such as
 * `co.uk`, and only when everything longer already missed; a tldts
 * `getPublicSuffix` call, which would be needed on every lookup, costs about
 * as much as that probe (bench/zone-index.ts, `zone_index_walk_costs`:
 * ~80-180 ns vs ~120 ns per missing probe at 1M zones, ~280-350 ns at 5M).
 * Since `co.uk` is never inserted as a zone, probing it just misses.
 */

import { randomBytes } from 'node:crypto';

/**
 * FNV-1a offset basis, perturbed per process so that zone names (which
 * customers choose) are much harder to precompute into colliding runs that
 * would degrade probing.
 */
const FNV_OFFSET = (0x811c9dc5 ^ randomBytes(4).readInt32LE(0)) | 0;
const FNV_PRIME = 0x01000193;
const DOT = 46;
const MAX_NAME_LENGTH = 253;
/** Grow the table when it would be fuller than this. */
const MAX_LOAD = 0.7;
const MIN_CAPACITY = 1024; // slots, power of two
const MIN_ARENA = 16 * 1024; // bytes
/** Record offsets are stored +1 in an Int32Array. */
const MAX_ARENA = 0x7fff_fff0;

/** murmur3 finaliser: spreads FNV's state so that low bits (the slot) are well mixed. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

function varintLength(n: number): number {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

export class ZoneIndex {
  /** `[hash, offset + 1]` per slot; capacity is a power of two. */
  private table: Int32Array = new Int32Array(2 * MIN_CAPACITY);
  private mask = MIN_CAPACITY - 1;
  private count = 0;
  private arena: Uint8Array = new Uint8Array(MIN_ARENA);
  private used = 0;
  private garbage = 0;
  /** Scratch for match(): `[start, raw hash]` per candidate suffix (≤ 127 dots in 253 chars). */
  private readonly candidates = new Int32Array(256);

  /** Number of zones. */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the index's typed arrays (the bulk of its memory). */
  get byteLength(): number {
    return this.table.byteLength + this.arena.byteLength + this.candidates.byteLength;
  }

  /**
   * Add a zone or replace its id. `zoneName` must already be normalised
   * (lower-case punycode, no trailing dot; see `normaliseHost`) and have at
   * least two labels: the walk in `match` never looks at a lone TLD.
   * `zoneId` must be a non-negative safe integer.
   * @throws TypeError / RangeError on a name or id that breaks these rules.
   */
  set(zoneName: string, zoneId: number): void {
    if (!Number.isSafeInteger(zoneId) || zoneId < 0) {
      throw new RangeError(`zone id must be a non-negative safe integer, got ${String(zoneId)}`);
    }
    const raw = hashZoneName(zoneName);
    const h = finish(raw);
    const len = zoneName.length;
    let slot = this.find(zoneName, 0, len, h);
    if (slot >= 0) {
      const oldOffset = this.table[2 * slot + 1]! - 1;
      const idAt = oldOffset + 1 + len;
      const oldIdLength = this.idLength(idAt);
      if (oldIdLength === varintLength(zoneId)) {
        this.writeVarint(idAt, zoneId);
        return;
      }
      this.garbage += 1 + len + oldIdLength;
      this.table[2 * slot + 1] = this.append(zoneName, zoneId) + 1;
      this.maybeCompact();
      return;
    }
    if (this.count + 1 > (this.mask + 1) * MAX_LOAD) this.resize(2 * (this.mask + 1));
    const offset = this.append(zoneName, zoneId);
    slot = h & this.mask;
    const table = this.table;
    while (table[2 * slot + 1] !== 0) slot = (slot + 1) & this.mask;
    table[2 * slot] = h;
    table[2 * slot + 1] = offset + 1;
    this.count++;
  }

  /** Remove a zone; returns whether it was present. */
  delete(zoneName: string): boolean {
    if (typeof zoneName !== 'string' || zoneName.length === 0 || zoneName.length > MAX_NAME_LENGTH) return false;
    const h = finish(hashSuffix(zoneName, 0));
    const hole = this.find(zoneName, 0, zoneName.length, h);
    if (hole < 0) return false;
    const table = this.table;
    const mask = this.mask;
    const offset = table[2 * hole + 1]! - 1;
    this.garbage += 1 + zoneName.length + this.idLength(offset + 1 + zoneName.length);
    this.count--;

    // Backward-shift deletion: pull later members of the probe run into the
    // hole unless their home slot lies cyclically in (hole, j].
    let i = hole;
    let j = hole;
    for (;;) {
      j = (j + 1) & mask;
      if (table[2 * j + 1] === 0) break;
      const home = table[2 * j]! & mask;
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (!stays) {
        table[2 * i] = table[2 * j]!;
        table[2 * i + 1] = table[2 * j + 1]!;
        i = j;
      }
    }
    table[2 * i] = 0;
    table[2 * i + 1] = 0;
    this.maybeCompact();
    return true;
  }

  /**
   * The zone `host` belongs to: the longest zone equal to `host` or to a
   * suffix of it starting after a dot. `host` must already be normalised
   * (lower-case punycode, no trailing dot); it is not validated, and a host
   * in any other form (upper case, trailing dot) misses.
   */
  match(host: string): { zone: string; zoneId: number } | undefined {
    const n = host.length;
    if (n === 0 || n > MAX_NAME_LENGTH) return undefined;
    const cand = this.candidates;
    let k = 0;
    let dots = 0;
    let h = FNV_OFFSET;
    for (let i = n - 1; i >= 0; i--) {
      const c = host.charCodeAt(i);
      if (c === DOT) {
        // h is the hash of host[i+1..]; the first dot from the right bounds
        // the TLD, which is never a zone.
        if (dots++ > 0) {
          cand[k++] = i + 1;
          cand[k++] = h;
        }
      }
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    if (dots === 0) return undefined;

    // Longest first: the whole host, then shorter suffixes.
    let slot = this.find(host, 0, n, finish(h));
    let start = 0;
    while (slot < 0 && k > 0) {
      k -= 2;
      start = cand[k]!;
      slot = this.find(host, start, n - start, finish(cand[k + 1]!));
    }
    if (slot < 0) return undefined;
    const recordOffset = this.table[2 * slot + 1]! - 1;
    return {
      zone: start === 0 ? host : host.slice(start),
      zoneId: this.readVarint(recordOffset + 1 + (n - start)),
    };
  }

  // -------------------------------------------------------------------------

  /** Slot holding `s[start..start+len)` with finished hash `h`, or -1. */
  private find(s: string, start: number, len: number, h: number): number {
    const table = this.table;
    const arena = this.arena;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const ref = table[2 * slot + 1]!;
      if (ref === 0) return -1;
      if (table[2 * slot] === h && arena[ref - 1] === len) {
        let p = ref;
        let i = start;
        const end = start + len;
        while (i < end && arena[p] === s.charCodeAt(i)) {
          p++;
          i++;
        }
        if (i === end) return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Append a record, returning its offset. */
  private append(name: string, id: number): number {
    const len = name.length;
    const size = 1 + len + varintLength(id);
    if (this.used + size > this.arena.length) this.growArena(size);
    const offset = this.used;
    const arena = this.arena;
    arena[offset] = len;
    for (let i = 0; i < len; i++) arena[offset + 1 + i] = name.charCodeAt(i);
    this.writeVarint(offset + 1 + len, id);
    this.used += size;
    return offset;
  }

  private writeVarint(at: number, n: number): void {
    const arena = this.arena;
    while (n >= 128) {
      arena[at++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    arena[at] = n;
  }

  private readVarint(at: number): number {
    const arena = this.arena;
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = arena[at++]!;
      value += (b & 127) * scale;
      if (b < 128) return value;
      scale *= 128;
    }
  }

  private idLength(at: number): number {
    let len = 1;
    while (this.arena[at++]! >= 128) len++;
    return len;
  }

  private growArena(needed: number): void {
    const required = this.used + needed;
    if (required > MAX_ARENA) throw new RangeError('ZoneIndex is full (2 GiB of zone names)');
    // 1.5x growth keeps the average slack around 17% rather than 33% with doubling.
    const length = Math.min(MAX_ARENA, Math.max(required, Math.ceil(this.arena.length * 1.5)));
    const next = new Uint8Array(length);
    next.set(this.arena.subarray(0, this.used));
    this.arena = next;
  }

  private resize(capacity: number): void {
    const old = this.table;
    const table = new Int32Array(2 * capacity);
    const mask = capacity - 1;
    for (let s = 0; s < old.length; s += 2) {
      const ref = old[s + 1]!;
      if (ref === 0) continue;
      const h = old[s]!;
      let slot = h & mask;
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = h;
      table[2 * slot + 1] = ref;
    }
    this.table = table;
    this.mask = mask;
  }

  /** Rewrite the arena without garbage once garbage outweighs live data. */
  private maybeCompact(): void {
    const live = this.used - this.garbage;
    if (this.garbage < MIN_ARENA || this.garbage <= live) return;
    const old = this.arena;
    const arena = new Uint8Array(Math.max(MIN_ARENA, Math.ceil(live * 1.25)));
    const table = this.table;
    let used = 0;
    for (let s = 1; s < table.length; s += 2) {
      const ref = table[s]!;
      if (ref === 0) continue;
      const from = ref - 1;
      let end = from + 1 + old[from]!;
      while (old[end++]! >= 128);
      arena.set(old.subarray(from, end), used);
      table[s] = used + 1;
      used += end - from;
    }
    this.arena = arena;
    this.used = used;
    this.garbage = 0;
  }
}

/** FNV-1a over `s[start..]`, right to left, so suffix hashes fall out of one pass in match(). */
function hashSuffix(s: string, start: number): number {
  let h = FNV_OFFSET;
  for (let i = s.length - 1; i >= start; i--) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/** Validate a zone name (see ZoneIndex.set) and return its raw hash. */
function hashZoneName(name: string): number {
  if (typeof name !== 'string') throw new TypeError('zone name must be a string');
  const n = name.length;
  if (n === 0 || n > MAX_NAME_LENGTH) {
    throw new RangeError(`zone name must be 1 to ${MAX_NAME_LENGTH} characters, got ${n}`);
  }
  let h = FNV_OFFSET;
  let dots = 0;
  let previous = DOT; // a leading dot counts as an empty label
  for (let i = n - 1; i >= 0; i--) {
    const c = name.charCodeAt(i);
    if (c === DOT) {
      if (previous === DOT) throw new RangeError(`zone name ${JSON.stringify(name)} has an empty label`);
      dots++;
    } else if (
      !((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f) // a-z 0-9 - _
    ) {
      throw new RangeError(`zone name ${JSON.stringify(name)} is not normalised: ${JSON.stringify(name[i])} is not allowed (use normaliseHost)`);
    }
    previous = c;
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  if (previous === DOT) throw new RangeError(`zone name ${JSON.stringify(name)} has an empty label`);
  if (dots === 0) throw new RangeError(`zone name ${JSON.stringify(name)} must have at least two labels`);
  return h;
}
