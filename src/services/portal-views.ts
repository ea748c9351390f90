// What a customer sees: the notices about its own zones, and of each only its own URLs. A
// notice that names no URL of the account does not exist for it (404, like any other).
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { exactTime, type KeysetCursor } from '../storage/exact-time.ts';
import { beforeCursor } from './notice-views.ts';
import type { DmcaSubmission, NoticeSubmission } from '../domain/notice.ts';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export interface PortalNoticeRow {
  id: string;
  kind: string;
  created_at: string;
  work: string;
  items: number;
  states: Record<string, number>;
}

export async function customerNotices(
  db: Kysely<Database>,
  accountId: string,
  page: { before?: KeysetCursor; limit?: number } = {},
): Promise<{ rows: PortalNoticeRow[]; next: KeysetCursor | null }> {
  const limit = Math.min(Math.max(page.limit ?? 50, 1), 200);
  const rows = (
    await sql<{ id: string; kind: string; created_at: Date; created_exact: string; work: string | null; items: number; states: Record<string, number> }>`
      SELECT n.id, n.kind, n.created_at, ${exactTime('n.created_at')} AS created_exact, n.submission #>> '{work,description}' AS work, s.items, s.states
      FROM (
        SELECT notice_id, sum(c)::int AS items, jsonb_object_agg(state, c) AS states
        FROM (SELECT notice_id, state, count(*)::int AS c FROM notice_items WHERE account_id = ${accountId} GROUP BY notice_id, state) per_state
        GROUP BY notice_id
      ) s JOIN notices n ON n.id = s.notice_id
      ${page.before ? sql`WHERE ${beforeCursor(page.before)}` : sql``}
      ORDER BY n.created_at DESC, n.id DESC
      LIMIT ${limit + 1}`.execute(db)
  ).rows;
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    rows: shown.map((r) => ({ id: r.id, kind: r.kind, created_at: iso(r.created_at)!, work: r.work ?? '', items: r.items, states: r.states })),
    next: rows.length > limit && last ? { at: last.created_exact, id: last.id } : null,
  };
}

export interface PortalNotice {
  id: string;
  kind: string;
  created_at: string;
  regime: NoticeSubmission['regime'];
  /** What is reported, as the kind says it (the work of a copyright notice; the explanation of others). */
  work: DmcaSubmission['work'] | null;
  explanation: string | null;
  /** The complainant as the forwarded notice named them; null where the reporter asked to stay anonymous (never for DMCA notices). */
  claimant: { name: string; company: string | null; email: string; country: string | null } | null;
  statements: NoticeSubmission extends infer S ? (S extends { statements: infer T } ? T : never) | null : never;
  signature: string | null;
  items: { position: number; url: string; zone: string | null; state: string; reason: string | null; updated_at: string }[];
  items_total: number;
  /** The statements of reasons (DSA Art. 17) this notice's restrictions issued to the customer. */
  reasons: { id: string; puid: string; restriction: string; issued_at: string; urls: number }[];
}

export const PORTAL_ITEMS_SHOWN = 1000;

export async function customerNotice(db: Kysely<Database>, accountId: string, noticeId: string): Promise<PortalNotice | null> {
  if (!/^[0-9a-f-]{36}$/i.test(noticeId)) return null;
  const items = await db
    .selectFrom('notice_items')
    .select(['position', 'url', 'submitted_url', 'zone', 'state', 'reason', 'updated_at'])
    .where('notice_id', '=', noticeId)
    .where('account_id', '=', accountId)
    .orderBy('position')
    .limit(PORTAL_ITEMS_SHOWN + 1)
    .execute();
  if (!items.length) return null;
  const n = await db.selectFrom('notices').select(['id', 'kind', 'created_at', 'submission']).where('id', '=', noticeId).executeTakeFirstOrThrow();
  const total = (
    await sql<{ n: number }>`SELECT count(*)::int AS n FROM notice_items WHERE notice_id = ${noticeId}::uuid AND account_id = ${accountId}`.execute(db)
  ).rows[0]!.n;
  const s = n.submission;
  return {
    id: n.id,
    kind: n.kind,
    created_at: iso(n.created_at)!,
    regime: s.regime,
    work: s.kind === 'copyright' ? s.work : null,
    explanation: s.explanation ?? null,
    claimant:
      s.notify.owner === 'send-anon' || !s.claimant?.name || !s.claimant.email
        ? null
        : { name: s.claimant.name, company: s.claimant.company ?? null, email: s.claimant.email, country: s.claimant.country ?? null },
    statements: 'statements' in s ? s.statements : null,
    signature: 'signature' in s ? (s.signature ?? null) : null,
    items: items
      .slice(0, PORTAL_ITEMS_SHOWN)
      .map((i) => ({ position: i.position, url: i.url ?? i.submitted_url, zone: i.zone, state: i.state, reason: i.reason, updated_at: iso(i.updated_at)! })),
    items_total: total,
    reasons: (
      await db
        .selectFrom('statements_of_reasons')
        .select(['id', 'puid', 'restriction', 'issued_at', sql<number>`cardinality(urls)`.as('urls')])
        .where('notice_id', '=', noticeId)
        .where('account_id', '=', accountId)
        .orderBy('issued_at')
        .execute()
    ).map((r) => ({ ...r, issued_at: iso(r.issued_at)! })),
  };
}
