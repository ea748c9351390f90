// Internal complaints against the desk's decisions (EU Digital Services Act, Art. 20): who may
// complain against which decision, until when, who may decide the complaint, and what its outcome
// does to each URL. The desk offers it for every kind of report and regime (the mails promise it:
// review-messages.ts, statement-of-reasons.ts REDRESS_OPTIONS). Pure: decisions and complaints
// are plain data the store reads (services/complaints.ts), the time is a parameter.
import { z } from 'zod';
import { zodErrors, type FieldError } from '../../domain/notice.ts';
import { allowedAction } from '../../domain/kind-actions.ts';
import type { ReportKind } from '../../domain/report-kinds.ts';
import type { LifecycleEvent } from '../../domain/takedown-lifecycle.ts';

/** Art. 20(1): "for a period of at least six months following the decision". */
export const COMPLAINT_WINDOW_MONTHS = 6;
export const COMPLAINT_TEXT_MAX = 5000;
export const OUTCOME_REASON_MAX = 4000;

export type ComplaintParty = 'customer' | 'notifier';
/** A restriction (content disabled) or a rejection of the notice. */
export type DecisionKind = 'restriction' | 'rejection';
export const COMPLAINT_OUTCOMES = ['upheld', 'reversed', 'partly_reversed'] as const;
/** upheld: the decision stands; reversed: it is undone; partly_reversed: undone for some of the URLs. */
export type ComplaintOutcome = (typeof COMPLAINT_OUTCOMES)[number];
export type ComplaintState = 'open' | ComplaintOutcome;

export interface DecisionItem {
  itemId: number;
  position: number;
  url: string;
  /** The customer whose content it is (null for a URL not on a customer's zone). */
  accountId: string | null;
}

/** A decision as the event log records it. */
export interface Decision {
  /** The review's decision_id, or `receipt:<notice id>` for a restriction by policy at receipt. */
  id: string;
  noticeId: string;
  kind: DecisionKind;
  /** Who decided: `principal:<id>` for staff, `system` for a policy. */
  actor: string;
  decidedAt: Date;
  /** The principal the notice belongs to (its notifier). */
  reporterId: string;
  items: DecisionItem[];
}

/** Who complains: the customer by account, the notifier by the principal the notice belongs to. */
export type Complainant = { party: 'customer'; accountId: string } | { party: 'notifier'; reporterId: string };

/** A complaint as stored (the parts these rules read). */
export interface ComplaintFacts {
  id: string;
  decisionId: string;
  decisionActor: string;
  party: ComplaintParty;
  accountId: string | null;
  reporterId: string | null;
  state: ComplaintState;
  positions: number[];
  decidedAt: Date | null;
  decidedBy: string | null;
}

// ---------------------------------------------------------------------------------------------
// Decisions, from the event log

/** The events a decision is read from (services/complaints.ts selects them for one notice). */
export interface DecisionEventRow {
  type: string;
  actor: string;
  at: Date;
  data: unknown;
  after: unknown;
  /** For item events: the item, its position, URL and account. */
  item: { id: number; position: number; url: string; accountId: string | null } | null;
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

/**
 * The decisions on a notice, oldest first: each staff review (`notice.reviewed` with its
 * `item.reviewed` events, joined by decision_id) and the restriction by policy at receipt
 * (`notice.takedown_started` with by 'policy', its items those `item.resolved` disabled). A
 * review that changed no item is no decision anyone can complain against, so it is left out.
 */
export function decisionsFromEvents(noticeId: string, reporterId: string, rows: readonly DecisionEventRow[]): Decision[] {
  const reviews = new Map<string, Decision>();
  let receipt: Decision | null = null;
  for (const r of rows) {
    const data = obj(r.data);
    if (r.type === 'notice.reviewed' && typeof data.decision_id === 'string') {
      reviews.set(data.decision_id, {
        id: data.decision_id,
        noticeId,
        kind: data.decision === 'reject' ? 'rejection' : 'restriction',
        actor: r.actor,
        decidedAt: r.at,
        reporterId,
        items: [],
      });
    } else if (r.type === 'notice.takedown_started' && data.by === 'policy' && !receipt) {
      receipt = { id: `receipt:${noticeId}`, noticeId, kind: 'restriction', actor: r.actor, decidedAt: r.at, reporterId, items: [] };
    }
  }
  for (const r of rows) {
    if (!r.item) continue;
    const data = obj(r.data);
    const item: DecisionItem = { itemId: r.item.id, position: r.item.position, url: r.item.url, accountId: r.item.accountId };
    if (r.type === 'item.reviewed' && typeof data.decision_id === 'string') reviews.get(data.decision_id)?.items.push(item);
    else if (r.type === 'item.resolved' && obj(r.after).state === 'content_disabled') receipt?.items.push(item);
  }
  const all = [...(receipt ? [receipt] : []), ...reviews.values()].filter((d) => d.items.length > 0);
  for (const d of all) d.items.sort((a, b) => a.position - b.position);
  return all.sort((a, b) => a.decidedAt.getTime() - b.decidedAt.getTime());
}

// ---------------------------------------------------------------------------------------------
// Filing

/** The last moment a complaint against a decision made at `decidedAt` is accepted: six calendar months later (UTC). */
export function complaintDeadline(decidedAt: Date): Date {
  const d = new Date(decidedAt.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + COMPLAINT_WINDOW_MONTHS);
  // 31 August + 6 months is the last day of February, not 3 March.
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/** The URLs of a decision a complainant may complain about: the customer's own, or all for the notifier. */
export function complainableItems(decision: Decision, who: Complainant): DecisionItem[] {
  if (who.party === 'customer') return decision.items.filter((i) => i.accountId === who.accountId);
  return who.reporterId === decision.reporterId ? decision.items : [];
}

export type FilingVerdict =
  | { ok: true; items: DecisionItem[] }
  /** An open complaint of this party against this decision exists: filing again is that complaint. */
  | { ok: true; existing: ComplaintFacts }
  | { ok: false; error: 'not_found' | 'conflict'; field: string; message: string };

const ymd = (d: Date) => d.toISOString().slice(0, 10);

const sameParty = (c: ComplaintFacts, who: Complainant) =>
  c.party === who.party && (who.party === 'customer' ? c.accountId === who.accountId : c.reporterId === who.reporterId);

/**
 * Whether `who` may complain against `decision` now: a party to it (the customer whose URLs it
 * restricted or rejected; the notifier, for restrictions and rejections alike), within six months,
 * once per decision and party (an open complaint is returned as the same filing; a decided one
 * is final here, and the mail of its outcome named the redress that remains).
 */
export function mayComplain(decision: Decision, who: Complainant, now: Date, complaints: readonly ComplaintFacts[]): FilingVerdict {
  const items = complainableItems(decision, who);
  // Not a party: for this complainant the decision does not exist (nothing leaks across parties).
  if (!items.length) return { ok: false, error: 'not_found', field: 'decision_id', message: 'no decision on this notice concerns you' };
  const mine = complaints.filter((c) => c.decisionId === decision.id && sameParty(c, who));
  const open = mine.find((c) => c.state === 'open');
  if (open) return { ok: true, existing: open };
  const decided = mine.find((c) => c.state !== 'open');
  if (decided) {
    return {
      ok: false,
      error: 'conflict',
      field: 'decision_id',
      message: `your complaint against this decision was decided${decided.decidedAt ? ` on ${ymd(decided.decidedAt)}` : ''} (${decided.state}); what remains is an out-of-court dispute settlement body (DSA Art. 21) or the courts`,
    };
  }
  const deadline = complaintDeadline(decision.decidedAt);
  if (now > deadline) {
    return {
      ok: false,
      error: 'conflict',
      field: 'decision_id',
      message: `a complaint against this decision could be made until ${ymd(deadline)}, six months after it was made on ${ymd(decision.decidedAt)} (DSA Art. 20(1)); what remains is an out-of-court dispute settlement body (DSA Art. 21) or the courts`,
    };
  }
  return { ok: true, items };
}

const FilingSchema = z.object({
  text: z
    .string({ error: 'say why the decision is wrong' })
    .trim()
    .min(1, 'say why the decision is wrong')
    .max(COMPLAINT_TEXT_MAX, `must be at most ${COMPLAINT_TEXT_MAX} characters`),
  decision_id: z.string().trim().min(1).max(200).optional().describe('The decision complained against; default: the latest one that concerns you'),
});
export type ComplaintFiling = z.infer<typeof FilingSchema>;
export const complaintFilingSchema = FilingSchema;

/** A complaint's body, every problem by field. */
export function parseComplaintFiling(input: unknown): { ok: true; filing: ComplaintFiling } | { ok: false; errors: FieldError[] } {
  const r = FilingSchema.safeParse(input ?? {});
  return r.success ? { ok: true, filing: r.data } : { ok: false, errors: zodErrors(r.error) };
}

/** The decision a filing is against: the one it names, else the latest that concerns the complainant. */
export function decisionFor(decisions: readonly Decision[], who: Complainant, decisionId: string | undefined): Decision | null {
  if (decisionId) return decisions.find((d) => d.id === decisionId) ?? null;
  const mine = decisions.filter((d) => complainableItems(d, who).length > 0);
  return mine[mine.length - 1] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Deciding

const OutcomeSchema = z
  .object({
    outcome: z.enum(COMPLAINT_OUTCOMES, { error: 'must be upheld (the decision stands), reversed (it is undone) or partly_reversed' }),
    reason: z
      .string({ error: 'give the reasons for the outcome: both parties receive them' })
      .trim()
      .min(1, 'give the reasons for the outcome: both parties receive them')
      .max(OUTCOME_REASON_MAX, `must be at most ${OUTCOME_REASON_MAX} characters`),
    positions: z.array(z.number().int().min(0)).min(1).max(10_000).optional().describe('partly_reversed: the URLs (by position) whose decision is undone'),
  })
  .superRefine((v, ctx) => {
    if (v.outcome === 'partly_reversed' && !v.positions) ctx.addIssue({ code: 'custom', path: ['positions'], message: 'name the URLs (positions) to reverse' });
    if (v.outcome !== 'partly_reversed' && v.positions)
      ctx.addIssue({ code: 'custom', path: ['positions'], message: 'positions go with partly_reversed only' });
  });
export type ComplaintDecision = z.infer<typeof OutcomeSchema>;
export const complaintDecisionSchema = OutcomeSchema;

export function parseComplaintDecision(input: unknown): { ok: true; decision: ComplaintDecision } | { ok: false; errors: FieldError[] } {
  const r = OutcomeSchema.safeParse(input ?? {});
  return r.success ? { ok: true, decision: r.data } : { ok: false, errors: zodErrors(r.error) };
}

export type DecidingVerdict =
  | { ok: true; reverse: number[] }
  /** The same decision again (a retry): nothing more to do. */
  | { ok: true; already: true }
  | { ok: false; error: 'conflict' | 'invalid'; field: string; message: string };

/**
 * Whether `decider` may decide `complaint` so: not the person who made the decision complained
 * against (Art. 20(6): not solely automated and, here, another person), the complaint still open
 * (the same outcome again is a retry), and for a partial reversal positions of the complaint that
 * are not all of them. Returns the positions whose decision is undone.
 */
export function mayDecide(complaint: ComplaintFacts, decider: string, d: ComplaintDecision): DecidingVerdict {
  if (decider === complaint.decisionActor) {
    return {
      ok: false,
      error: 'conflict',
      field: '(principal)',
      message: 'you made the decision this complaint is against: another staff member must decide it',
    };
  }
  if (complaint.state !== 'open') {
    if (complaint.state === d.outcome && complaint.decidedBy === decider) return { ok: true, already: true };
    return { ok: false, error: 'conflict', field: 'outcome', message: `the complaint was already decided (${complaint.state})` };
  }
  if (d.outcome === 'upheld') return { ok: true, reverse: [] };
  if (d.outcome === 'reversed') return { ok: true, reverse: [...complaint.positions] };
  const own = new Set(complaint.positions);
  const foreign = d.positions!.filter((p) => !own.has(p));
  if (foreign.length)
    return {
      ok: false,
      error: 'invalid',
      field: 'positions',
      message: `not URLs of this complaint: ${foreign.join(', ')} (it is about ${complaint.positions.join(', ')})`,
    };
  const wanted = [...new Set(d.positions!)].sort((a, b) => a - b);
  if (wanted.length === own.size)
    return { ok: false, error: 'invalid', field: 'positions', message: 'that is every URL of the complaint: the outcome is reversed' };
  return { ok: true, reverse: wanted };
}

/**
 * What undoing a decision does to each of its URLs, as events of the item's state machine: a
 * reversed takedown restores the content; a reversed rejection disables it — where the kind of
 * report allows disabling (a WHOIS request does not) — and tells the customer as a takedown does.
 */
export function reversalEvents(
  decisionKind: DecisionKind,
  reportKind: ReportKind,
  complaintId: string,
): { ok: true; events: LifecycleEvent[] } | { ok: false; reason: string } {
  if (decisionKind === 'restriction') return { ok: true, events: [{ type: 'reverse_decision', complaintId }] };
  const allowed = allowedAction(reportKind, 'disable');
  if (!allowed.ok) return { ok: false, reason: `the rejection cannot be reversed by disabling the content: ${allowed.reason}` };
  return { ok: true, events: [{ type: 'reverse_decision', complaintId }, { type: 'notify_customer' }] };
}
