// Staff decisions applied through the one writer (item-steps.ts): the decision is an event of
// each item's state machine, which decides per item; disabling also tells the customer how to
// counter-notify (the lifecycle's notify step), and the reporter gets one mail about the whole
// decision. Re-sending the same decision changes nothing and sends nothing.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { appendEvents, type Actor } from '../storage/events.ts';
import { enqueueMessages } from '../storage/outbox.ts';
import { decisionEvent, misuseMark, type ReviewDecision } from '../domain/review.ts';
import { decisionMessage, infoRequestMessage, type DecidedUrl } from '../domain/review-messages.ts';
import type { LifecycleEvent } from '../domain/takedown-lifecycle.ts';
import type { ItemState } from '../domain/item-state.ts';
import type { StatusLinks } from './status-links.ts';
import { applySteps, loadNoticeFacts, lockItems, type ItemStepDeps } from './item-steps.ts';
import { conflict, invalidField, notFound, ok, type Result } from './result.ts';
import { allowedAction } from '../domain/kind-actions.ts';

export interface ReviewDeps {
  db: Kysely<Database>;
  provider: string;
  links: StatusLinks;
  /** The writer's dependencies (clock, calendar, policy, mail addresses). */
  lifecycle: ItemStepDeps;
}

/** Which items a decision is about: listed positions, or every item in a state. */
export type ItemSelection = { positions: number[] } | { state: ItemState };

export const MAX_POSITIONS = 10_000;

export interface ReviewPlan {
  changes: { position: number; from: ItemState; to: ItemState; reason: string | null }[];
  /** Items the decision does not change, and why (already decided so, or not possible in their state). */
  skipped: { position: number; state: ItemState; why: string }[];
}

export async function reviewItems(
  deps: ReviewDeps,
  actor: Actor,
  noticeId: string,
  selection: ItemSelection,
  decision: ReviewDecision,
): Promise<Result<ReviewPlan>> {
  return deps.db.transaction().execute(async (trx): Promise<Result<ReviewPlan>> => {
    const notice = await loadNoticeFacts(trx, noticeId, deps.links);
    if (!notice) return notFound('id', 'no such notice');
    if (decision.type === 'disable') {
      const allowed = allowedAction(notice.submission.kind, 'disable');
      if (!allowed.ok) return conflict([{ field: 'decision', message: allowed.reason }]);
    }
    const items = await lockItems(
      trx,
      noticeId,
      'positions' in selection ? { positions: selection.positions } : { state: selection.state, limit: MAX_POSITIONS },
    );
    const decisionId = randomUUID();
    const events: LifecycleEvent[] = [decisionEvent(decision)];
    if (decision.type === 'disable') events.push({ type: 'notify_customer' });
    const { result } = await applySteps(trx, deps.lifecycle, actor, notice, items, events, {
      type: 'reviewed',
      stepId: decisionId,
      // The reporter's mail is the decision mail below, one for the whole decision.
      skip: ['content_disabled', 'rejected'],
      itemEvent: 'item.reviewed',
      data: { decision_id: decisionId, decision: decision.type, ...(decision.type === 'reject' ? { reason: decision.reason } : {}), ...misuseMark(decision) },
      // The misuse mark on each item's event: what the misuse policy counts (misuse-measures.ts).
      itemData: { decision_id: decisionId, ...misuseMark(decision) },
      explanation: decision.type === 'disable' ? decision.note : null,
    });
    const byPosition = new Map(items.map((i) => [i.position, i]));
    // The reason the item now carries (coarseReason): the rejection's, none for a takedown.
    const reason = events[0]!.type === 'reject' ? events[0]!.reason : null;
    const plan: ReviewPlan = {
      changes: result.changed.map((c) => ({ position: c.position, from: c.from, to: c.to, reason })),
      skipped: [
        ...result.unchanged.map((u) => ({ position: u.position, state: byPosition.get(u.position)!.state, why: u.note })),
        ...result.refused.map((r) => ({ position: r.position, state: r.state, why: r.why })),
      ].sort((a, b) => a.position - b.position),
    };
    if (!plan.changes.length) return ok(plan);
    const decided: DecidedUrl[] = result.changed.map((c) => ({ url: c.url, state: c.to as DecidedUrl['state'], reason }));
    await enqueueMessages(trx, noticeId, [decisionMessage(deps.provider, notice, decisionId, decided)]);
    return ok(plan);
  });
}

export const QUESTION_MAX = 4000;

/** Staff ask the reporter for more information; the question is on the timeline and mailed. */
export async function requestInformation(deps: ReviewDeps, actor: Actor, noticeId: string, question: string): Promise<Result<{ sent: true }>> {
  const q = question.trim();
  if (!q) return invalidField('question', 'write the question for the reporter');
  if (q.length > QUESTION_MAX) return invalidField('question', `must be at most ${QUESTION_MAX} characters (it has ${q.length})`);
  return deps.db.transaction().execute(async (trx): Promise<Result<{ sent: true }>> => {
    const notice = await loadNoticeFacts(trx, noticeId, deps.links);
    if (!notice) return notFound('id', 'no such notice');
    const requestId = randomUUID();
    await appendEvents(trx, [
      { actor, type: 'notice.info_requested', subjectType: 'notice', subjectId: noticeId, noticeId, data: { request_id: requestId, question: q } },
    ]);
    await enqueueMessages(trx, noticeId, [infoRequestMessage(deps.provider, notice, requestId, q)]);
    return ok({ sent: true as const }, true);
  });
}
