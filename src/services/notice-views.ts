// What callers see of notices. Access is decided here once: the reporter who filed a notice and
// staff may read it; for anyone else it does not exist. Origin IPs never leave through these
// views (disclosure to trusted reporters is its own, logged path).
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { decodeKeyset, encodeKeyset, exactTime, type KeysetCursor } from '../storage/exact-time.ts';
import type { Principal } from './principals.ts';
import type { DmcaSubmission, NoticeSubmission } from '../domain/notice.ts';
import { ITEM_STATES, type ItemState } from '../domain/item-state.ts';

export interface ItemView {
  position: number;
  submitted_url: string;
  url: string | null;
  state: string;
  reason: string | null;
  zone: string | null;
  hosting_provider: { name: string; asn: number | null; abuse_email: string | null } | null;
  updated_at: string;
  /** Staff only: whose zone it is and the origin as it was when the notice was filed. */
  internal?: { account_id: string | null; mode: string | null; origin: string | null; origin_ips: string[] | null; origin_resolution: string | null };
}

export interface NoticeView {
  id: string;
  kind: string;
  channel: string;
  status: string;
  created_at: string;
  processed_at: string | null;
  progress: { items_total: number; items_resolved: number };
  counts: Partial<Record<ItemState, number>>;
  regime: NoticeSubmission['regime'];
  /** The report as filed, in its kind's fields (work, trademark, explanation, whois_request, …). */
  report: Omit<NoticeSubmission, 'kind' | 'regime' | 'comments'>;
  /** The first API version's fields of a copyright notice, kept at the top level for its clients. */
  work?: DmcaSubmission['work'];
  claimant: NoticeSubmission['claimant'] | null;
  statements?: DmcaSubmission['statements'];
  signature?: string;
  notify: NoticeSubmission['notify'];
  comments: string | null;
  items: ItemView[];
  items_page: { limit: number; next_after: number | null; state: string | null };
}

function withoutEnvelope(s: NoticeSubmission): NoticeView['report'] {
  const { kind: _k, regime: _r, comments: _c, ...report } = s;
  return report;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function canRead(viewer: Principal, reporterId: string): boolean {
  return viewer.role === 'staff' || viewer.id === reporterId;
}

/** Items by state: the processed notice's stored counts, or counted now while it is processed. */
export async function noticeCounts(db: Kysely<Database>, noticeId: string): Promise<Partial<Record<ItemState, number>>> {
  const n = await db.selectFrom('notices').select(['id', 'status', 'item_counts']).where('id', '=', noticeId).executeTakeFirst();
  return n ? countsOf(db, n) : {};
}

async function countsOf(
  db: Kysely<Database>,
  n: Pick<Selectable<Database['notices']>, 'id' | 'status' | 'item_counts'>,
): Promise<Partial<Record<ItemState, number>>> {
  if (n.status === 'processed' && n.item_counts) return n.item_counts as Partial<Record<ItemState, number>>;
  const rows = (
    await sql<{ state: ItemState; n: number }>`SELECT state, count(*)::int AS n FROM notice_items WHERE notice_id = ${n.id}::uuid GROUP BY state`.execute(db)
  ).rows;
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

export interface ItemPageQuery {
  after?: number;
  limit?: number;
  state?: ItemState;
}

export async function getNoticeView(db: Kysely<Database>, viewer: Principal, id: string, page: ItemPageQuery = {}): Promise<NoticeView | null> {
  return (await ownedNoticeView(db, viewer, id, page))?.view ?? null;
}

/** getNoticeView with the reporter who filed the notice: for a cache of views, which checks canRead itself. */
export async function ownedNoticeView(
  db: Kysely<Database>,
  viewer: Principal,
  id: string,
  page: ItemPageQuery = {},
): Promise<{ view: NoticeView; reporterId: string } | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
  const limit = Math.min(Math.max(page.limit ?? 1000, 1), 10_000);
  const n = await db.selectFrom('notices').selectAll().where('id', '=', id).executeTakeFirst();
  if (!n || !canRead(viewer, n.reporter_id)) return null;
  // The page as plain rows, in a statement of its own: aggregated into JSON with the notice (one
  // round trip) PostgreSQL spent ~40 ms building a page of 1,000 rows that it returns in ~4.
  let q = db
    .selectFrom('notice_items')
    .select([
      'position',
      'submitted_url',
      'url',
      'state',
      'reason',
      'zone',
      'host_name',
      'host_asn',
      'host_abuse_email',
      'updated_at',
      'account_id',
      'mode',
      'origin',
      'origin_ips',
      'origin_resolution',
    ])
    .where('notice_id', '=', id)
    .where('position', '>', page.after ?? -1)
    .orderBy('position')
    .limit(limit + 1);
  if (page.state) q = q.where('state', '=', page.state);
  const rows = await q.execute();
  const more = rows.length > limit;
  const items = rows.slice(0, limit).map((r): ItemView => ({
    position: r.position,
    submitted_url: r.submitted_url,
    url: r.url,
    state: r.state,
    reason: r.reason,
    zone: r.zone,
    hosting_provider: r.host_name ? { name: r.host_name, asn: r.host_asn === null ? null : Number(r.host_asn), abuse_email: r.host_abuse_email } : null,
    updated_at: iso(r.updated_at)!,
    ...(viewer.role === 'staff'
      ? { internal: { account_id: r.account_id, mode: r.mode, origin: r.origin, origin_ips: r.origin_ips, origin_resolution: r.origin_resolution } }
      : {}),
  }));
  const s = n.submission;
  const counts = await countsOf(db, n);
  const view: NoticeView = {
    id: n.id,
    kind: n.kind,
    channel: n.channel,
    status: n.status,
    created_at: iso(n.created_at)!,
    processed_at: iso(n.processed_at),
    progress: { items_total: n.item_count, items_resolved: n.items_resolved + (counts.invalid ?? 0) },
    counts,
    regime: s.regime,
    report: withoutEnvelope(s),
    ...(s.kind === 'copyright' ? { work: s.work, statements: s.statements, signature: s.signature } : {}),
    claimant: s.claimant ?? null,
    notify: s.notify,
    comments: s.comments ?? null,
    items,
    items_page: { limit, next_after: more ? items[items.length - 1]!.position : null, state: page.state ?? null },
  };
  return { view, reporterId: n.reporter_id };
}

export interface NoticeListQuery {
  status?: 'received' | 'processing' | 'processed';
  since?: Date;
  until?: Date;
  limit?: number;
  /** created_at|id of the last notice of the previous page. */
  cursor?: string;
}

export interface NoticeSummary {
  id: string;
  kind: string;
  channel: string;
  status: string;
  created_at: string;
  processed_at: string | null;
  items_total: number;
  items_resolved: number;
  first_url: string | null;
  domain: string | null;
}

/** Notices after the cursor in newest-first order. */
export const beforeCursor = (c: KeysetCursor) => sql<boolean>`(n.created_at, n.id) < (${c.at}::timestamptz, ${c.id}::uuid)`;

export async function listNotices(
  db: Kysely<Database>,
  viewer: Principal,
  q: NoticeListQuery,
): Promise<{ notices: NoticeSummary[]; next_cursor: string | null }> {
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
  let query = db
    .selectFrom('notices as n')
    .leftJoin('notice_items as first', (join) => join.onRef('first.notice_id', '=', 'n.id').on('first.position', '=', 0))
    .select([
      'n.id',
      'n.kind',
      'n.channel',
      'n.status',
      'n.created_at',
      'n.processed_at',
      'n.item_count',
      'n.items_resolved',
      'first.submitted_url as first_url',
      'first.host as first_host',
      exactTime('n.created_at').as('created_exact'),
    ])
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id', 'desc')
    .limit(limit + 1);
  if (viewer.role !== 'staff') query = query.where('n.reporter_id', '=', viewer.id);
  if (q.status) query = query.where('n.status', '=', q.status);
  if (q.since) query = query.where('n.created_at', '>=', q.since);
  if (q.until) query = query.where('n.created_at', '<', q.until);
  const cur = q.cursor ? decodeKeyset(q.cursor) : null;
  if (cur) query = query.where(beforeCursor(cur));
  const rows = await query.execute();
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  return {
    notices: page.map((r) => ({
      id: r.id,
      kind: r.kind,
      channel: r.channel,
      status: r.status,
      created_at: iso(r.created_at)!,
      processed_at: iso(r.processed_at),
      items_total: r.item_count,
      items_resolved: r.items_resolved,
      first_url: r.first_url ?? null,
      domain: r.first_host ?? null,
    })),
    next_cursor: more ? encodeKeyset({ at: page[page.length - 1]!.created_exact, id: page[page.length - 1]!.id }) : null,
  };
}

export interface EventView {
  id: number;
  at: string;
  actor: string;
  type: string;
  subject: { type: string; id: string };
  before: unknown;
  after: unknown;
  data: unknown;
}

export async function listNoticeEvents(
  db: Kysely<Database>,
  viewer: Principal,
  noticeId: string,
  q: { after?: number; limit?: number; scope?: 'all' | 'notice' },
): Promise<{ events: EventView[]; next_after: number | null } | null> {
  if (!/^[0-9a-f-]{36}$/i.test(noticeId)) return null;
  const n = await db.selectFrom('notices').select(['reporter_id']).where('id', '=', noticeId).executeTakeFirst();
  if (!n || !canRead(viewer, n.reporter_id)) return null;
  const limit = Math.min(Math.max(q.limit ?? 200, 1), 5000);
  let query = db
    .selectFrom('events')
    .select(['id', 'at', 'actor', 'type', 'subject_type', 'subject_id', 'before', 'after', 'data'])
    // A range on notice_id rather than =, ordered by (notice_id, id): the order then comes only
    // from an index led by notice_id (events_notice_timeline_idx for scope=notice). With =, when one
    // notice holds most events (one of 100,000 URLs) the planner walked the primary key in id order
    // filtering out its ~100,000 item events before the few notice-level ones (111 ms; now ~1 ms).
    .where('notice_id', '>=', noticeId)
    .where('notice_id', '<=', noticeId)
    .where('id', '>', q.after ?? 0)
    .orderBy('notice_id')
    .orderBy('id')
    .limit(limit + 1);
  if (q.scope === 'notice') query = query.where('subject_type', '!=', 'item');
  const rows = await query.execute();
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  return {
    events: page.map((e) => ({
      id: Number(e.id),
      at: iso(e.at)!,
      // Staff see who acted; others see the role only (no ids of staff members or other parties).
      actor: viewer.role === 'staff' || e.actor === `principal:${viewer.id}` || e.actor === 'system' ? e.actor : 'staff',
      type: e.type,
      subject: { type: e.subject_type, id: e.subject_id },
      before: viewer.role === 'staff' ? e.before : redactState(e.before),
      after: viewer.role === 'staff' ? e.after : redactState(e.after),
      // Message recipients' addresses are for staff; the reporter sees the role.
      data: viewer.role === 'staff' ? e.data : redactEventData(e.type, e.data),
    })),
    next_after: more ? Number(page[page.length - 1]!.id) : null,
  };
}

/** The provider's account ids are internal: a reporter sees zones, not who owns them. */
function redactState(v: unknown): unknown {
  if (!v || typeof v !== 'object' || !('account_id' in v)) return v;
  const { account_id: _a, ...rest } = v as Record<string, unknown>;
  return rest;
}

function redactEventData(type: string, data: unknown): unknown {
  if (!data || typeof data !== 'object') return data;
  if (type.startsWith('message.')) {
    const { to: _to, message_id: _m, ...rest } = data as Record<string, unknown>;
    return rest;
  }
  if (type === 'item.resolved') {
    const { dns_error: _d, ...rest } = data as Record<string, unknown>;
    return rest;
  }
  // Which account filed a counter notice, from which address, is the provider's business; the
  // complainant gets the counter notice itself by mail (§512(g)(2)(B)).
  if (type === 'notice.counter_notice_received' || type === 'notice.counter_notice_by_mail') {
    const { account_id: _a, from: _f, inbound_message_id: _i, errors: _e, ...rest } = data as Record<string, unknown>;
    return rest;
  }
  // Why staff acted by hand is the desk's note, not the complainant's business.
  if (type === 'notice.lifecycle_command' || type === 'publication.withheld') {
    const { reason: _r, ...rest } = data as Record<string, unknown>;
    return rest;
  }
  return data;
}

export function parseItemState(s: unknown): ItemState | undefined | 'bad' {
  if (s === undefined) return undefined;
  return typeof s === 'string' && (ITEM_STATES as readonly string[]).includes(s) ? (s as ItemState) : 'bad';
}
