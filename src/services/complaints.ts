// Internal complaints against decisions (DSA Art. 20), stored and decided: the rules are
// dsa/domain/complaint.ts, the mails dsa/domain/complaint-messages.ts. Decisions are read from the
// event log (a staff review, or the restriction by policy at receipt); filing and deciding are one
// transaction each with their event (complaint.filed, complaint.decided) and mails, and a
// reversal changes the URLs through the one writer of item state (item-steps.ts applySteps).
import { sql, type Kysely, type Selectable } from 'kysely';
import type { ComplaintsTable, Database } from '../storage/schema.ts';
import { appendEvents, type Actor } from '../storage/events.ts';
import { enqueueMessages } from '../storage/outbox.ts';
import { transition } from '../domain/takedown-lifecycle.ts';
import {
  complaintDeadline,
  decisionFor,
  decisionsFromEvents,
  mayComplain,
  mayDecide,
  parseComplaintDecision,
  parseComplaintFiling,
  reversalEvents,
  type Complainant,
  type ComplaintFacts,
  type ComplaintState,
  type Decision,
  type DecisionEventRow,
} from '../dsa/domain/complaint.ts';
import { complaintOutcomeMessage, complaintReceiptMessage, type Addressee, type ComplaintMessageFacts } from '../dsa/domain/complaint-messages.ts';
import type { NoticeFacts, OutgoingMessage } from '../domain/messages.ts';
import { applySteps, currentState, loadNoticeFacts, lockItems } from './item-steps.ts';
import type { ReviewDeps } from './item-review.ts';
import { conflict, invalid, notFound, ok, type Result } from './result.ts';

/** The review's deps: the same writer, clock, links and provider name. */
export type ComplaintDeps = ReviewDeps;

export type ComplaintRow = Selectable<ComplaintsTable>;

/** A complaint as its parties see it: no staff names, no internal ids. */
export interface ComplaintView {
  id: string;
  notice_id: string;
  decision_id: string;
  decision_kind: 'restriction' | 'rejection';
  decision_at: Date;
  party: 'customer' | 'notifier';
  positions: number[];
  text: string;
  state: ComplaintState;
  outcome_reason: string | null;
  reversed_positions: number[] | null;
  decided_at: Date | null;
  created_at: Date;
}
/** A complaint as staff see it: who decided the decision complained against, who filed, who decided. */
export interface StaffComplaintView extends ComplaintView {
  decision_actor: string;
  account_id: string | null;
  reporter_id: string | null;
  filed_by: string;
  channel: string;
  decided_by: string | null;
}

export function partyView(r: ComplaintRow): ComplaintView {
  return {
    id: r.id,
    notice_id: r.notice_id,
    decision_id: r.decision_id,
    decision_kind: r.decision_kind,
    decision_at: new Date(r.decision_at),
    party: r.party,
    positions: r.positions,
    text: r.text,
    state: r.state,
    outcome_reason: r.outcome_reason,
    reversed_positions: r.reversed_positions,
    decided_at: r.decided_at ? new Date(r.decided_at) : null,
    created_at: new Date(r.created_at),
  };
}

export function staffView(r: ComplaintRow): StaffComplaintView {
  return {
    ...partyView(r),
    decision_actor: r.decision_actor,
    account_id: r.account_id,
    reporter_id: r.reporter_id,
    filed_by: r.filed_by,
    channel: r.channel,
    decided_by: r.decided_by,
  };
}

function facts(r: ComplaintRow): ComplaintFacts {
  return {
    id: r.id,
    decisionId: r.decision_id,
    decisionActor: r.decision_actor,
    party: r.party,
    accountId: r.account_id,
    reporterId: r.reporter_id,
    state: r.state,
    positions: r.positions,
    decidedAt: r.decided_at ? new Date(r.decided_at) : null,
    decidedBy: r.decided_by,
  };
}

/** The decisions on a notice, from its events (domain: decisionsFromEvents). */
export async function noticeDecisions(db: Kysely<Database>, noticeId: string, reporterId: string): Promise<Decision[]> {
  const rows = (
    await sql<{
      type: string;
      actor: string;
      at: Date | string;
      data: unknown;
      after: unknown;
      item_id: string | number | null;
      position: number | null;
      url: string | null;
      account_id: string | null;
    }>`
      SELECT e.type, e.actor, e.at, e.data, e.after, i.id AS item_id, i.position, coalesce(i.url, i.submitted_url) AS url, i.account_id
      FROM events e
      LEFT JOIN notice_items i ON e.subject_type = 'item' AND i.notice_id = e.notice_id
        -- Item ids as numbers, so each is one primary-key lookup (comparing them as text hashed every
        -- item of the notice); the CASE keeps other subjects' ids (UUIDs) from being cast.
        AND i.id = CASE WHEN e.subject_type = 'item' THEN e.subject_id::bigint END
      -- Matches events_notice_decisions_idx (migration 030): keep the two predicates the same.
      WHERE e.notice_id = ${noticeId}::uuid
        AND (e.type IN ('notice.reviewed', 'item.reviewed', 'notice.takedown_started')
             OR (e.type = 'item.resolved' AND e.after->>'state' = 'content_disabled'))
      ORDER BY e.id`.execute(db)
  ).rows;
  const parsed: DecisionEventRow[] = rows.map((r) => ({
    type: r.type,
    actor: r.actor,
    at: new Date(r.at),
    data: r.data,
    after: r.after,
    item: r.item_id !== null ? { id: Number(r.item_id), position: r.position!, url: r.url!, accountId: r.account_id } : null,
  }));
  return decisionsFromEvents(noticeId, reporterId, parsed);
}

/** How the complainant reached us, and as whom. */
export interface Filer {
  complainant: Complainant;
  /** The actor of the events: the signed-in principal, or `system` for a private status link. */
  actor: Actor;
  channel: 'api' | 'portal' | 'status_page';
}

const NO_NOTICE = 'no such notice';

/** The complainant's address and name: the account's for a customer, the notice's claimant for the notifier. */
async function complainantAddress(db: Kysely<Database>, notice: NoticeFacts, who: Complainant): Promise<Addressee | null> {
  if (who.party === 'notifier') {
    const c = notice.submission.claimant;
    return c?.email ? { role: 'notifier', email: c.email, name: c.name ?? null } : null;
  }
  const a = await db.selectFrom('accounts').select(['name', 'email']).where('id', '=', who.accountId).executeTakeFirst();
  return a ? { role: 'customer', email: a.email, name: a.name, accountId: who.accountId } : null;
}

function messageFacts(r: ComplaintRow, urls: string[]): ComplaintMessageFacts {
  return { id: r.id, party: r.party, decisionKind: r.decision_kind, decisionAt: new Date(r.decision_at), text: r.text, urls };
}

/**
 * Files a complaint against a decision on `noticeId`. The same party against the same decision
 * while its complaint is open gets that complaint back (200, not created): a retried form or
 * request files nothing twice. The complainant is sent a receipt.
 */
export async function fileComplaint(deps: ComplaintDeps, filer: Filer, noticeId: string, body: unknown): Promise<Result<ComplaintView>> {
  const who = filer.complainant;
  return deps.db.transaction().execute(async (trx): Promise<Result<ComplaintView>> => {
    const notice = await loadNoticeFacts(trx, noticeId, deps.links);
    if (!notice) return notFound('id', NO_NOTICE);
    if (who.party === 'notifier' && who.reporterId !== notice.reporterId) return notFound('id', NO_NOTICE);
    // One filing at a time per notice: the open-complaint check and the insert do not race.
    await sql`SELECT id FROM notices WHERE id = ${noticeId}::uuid FOR UPDATE`.execute(trx);
    if (who.party === 'customer') {
      const mine = await trx
        .selectFrom('notice_items')
        .select('id')
        .where('notice_id', '=', noticeId)
        .where('account_id', '=', who.accountId)
        .limit(1)
        .executeTakeFirst();
      if (!mine) return notFound('id', NO_NOTICE);
    }
    // The body is looked at only once the notice is the caller's: to anyone else every notice is
    // the same 404, whatever they send.
    const parsed = parseComplaintFiling(body);
    if (!parsed.ok) return invalid(parsed.errors);
    const decisions = await noticeDecisions(trx, noticeId, notice.reporterId);
    const decision = decisionFor(decisions, who, parsed.filing.decision_id);
    if (!decision) return notFound('decision_id', 'no decision on this notice concerns you');
    const existing = (await trx.selectFrom('complaints').selectAll().where('notice_id', '=', noticeId).execute()).filter((c) => c.decision_id === decision.id);
    const verdict = mayComplain(decision, who, deps.lifecycle.now(), existing.map(facts));
    if (!verdict.ok)
      return verdict.error === 'not_found' ? notFound(verdict.field, verdict.message) : conflict([{ field: verdict.field, message: verdict.message }]);
    if ('existing' in verdict) return ok(partyView(existing.find((c) => c.id === verdict.existing.id)!));
    const row = await trx
      .insertInto('complaints')
      .values({
        notice_id: noticeId,
        decision_id: decision.id,
        decision_kind: decision.kind,
        decision_actor: decision.actor,
        decision_at: decision.decidedAt,
        party: who.party,
        account_id: who.party === 'customer' ? who.accountId : null,
        reporter_id: who.party === 'notifier' ? who.reporterId : null,
        positions: verdict.items.map((i) => i.position),
        text: parsed.filing.text,
        filed_by: filer.actor,
        channel: filer.channel,
        outcome_reason: null,
        reversed_positions: null,
        decided_by: null,
        decided_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      {
        actor: filer.actor,
        type: 'complaint.filed',
        subjectType: 'complaint',
        subjectId: row.id,
        noticeId,
        after: { state: 'open' },
        data: { decision_id: decision.id, decision_kind: decision.kind, party: who.party, positions: row.positions, channel: filer.channel },
      },
    ]);
    const to = await complainantAddress(trx, notice, who);
    const page = who.party === 'customer' ? `${deps.lifecycle.publicUrl()}/portal/notices/${noticeId}` : notice.statusUrl;
    if (to)
      await enqueueMessages(trx, noticeId, [
        complaintReceiptMessage(
          deps.provider,
          notice,
          messageFacts(
            row,
            verdict.items.map((i) => i.url),
          ),
          to,
          page,
        ),
      ]);
    return ok(partyView(row), true);
  });
}

/** The party a viewer is to a complaint: staff see all; a customer its account's; a reporter its own. */
export type Viewer = { role: 'staff' } | Complainant;

function visibleTo(r: ComplaintRow, v: Viewer): boolean {
  if ('role' in v) return true;
  return v.party === 'customer' ? r.account_id === v.accountId : r.party === 'notifier' && r.reporter_id === v.reporterId;
}

/** One complaint; another party's complaint does not exist for the viewer. */
export async function getComplaint(db: Kysely<Database>, viewer: Viewer, id: string): Promise<Result<ComplaintView | StaffComplaintView>> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return notFound('id', 'no such complaint');
  const r = await db.selectFrom('complaints').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r || !visibleTo(r, viewer)) return notFound('id', 'no such complaint');
  return ok('role' in viewer ? staffView(r) : partyView(r));
}

/** Staff's list: by state (open first in the order filed), at most `limit`. */
export async function listComplaints(db: Kysely<Database>, f: { state?: ComplaintState; limit?: number }): Promise<StaffComplaintView[]> {
  let q = db
    .selectFrom('complaints')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .limit(f.limit ?? 200);
  if (f.state) q = q.where('state', '=', f.state);
  return (await q.execute()).map(staffView);
}

/** A party's complaints on one notice (their portal or status page). */
export async function partyComplaints(db: Kysely<Database>, noticeId: string, who: Complainant): Promise<ComplaintView[]> {
  const rows = await db.selectFrom('complaints').selectAll().where('notice_id', '=', noticeId).orderBy('created_at').execute();
  return rows.filter((r) => visibleTo(r, who)).map(partyView);
}

/** The decisions on a notice the party may still complain against (for the forms), with their deadlines. */
export async function openDecisions(
  deps: ComplaintDeps,
  noticeId: string,
  who: Complainant,
): Promise<{ id: string; kind: string; decidedAt: Date; deadline: Date; urls: string[] }[]> {
  const notice = await loadNoticeFacts(deps.db, noticeId, deps.links);
  if (!notice) return [];
  const existing = (await deps.db.selectFrom('complaints').selectAll().where('notice_id', '=', noticeId).execute()).map(facts);
  const now = deps.lifecycle.now();
  return (await noticeDecisions(deps.db, noticeId, notice.reporterId)).flatMap((d) => {
    const v = mayComplain(d, who, now, existing);
    return v.ok && 'items' in v
      ? [{ id: d.id, kind: d.kind, decidedAt: d.decidedAt, deadline: complaintDeadline(d.decidedAt), urls: v.items.map((i) => i.url) }]
      : [];
  });
}

/**
 * A staff member decides a complaint: upheld (the decision stands), reversed or partly reversed
 * (undone, through the item state machine: restored or disabled). Refused (409) for the person
 * who made the decision, and when the machine refuses the reversal of any URL (nothing changes
 * then). Both parties are mailed the outcome and its reasons. The same decision again is a retry.
 */
export async function decideComplaint(deps: ComplaintDeps, actor: Actor, id: string, body: unknown): Promise<Result<StaffComplaintView>> {
  const parsed = parseComplaintDecision(body);
  if (!parsed.ok) return invalid(parsed.errors);
  if (!/^[0-9a-f-]{36}$/i.test(id)) return notFound('id', 'no such complaint');
  return deps.db.transaction().execute(async (trx): Promise<Result<StaffComplaintView>> => {
    const row = await trx.selectFrom('complaints').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) return notFound('id', 'no such complaint');
    const verdict = mayDecide(facts(row), actor, parsed.decision);
    if (!verdict.ok)
      return verdict.error === 'invalid'
        ? invalid([{ field: verdict.field, message: verdict.message }])
        : conflict([{ field: verdict.field, message: verdict.message }]);
    if ('already' in verdict) return ok(staffView(row));
    const notice = (await loadNoticeFacts(trx, row.notice_id, deps.links))!;
    const now = deps.lifecycle.now();
    if (verdict.reverse.length) {
      const plan = reversalEvents(row.decision_kind, notice.submission.kind, row.id);
      if (!plan.ok) return conflict([{ field: 'outcome', message: plan.reason }]);
      const items = await lockItems(trx, row.notice_id, { positions: verdict.reverse });
      // All or nothing: a URL the machine will not take back (e.g. a court action pending) stops the reversal before anything is written.
      const ctx = { now, calendar: deps.lifecycle.calendar, policy: deps.lifecycle.policy };
      const refused = items.flatMap((i) => {
        const r = transition(currentState(i, notice), plan.events[0]!, ctx);
        return r.ok ? [] : [{ position: i.position, url: i.url, code: r.error.code, why: r.error.message }];
      });
      if (refused.length) {
        return conflict(
          refused.map((r) => ({ field: `positions.${r.position}`, message: `${r.url}: ${r.why}` })),
          { refused },
        );
      }
      await applySteps(trx, deps.lifecycle, actor, notice, items, plan.events, {
        type: 'complaint_decided',
        stepId: `complaint-${row.id}`,
        data: { complaint_id: row.id, outcome: parsed.decision.outcome },
        itemData: { complaint_id: row.id },
      });
    }
    const decided = await trx
      .updateTable('complaints')
      .set({
        state: parsed.decision.outcome,
        outcome_reason: parsed.decision.reason,
        reversed_positions: verdict.reverse,
        decided_by: actor,
        decided_at: now,
      })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      {
        actor,
        type: 'complaint.decided',
        subjectType: 'complaint',
        subjectId: row.id,
        noticeId: row.notice_id,
        before: { state: 'open' },
        after: { state: decided.state },
        data: { outcome: decided.state, reason: decided.outcome_reason, reversed_positions: verdict.reverse, decision_id: row.decision_id },
      },
    ]);
    await enqueueMessages(trx, row.notice_id, await outcomeMessages(trx, deps, notice, decided, now));
    return ok(staffView(decided));
  });
}

/** The outcome to the notifier and to every customer whose URLs the complaint is about (each its own URLs). */
async function outcomeMessages(
  trx: Kysely<Database>,
  deps: ComplaintDeps,
  notice: NoticeFacts,
  r: ComplaintRow,
  decidedAt: Date,
): Promise<(OutgoingMessage | null)[]> {
  const items = await trx
    .selectFrom('notice_items as i')
    .leftJoin('accounts as a', 'a.id', 'i.account_id')
    .select(['i.position', 'i.url', 'i.submitted_url', 'i.account_id', 'a.name', 'a.email'])
    .where('i.notice_id', '=', r.notice_id)
    .where('i.position', 'in', r.positions.length ? r.positions : [-1])
    .orderBy('i.position')
    .execute();
  const reversed = new Set(r.reversed_positions ?? []);
  const url = (i: (typeof items)[number]) => i.url ?? i.submitted_url;
  const outcome = { outcome: r.state as Exclude<ComplaintState, 'open'>, reason: r.outcome_reason!, decidedAt };
  const c = messageFacts(r, items.map(url));
  const out: (OutgoingMessage | null)[] = [];
  const claimant = notice.submission.claimant;
  if (claimant?.email) {
    const to: Addressee = { role: 'notifier', email: claimant.email, name: claimant.name ?? null };
    out.push(complaintOutcomeMessage(deps.provider, notice, c, outcome, to, c.urls, items.filter((i) => reversed.has(i.position)).map(url)));
  }
  const byAccount = new Map<string, typeof items>();
  for (const i of items) if (i.account_id && i.email) byAccount.set(i.account_id, [...(byAccount.get(i.account_id) ?? []), i]);
  for (const [accountId, mine] of byAccount) {
    const to: Addressee = { role: 'customer', email: mine[0]!.email!, name: mine[0]!.name, accountId };
    out.push(complaintOutcomeMessage(deps.provider, notice, c, outcome, to, mine.map(url), mine.filter((i) => reversed.has(i.position)).map(url)));
  }
  return out;
}
