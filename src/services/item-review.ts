// Staff decisions applied: one transaction takes the items, changes what the decision allows,
// records an event per item, and queues the messages (reporter, and the customer whose hosted
// content was disabled). Re-sending the same decision changes nothing and sends nothing.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { appendEvents, type Actor } from '../storage/events.ts';
import { enqueueMessages } from '../storage/outbox.ts';
import { refreshItemCounts } from '../storage/item-counts.ts';
import { planReview, type ReviewDecision, type ReviewPlan } from '../domain/review.ts';
import { decisionMessage, infoRequestMessage, type DecidedUrl } from '../domain/review-messages.ts';
import type { NoticeFacts } from '../domain/messages.ts';
import type { ItemState } from '../domain/item-state.ts';
import type { StatusLinks } from './status-links.ts';
import { startTakedowns, type LifecycleDeps } from './takedown-lifecycle.ts';

export interface ReviewDeps {
  db: Kysely<Database>;
  provider: string;
  links: StatusLinks;
  /** Disabling hosted content starts its takedown lifecycle (and tells the customer how to counter-notify). */
  lifecycle: LifecycleDeps;
}

/** Which items a decision is about: listed positions, or every item in a state. */
export type ItemSelection = { positions: number[] } | { state: ItemState };

export const MAX_POSITIONS = 10_000;

async function noticeFacts(db: Kysely<Database>, noticeId: string, links: StatusLinks): Promise<NoticeFacts | null> {
  const n = await db.selectFrom('notices').select(['id', 'created_at', 'submission']).where('id', '=', noticeId).executeTakeFirst();
  return n ? { id: n.id, createdAt: n.created_at, submission: n.submission, statusUrl: links.url(n.id) } : null;
}

export async function reviewItems(
  deps: ReviewDeps,
  actor: Actor,
  noticeId: string,
  selection: ItemSelection,
  decision: ReviewDecision,
): Promise<ReviewPlan | null> {
  return deps.db.transaction().execute(async (trx) => {
    const notice = await noticeFacts(trx, noticeId, deps.links);
    if (!notice) return null;
    let q = trx
      .selectFrom('notice_items as i')
      .leftJoin('accounts as a', 'a.id', 'i.account_id')
      .select(['i.id', 'i.position', 'i.state', 'i.url', 'i.submitted_url', 'i.account_id', 'a.name as account_name', 'a.email as account_email'])
      .where('i.notice_id', '=', noticeId)
      .orderBy('i.position')
      .forUpdate('i');
    q =
      'positions' in selection
        ? q.where('i.position', 'in', selection.positions.length ? selection.positions : [-1])
        : q.where('i.state', '=', selection.state).limit(MAX_POSITIONS);
    const rows = await q.execute();
    const plan = planReview(
      rows.map((r) => ({ position: r.position, state: r.state })),
      decision,
    );
    if (!plan.changes.length) return plan;
    const byPosition = new Map(rows.map((r) => [r.position, r]));
    const decisionId = randomUUID();
    const positions = plan.changes.map((c) => c.position);
    await sql`UPDATE notice_items SET state = ${plan.changes[0]!.to}, reason = ${plan.changes[0]!.reason}, updated_at = now()
              WHERE notice_id = ${noticeId}::uuid AND position = ANY(${positions}::int[])`.execute(trx);
    await refreshItemCounts(trx, noticeId);
    await appendEvents(
      trx,
      plan.changes.map((c) => ({
        actor,
        type: 'item.reviewed',
        subjectType: 'item' as const,
        subjectId: String(byPosition.get(c.position)!.id),
        noticeId,
        before: { state: c.from },
        after: { state: c.to, reason: c.reason },
        data: { position: c.position, decision_id: decisionId },
      })),
    );
    await appendEvents(trx, [
      {
        actor,
        type: 'notice.reviewed',
        subjectType: 'notice',
        subjectId: noticeId,
        noticeId,
        data: { decision_id: decisionId, decision: decision.type, to: plan.changes[0]!.to, reason: plan.changes[0]!.reason, items: plan.changes.length },
      },
    ]);
    const url = (p: number) => byPosition.get(p)!.url ?? byPosition.get(p)!.submitted_url;
    const decided: DecidedUrl[] = plan.changes.map((c) => ({ url: url(c.position), state: c.to as DecidedUrl['state'], reason: c.reason }));
    await enqueueMessages(trx, noticeId, [decisionMessage(deps.provider, notice, decisionId, decided)]);
    if (decision.type === 'disable') {
      await startTakedowns(
        trx,
        deps.lifecycle,
        actor,
        noticeId,
        plan.changes.map((c) => Number(byPosition.get(c.position)!.id)),
        decisionId,
      );
    }
    return plan;
  });
}

export const QUESTION_MAX = 4000;

/** Staff ask the reporter for more information; the question is on the timeline and mailed. */
export async function requestInformation(
  deps: ReviewDeps,
  actor: Actor,
  noticeId: string,
  question: string,
): Promise<{ ok: true } | { ok: false; field: string; message: string } | null> {
  const q = question.trim();
  if (!q) return { ok: false, field: 'question', message: 'write the question for the reporter' };
  if (q.length > QUESTION_MAX) return { ok: false, field: 'question', message: `must be at most ${QUESTION_MAX} characters (it has ${q.length})` };
  return deps.db.transaction().execute(async (trx) => {
    const notice = await noticeFacts(trx, noticeId, deps.links);
    if (!notice) return null;
    const requestId = randomUUID();
    await appendEvents(trx, [
      { actor, type: 'notice.info_requested', subjectType: 'notice', subjectId: noticeId, noticeId, data: { request_id: requestId, question: q } },
    ]);
    await enqueueMessages(trx, noticeId, [infoRequestMessage(deps.provider, notice, requestId, q)]);
    return { ok: true as const };
  });
}
