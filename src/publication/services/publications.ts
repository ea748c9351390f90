// Publication of processed notices: queueing (by policy when processing completes, by the
// reporter's request, or by the staff page's sweep — idempotent, one row per notice), staff review
// (publish / withhold), and the public reads, which see the redacted record of published notices
// and nothing else. Every change is an event (publication.queued / .published / .withheld).
import { sql, type Kysely } from 'kysely';
import type { Database, PublicationStatus } from '../../storage/schema.ts';
import { appendEvents, type Actor, type NewEvent } from '../../storage/events.ts';
import { decodeKeyset, encodeKeyset, exactTime } from '../../storage/exact-time.ts';
import type { Principal } from '../../services/principals.ts';
import { conflict, forbidden, notFound, ok, type Result } from '../../services/result.ts';
import { KIND_RULES, type ReportKind } from '../../domain/report-kinds.ts';
import type { NoticeSubmission } from '../../domain/notice.ts';
import type { ItemState } from '../../domain/item-state.ts';
import { buildPublicRecord, type NoticeForPublication, type PublicRecord, type Redaction } from '../domain/public-record.ts';
import { publicationModeOf, type PublicationPolicy } from '../domain/publication-policy.ts';

export interface PublicationView {
  notice_id: string;
  status: PublicationStatus;
  requested_by: 'policy' | 'reporter';
  queued_at: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
  published_at: string | null;
  record: PublicRecord;
  /** Staff only. */
  redactions?: Redaction[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const parse = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

/** JSON with object keys sorted: jsonb does not keep key order, so records are compared in this form. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** What the redaction needs of a notice, read from the store; null when there is no such notice. */
export async function noticeForPublication(
  db: Kysely<Database>,
  noticeId: string,
): Promise<(NoticeForPublication & { status: string; reporterId: string }) | null> {
  const n = await db
    .selectFrom('notices as n')
    .innerJoin('principals as p', 'p.id', 'n.reporter_id')
    .select(['n.id', 'n.kind', 'n.regime', 'n.created_at', 'n.submission', 'n.status', 'n.reporter_id', 'p.name as filer'])
    .where('n.id', '=', noticeId)
    .executeTakeFirst();
  if (!n) return null;
  const items = await db
    .selectFrom('notice_items')
    .select(['position', 'submitted_url', 'url', 'state'])
    .where('notice_id', '=', noticeId)
    .orderBy('position')
    .execute();
  return {
    id: n.id,
    kind: n.kind,
    regime: n.regime,
    receivedAt: new Date(n.created_at),
    submission: parse<NoticeSubmission>(n.submission),
    items: items.map((i) => ({ position: i.position, submittedUrl: i.submitted_url, url: i.url, state: i.state as ItemState })),
    filer: n.filer,
    status: n.status,
    reporterId: n.reporter_id,
  };
}

function view(
  r: {
    notice_id: string;
    status: PublicationStatus;
    requested_by: 'policy' | 'reporter';
    queued_at: Date;
    reviewed_by: string | null;
    reviewed_at: Date | null;
    published_at: Date | null;
    record: PublicRecord | string;
    redactions?: Redaction[] | string;
  },
  staff: boolean,
): PublicationView {
  return {
    notice_id: r.notice_id,
    status: r.status,
    requested_by: r.requested_by,
    queued_at: iso(r.queued_at)!,
    reviewed_by: staff ? r.reviewed_by : null,
    reviewed_at: iso(r.reviewed_at),
    published_at: iso(r.published_at),
    record: parse(r.record),
    ...(staff && r.redactions !== undefined ? { redactions: parse(r.redactions) } : {}),
  };
}

const COLUMNS = ['notice_id', 'status', 'requested_by', 'queued_at', 'reviewed_by', 'reviewed_at', 'published_at', 'record', 'redactions'] as const;

/**
 * Queue a processed notice for publication (or publish it at once when the policy needs no
 * review). A notice already queued is left as it is: the call is idempotent. Null when the
 * notice's kind is never published.
 */
export async function queuePublication(
  db: Kysely<Database>,
  policy: PublicationPolicy,
  noticeId: string,
  requestedBy: 'policy' | 'reporter',
  actor: Actor,
): Promise<{ view: PublicationView; created: boolean } | null> {
  const n = await noticeForPublication(db, noticeId);
  if (!n) return null;
  const built = buildPublicRecord(n);
  if (!built.ok) return null;
  const now = new Date();
  const publishNow = !policy.reviewRequired;
  const inserted = await db
    .insertInto('publications')
    .values({
      notice_id: noticeId,
      status: publishNow ? 'published' : 'pending_review',
      record: JSON.stringify(built.record),
      redactions: JSON.stringify(built.redactions),
      requested_by: requestedBy,
      reviewed_by: publishNow ? 'system' : null,
      reviewed_at: publishNow ? now : null,
      published_at: publishNow ? now : null,
    })
    .onConflict((oc) => oc.column('notice_id').doNothing())
    .returning(COLUMNS)
    .executeTakeFirst();
  if (!inserted) {
    const existing = await db.selectFrom('publications').select(COLUMNS).where('notice_id', '=', noticeId).executeTakeFirstOrThrow();
    return { view: view(existing, true), created: false };
  }
  const base = { subjectType: 'publication', subjectId: noticeId, noticeId } as const;
  const events: NewEvent[] = [
    {
      ...base,
      actor,
      type: 'publication.queued',
      after: { status: 'pending_review' },
      data: { requested_by: requestedBy, redactions: built.redactions.length },
    },
  ];
  if (publishNow) {
    events.push({
      ...base,
      actor: 'system',
      type: 'publication.published',
      before: { status: 'pending_review' },
      after: { status: 'published' },
      data: { review: 'not required by the policy' },
    });
  }
  await appendEvents(db, events);
  return { view: view(inserted, true), created: true };
}

/** The hook where processing completes: a notice whose kind the policy publishes is queued. */
export async function queueIfPublished(db: Kysely<Database>, policy: PublicationPolicy, noticeId: string, kind: ReportKind): Promise<void> {
  if (publicationModeOf(policy, kind) === 'all') await queuePublication(db, policy, noticeId, 'policy', 'system');
}

/**
 * What the staff page runs before it lists: processed notices of kinds the policy publishes that
 * have no publication yet (processed before the policy said so) are queued, a batch at a time;
 * pending records are redacted again, so an item rejected since it was queued reads [invalid].
 */
export async function sweepPublications(db: Kysely<Database>, policy: PublicationPolicy, batch = 200): Promise<{ queued: number; refreshed: number }> {
  const kinds = (Object.keys(policy.kinds) as ReportKind[]).filter((k) => publicationModeOf(policy, k) === 'all');
  let queued = 0;
  if (kinds.length) {
    const missing = await db
      .selectFrom('notices as n')
      .select('n.id')
      .where('n.status', '=', 'processed')
      .where('n.kind', 'in', kinds)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('publications as p').select('p.notice_id').whereRef('p.notice_id', '=', 'n.id'))))
      .orderBy('n.processed_at')
      .limit(batch)
      .execute();
    for (const m of missing) if ((await queuePublication(db, policy, m.id, 'policy', 'system'))?.created) queued++;
  }
  let refreshed = 0;
  const pending = await db
    .selectFrom('publications')
    .select(['notice_id', 'record'])
    .where('status', '=', 'pending_review')
    .orderBy('queued_at')
    .limit(batch)
    .execute();
  for (const p of pending) if (await refreshRecord(db, p.notice_id, parse(p.record))) refreshed++;
  return { queued, refreshed };
}

/** Redact the notice again; store the new record when it differs. True when it changed. */
async function refreshRecord(db: Kysely<Database>, noticeId: string, stored: PublicRecord): Promise<boolean> {
  const n = await noticeForPublication(db, noticeId);
  const built = n ? buildPublicRecord(n) : null;
  if (!built?.ok || canonical(built.record) === canonical(stored)) return false;
  await db
    .updateTable('publications')
    .set({ record: JSON.stringify(built.record), redactions: JSON.stringify(built.redactions) })
    .where('notice_id', '=', noticeId)
    .where('status', '=', 'pending_review')
    .execute();
  return true;
}

/** The reporter asks that its processed notice be published (kinds `on_request`; for `all` kinds it already is). */
export async function requestPublication(
  db: Kysely<Database>,
  policy: PublicationPolicy,
  viewer: Principal,
  noticeId: string,
): Promise<Result<PublicationView>> {
  const none = notFound('id', 'no notice of yours has this id');
  if (!UUID.test(noticeId)) return none;
  const n = await db.selectFrom('notices').select(['reporter_id', 'kind', 'status']).where('id', '=', noticeId).executeTakeFirst();
  if (!n || (viewer.role !== 'staff' && n.reporter_id !== viewer.id)) return none;
  if (publicationModeOf(policy, n.kind) === 'never') {
    return forbidden('publication_not_allowed', `${KIND_RULES[n.kind].label} reports are not published under this provider's publication policy`, 'kind');
  }
  if (n.status !== 'processed') return conflict([{ field: 'id', message: 'the notice is still being processed; ask again once it is processed' }]);
  const q = await queuePublication(db, policy, noticeId, 'reporter', `principal:${viewer.id}`);
  if (!q) return none;
  return ok(viewer.role === 'staff' ? q.view : { ...q.view, redactions: undefined }, q.created);
}

export interface PublicationListQuery {
  status?: PublicationStatus;
  limit?: number;
  cursor?: string;
}

/** Staff: publications by status, oldest queued first (the review queue's order). */
export async function listPublications(
  db: Kysely<Database>,
  q: PublicationListQuery,
): Promise<{ publications: PublicationView[]; next_cursor: string | null }> {
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
  let query = db
    .selectFrom('publications')
    .select([...COLUMNS, exactTime('queued_at').as('queued_exact')])
    .orderBy('queued_at')
    .orderBy('notice_id')
    .limit(limit + 1);
  if (q.status) query = query.where('status', '=', q.status);
  const cur = q.cursor ? decodeKeyset(q.cursor) : null;
  if (cur) query = query.where(sql<boolean>`(queued_at, notice_id) > (${cur.at}::timestamptz, ${cur.id}::uuid)`);
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    publications: page.map((r) => view(r, true)),
    next_cursor: rows.length > limit && last ? encodeKeyset({ at: last.queued_exact, id: last.notice_id }) : null,
  };
}

export async function getPublication(db: Kysely<Database>, noticeId: string): Promise<Result<PublicationView>> {
  if (!UUID.test(noticeId)) return notFound('id', 'no publication has this id');
  const r = await db.selectFrom('publications').select(COLUMNS).where('notice_id', '=', noticeId).executeTakeFirst();
  return r ? ok(view(r, true)) : notFound('id', 'no publication has this id');
}

/**
 * Staff publish or withhold. Publishing puts out the record the reviewer saw: the notice is
 * redacted again first, and if the record changed since (an item rejected meanwhile), the new one
 * is stored and the call refused with 409, to be reviewed again.
 */
export async function decidePublication(
  db: Kysely<Database>,
  actor: Actor,
  noticeId: string,
  action: 'publish' | 'withhold',
  reason?: string,
): Promise<Result<PublicationView>> {
  const current = await getPublication(db, noticeId);
  if (!current.ok) return current;
  const from = current.value.status;
  const to: PublicationStatus = action === 'publish' ? 'published' : 'withheld';
  if (from === to) return conflict([{ field: 'status', message: `the notice is already ${to}` }]);
  if (action === 'publish' && (await refreshRecord(db, noticeId, current.value.record))) {
    return conflict([
      { field: 'record', message: 'the notice changed since this redaction was shown (an item’s state); review the new redaction and publish again' },
    ]);
  }
  const now = new Date();
  const updated = await db
    .updateTable('publications')
    .set({ status: to, reviewed_by: actor, reviewed_at: now, ...(to === 'published' ? { published_at: now } : {}) })
    .where('notice_id', '=', noticeId)
    .where('status', '=', from)
    .returning(COLUMNS)
    .executeTakeFirst();
  if (!updated) return conflict([{ field: 'status', message: 'the publication was decided by someone else meanwhile; reload it' }]);
  await appendEvents(db, [
    {
      actor,
      type: action === 'publish' ? 'publication.published' : 'publication.withheld',
      subjectType: 'publication',
      subjectId: noticeId,
      noticeId,
      before: { status: from },
      after: { status: to },
      ...(reason?.trim() ? { data: { reason: reason.trim().slice(0, 2000) } } : {}),
    },
  ]);
  return ok(view(updated, true));
}

/** The public record of a published notice; null for any other (unpublished, withheld, unknown). */
export async function publishedRecord(db: Kysely<Database>, noticeId: string): Promise<{ record: PublicRecord; published_at: string } | null> {
  if (!UUID.test(noticeId)) return null;
  const r = await db
    .selectFrom('publications')
    .select(['record', 'published_at'])
    .where('notice_id', '=', noticeId)
    .where('status', '=', 'published')
    .executeTakeFirst();
  return r ? { record: parse(r.record), published_at: iso(r.published_at)! } : null;
}

export interface PublicSummary {
  notice_id: string;
  kind: ReportKind;
  kind_label: string;
  received_on: string;
  published_at: string;
  sender: string | null;
  items_total: number;
}

/** Published notices, newest first, keyset-paged by (published_at, notice_id); a bad cursor reads as the first page. */
export async function listPublished(
  db: Kysely<Database>,
  q: { limit?: number; cursor?: string },
): Promise<{ notices: PublicSummary[]; next_cursor: string | null }> {
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
  let query = db
    .selectFrom('publications')
    .select(['notice_id', 'record', 'published_at', exactTime('published_at').as('published_exact')])
    .where('status', '=', 'published')
    .orderBy('published_at', 'desc')
    .orderBy('notice_id', 'desc')
    .limit(limit + 1);
  const cur = q.cursor ? decodeKeyset(q.cursor) : null;
  if (cur) query = query.where(sql<boolean>`(published_at, notice_id) < (${cur.at}::timestamptz, ${cur.id}::uuid)`);
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    notices: page.map((r) => {
      const rec = parse(r.record);
      return {
        notice_id: r.notice_id,
        kind: rec.kind,
        kind_label: rec.kind_label,
        received_on: rec.received_on,
        published_at: iso(r.published_at)!,
        sender: rec.sender.company ?? (rec.sender.name && rec.sender.name !== '[private]' ? rec.sender.name : null),
        items_total: rec.items_total,
      };
    }),
    next_cursor: rows.length > limit && last ? encodeKeyset({ at: last.published_exact, id: last.notice_id }) : null,
  };
}
