// What the staff console reads: the review queue (in the order things must be decided), an account's page, and search. Staff only:
// the routes check the role before calling these.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { exactTime, isExactTime } from '../storage/exact-time.ts';
import type { ItemState } from '../domain/item-state.ts';
import { classifySearch } from '../domain/search-query.ts';
import { REPORT_KINDS, type ReportKind } from '../domain/report-kinds.ts';
import { dueBy, QUEUE_ORDER, type QueueEntry, type QueueKey } from '../dsa/domain/trusted-flagger-queue.ts';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export interface QueueFilter {
  /** Items in this state make a notice appear (default: pending_review). */
  state: ItemState;
  kind?: string;
  /** Reporter: principal e-mail or the claimant's e-mail. */
  reporter?: string;
  account?: string;
  /** Position in the queue: the last row shown (decodeQueueCursor). */
  after?: QueueCursor;
  limit?: number;
}

export interface QueueRow {
  id: string;
  kind: string;
  channel: string;
  created_at: string;
  reporter: string;
  claimant: string;
  items_total: number;
  items_in_state: number;
  domains: string[];
  /** Filed by a trusted flagger within its expertise (DSA Art. 22). */
  trusted_flagger: boolean;
  priority: number;
  /** When the first decision is due (the kind's decideWithinHours after receipt). */
  due_by: string;
}

/** The SQL column of each key of the queue's order. */
const QUEUE_COLUMN: Record<QueueKey, string> = { trustedFlagger: 'n.trusted_flagger', priority: 'n.priority', createdAt: 'n.created_at', id: 'n.id' };
const QUEUE_CAST: Record<QueueKey, string> = { trustedFlagger: 'boolean', priority: 'smallint', createdAt: 'timestamptz', id: 'uuid' };

/** ORDER BY of QUEUE_ORDER: the SQL sorts as compareQueue does. */
const queueOrderBy = sql.raw(QUEUE_ORDER.map((o) => `${QUEUE_COLUMN[o.key]} ${o.dir.toUpperCase()}`).join(', '));

/**
 * A position in the queue: the last row shown, its receipt time as the store has it. The store
 * keeps microseconds and a Date only milliseconds: a cursor of Dates would find its own row again.
 */
export type QueueCursor = QueueEntry & { createdExact: string };

/** Rows after `e` in QUEUE_ORDER (mixed directions, so not one row comparison): k1 beyond, or k1 equal and k2 beyond, … */
function afterInQueue(e: QueueCursor) {
  const value = (k: QueueKey) => sql`${k === 'createdAt' ? e.createdExact : e[k]}::${sql.raw(QUEUE_CAST[k])}`;
  const col = (k: QueueKey) => sql.raw(QUEUE_COLUMN[k]);
  const alternatives = QUEUE_ORDER.map((o, i) => {
    const equal = QUEUE_ORDER.slice(0, i).map((p) => sql`${col(p.key)} = ${value(p.key)}`);
    const beyond = o.dir === 'asc' ? sql`${col(o.key)} > ${value(o.key)}` : sql`${col(o.key)} < ${value(o.key)}`;
    return sql.join([...equal, beyond], sql` AND `);
  });
  return sql`(${sql.join(
    alternatives.map((a) => sql`(${a})`),
    sql` OR `,
  )})`;
}

export function encodeQueueCursor(e: QueueCursor): string {
  return Buffer.from(JSON.stringify([e.trustedFlagger, e.priority, e.createdExact, e.id, e.kind])).toString('base64url');
}

/** A cursor from a link; null when it is not one this queue made. */
export function decodeQueueCursor(c: string): QueueCursor | null {
  try {
    const [t, p, at, id, kind] = JSON.parse(Buffer.from(c, 'base64url').toString()) as unknown[];
    const createdAt = new Date(String(at));
    if (typeof at !== 'string' || !isExactTime(at)) return null;
    if (typeof t !== 'boolean' || !Number.isInteger(p) || Number.isNaN(createdAt.getTime()) || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id))
      return null;
    if (!(REPORT_KINDS as readonly unknown[]).includes(kind)) return null;
    return { trustedFlagger: t, priority: p as number, createdAt, createdExact: at, id, kind: kind as ReportKind };
  } catch {
    return null;
  }
}

/** Notices with items in a state, in the order they must be decided (dsa/domain/trusted-flagger-queue.ts). */
export async function reviewQueue(db: Kysely<Database>, f: QueueFilter): Promise<{ rows: QueueRow[]; next: QueueCursor | null }> {
  const limit = Math.min(Math.max(f.limit ?? 50, 1), 200);
  const reporter = f.reporter?.trim().toLowerCase() || null;
  const account = f.account?.trim() || null;
  const rows = (
    await sql<{
      id: string;
      kind: ReportKind;
      channel: string;
      created_at: Date;
      created_exact: string;
      reporter: string;
      claimant: string;
      item_count: number;
      n: number;
      domains: string[];
      trusted_flagger: boolean;
      priority: number;
    }>`
      SELECT n.id, n.kind, n.channel, n.created_at, ${exactTime('n.created_at')} AS created_exact,
             p.email AS reporter,
             coalesce(n.submission #>> '{claimant,name}', '') AS claimant, n.item_count, s.n, s.domains,
             n.trusted_flagger, n.priority
      FROM (
        SELECT notice_id, count(*)::int AS n, (array_agg(DISTINCT zone) FILTER (WHERE zone IS NOT NULL))[1:3] AS domains
        FROM notice_items
        WHERE state = ${f.state} ${account ? sql`AND account_id = ${account}` : sql``}
        GROUP BY notice_id
      ) s
      JOIN notices n ON n.id = s.notice_id
      JOIN principals p ON p.id = n.reporter_id
      WHERE true
        ${f.kind ? sql`AND n.kind = ${f.kind}` : sql``}
        ${reporter ? sql`AND (lower(p.email) = ${reporter} OR lower(n.submission #>> '{claimant,email}') = ${reporter})` : sql``}
        ${f.after ? sql`AND ${afterInQueue(f.after)}` : sql``}
      ORDER BY ${queueOrderBy}
      LIMIT ${limit + 1}`.execute(db)
  ).rows;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const entry = (r: (typeof rows)[number]): QueueCursor => ({
    id: r.id,
    createdExact: r.created_exact,
    kind: r.kind,
    trustedFlagger: r.trusted_flagger,
    priority: r.priority,
    createdAt: new Date(r.created_at),
  });
  return {
    rows: page.map((r) => ({
      id: r.id,
      kind: r.kind,
      channel: r.channel,
      created_at: iso(r.created_at)!,
      reporter: r.reporter,
      claimant: r.claimant,
      items_total: r.item_count,
      items_in_state: r.n,
      domains: r.domains ?? [],
      trusted_flagger: r.trusted_flagger,
      priority: r.priority,
      due_by: dueBy(r.kind, new Date(r.created_at)).toISOString(),
    })),
    next: rows.length > limit && last ? entry(last) : null,
  };
}

export interface DeskCounts {
  items_pending_review: number;
  notices_pending_review: number;
  notices_processing: number;
  messages_pending: number;
  messages_failed: number;
}

export async function deskCounts(db: Kysely<Database>): Promise<DeskCounts> {
  const r = (
    await sql<DeskCounts>`
      SELECT (SELECT count(*) FROM notice_items WHERE state = 'pending_review')::int AS items_pending_review,
             (SELECT count(DISTINCT notice_id) FROM notice_items WHERE state = 'pending_review')::int AS notices_pending_review,
             (SELECT count(*) FROM notices WHERE status <> 'processed')::int AS notices_processing,
             (SELECT count(*) FROM outbox WHERE status = 'pending')::int AS messages_pending,
             (SELECT count(*) FROM outbox WHERE status = 'failed')::int AS messages_failed`.execute(db)
  ).rows[0]!;
  return r;
}

export interface AccountPage {
  account: { id: string; name: string; email: string; created_at: string };
  zones: { id: number; name: string; mode: string; origin: string; status: string; updated_at: string }[];
  zone_count: number;
  origin_history: { zone: string; origin: string; valid_from: string; valid_to: string | null }[];
  notices: { id: string; kind: string; created_at: string; items: number; states: Record<string, number> }[];
  /** Notices on which content of this account was disabled (the repeat-infringer policy refines this). */
  strikes: number;
}

export const ACCOUNT_ZONES_SHOWN = 200;

export async function accountPage(db: Kysely<Database>, accountId: string): Promise<AccountPage | null> {
  const a = await db.selectFrom('accounts').select(['id', 'name', 'email', 'created_at']).where('id', '=', accountId).executeTakeFirst();
  if (!a) return null;
  const zones = await db
    .selectFrom('zones')
    .select(['id', 'name', 'mode', 'origin', 'status', 'updated_at'])
    .where('account_id', '=', accountId)
    .orderBy('name')
    .limit(ACCOUNT_ZONES_SHOWN)
    .execute();
  const zoneCount = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM zones WHERE account_id = ${accountId}`.execute(db)).rows[0]!.n;
  const history = (
    await sql<{ zone: string; origin: string; valid_from: Date; valid_to: Date | null }>`
      SELECT z.name AS zone, o.origin, o.valid_from, o.valid_to
      FROM zone_origins o JOIN zones z ON z.id = o.zone_id
      WHERE z.account_id = ${accountId}
      ORDER BY o.valid_from DESC, o.id DESC
      LIMIT 500`.execute(db)
  ).rows;
  const notices = (
    await sql<{ id: string; kind: string; created_at: Date; items: number; states: Record<string, number> }>`
      SELECT n.id, n.kind, n.created_at, s.items, s.states
      FROM (
        SELECT notice_id, sum(c)::int AS items, jsonb_object_agg(state, c) AS states
        FROM (SELECT notice_id, state, count(*)::int AS c FROM notice_items WHERE account_id = ${accountId} GROUP BY notice_id, state) per_state
        GROUP BY notice_id
      ) s JOIN notices n ON n.id = s.notice_id
      ORDER BY n.created_at DESC
      LIMIT 500`.execute(db)
  ).rows;
  const strikes = (
    await sql<{
      n: number;
    }>`SELECT count(DISTINCT notice_id)::int AS n FROM notice_items WHERE account_id = ${accountId} AND state = 'content_disabled'`.execute(db)
  ).rows[0]!.n;
  return {
    account: { id: a.id, name: a.name, email: a.email, created_at: iso(a.created_at)! },
    zones: zones.map((z) => ({ id: z.id, name: z.name, mode: z.mode, origin: z.origin, status: z.status, updated_at: iso(z.updated_at)! })),
    zone_count: zoneCount,
    origin_history: history.map((h) => ({ zone: h.zone, origin: h.origin, valid_from: iso(h.valid_from)!, valid_to: iso(h.valid_to) })),
    notices: notices.map((n) => ({ id: n.id, kind: n.kind, created_at: iso(n.created_at)!, items: n.items, states: n.states })),
    strikes,
  };
}

export interface SearchResults {
  query: string;
  notices: { id: string; kind: string; created_at: string; claimant: string; items: number }[];
  items: { notice_id: string; position: number; url: string; state: string; zone: string | null }[];
  zones: { name: string; account_id: string; account_name: string; mode: string }[];
  accounts: { id: string; name: string; email: string }[];
  reporters: { id: string; email: string; name: string | null; notices: number }[];
}

const LIMIT = 50;

/** One box for everything: a notice number, a URL, a domain, an e-mail, an account or a name. */
export async function search(db: Kysely<Database>, input: string): Promise<SearchResults> {
  const q = classifySearch(input);
  const out: SearchResults = { query: input.trim(), notices: [], items: [], zones: [], accounts: [], reporters: [] };
  if (q.kind === 'empty') return out;
  const noticeRow = (r: { id: string; kind: string; created_at: Date; claimant: string | null; item_count: number }) => ({
    id: r.id,
    kind: r.kind,
    created_at: iso(r.created_at)!,
    claimant: r.claimant ?? '',
    items: r.item_count,
  });
  const noticesBy = (where: ReturnType<typeof sql>) =>
    sql<{ id: string; kind: string; created_at: Date; claimant: string | null; item_count: number }>`
      SELECT id, kind, created_at, submission #>> '{claimant,name}' AS claimant, item_count FROM notices WHERE ${where} ORDER BY created_at DESC LIMIT ${LIMIT}`.execute(
      db,
    );
  if (q.kind === 'notice_id') {
    out.notices = (await noticesBy(sql`id = ${q.id}::uuid`)).rows.map(noticeRow);
    return out;
  }
  if (q.kind === 'url') {
    // By host first (indexed), then the URL prefix among that host's items.
    out.items = (
      await sql<{ notice_id: string; position: number; url: string; state: string; zone: string | null }>`
        SELECT notice_id, position, url, state, zone FROM notice_items
        WHERE host = ${q.host} AND url LIKE ${likePrefix(q.url)} ORDER BY id DESC LIMIT ${LIMIT}`.execute(db)
    ).rows;
    return out;
  }
  if (q.kind === 'email') {
    out.reporters = (
      await sql<{ id: string; email: string; name: string | null; notices: number }>`
        SELECT p.id, p.email, p.name, (SELECT count(*)::int FROM notices n WHERE n.reporter_id = p.id) AS notices
        FROM principals p WHERE lower(p.email) = ${q.email} AND p.role = 'reporter' LIMIT ${LIMIT}`.execute(db)
    ).rows;
    out.notices = (await noticesBy(sql`lower(submission #>> '{claimant,email}') = ${q.email}`)).rows.map(noticeRow);
    out.accounts = await db
      .selectFrom('accounts')
      .select(['id', 'name', 'email'])
      .where(sql`lower(email)`, '=', q.email)
      .limit(LIMIT)
      .execute();
    return out;
  }
  if (q.kind === 'domain') {
    out.zones = await db
      .selectFrom('zones as z')
      .innerJoin('accounts as a', 'a.id', 'z.account_id')
      .select(['z.name', 'z.account_id', 'a.name as account_name', 'z.mode'])
      // The zone itself and the zones it would fall under (a.b.example.com → b.example.com, example.com).
      .where('z.name', 'in', parentNames(q.domain))
      .orderBy('z.name')
      .limit(LIMIT)
      .execute();
    out.items = (
      await sql<{ notice_id: string; position: number; url: string; state: string; zone: string | null }>`
        SELECT notice_id, position, coalesce(url, submitted_url) AS url, state, zone FROM notice_items WHERE host = ${q.domain} ORDER BY id DESC LIMIT ${LIMIT}`.execute(
        db,
      )
    ).rows;
  }
  // Words: accounts by id or name, reporters and claimants by name.
  const text = q.kind === 'domain' ? q.domain : q.text;
  out.accounts.push(
    ...(await db
      .selectFrom('accounts')
      .select(['id', 'name', 'email'])
      .where((eb) => eb.or([eb('id', '=', text), eb(sql`lower(name)`, 'like', likePrefix(text.toLowerCase()))]))
      .orderBy('name')
      .limit(LIMIT)
      .execute()),
  );
  if (q.kind === 'text') {
    out.notices = (
      await noticesBy(
        sql`lower(submission #>> '{claimant,name}') LIKE ${likePrefix(text.toLowerCase())} OR lower(submission #>> '{claimant,company}') LIKE ${likePrefix(text.toLowerCase())}`,
      )
    ).rows.map(noticeRow);
  }
  return out;
}

function parentNames(host: string): string[] {
  const labels = host.split('.');
  return labels.slice(0, -1).map((_, i) => labels.slice(i).join('.'));
}

function likePrefix(s: string): string {
  return `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
