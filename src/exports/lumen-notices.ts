// Notices read from the store for the Lumen export (the mapping itself is lumen.ts, pure): the
// notice, all its items' URLs and states, and the counter notices filed against it. A page loads
// its notices' items and filings in one query each, not one per notice.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { exactTime, type KeysetCursor } from '../storage/exact-time.ts';
import type { CounterNotice } from '../domain/counter-notice.ts';
import { lumenExport, type LumenExport, type LumenSource } from './lumen.ts';
import { notFound, ok, type Result } from '../services/result.ts';

type NoticeRow = Pick<LumenSource, 'id' | 'kind' | 'regime' | 'channel' | 'submission'> & { created_at: Date; created_exact: string };

function byNotice<T extends { notice_id: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) out.set(r.notice_id, [...(out.get(r.notice_id) ?? []), r]);
  return out;
}

async function sources(db: Kysely<Database>, notices: readonly NoticeRow[]): Promise<LumenSource[]> {
  if (!notices.length) return [];
  const ids = notices.map((n) => n.id);
  const [items, filings] = await Promise.all([
    db.selectFrom('notice_items').select(['notice_id', 'url', 'state']).where('notice_id', 'in', ids).orderBy('notice_id').orderBy('position').execute(),
    db
      .selectFrom('legal_filings')
      .select(['id', 'notice_id', 'body', 'received_at'])
      .where('notice_id', 'in', ids)
      .where('kind', '=', 'counter_notice')
      .orderBy('received_at')
      .orderBy('id')
      .execute(),
  ]);
  const itemsOf = byNotice(items);
  const filingsOf = byNotice(filings);
  return notices.map((n) => ({
    id: n.id,
    kind: n.kind,
    regime: n.regime,
    channel: n.channel,
    submission: n.submission,
    receivedAt: new Date(n.created_at),
    items: (itemsOf.get(n.id) ?? []).map((i) => ({ url: i.url, state: i.state })),
    counterNotices: (filingsOf.get(n.id) ?? []).map((f) => ({ id: f.id, receivedAt: new Date(f.received_at), body: f.body as CounterNotice })),
  }));
}

const noticeColumns = (db: Kysely<Database>) =>
  db.selectFrom('notices').select(['id', 'kind', 'regime', 'channel', 'submission', 'created_at', exactTime('created_at').as('created_exact')]);

export async function lumenNotice(db: Kysely<Database>, provider: string, id: string): Promise<Result<LumenExport>> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return notFound('id', 'no such notice');
  const n = await noticeColumns(db).where('id', '=', id).executeTakeFirst();
  if (!n) return notFound('id', 'no such notice');
  const [src] = await sources(db, [n]);
  return ok(lumenExport(src!, { provider }));
}

export interface LumenPageQuery {
  since?: Date;
  until?: Date;
  after?: KeysetCursor;
  limit: number;
}

/** Notices in the order they were received, from the oldest: an export resumes where the last page ended. */
export async function lumenNotices(db: Kysely<Database>, provider: string, q: LumenPageQuery): Promise<{ notices: LumenExport[]; next: KeysetCursor | null }> {
  let query = noticeColumns(db)
    .orderBy('created_at')
    .orderBy('id')
    .limit(q.limit + 1);
  if (q.since) query = query.where('created_at', '>=', q.since);
  if (q.until) query = query.where('created_at', '<', q.until);
  if (q.after) query = query.where(sql<boolean>`(created_at, id) > (${q.after.at}::timestamptz, ${q.after.id}::uuid)`);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    notices: (await sources(db, page)).map((s) => lumenExport(s, { provider })),
    next: rows.length > q.limit && last ? { at: last.created_exact, id: last.id } : null,
  };
}
