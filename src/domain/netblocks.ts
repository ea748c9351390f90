// Netblock assignments with history: which account held an address block, from when until when.
// An ACNS notice names an IP address and a moment, not a URL; the account that held the address
// at that moment (not whoever holds it today) is the one the notice is about. Pure: no I/O.
//
// Addresses are keyed as 16 bytes, IPv4 as its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so both
// families share one ordering and a block is a plain [start, end] byte range that a btree index
// serves on PostgreSQL and PGlite alike (no inet operator classes needed).
import ipaddr from 'ipaddr.js';
import { parseCidr, tryParseIp, type ParsedCidr } from './ip-address.ts';
import { emptyFile, headerProblem, readCsvFile } from './csv-file.ts';

export interface NetblockRow {
  /** The CIDR in canonical spelling (IPv4 as a.b.c.d/n). */
  cidr: string;
  accountId: string;
  assignedFrom: Date;
  /** Exclusive end; null while the block is still assigned. */
  assignedTo: Date | null;
  line: number;
}

/** A block as a byte range over the 16-byte key space, with its prefix length in that space. */
export interface NetblockRange {
  start: Buffer;
  end: Buffer;
  /** Prefix length over 128 bits (an IPv4 /24 is 120), so longer always means more specific. */
  prefix: number;
}

export interface Assignment extends NetblockRange {
  cidr: string;
  accountId: string;
  assignedFrom: Date;
  assignedTo: Date | null;
}

export interface LineError {
  line: number;
  message: string;
}

const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function keyOfV4(v: number): Buffer {
  return Buffer.from([...V4_MAPPED_PREFIX, v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
}

function keyOfV6(v: bigint): Buffer {
  const out = Buffer.alloc(16);
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(v & 255n);
    v >>= 8n;
  }
  return out;
}

/** The 16-byte key of an address (IPv4 and IPv4-mapped IPv6 give the same key), or null if it is not one. */
export function ipKey(ip: string): Buffer | null {
  const a = tryParseIp(ip.trim());
  if (!a) return null;
  if (a.kind() === 'ipv4') return Buffer.from([...V4_MAPPED_PREFIX, ...(a as ipaddr.IPv4).octets]);
  return Buffer.from((a as ipaddr.IPv6).toByteArray());
}

export function rangeOf(c: ParsedCidr): NetblockRange {
  if (c.kind === 'ipv4') {
    const n = c.network as number;
    const size = c.prefix === 0 ? 2 ** 32 : 2 ** (32 - c.prefix);
    return { start: keyOfV4(n), end: keyOfV4(n + size - 1), prefix: 96 + c.prefix };
  }
  const n = c.network as bigint;
  const host = c.prefix === 128 ? 0n : (1n << BigInt(128 - c.prefix)) - 1n;
  return { start: keyOfV6(n), end: keyOfV6(n | host), prefix: c.prefix };
}

function canonicalCidr(c: ParsedCidr): string {
  const bytes = c.kind === 'ipv4' ? [...keyOfV4(c.network as number).subarray(12)] : [...keyOfV6(c.network as bigint)];
  return `${ipaddr.fromByteArray(bytes).toString()}/${c.prefix}`;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** An ISO 8601 date (midnight UTC) or date-time with a zone; a time without a zone is ambiguous and refused. */
export function parseInstant(s: string): Date | string {
  const t = s.trim();
  if (DATE_ONLY.test(t)) {
    const d = new Date(`${t}T00:00:00Z`);
    return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== t ? `"${t}" is not a calendar date` : d;
  }
  if (DATE_TIME.test(t)) {
    const d = new Date(t.replace(' ', 'T'));
    return Number.isNaN(d.getTime()) ? `"${t}" is not a valid date and time` : d;
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(t)) return `"${t}" has no time zone (add Z for UTC, or an offset such as +02:00)`;
  return `"${t}" is not an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SSZ)`;
}

const COLUMNS = ['cidr', 'account_id', 'assigned_from', 'assigned_to'] as const;
type Column = (typeof COLUMNS)[number];

function overlaps(a: { assignedFrom: Date; assignedTo: Date | null }, b: { assignedFrom: Date; assignedTo: Date | null }): boolean {
  const aEnd = a.assignedTo?.getTime() ?? Infinity;
  const bEnd = b.assignedTo?.getTime() ?? Infinity;
  return a.assignedFrom.getTime() < bEnd && b.assignedFrom.getTime() < aEnd;
}

/**
 * Parses a netblocks file: a header naming cidr, account_id, assigned_from and assigned_to (any
 * order, other columns ignored), then one assignment per line; blank lines and '#' comments are
 * skipped. Every problem of a line is reported with its 1-based line number and the good lines
 * are kept; a file that cannot be read at all (no header, not text, a quote left open…) throws
 * a CsvFileError. One block cannot be assigned twice over overlapping periods (the later line is
 * refused): the question "who held this address then" must have one answer per prefix.
 */
export function parseNetblocksCsv(text: string): { rows: NetblockRow[]; errors: LineError[] } {
  const rows: NetblockRow[] = [];
  const errors: LineError[] = [];
  const [header, ...records] = readCsvFile(text);
  if (!header) throw emptyFile(COLUMNS);
  const names = header.record.map((h) => h.trim().toLowerCase());
  const problem = headerProblem(names, COLUMNS, header.line);
  if (problem) throw problem;
  const col = Object.fromEntries(COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<Column, number>;

  const byCidr = new Map<string, NetblockRow[]>();
  for (const { record: f, line } of records) {
    const problems: string[] = [];
    const get = (c: Column) => (f[col[c]] ?? '').trim();
    const parsed = get('cidr') ? parseCidr(get('cidr')) : 'cidr is empty';
    if (typeof parsed === 'string') problems.push(`cidr: ${parsed}`);
    const accountId = get('account_id');
    if (!accountId) problems.push('account_id is empty');
    else if (accountId.length > 200) problems.push('account_id is longer than 200 characters');
    const from = get('assigned_from') ? parseInstant(get('assigned_from')) : 'assigned_from is empty';
    if (typeof from === 'string') problems.push(`assigned_from: ${from}`);
    const to = get('assigned_to') ? parseInstant(get('assigned_to')) : null;
    if (typeof to === 'string') problems.push(`assigned_to: ${to}`);
    if (from instanceof Date && to instanceof Date && to.getTime() <= from.getTime()) problems.push('assigned_to must be after assigned_from');
    if (problems.length || typeof parsed === 'string' || typeof from === 'string' || typeof to === 'string') {
      errors.push({ line, message: problems.join('; ') });
      continue;
    }
    const row: NetblockRow = { cidr: canonicalCidr(parsed), accountId, assignedFrom: from, assignedTo: to, line };
    const same = byCidr.get(row.cidr) ?? [];
    const clash = same.find((r) => overlaps(r, row));
    if (clash) {
      errors.push({ line, message: `${row.cidr} is already assigned over an overlapping period on line ${clash.line} (to ${clash.accountId})` });
      continue;
    }
    same.push(row);
    byCidr.set(row.cidr, same);
    rows.push(row);
  }
  return { rows, errors };
}

export function assignmentOf(r: { cidr: string; accountId: string; assignedFrom: Date; assignedTo: Date | null }): Assignment {
  const c = parseCidr(r.cidr);
  if (typeof c === 'string') throw new TypeError(c);
  return { ...rangeOf(c), cidr: r.cidr, accountId: r.accountId, assignedFrom: r.assignedFrom, assignedTo: r.assignedTo };
}

/** Is the assignment in force at `at` (from inclusive, to exclusive)? */
export function heldAt(a: { assignedFrom: Date; assignedTo: Date | null }, at: Date): boolean {
  return a.assignedFrom.getTime() <= at.getTime() && (a.assignedTo === null || at.getTime() < a.assignedTo.getTime());
}

/**
 * The assignment that covered `ip` at `at`: among those in force then, the most specific block
 * wins (a customer's /29 inside the provider's reseller /24). The SQL lookup in
 * services/netblocks.ts answers the same question over the stored rows.
 */
export function holderAt(assignments: readonly Assignment[], ip: string, at: Date): Assignment | null {
  const key = ipKey(ip);
  if (!key) return null;
  let best: Assignment | null = null;
  for (const a of assignments) {
    if (!heldAt(a, at) || Buffer.compare(a.start, key) > 0 || Buffer.compare(a.end, key) < 0) continue;
    if (!best || a.prefix > best.prefix || (a.prefix === best.prefix && a.assignedFrom > best.assignedFrom)) best = a;
  }
  return best;
}

export interface StoredAssignment {
  cidr: string;
  accountId: string;
  assignedFrom: Date;
  assignedTo: Date | null;
}

export type NetblockChange = { kind: 'added'; row: NetblockRow } | { kind: 'changed'; row: NetblockRow; before: StoredAssignment };

/**
 * What a re-import changes against what is stored. A row is the same assignment when it names
 * the same block and start; its account or end may be corrected. A new row that overlaps a stored
 * assignment of the same block with another start is refused (the file must close the old period
 * first), so the history never holds two holders of one prefix at one time.
 */
export function planNetblockImport(
  stored: readonly StoredAssignment[],
  rows: readonly NetblockRow[],
): { changes: NetblockChange[]; unchanged: number; errors: LineError[] } {
  const byCidr = new Map<string, StoredAssignment[]>();
  for (const s of stored) byCidr.set(s.cidr, [...(byCidr.get(s.cidr) ?? []), s]);
  const restated = new Map(rows.map((r) => [`${r.cidr}@${r.assignedFrom.getTime()}`, r]));
  const changes: NetblockChange[] = [];
  const errors: LineError[] = [];
  let unchanged = 0;
  for (const row of rows) {
    const existing = byCidr.get(row.cidr) ?? [];
    const same = existing.find((s) => s.assignedFrom.getTime() === row.assignedFrom.getTime());
    // A stored period that this file restates (same block and start) is judged by the file's end, not the stored one.
    const clash = existing.find((s) => s !== same && overlaps(restated.get(`${s.cidr}@${s.assignedFrom.getTime()}`) ?? s, row));
    if (clash) {
      errors.push({
        line: row.line,
        message: `${row.cidr} is already assigned to ${clash.accountId} from ${clash.assignedFrom.toISOString()}${clash.assignedTo ? ` to ${clash.assignedTo.toISOString()}` : ' with no end'}, which overlaps; close that period first`,
      });
      continue;
    }
    if (!same) changes.push({ kind: 'added', row });
    else if (same.accountId !== row.accountId || (same.assignedTo?.getTime() ?? null) !== (row.assignedTo?.getTime() ?? null))
      changes.push({ kind: 'changed', row, before: same });
    else unchanged++;
  }
  return { changes, unchanged, errors };
}
