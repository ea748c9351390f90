// The bundled IP-to-ASN dataset as a compact range table: sorted typed arrays searched by binary
// search, organisation names interned, parsed from the dataset's CSV without per-row allocation.
// A data structure for speed; which network hosts an address is decided in
// src/domain/hosting-provider.ts.
import ipaddr from 'ipaddr.js';
import { parseIp, unmap, v4ToUint, type Address, type IPv4, type IPv6 } from '../domain/ip-address.ts';

/** Copies a substring so it no longer pins the (megabytes-long) string it was sliced from. */
function detach(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** Compares the 128-bit value at word offset `i*4` of `arr` with (a, b, c, d). */
function cmp6(arr: Uint32Array, i: number, a: number, b: number, c: number, d: number): number {
  const o = i * 4;
  let x = arr[o]!;
  if (x !== a) return x < a ? -1 : 1;
  x = arr[o + 1]!;
  if (x !== b) return x < b ? -1 : 1;
  x = arr[o + 2]!;
  if (x !== c) return x < c ? -1 : 1;
  x = arr[o + 3]!;
  if (x !== d) return x < d ? -1 : 1;
  return 0;
}

function cmp6at(a: Uint32Array, i: number, b: Uint32Array, j: number): number {
  const o = j * 4;
  return cmp6(a, i, b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!);
}

/**
 * Ranges are sorted by start. Usually each range ends after the previous one ends, and the
 * last range starting at or before x is the only candidate. When a range lies inside an
 * earlier, longer one, an address past the inner range's end but inside the outer one
 * needs the outer range: `parent[i]` is the nearest earlier range ending after range i ends
 * (-1 if none), so lookup walks from the candidate up that chain. Built only when needed.
 * Where ranges overlap, the one starting later wins (for nested ranges: the inner one).
 */
function buildParents(n: number, endsAfter: (j: number, i: number) => boolean): Int32Array | null {
  let needed = false;
  for (let i = 1; i < n && !needed; i++) if (endsAfter(i - 1, i)) needed = true;
  if (!needed) return null;
  const parent = new Int32Array(n);
  const stack: number[] = [];
  for (let i = 0; i < n; i++) {
    while (stack.length > 0 && !endsAfter(stack[stack.length - 1]!, i)) stack.pop();
    parent[i] = stack.length > 0 ? stack[stack.length - 1]! : -1;
    stack.push(i);
  }
  return parent;
}

class CsvDataError extends Error {
  constructor(file: string, line: number, what: string) {
    super(`ASN dataset ${file}, line ${line}: ${what}`);
    this.name = 'CsvDataError';
  }
}

/**
 * Interns organisation names across both files, detaching them from the CSV text. Most
 * ASNs carry one name on all their rows, so the name last seen with an ASN is compared in
 * place first, which skips slicing and hashing the name for ~80% of rows. ASN -> name
 * index lives in a small open-addressing table (a Map<number, number> was measurably slower).
 */
class NameInterner {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  private asnKeys = new Uint32Array(1 << 16);
  private asnVals = new Int32Array(1 << 16).fill(-1);
  private asnCount = 0;

  private slot(asn: number): number {
    const mask = this.asnKeys.length - 1;
    let h = (Math.imul(asn, 0x9e3779b1) >>> 0) & mask;
    while (this.asnVals[h] !== -1 && this.asnKeys[h] !== asn) h = (h + 1) & mask;
    return h;
  }

  private remember(asn: number, idx: number): void {
    let h = this.slot(asn);
    if (this.asnVals[h] === -1) {
      if (++this.asnCount * 2 > this.asnKeys.length) {
        const keys = this.asnKeys;
        const vals = this.asnVals;
        this.asnKeys = new Uint32Array(keys.length * 2);
        this.asnVals = new Int32Array(keys.length * 2).fill(-1);
        for (let i = 0; i < keys.length; i++) {
          if (vals[i] === -1) continue;
          const j = this.slot(keys[i]!);
          this.asnKeys[j] = keys[i]!;
          this.asnVals[j] = vals[i]!;
        }
        h = this.slot(asn);
      }
      this.asnKeys[h] = asn;
    }
    this.asnVals[h] = idx;
  }

  /** The index of the name at text[start, end), with `""` unescaped when `escaped`. */
  intern(text: string, start: number, end: number, escaped: boolean, asn: number): number {
    const known = this.asnVals[this.slot(asn)]!;
    if (known >= 0 && !escaped) {
      const name = this.names[known]!;
      if (name.length === end - start && text.startsWith(name, start)) return known;
    }
    let name = text.slice(start, end);
    if (escaped) name = name.replaceAll('""', '"');
    let idx = this.index.get(name);
    if (idx === undefined) {
      const own = detach(name);
      idx = this.names.length;
      this.names.push(own);
      this.index.set(own, idx);
    }
    this.remember(asn, idx);
    return idx;
  }
}

// Results of readAsnOrg(), kept in module scope so that parsing a row allocates nothing.
let rowAsn = 0;
let rowOrgStart = 0;
let rowOrgEnd = 0;
let rowOrgEscaped = false;

/**
 * Reads `asn,org` from `text` starting at `p` (just after the comma that ends the address
 * columns) up to `lineEnd` into rowAsn/rowOrg*. Returns null, or what is wrong.
 */
function readAsnOrg(text: string, p: number, lineEnd: number): string | null {
  let asn = 0;
  let digits = 0;
  let c = text.charCodeAt(p);
  while (c >= 48 && c <= 57) {
    asn = asn * 10 + (c - 48);
    digits++;
    c = text.charCodeAt(++p);
  }
  if (digits === 0 || digits > 10 || asn > 0xffffffff) return 'bad ASN';
  if (c !== 44) return 'expected "," after the ASN';
  p++;
  rowAsn = asn;
  if (text.charCodeAt(p) === 34) {
    let q = p + 1;
    let escaped = false;
    let close: number;
    for (;;) {
      close = text.indexOf('"', q);
      if (close < 0 || close >= lineEnd) return 'unterminated quoted organisation';
      if (text.charCodeAt(close + 1) === 34) {
        escaped = true;
        q = close + 2;
        continue;
      }
      break;
    }
    if (close + 1 !== lineEnd) return 'unexpected text after the quoted organisation';
    rowOrgStart = p + 1;
    rowOrgEnd = close;
    rowOrgEscaped = escaped;
  } else {
    rowOrgStart = p;
    rowOrgEnd = lineEnd;
    rowOrgEscaped = false;
  }
  return null;
}

/** Index of the end of the line starting at `pos`, excluding a trailing \r; the next line starts after the following \n. */
function lineEndAt(text: string, pos: number): number {
  let nl = text.indexOf('\n', pos);
  if (nl < 0) nl = text.length;
  return nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
}

function nextLineAt(text: string, lineEnd: number): number {
  return text.charCodeAt(lineEnd) === 13 ? lineEnd + 2 : lineEnd + 1;
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[65 + i] = 10 + i;
  HEX[97 + i] = 10 + i;
}

/** Parses `text[from, to)` as an IPv6 address into four 32-bit words at out[off..off+3]. */
function parseV6Words(text: string, from: number, to: number, out: Uint32Array, off: number, groups: number[]): boolean {
  let n = 0;
  let gap = -1;
  let i = from;
  if (text.charCodeAt(i) === 58 && text.charCodeAt(i + 1) === 58) {
    gap = 0;
    i += 2;
  }
  while (i < to) {
    let v = 0;
    let d = 0;
    let c = text.charCodeAt(i);
    while (d < 5 && c < 128 && HEX[c]! >= 0) {
      v = (v << 4) | HEX[c]!;
      d++;
      c = text.charCodeAt(++i);
    }
    if (d === 0 || d > 4 || n === 8) return parseV6Slow(text, from, to, out, off);
    groups[n++] = v;
    if (i === to) break;
    if (c !== 58) return parseV6Slow(text, from, to, out, off);
    i++;
    if (text.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = n;
      i++;
    } else if (i === to) {
      return false;
    }
  }
  if (gap < 0 ? n !== 8 : n > 7) return false;
  if (gap >= 0) {
    const zeros = 8 - n;
    for (let k = n - 1; k >= gap; k--) groups[k + zeros] = groups[k]!;
    for (let k = gap; k < gap + zeros; k++) groups[k] = 0;
  }
  for (let k = 0; k < 4; k++) out[off + k] = groups[2 * k]! * 65536 + groups[2 * k + 1]!;
  return true;
}

/** Anything the fast path does not handle (embedded IPv4, odd forms) goes through ipaddr.js. */
function parseV6Slow(text: string, from: number, to: number, out: Uint32Array, off: number): boolean {
  const s = text.slice(from, to);
  if (!ipaddr.IPv6.isValid(s)) return false;
  const p = ipaddr.IPv6.parse(s).parts;
  for (let k = 0; k < 4; k++) out[off + k] = p[2 * k]! * 65536 + p[2 * k + 1]!;
  return true;
}

interface Rows {
  /** IPv4: one uint32 per range; IPv6: four big-endian 32-bit words per range. */
  start: Uint32Array;
  end: Uint32Array;
  asn: Uint32Array;
  org: Uint32Array;
}

/** Upper bound on the number of rows: newlines, plus one for a last line without one. */
function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n + 1;
}

function trimRows(r: Rows, n: number, words: number): Rows {
  return { start: r.start.slice(0, n * words), end: r.end.slice(0, n * words), asn: r.asn.slice(0, n), org: r.org.slice(0, n) };
}

/** `start_int,end_int,asn,org` lines. */
function parseV4Rows(text: string, names: NameInterner): Rows {
  const cap = countLines(text);
  const r: Rows = { start: new Uint32Array(cap), end: new Uint32Array(cap), asn: new Uint32Array(cap), org: new Uint32Array(cap) };
  const { start: s4, end: e4, asn: a4, org: o4 } = r;
  const len = text.length;
  let n = 0;
  let pos = 0;
  let line = 0;
  let prevStart = -1;
  while (pos < len) {
    line++;
    const lineEnd = lineEndAt(text, pos);
    const next = nextLineAt(text, lineEnd);
    if (lineEnd === pos) {
      pos = next;
      continue;
    }
    let p = pos;
    let start = 0;
    let end = 0;
    let d = 0;
    let c = text.charCodeAt(p);
    while (c >= 48 && c <= 57) {
      start = start * 10 + (c - 48);
      d++;
      c = text.charCodeAt(++p);
    }
    if (d === 0 || d > 10 || c !== 44 || start > 0xffffffff) throw new CsvDataError('ipv4', line, 'bad range start');
    c = text.charCodeAt(++p);
    d = 0;
    while (c >= 48 && c <= 57) {
      end = end * 10 + (c - 48);
      d++;
      c = text.charCodeAt(++p);
    }
    if (d === 0 || d > 10 || c !== 44 || end > 0xffffffff || end < start) throw new CsvDataError('ipv4', line, 'bad range end');
    if (start < prevStart) throw new CsvDataError('ipv4', line, 'ranges are not sorted by start');
    prevStart = start;
    const bad = readAsnOrg(text, p + 1, lineEnd);
    if (bad !== null) throw new CsvDataError('ipv4', line, bad);
    s4[n] = start;
    e4[n] = end;
    a4[n] = rowAsn;
    o4[n] = names.intern(text, rowOrgStart, rowOrgEnd, rowOrgEscaped, rowAsn);
    n++;
    pos = next;
  }
  return trimRows(r, n, 1);
}

/** `start_ip,end_ip,asn,org` lines. */
function parseV6Rows(text: string, names: NameInterner): Rows {
  const cap = countLines(text);
  const r: Rows = { start: new Uint32Array(cap * 4), end: new Uint32Array(cap * 4), asn: new Uint32Array(cap), org: new Uint32Array(cap) };
  const { start: s6, end: e6, asn: a6, org: o6 } = r;
  const groups: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  const len = text.length;
  let n = 0;
  let pos = 0;
  let line = 0;
  while (pos < len) {
    line++;
    const lineEnd = lineEndAt(text, pos);
    const next = nextLineAt(text, lineEnd);
    if (lineEnd === pos) {
      pos = next;
      continue;
    }
    const c1 = text.indexOf(',', pos);
    if (c1 < 0 || c1 >= lineEnd || !parseV6Words(text, pos, c1, s6, n * 4, groups)) {
      throw new CsvDataError('ipv6', line, 'bad range start');
    }
    const c2 = text.indexOf(',', c1 + 1);
    if (c2 < 0 || c2 >= lineEnd || !parseV6Words(text, c1 + 1, c2, e6, n * 4, groups)) {
      throw new CsvDataError('ipv6', line, 'bad range end');
    }
    if (cmp6at(e6, n, s6, n) < 0) throw new CsvDataError('ipv6', line, 'range ends before it starts');
    if (n > 0 && cmp6at(s6, n, s6, n - 1) < 0) throw new CsvDataError('ipv6', line, 'ranges are not sorted by start');
    const bad = readAsnOrg(text, c2 + 1, lineEnd);
    if (bad !== null) throw new CsvDataError('ipv6', line, bad);
    a6[n] = rowAsn;
    o6[n] = names.intern(text, rowOrgStart, rowOrgEnd, rowOrgEscaped, rowAsn);
    n++;
    pos = next;
  }
  return trimRows(r, n, 4);
}

export class AsnTable {
  private constructor(
    private readonly v4Start: Uint32Array,
    private readonly v4End: Uint32Array,
    private readonly v4Asn: Uint32Array,
    private readonly v4Org: Uint32Array,
    private readonly v4Parent: Int32Array | null,
    /** 128-bit starts/ends as four big-endian 32-bit words each. */
    private readonly v6Start: Uint32Array,
    private readonly v6End: Uint32Array,
    private readonly v6Asn: Uint32Array,
    private readonly v6Org: Uint32Array,
    private readonly v6Parent: Int32Array | null,
    private readonly names: string[],
  ) {}

  /**
   * Builds the table from `asn-ipv4-num.csv` (`start_int,end_int,asn,org`) and
   * `asn-ipv6.csv` (`start_ip,end_ip,asn,org`) text; org may be a double-quoted CSV field.
   * Rows must be sorted by start. Throws on a malformed line, naming file and line.
   */
  static fromCsv(ipv4NumCsv: string, ipv6Csv: string): AsnTable {
    const names = new NameInterner();
    const v4 = parseV4Rows(ipv4NumCsv, names);
    const v6 = parseV6Rows(ipv6Csv, names);
    const e4 = v4.end;
    const e6 = v6.end;
    return new AsnTable(
      v4.start,
      e4,
      v4.asn,
      v4.org,
      buildParents(v4.asn.length, (j, i) => e4[j]! > e4[i]!),
      v6.start,
      e6,
      v6.asn,
      v6.org,
      buildParents(v6.asn.length, (j, i) => cmp6at(e6, j, e6, i) > 0),
      names.names,
    );
  }

  /** The dataset's ASN and organisation for `ip`, or undefined when no range holds it. Throws TypeError if `ip` is not an IP address. */
  lookup(ip: string): { asn: number; name: string } | undefined {
    return this.lookupAddress(parseIp(ip));
  }

  /** Same as lookup() for an address already parsed by ipaddr.js. IPv4-mapped IPv6 addresses use the IPv4 table. */
  lookupAddress(address: Address): { asn: number; name: string } | undefined {
    const addr = unmap(address);
    if (addr.kind() === 'ipv4') {
      const i = this.findV4(v4ToUint(addr as IPv4));
      return i < 0 ? undefined : { asn: this.v4Asn[i]!, name: this.names[this.v4Org[i]!]! };
    }
    const p = (addr as IPv6).parts;
    const i = this.findV6(p[0]! * 65536 + p[1]!, p[2]! * 65536 + p[3]!, p[4]! * 65536 + p[5]!, p[6]! * 65536 + p[7]!);
    return i < 0 ? undefined : { asn: this.v6Asn[i]!, name: this.names[this.v6Org[i]!]! };
  }

  private findV4(x: number): number {
    const starts = this.v4Start;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    let i = lo - 1;
    const ends = this.v4End;
    while (i >= 0 && ends[i]! < x) i = this.v4Parent === null ? -1 : this.v4Parent[i]!;
    return i;
  }

  private findV6(a: number, b: number, c: number, d: number): number {
    const starts = this.v6Start;
    let lo = 0;
    let hi = this.v6Asn.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp6(starts, mid, a, b, c, d) <= 0) lo = mid + 1;
      else hi = mid;
    }
    let i = lo - 1;
    while (i >= 0 && cmp6(this.v6End, i, a, b, c, d) < 0) i = this.v6Parent === null ? -1 : this.v6Parent[i]!;
    return i;
  }

  /** IPv4 plus IPv6 ranges. */
  get rangeCount(): number {
    return this.v4Asn.length + this.v6Asn.length;
  }

  get ipv4RangeCount(): number {
    return this.v4Asn.length;
  }

  get ipv6RangeCount(): number {
    return this.v6Asn.length;
  }

  /** Distinct organisation names (shared by the IPv4 and IPv6 ranges). */
  get organisationCount(): number {
    return this.names.length;
  }
}
