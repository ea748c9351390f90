// The hotline reports the notice processor prepared for child sexual abuse material
// (domain/hotline-report.ts), as staff read them: the API route and the staff notice page.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { HotlineReport } from '../domain/hotline-report.ts';
import { notFound, ok, type Result } from './result.ts';

export interface StoredHotlineReport {
  notice_id: string;
  prepared_at: string;
  retain_until: string;
  payload: HotlineReport;
}

/** The notice's prepared hotline report; not_found when it has none (another kind, or not processed yet). */
export async function hotlineReportOf(db: Kysely<Database>, noticeId: string): Promise<Result<StoredHotlineReport>> {
  if (!/^[0-9a-f-]{36}$/i.test(noticeId)) return notFound('id', 'no such notice');
  const r = await db.selectFrom('hotline_reports').selectAll().where('notice_id', '=', noticeId).executeTakeFirst();
  if (!r) return notFound('id', 'this notice has no hotline report (not a child-safety report, or not processed yet)');
  return ok({
    notice_id: r.notice_id,
    prepared_at: new Date(r.prepared_at).toISOString(),
    retain_until: new Date(r.retain_until).toISOString(),
    payload: r.payload,
  });
}
