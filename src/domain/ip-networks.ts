// Who hosts an origin IP: the bundled IP-to-ASN dataset, corrected and completed by
// operator overrides (which add the abuse contacts the dataset lacks). Pure: no I/O.
import ipaddr from 'ipaddr.js';

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;
type Address = IPv4 | IPv6;

export interface HostingProvider {
  asn: number | null;
  name: string;
  abuseEmail: string | null;
  source: 'override' | 'asn-dataset';
}

export interface NetworkOverride {
  cidr: string;
  asn: number | null;
  name: string;
  abuseEmail: string | null;
}

// ---------------------------------------------------------------------------
// Address parsing (strict) and helpers

// Four-part decimal only: ipaddr.js alone would also accept '127.1', '0x7f.0.0.1' and
// '010.0.0.1' (octal!), none of which a resolver ever produces.
const IPV4_SHAPE = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;

export function tryParseIp(ip: string): Address | null {
  if (typeof ip !== 'string') return null;
  try {
    if (ip.includes(':')) return ipaddr.IPv6.parse(ip);
    if (IPV4_SHAPE.test(ip)) return ipaddr.IPv4.parse(ip);
  } catch {
    // fall through
  }
  return null;
}

function parseIp(ip: string): Address {
  const addr = tryParseIp(ip);
  if (addr === null) throw new TypeError(`not an IP address: ${JSON.stringify(ip)}`);
  return addr;
}

function isV4Mapped(p: number[]): boolean {
  return p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0xffff;
}

/** `::ffff:a.b.c.d` becomes the IPv4 address it carries; everything else is returned as is. */
function unmap(addr: Address): Address {
  if (addr.kind() === 'ipv6' && isV4Mapped((addr as IPv6).parts)) return (addr as IPv6).toIPv4Address();
  return addr;
}

function v4ToUint(addr: IPv4): number {
  const o = addr.octets;
  return ((o[0]! << 24) >>> 0) + (o[1]! << 16) + (o[2]! << 8) + o[3]!;
}

function v6ToBigInt(addr: IPv6): bigint {
  let v = 0n;
  for (const part of addr.parts) v = (v << 16n) | BigInt(part);
  return v;
}

/** A public, globally routed unicast address (after unmapping); private, loopback, link-local, CGNAT, documentation, multicast, 6to4, Teredo... are not. */
function isPublicUnicast(addr: Address): boolean {
  return addr.range() === 'unicast';
}

/** Copies a substring so it no longer pins the (megabytes-long) string it was sliced from. */
function detach(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

// ---------------------------------------------------------------------------
// AsnTable

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

// ---------------------------------------------------------------------------
// NetworkOverrides

export interface ParsedCidr {
  kind: 'ipv4' | 'ipv6';
  /** Network address: a uint32 for IPv4, a 128-bit bigint for IPv6. */
  network: number | bigint;
  prefix: number;
}

const V4_CIDR_SHAPE = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}\/(?:0|[1-9]\d?)$/;

/**
 * Parses a CIDR strictly: four-part decimal IPv4 or any IPv6 form ipaddr.js accepts,
 * a prefix length, and no host bits set (as PostgreSQL's `cidr` type requires).
 * `::ffff:a.b.c.d/n` with n >= 96 is read as the IPv4 network a.b.c.d/(n-96).
 */
export function parseCidr(cidr: string): ParsedCidr | string {
  const s = cidr.trim();
  if (!s.includes('/')) return `"${s}" has no prefix length (write e.g. ${s.includes(':') ? `${s}/128` : `${s}/32`})`;
  let addr: Address;
  let prefix: number;
  try {
    if (s.includes(':')) {
      [addr, prefix] = ipaddr.IPv6.parseCIDR(s);
    } else {
      if (!V4_CIDR_SHAPE.test(s)) return `"${s}" is not a CIDR block`;
      [addr, prefix] = ipaddr.IPv4.parseCIDR(s);
    }
  } catch {
    return `"${s}" is not a CIDR block`;
  }
  if (addr.kind() === 'ipv6' && (addr as IPv6).zoneId !== undefined) return `"${s}" is not a CIDR block (zone index not allowed)`;
  if (addr.kind() === 'ipv6' && isV4Mapped((addr as IPv6).parts) && prefix >= 96) {
    addr = (addr as IPv6).toIPv4Address();
    prefix -= 96;
  }
  if (addr.kind() === 'ipv4') {
    const v = v4ToUint(addr as IPv4);
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    const network = (v & mask) >>> 0;
    if (network !== v) return `"${s}" has host bits set (did you mean ${ipaddr.fromByteArray(uintToBytes(network)).toString()}/${prefix}?)`;
    return { kind: 'ipv4', network, prefix };
  }
  const v = v6ToBigInt(addr as IPv6);
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(128 - prefix);
  const network = v & mask;
  if (network !== v) {
    return `"${s}" has host bits set (did you mean ${ipaddr.fromByteArray(bigToBytes(network)).toString()}/${prefix}?)`;
  }
  return { kind: 'ipv6', network, prefix };
}

function uintToBytes(v: number): number[] {
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

function bigToBytes(v: bigint): number[] {
  const out: number[] = new Array<number>(16);
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(v & 255n);
    v >>= 8n;
  }
  return out;
}

/** A key identifying the network a CIDR denotes, whatever its spelling. */
function cidrKey(c: ParsedCidr): string {
  return `${c.kind}/${c.network.toString(16)}/${c.prefix}`;
}

export class NetworkOverrides {
  /** prefix length -> network -> row, with the prefix lengths in use, longest first. */
  private readonly v4 = new Map<number, Map<number, NetworkOverride>>();
  private readonly v4Prefixes: number[];
  private readonly v6 = new Map<number, Map<bigint, NetworkOverride>>();
  private readonly v6Prefixes: number[];
  private readonly emailByAsn = new Map<number, string>();

  /**
   * Throws TypeError on a row whose CIDR is invalid or has host bits set. When two rows
   * denote the same network the first one is kept. abuseEmailForAsn() answers with the
   * first row (in order) that has both that ASN and an e-mail.
   */
  constructor(rows: NetworkOverride[]) {
    rows.forEach((row, i) => {
      const c = parseCidr(row.cidr);
      if (typeof c === 'string') throw new TypeError(`network override #${i + 1}: ${c}`);
      if (c.kind === 'ipv4') {
        let byNet = this.v4.get(c.prefix);
        if (!byNet) this.v4.set(c.prefix, (byNet = new Map()));
        if (!byNet.has(c.network as number)) byNet.set(c.network as number, row);
      } else {
        let byNet = this.v6.get(c.prefix);
        if (!byNet) this.v6.set(c.prefix, (byNet = new Map()));
        if (!byNet.has(c.network as bigint)) byNet.set(c.network as bigint, row);
      }
      if (row.asn !== null && row.abuseEmail && !this.emailByAsn.has(row.asn)) this.emailByAsn.set(row.asn, row.abuseEmail);
    });
    this.v4Prefixes = [...this.v4.keys()].sort((a, b) => b - a);
    this.v6Prefixes = [...this.v6.keys()].sort((a, b) => b - a);
  }

  /** The most specific override whose CIDR contains `ip` (longest prefix), if any. Throws TypeError if `ip` is not an IP address. */
  lookup(ip: string): NetworkOverride | undefined {
    return this.lookupAddress(parseIp(ip));
  }

  /** Same as lookup() for an address already parsed by ipaddr.js; IPv4-mapped IPv6 matches IPv4 overrides. */
  lookupAddress(address: Address): NetworkOverride | undefined {
    const addr = unmap(address);
    if (addr.kind() === 'ipv4') {
      if (this.v4Prefixes.length === 0) return undefined;
      const v = v4ToUint(addr as IPv4);
      for (const prefix of this.v4Prefixes) {
        const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
        const hit = this.v4.get(prefix)!.get((v & mask) >>> 0);
        if (hit) return hit;
      }
      return undefined;
    }
    if (this.v6Prefixes.length === 0) return undefined;
    const v = v6ToBigInt(addr as IPv6);
    for (const prefix of this.v6Prefixes) {
      const hit = this.v6.get(prefix)!.get(prefix === 0 ? 0n : (v >> BigInt(128 - prefix)) << BigInt(128 - prefix));
      if (hit) return hit;
    }
    return undefined;
  }

  /** The abuse e-mail of an override row with this ASN, or null. */
  abuseEmailForAsn(asn: number): string | null {
    return this.emailByAsn.get(asn) ?? null;
  }
}

// ---------------------------------------------------------------------------
// The answer

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

// ---------------------------------------------------------------------------
// Operator CSV

/**
 * Splits one CSV line into fields. Double-quoted fields may contain commas and `""`
 * (a literal quote); blanks around a field are trimmed. Returns a message on bad quoting.
 */
export function splitCsvLine(line: string): string[] | string {
  const fields: string[] = [];
  const len = line.length;
  let i = 0;
  for (;;) {
    while (i < len && (line[i] === ' ' || line[i] === '\t')) i++;
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) return `unterminated quoted field (field ${fields.length + 1})`;
        value += line.slice(j, q);
        if (line[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      while (i < len && (line[i] === ' ' || line[i] === '\t')) i++;
      if (i < len && line[i] !== ',') return `unexpected text after the closing quote of field ${fields.length + 1}`;
      fields.push(value);
    } else {
      let j = line.indexOf(',', i);
      if (j < 0) j = len;
      const value = line.slice(i, j).trim();
      if (value.includes('"')) return `stray quote in unquoted field ${fields.length + 1} (quote the whole field and double inner quotes)`;
      fields.push(value);
      i = j;
    }
    if (i >= len) return fields;
    i++; // the comma
  }
}

const REQUIRED_COLUMNS = ['cidr', 'asn', 'name', 'abuse_email'] as const;
type Column = (typeof REQUIRED_COLUMNS)[number];

// Pragmatic address check: local@domain.tld, no blanks, no characters that need quoting.
const EMAIL = /^[^\s@"(),:;<>[\]\\]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/**
 * Parses an operator's overrides file: a header naming the columns cidr, asn, name and
 * abuse_email (any order; other columns are ignored), then one network per line. Blank
 * lines and lines starting with '#' are skipped. asn and abuse_email may be empty; asn may
 * be written AS13335. Every problem is reported with its 1-based line number; lines without
 * problems are returned even when others have some. A CIDR given twice (in any spelling)
 * is an error on the later line.
 */
export function parseNetworksCsv(text: string): { rows: NetworkOverride[]; errors: { line: number; message: string }[] } {
  const rows: NetworkOverride[] = [];
  const errors: { line: number; message: string }[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);

  let headerLine = -1;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l !== '' && !l.startsWith('#')) {
      headerLine = i;
      break;
    }
  }
  if (headerLine < 0) {
    errors.push({ line: 1, message: `empty file: expected a header line "${REQUIRED_COLUMNS.join(',')}"` });
    return { rows, errors };
  }
  const header = splitCsvLine(lines[headerLine]!);
  if (typeof header === 'string') {
    errors.push({ line: headerLine + 1, message: `header: ${header}` });
    return { rows, errors };
  }
  const names = header.map((h) => h.trim().toLowerCase());
  const col = {} as Record<Column, number>;
  const missing: string[] = [];
  for (const c of REQUIRED_COLUMNS) {
    const at = names.indexOf(c);
    if (at < 0) missing.push(c);
    else if (names.indexOf(c, at + 1) >= 0) {
      errors.push({ line: headerLine + 1, message: `header names column "${c}" twice` });
      return { rows, errors };
    } else col[c] = at;
  }
  if (missing.length > 0) {
    errors.push({
      line: headerLine + 1,
      message: `header is missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (expected "${REQUIRED_COLUMNS.join(',')}")`,
    });
    return { rows, errors };
  }

  const seen = new Map<string, number>();
  for (let i = headerLine + 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const fields = splitCsvLine(raw);
    if (typeof fields === 'string') {
      errors.push({ line: lineNo, message: fields });
      continue;
    }
    if (fields.length !== header.length) {
      errors.push({
        line: lineNo,
        message: `expected ${header.length} fields, found ${fields.length}` + (fields.length > header.length ? ' (quote a name that contains a comma)' : ''),
      });
      continue;
    }
    const problems: string[] = [];

    const cidr = fields[col.cidr]!;
    let key: string | null = null;
    if (cidr === '') problems.push('missing cidr');
    else {
      const c = parseCidr(cidr);
      if (typeof c === 'string') problems.push(`bad cidr: ${c}`);
      else key = cidrKey(c);
    }

    const asnText = fields[col.asn]!;
    let asn: number | null = null;
    if (asnText !== '') {
      const m = /^(?:AS)?(\d{1,10})$/i.exec(asnText);
      const n = m ? Number(m[1]) : NaN;
      if (!m) problems.push(`bad asn: "${asnText}" is not a number`);
      else if (n < 1 || n > 0xffffffff) problems.push(`bad asn: ${asnText} is outside 1..4294967295`);
      else asn = n;
    }

    const name = fields[col.name]!;
    if (name === '') problems.push('missing name');

    const email = fields[col.abuse_email]!;
    if (email !== '' && !EMAIL.test(email)) problems.push(`bad abuse_email: "${email}" is not an e-mail address`);

    if (key !== null && problems.length === 0) {
      const first = seen.get(key);
      if (first !== undefined) problems.push(`duplicate cidr: ${cidr} is already given on line ${first}`);
      else seen.set(key, lineNo);
    }

    if (problems.length > 0) {
      for (const message of problems) errors.push({ line: lineNo, message });
      continue;
    }
    rows.push({ cidr, asn, name, abuseEmail: email === '' ? null : email });
  }
  return { rows, errors };
}
