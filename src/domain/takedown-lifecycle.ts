/**
 * The life of one reported URL, from receipt to closed, as one explicit state machine. Every
 * reported URL has exactly one state here; the coarse item state the API and status pages show
 * (`notice_items.state`, item-state.ts) is `coarseState(state)`, a projection, not a model of its
 * own. The first step is the resolution (`resolve`): a URL that is not one we can act on is
 * `invalid`, a host that is not ours `not_on_network`, a proxied site's URL is `forwarded` to
 * its owner and host, and *hosted* content is `reported` and follows the takedown / counter-notice
 * lifecycle of 17 U.S.C. §512(c) and §512(g):
 *
 *   received ──resolve──▶ invalid | not_on_network | forwarded (──reject──▶ rejected, ──retract──▶ retracted)
 *      │ resolve (hosted)
 *      ▼
 *   reported ──disable──▶ content_disabled ──notify_customer──▶ customer_notified
 *      │ reject                  └──────────────┬────────────────────┘
 *      ▼                                receive_counter_notice
 *   rejected                                    ▼
 *                               counter_notice_received ──forward_counter_notice──▶ counter_notice_forwarded
 *                                               │ court_action_filed                    │ court_action_filed   │ restore / tick
 *                                               ▼                                       ▼                      ▼
 *                                     court_action_filed ◀──────────────────────────────┘                  restored
 *
 *   retract (the complainant withdraws): from reported and every disabled state → retracted
 *   (content back up, strike removed); close: customer_notified, court_action_filed, restored,
 *   retracted → closed.
 *
 *   reverse_decision (a staff member other than the decider upholds a complaint against the
 *   decision, DSA Art. 20: dsa/domain/complaint.ts): a takedown reversed → takedown_reversed
 *   (content back up, strike invalidated), from every disabled state but a pending court action;
 *   a rejection of hosted content reversed → content_disabled (the takedown names the complaint).
 *
 * Pure and total: `transition(state, event, ctx)` answers every event in every state — a new state
 * with the side effects the service must carry out (messages, strikes, wake-ups), "no change"
 * with a note, or a refusal with a code and a sentence. The one writer (services/item-steps.ts)
 * stores the state (see `parseLifecycleState`), writes the coarse `state` column from
 * `coarseState`, and performs every effect in the same transaction — nothing here reads a clock
 * or touches storage. The edge blocklist is not an effect: it is derived from the coarse state
 * (content down ⇔ `content_disabled`) by the triggers of migration 005, so it cannot disagree
 * with the state.
 *
 * Nothing here is specific to one kind of report: the events are the actions a desk takes on a
 * URL; which of them a kind of report allows is for that kind to say.
 *
 * Each state carries exactly the data that exists at that point: the restore window only once
 * the counter notice was forwarded, a court action only after a counter notice, and so on, so a
 * state that cannot happen cannot be written down. `closed` and `retracted` wrap the state they
 * ended, so nothing is lost and they cannot wrap a state they could not have come from.
 *
 * Repeated events are idempotent: an event whose purpose is already achieved in the current
 * state (a second `disable`, the same counter notice twice, a `tick` with nothing due) succeeds
 * with `changed: false`, no effects and a note saying why, so a retried request or a duplicate
 * e-mail does no harm. An event that would contradict the state is an error with a code and a
 * sentence for the person who sent it.
 */
import { z } from 'zod';
import { afterBusinessDays, localDate, type BusinessCalendar } from './business-days.ts';
import type { ItemState } from './item-state.ts';
import type { StrikeStatus } from './strike-policy.ts';
import { zodErrors, type FieldError } from './notice.ts';

// ---------------------------------------------------------------------------------------------
// Policy and context

/** §512(g)(2)(C): restore "not less than 10, nor more than 14, business days following receipt". */
export const RESTORE_MIN_BUSINESS_DAYS = 10;
export const RESTORE_MAX_BUSINESS_DAYS = 14;

export interface LifecyclePolicy {
  /**
   * Whether content may be disabled without staff review (`disable` with `by: 'policy'`), e.g.
   * for trusted reporters. Off by default: staff decide.
   */
  automaticTakedown: boolean;
  /**
   * At the end of which business day after the counter notice's receipt content is restored
   * (10–14). Default 10: the statute's earliest, so customers wait no longer than they must.
   */
  restoreAfterBusinessDays: number;
  /** Whether `tick` restores once the scheduled time has come; off: staff restore by hand. */
  automaticRestore: boolean;
}

export const DEFAULT_LIFECYCLE_POLICY: Readonly<LifecyclePolicy> = Object.freeze({
  automaticTakedown: false,
  restoreAfterBusinessDays: RESTORE_MIN_BUSINESS_DAYS,
  automaticRestore: true,
});

export const LifecyclePolicySchema = z.object({
  automaticTakedown: z.boolean({ error: 'automaticTakedown must be true or false' }).default(DEFAULT_LIFECYCLE_POLICY.automaticTakedown),
  restoreAfterBusinessDays: z
    .number({ error: 'restoreAfterBusinessDays must be a whole number from 10 to 14' })
    .int('restoreAfterBusinessDays must be a whole number from 10 to 14')
    .min(RESTORE_MIN_BUSINESS_DAYS, 'restoreAfterBusinessDays must be at least 10: the law (17 U.S.C. §512(g)(2)(C)) requires waiting 10 business days')
    .max(RESTORE_MAX_BUSINESS_DAYS, 'restoreAfterBusinessDays must be at most 14: the law (17 U.S.C. §512(g)(2)(C)) requires restoring within 14 business days')
    .default(DEFAULT_LIFECYCLE_POLICY.restoreAfterBusinessDays),
  automaticRestore: z.boolean({ error: 'automaticRestore must be true or false' }).default(DEFAULT_LIFECYCLE_POLICY.automaticRestore),
});

/** A policy from configuration (missing fields take the defaults); every problem by field. */
export function parseLifecyclePolicy(input: unknown): { ok: true; policy: LifecyclePolicy } | { ok: false; errors: FieldError[] } {
  const r = LifecyclePolicySchema.safeParse(input ?? {});
  return r.success ? { ok: true, policy: r.data } : { ok: false, errors: zodErrors(r.error) };
}

export interface LifecycleContext {
  /** The time of the transition: every timestamp the new state records comes from here. */
  now: Date;
  calendar: BusinessCalendar;
  policy: LifecyclePolicy;
}

// ---------------------------------------------------------------------------------------------
// States

export interface Takedown {
  reportedAt: Date;
  disabledAt: Date;
  /** Staff review, or automatic policy (`LifecyclePolicy.automaticTakedown`). */
  disabledBy: 'staff' | 'policy';
  /** Set when the takedown is the reversal of a rejection on complaint: it makes that reversal's retry a no-op. */
  complaintId?: string;
}

export interface CounterNoticeRef {
  /** The stored, validated counter notice (see counter-notice.ts). */
  id: string;
  /** When it reached us: the restore window is counted from here, not from processing. */
  receivedAt: Date;
}

export interface RestoreWindow {
  /** Ten whole business days after receipt: restoring earlier exposes the provider to the complainant. */
  earliest: Date;
  /** Fourteen whole business days after receipt: restoring later exposes it to the customer. */
  latest: Date;
  /** When `tick` restores (policy day, pushed back so the complainant gets the 10 days the copy promised, never past `latest`). */
  scheduled: Date;
}

export interface CourtActionRef {
  /** Court and case number as the complainant gave them. */
  reference: string;
  receivedAt: Date;
}

/** Filed and not resolved yet (an item without a stored state is in this one: see item-steps.ts). */
export interface Received {
  kind: 'received';
  reportedAt: Date;
}
/** Not a URL we can act on; the reason says why. Final. */
export interface Invalid {
  kind: 'invalid';
  reportedAt: Date;
  reason: string;
}
/** The host is not a site on this network. Final. */
export interface NotOnNetwork {
  kind: 'not_on_network';
  reportedAt: Date;
  resolvedAt: Date;
  reason: string;
}
/** A proxied site: the notice went to the site's owner (and host, as the reporter chose). */
export interface Forwarded {
  kind: 'forwarded';
  reportedAt: Date;
  resolvedAt: Date;
}
/** Hosted content reported and awaiting a decision (staff review or automatic policy). */
export interface Reported {
  kind: 'reported';
  reportedAt: Date;
  /** What the reporter is told while it waits (null in states stored before it was kept). */
  reason?: string | null;
}
/** Staff declined to act. Final, but for a complaint against the rejection (`reverse_decision`). */
export interface Rejected {
  kind: 'rejected';
  reportedAt: Date;
  rejectedAt: Date;
  reason: string;
  /** The notice had been forwarded (a proxied site): nothing of ours to disable if the rejection is reversed. */
  forwarded?: true;
}
/** Taken down; the customer has not been told yet. */
export interface ContentDisabled {
  kind: 'content_disabled';
  takedown: Takedown;
}
/** Taken down and the customer told (§512(g)(2)(A)); a counter notice may come at any time. */
export interface CustomerNotified {
  kind: 'customer_notified';
  takedown: Takedown;
  customerNotifiedAt: Date;
}
/** A valid counter notice arrived; the complainant has not been sent its copy yet. */
export interface CounterNoticeReceived {
  kind: 'counter_notice_received';
  takedown: Takedown;
  /** Null when the customer countered before our notification went out. */
  customerNotifiedAt: Date | null;
  counterNotice: CounterNoticeRef;
}
/** The complainant has its copy (§512(g)(2)(B)); the restore window runs. */
export interface CounterNoticeForwarded {
  kind: 'counter_notice_forwarded';
  takedown: Takedown;
  customerNotifiedAt: Date | null;
  counterNotice: CounterNoticeRef;
  forwardedAt: Date;
  restoreWindow: RestoreWindow;
}
/** The complainant showed it sued (§512(g)(2)(C)): the content stays down. */
export interface CourtActionFiled {
  kind: 'court_action_filed';
  takedown: Takedown;
  customerNotifiedAt: Date | null;
  counterNotice: CounterNoticeRef;
  /** Null when the court action came before we forwarded the counter notice. */
  forwardedAt: Date | null;
  courtAction: CourtActionRef;
}
/** Back up after the counter notice's waiting period. */
export interface Restored {
  kind: 'restored';
  takedown: Takedown;
  customerNotifiedAt: Date | null;
  counterNotice: CounterNoticeRef;
  forwardedAt: Date;
  restoreWindow: RestoreWindow;
  restoredAt: Date;
  /** By hand, or by `tick` at `restoreWindow.scheduled`. */
  restoredBy: 'staff' | 'schedule';
}
/**
 * Back up because the takedown was reversed on complaint (DSA Art. 20): the decision was wrong,
 * so its strike is invalidated. Final: acting on the content again takes a new notice.
 */
export interface TakedownReversed {
  kind: 'takedown_reversed';
  reversedAt: Date;
  complaintId: string;
  before: ContentDisabled | CustomerNotified | CounterNoticeReceived | CounterNoticeForwarded;
}
/** The states a complainant's retraction can end. */
export type Retractable = Forwarded | Reported | ContentDisabled | CustomerNotified | CounterNoticeReceived | CounterNoticeForwarded | CourtActionFiled;
/** The complainant withdrew the notice; content that was disabled is back up, and no strike. */
export interface Retracted {
  kind: 'retracted';
  retractedAt: Date;
  /** Where the item stood; `reported` or `forwarded` means nothing had been taken down. */
  before: Retractable;
}
/** The states a case can be closed in: nothing is pending in them. */
export type Closable = CustomerNotified | CourtActionFiled | Restored | Retracted;
/**
 * Off the queues. A closed case whose content is still disabled reopens when the complainant
 * retracts or the customer sends a counter notice (§512(g) sets no deadline for either).
 */
export interface Closed {
  kind: 'closed';
  closedAt: Date;
  last: Closable;
}

export type LifecycleState =
  | Received
  | Invalid
  | NotOnNetwork
  | Forwarded
  | Reported
  | Rejected
  | ContentDisabled
  | CustomerNotified
  | CounterNoticeReceived
  | CounterNoticeForwarded
  | CourtActionFiled
  | Restored
  | Retracted
  | TakedownReversed
  | Closed;
export type LifecycleKind = LifecycleState['kind'];

export const LIFECYCLE_KINDS = [
  'received',
  'invalid',
  'not_on_network',
  'forwarded',
  'reported',
  'rejected',
  'content_disabled',
  'customer_notified',
  'counter_notice_received',
  'counter_notice_forwarded',
  'court_action_filed',
  'restored',
  'retracted',
  'takedown_reversed',
  'closed',
] as const satisfies readonly LifecycleKind[];

/** A URL as it is filed: `received`, or `invalid` when it is not one we can act on. */
export function receiveItem(reportedAt: Date, invalidReason: string | null = null): Received | Invalid {
  checkDate(reportedAt, 'reportedAt');
  return invalidReason === null ? { kind: 'received', reportedAt } : { kind: 'invalid', reportedAt, reason: invalidReason };
}

/** Hosted content as it awaits a decision (for tests and states that start there). */
export function startLifecycle(reportedAt: Date, reason: string | null = null): Reported {
  checkDate(reportedAt, 'reportedAt');
  return reason === null ? { kind: 'reported', reportedAt } : { kind: 'reported', reportedAt, reason };
}

/** Where resolution sent a URL (routing.ts decides it from the zone). */
export type Resolution = { to: 'not_on_network'; reason: string } | { to: 'forwarded' } | { to: 'hosted'; reason: string | null };

/**
 * The events receipt runs on a resolved URL: the resolution, and for hosted content under a
 * policy of automatic takedown the takedown itself and the customer's notification, as a staff
 * takedown does them.
 */
export function receiptEvents(resolution: Resolution, policy: Pick<LifecyclePolicy, 'automaticTakedown'>): LifecycleEvent[] {
  const events: LifecycleEvent[] = [{ type: 'resolve', resolution }];
  if (resolution.to === 'hosted' && policy.automaticTakedown) events.push({ type: 'disable', by: 'policy' }, { type: 'notify_customer' });
  return events;
}

// ---------------------------------------------------------------------------------------------
// Events and effects

export type LifecycleEvent =
  /** The URL's host was resolved: where the notice goes from here. */
  | { type: 'resolve'; resolution: Resolution }
  /** Take the content down: by staff decision or by automatic policy. */
  | { type: 'disable'; by: 'staff' | 'policy' }
  /** Staff decline to act; the reason is shown to the complainant. */
  | { type: 'reject'; reason: string }
  /** Tell the customer (§512(g)(2)(A)), with how to send a counter notice. */
  | { type: 'notify_customer' }
  /** A counter notice, already validated, was received (`receivedAt` defaults to `ctx.now`). */
  | { type: 'receive_counter_notice'; counterNoticeId: string; receivedAt?: Date }
  /** Send the complainant its copy and the restore date (§512(g)(2)(B)); starts the window. */
  | { type: 'forward_counter_notice' }
  /** The complainant says it filed an action seeking a court order (§512(g)(2)(C)). */
  | { type: 'court_action_filed'; reference: string; receivedAt?: Date }
  /** Staff restore by hand inside the window (the schedule does it with `tick`). */
  | { type: 'restore' }
  /** The complainant withdraws the notice for this URL. */
  | { type: 'retract' }
  | { type: 'close' }
  /** A complaint against the decision on this URL was upheld in the complainant's favour: undo it (DSA Art. 20). */
  | { type: 'reverse_decision'; complaintId: string }
  /** Time passed: restores when the scheduled time has come. Broadcast-safe: a no-op elsewhere. */
  | { type: 'tick' };
export type LifecycleEventType = LifecycleEvent['type'];

export type Recipient = 'customer' | 'complainant';

/** What a message must say; the wording is composed elsewhere (messages). */
export type LifecycleMessage =
  /** To the complainant: the URL is disabled. */
  | { kind: 'content_disabled' }
  /** To the complainant: staff declined, and why. */
  | { kind: 'rejected'; reason: string }
  /** To the customer: content disabled because of the notice; how to counter-notify. */
  | { kind: 'takedown_notice' }
  /** To the customer: we have the counter notice. */
  | { kind: 'counter_notice_received'; counterNoticeId: string }
  /** To the complainant: a copy of the counter notice and when we will restore (null: you already sued). */
  | { kind: 'counter_notice_copy'; counterNoticeId: string; restoreAt: Date | null }
  /** To the customer: the complainant has the counter notice; restoration is scheduled. */
  | { kind: 'restore_scheduled'; restoreAt: Date }
  /** To the customer: a court action was filed, the content stays down. */
  | { kind: 'court_action_filed'; reference: string }
  /** To both: the content is back up. */
  | { kind: 'restored'; cause: 'counter_notice' | 'retraction' }
  /** To the complainant: retraction recorded (and whether content went back up). */
  | { kind: 'retraction_confirmed'; contentRestored: boolean };

// No edge effect: the edge blocklist is derived from the coarse state by the triggers of
// migration 005 (content down ⇔ coarseState is `content_disabled`), so writing the state is
// what blocks and unblocks, in the same transaction.
export type SideEffect =
  /**
   * The strike this item gives its notice on the account changes: `previous: null` — a strike is
   * added; `status` countered/retracted — it stops counting (removed); active/disputed as named.
   */
  | { type: 'strike'; status: StrikeStatus; previous: StrikeStatus | null }
  | { type: 'message'; to: Recipient; message: LifecycleMessage }
  /** Call `transition(…, {type: 'tick'}, …)` at (or after) this instant. */
  | { type: 'schedule_tick'; at: Date }
  /** The scheduled tick is no longer needed (harmless if it fires anyway). */
  | { type: 'cancel_tick' };

export type TransitionErrorCode =
  /** The event makes no sense in this state. */
  | 'not_allowed'
  /** The content is already back up (e.g. a counter notice after a retraction or after restoring). */
  | 'already_restored'
  /** A different counter notice is already being processed. */
  | 'conflict'
  /** The restore window has not opened yet. */
  | 'too_early'
  /** Too late to stop restoration: it happened. */
  | 'too_late'
  /** The policy does not allow this (e.g. automatic takedown switched off). */
  | 'forbidden_by_policy'
  /** The event's own data is wrong (empty id, a receipt time in the future, …). */
  | 'invalid_event';

export interface TransitionError {
  code: TransitionErrorCode;
  /** A sentence for the person who sent the event. */
  message: string;
  state: LifecycleKind;
  event: LifecycleEventType;
}

export type TransitionResult =
  | { ok: true; changed: true; state: LifecycleState; effects: SideEffect[] }
  | { ok: true; changed: false; state: LifecycleState; effects: []; note: string }
  | { ok: false; error: TransitionError };

// ---------------------------------------------------------------------------------------------
// The transition function

/** Events that bring a closed case back (§512(g) sets no deadline for them). */
const REOPENING: readonly LifecycleEventType[] = ['retract', 'receive_counter_notice', 'reverse_decision'];

export function transition(state: LifecycleState, event: LifecycleEvent, ctx: LifecycleContext): TransitionResult {
  checkContext(ctx);
  if (state.kind === 'closed') {
    if (event.type === 'close') return same(state, `the case was already closed on ${day(state.closedAt, ctx)}`);
    const r = step(state.last, event, ctx);
    if (!r.ok) return { ok: false, error: { ...r.error, state: 'closed' } };
    if (!r.changed) return same(state, r.note);
    if (REOPENING.includes(event.type)) return r;
    return fail('not_allowed', `the case was closed on ${day(state.closedAt, ctx)}`, state, event);
  }
  return step(state, event, ctx);
}

function step(s: Exclude<LifecycleState, Closed>, ev: LifecycleEvent, ctx: LifecycleContext): TransitionResult {
  switch (ev.type) {
    case 'resolve':
      return resolve(s, ev, ctx);
    case 'disable':
      return disable(s, ev, ctx);
    case 'reject':
      return reject(s, ev, ctx);
    case 'notify_customer':
      return notifyCustomer(s, ev, ctx);
    case 'receive_counter_notice':
      return receiveCounterNotice(s, ev, ctx);
    case 'forward_counter_notice':
      return forwardCounterNotice(s, ev, ctx);
    case 'court_action_filed':
      return courtActionFiled(s, ev, ctx);
    case 'restore':
      return restore(s, ev, ctx);
    case 'retract':
      return retract(s, ev, ctx);
    case 'close':
      return close(s, ev, ctx);
    case 'tick':
      return tick(s, ctx);
    case 'reverse_decision':
      return reverseDecision(s, ev, ctx);
    default: {
      const never: never = ev;
      throw new TypeError(`unknown lifecycle event ${JSON.stringify(never)}`);
    }
  }
}

type Open = Exclude<LifecycleState, Closed>;
type Disabled = ContentDisabled | CustomerNotified | CounterNoticeReceived | CounterNoticeForwarded | CourtActionFiled;

function isDisabled(s: Open): s is Disabled {
  return (
    s.kind === 'content_disabled' ||
    s.kind === 'customer_notified' ||
    s.kind === 'counter_notice_received' ||
    s.kind === 'counter_notice_forwarded' ||
    s.kind === 'court_action_filed'
  );
}

/** The states before or beside the takedown lifecycle: no hosted content of ours is reported. */
type NotHosted = Received | Invalid | NotOnNetwork | Forwarded;

/** Whether the retracted notice had content of ours taken down (and so put back up). */
function wasTakenDown(s: Retracted): boolean {
  return s.before.kind !== 'reported' && s.before.kind !== 'forwarded';
}

function isNotHosted(s: Open): s is NotHosted {
  return s.kind === 'received' || s.kind === 'invalid' || s.kind === 'not_on_network' || s.kind === 'forwarded';
}

function resolve(s: Open, ev: Extract<LifecycleEvent, { type: 'resolve' }>, ctx: LifecycleContext): TransitionResult {
  const r = ev.resolution;
  if (s.kind !== 'received') return same(s, s.kind === 'invalid' ? whyNot(s, ctx) : 'this URL was already resolved');
  switch (r?.to) {
    case 'not_on_network':
      if (!r.reason?.trim()) return fail('invalid_event', 'say why the URL is not on this network', s, ev);
      return changed({ kind: 'not_on_network', reportedAt: s.reportedAt, resolvedAt: ctx.now, reason: r.reason }, []);
    case 'forwarded':
      return changed({ kind: 'forwarded', reportedAt: s.reportedAt, resolvedAt: ctx.now }, []);
    case 'hosted':
      return changed(startLifecycle(s.reportedAt, r.reason), []);
    default:
      return fail('invalid_event', 'a resolution goes to not_on_network, forwarded or hosted', s, ev);
  }
}

/** Why nothing can be done to content that is up again or never was taken down. */
function whyNot(s: Rejected | Restored | Retracted | Reported | NotHosted | TakedownReversed, ctx: LifecycleContext): string {
  switch (s.kind) {
    case 'received':
      return 'this URL has not been resolved yet';
    case 'invalid':
      return `this URL cannot be acted on (${s.reason})`;
    case 'not_on_network':
      return 'this URL is not on our network';
    case 'forwarded':
      return `the site is proxied, not hosted by us: the notice was forwarded to its owner on ${day(s.resolvedAt, ctx)}`;
    case 'reported':
      return 'the content has not been disabled (the report awaits a decision)';
    case 'rejected':
      return `staff rejected this URL on ${day(s.rejectedAt, ctx)} (${s.reason}); acting on it takes a new notice`;
    case 'restored':
      return `the content was restored on ${day(s.restoredAt, ctx)} after counter notice ${s.counterNotice.id}`;
    case 'retracted':
      return !wasTakenDown(s)
        ? `the complainant retracted the notice on ${day(s.retractedAt, ctx)}, before any action`
        : `the complainant retracted the notice on ${day(s.retractedAt, ctx)} and the content was restored`;
    case 'takedown_reversed':
      return `the takedown was reversed on complaint ${s.complaintId} on ${day(s.reversedAt, ctx)} and the content restored; acting on it again takes a new notice`;
  }
}

function disable(s: Open, ev: Extract<LifecycleEvent, { type: 'disable' }>, ctx: LifecycleContext): TransitionResult {
  if (ev.by !== 'staff' && ev.by !== 'policy') return fail('invalid_event', 'disable needs by: "staff" or "policy"', s, ev);
  if (isDisabled(s)) return same(s, `the content is already disabled (since ${day(s.takedown.disabledAt, ctx)})`);
  if (isNotHosted(s)) return fail('not_allowed', `${whyNot(s, ctx)}; there is no content of ours to disable`, s, ev);
  if (s.kind !== 'reported') return fail('not_allowed', `${whyNot(s, ctx)}; it cannot be disabled again under this notice`, s, ev);
  if (ev.by === 'policy' && !ctx.policy.automaticTakedown) {
    return fail('forbidden_by_policy', 'automatic takedown is switched off: staff must review this URL', s, ev);
  }
  const next: ContentDisabled = { kind: 'content_disabled', takedown: { reportedAt: s.reportedAt, disabledAt: ctx.now, disabledBy: ev.by } };
  return changed(next, [
    { type: 'strike', status: 'active', previous: null },
    { type: 'message', to: 'complainant', message: { kind: 'content_disabled' } },
  ]);
}

function reject(s: Open, ev: Extract<LifecycleEvent, { type: 'reject' }>, ctx: LifecycleContext): TransitionResult {
  const reason = typeof ev.reason === 'string' ? ev.reason.trim() : '';
  if (!reason) return fail('invalid_event', 'a rejection needs a reason for the complainant', s, ev);
  if (s.kind === 'rejected') return same(s, `already rejected on ${day(s.rejectedAt, ctx)}`);
  // Staff may decline a forwarded notice too (e.g. it is abusive): the reporter is told so.
  if (s.kind !== 'reported' && s.kind !== 'forwarded') {
    const why = isDisabled(s) ? 'the content is already disabled; it comes back by retraction or counter notice, not by rejection' : whyNot(s, ctx);
    return fail('not_allowed', why, s, ev);
  }
  const next: Rejected = {
    kind: 'rejected',
    reportedAt: s.reportedAt,
    rejectedAt: ctx.now,
    reason,
    ...(s.kind === 'forwarded' ? { forwarded: true as const } : {}),
  };
  return changed(next, [{ type: 'message', to: 'complainant', message: { kind: 'rejected', reason } }]);
}

function notifyCustomer(s: Open, ev: LifecycleEvent, ctx: LifecycleContext): TransitionResult {
  if (s.kind === 'content_disabled') {
    return changed({ kind: 'customer_notified', takedown: s.takedown, customerNotifiedAt: ctx.now }, [
      { type: 'message', to: 'customer', message: { kind: 'takedown_notice' } },
    ]);
  }
  if (s.kind === 'customer_notified') return same(s, `the customer was already notified on ${day(s.customerNotifiedAt, ctx)}`);
  if (s.kind === 'counter_notice_received' || s.kind === 'counter_notice_forwarded' || s.kind === 'court_action_filed' || s.kind === 'restored') {
    return same(
      s,
      s.customerNotifiedAt ? `the customer was already notified on ${day(s.customerNotifiedAt, ctx)}` : 'the customer already answered with a counter notice',
    );
  }
  return fail('not_allowed', `${whyNot(s, ctx)}: there is nothing to notify the customer of`, s, ev);
}

function receiveCounterNotice(s: Open, ev: Extract<LifecycleEvent, { type: 'receive_counter_notice' }>, ctx: LifecycleContext): TransitionResult {
  const id = typeof ev.counterNoticeId === 'string' ? ev.counterNoticeId.trim() : '';
  if (!id) return fail('invalid_event', 'the counter notice id is missing', s, ev);
  const receivedAt = ev.receivedAt ?? ctx.now;
  const bad = receiptProblem(receivedAt, ctx);
  if (bad) return fail('invalid_event', bad, s, ev);
  if (s.kind === 'content_disabled' || s.kind === 'customer_notified') {
    if (receivedAt < s.takedown.disabledAt) return fail('invalid_event', 'a counter notice cannot have been received before the content was disabled', s, ev);
    return changed(
      {
        kind: 'counter_notice_received',
        takedown: s.takedown,
        customerNotifiedAt: s.kind === 'customer_notified' ? s.customerNotifiedAt : null,
        counterNotice: { id, receivedAt },
      },
      [
        { type: 'strike', status: 'disputed', previous: 'active' },
        { type: 'message', to: 'customer', message: { kind: 'counter_notice_received', counterNoticeId: id } },
      ],
    );
  }
  const existing = s.kind === 'retracted' ? counterNoticeOf(s.before) : counterNoticeOf(s);
  if (existing?.id === id) return same(s, `counter notice ${id} was already received on ${day(existing.receivedAt, ctx)}`);
  switch (s.kind) {
    case 'counter_notice_received':
    case 'counter_notice_forwarded':
      return fail('conflict', `counter notice ${s.counterNotice.id} for this URL is already being processed`, s, ev);
    case 'court_action_filed':
      return fail(
        'not_allowed',
        `the complainant has filed a court action (${s.courtAction.reference}); the content stays disabled until the court decides`,
        s,
        ev,
      );
    case 'restored':
    case 'takedown_reversed':
      return fail('already_restored', `${whyNot(s, ctx)}; no counter notice is needed`, s, ev);
    case 'retracted':
      return !wasTakenDown(s)
        ? fail('not_allowed', `${whyNot(s, ctx)}; there is nothing to counter`, s, ev)
        : fail('already_restored', `${whyNot(s, ctx)}; no counter notice is needed`, s, ev);
    default:
      return fail('not_allowed', `${whyNot(s, ctx)}; there is nothing to counter`, s, ev);
  }
}

function forwardCounterNotice(s: Open, ev: LifecycleEvent, ctx: LifecycleContext): TransitionResult {
  if (s.kind === 'counter_notice_received') {
    const restoreWindow = computeRestoreWindow(s.counterNotice.receivedAt, ctx.now, ctx);
    const effects: SideEffect[] = [
      { type: 'message', to: 'complainant', message: { kind: 'counter_notice_copy', counterNoticeId: s.counterNotice.id, restoreAt: restoreWindow.scheduled } },
      { type: 'message', to: 'customer', message: { kind: 'restore_scheduled', restoreAt: restoreWindow.scheduled } },
    ];
    if (ctx.policy.automaticRestore) effects.push({ type: 'schedule_tick', at: restoreWindow.scheduled });
    return changed({ ...s, kind: 'counter_notice_forwarded', forwardedAt: ctx.now, restoreWindow }, effects);
  }
  if (s.kind === 'counter_notice_forwarded' || s.kind === 'restored') return same(s, `the counter notice was already forwarded on ${day(s.forwardedAt, ctx)}`);
  if (s.kind === 'court_action_filed') {
    if (s.forwardedAt) return same(s, `the counter notice was already forwarded on ${day(s.forwardedAt, ctx)}`);
    // The complainant sued before we sent its copy: it still gets the copy, without a restore date.
    return changed({ ...s, forwardedAt: ctx.now }, [
      { type: 'message', to: 'complainant', message: { kind: 'counter_notice_copy', counterNoticeId: s.counterNotice.id, restoreAt: null } },
    ]);
  }
  if (s.kind === 'retracted') return fail('not_allowed', `${whyNot(s, ctx)}; there is nothing to forward`, s, ev);
  return fail('not_allowed', 'there is no counter notice to forward', s, ev);
}

function courtActionFiled(s: Open, ev: Extract<LifecycleEvent, { type: 'court_action_filed' }>, ctx: LifecycleContext): TransitionResult {
  const reference = typeof ev.reference === 'string' ? ev.reference.trim() : '';
  if (!reference) return fail('invalid_event', 'name the court and the case number of the action', s, ev);
  const receivedAt = ev.receivedAt ?? ctx.now;
  const bad = receiptProblem(receivedAt, ctx);
  if (bad) return fail('invalid_event', bad, s, ev);
  if (s.kind === 'counter_notice_received' || s.kind === 'counter_notice_forwarded') {
    const effects: SideEffect[] = [{ type: 'strike', status: 'active', previous: 'disputed' }];
    if (s.kind === 'counter_notice_forwarded') effects.push({ type: 'cancel_tick' });
    effects.push({ type: 'message', to: 'customer', message: { kind: 'court_action_filed', reference } });
    return changed(
      {
        kind: 'court_action_filed',
        takedown: s.takedown,
        customerNotifiedAt: s.customerNotifiedAt,
        counterNotice: s.counterNotice,
        forwardedAt: s.kind === 'counter_notice_forwarded' ? s.forwardedAt : null,
        courtAction: { reference, receivedAt },
      },
      effects,
    );
  }
  if (s.kind === 'court_action_filed')
    return same(s, `a court action (${s.courtAction.reference}) was already recorded on ${day(s.courtAction.receivedAt, ctx)}`);
  if (s.kind === 'restored') {
    return fail(
      'too_late',
      `${whyNot(s, ctx)}; a notice of court action must arrive before restoration, and a court order now comes through legal process`,
      s,
      ev,
    );
  }
  return fail('not_allowed', 'there is no counter notice for a court action to answer', s, ev);
}

function restore(s: Open, ev: LifecycleEvent, ctx: LifecycleContext): TransitionResult {
  switch (s.kind) {
    case 'counter_notice_forwarded':
      if (ctx.now < s.restoreWindow.earliest) {
        return fail(
          'too_early',
          `the content may be restored from ${stamp(s.restoreWindow.earliest, ctx)}: 10 business days after the counter notice was received on ${day(s.counterNotice.receivedAt, ctx)} (17 U.S.C. §512(g)(2)(C))`,
          s,
          ev,
        );
      }
      return restored(s, 'staff', ctx);
    case 'restored':
      return same(s, `the content was already restored on ${day(s.restoredAt, ctx)}`);
    case 'takedown_reversed':
      return same(s, `the content was already restored on ${day(s.reversedAt, ctx)}, when the takedown was reversed on complaint`);
    case 'retracted':
      if (wasTakenDown(s)) return same(s, `the content was already restored when the complainant retracted on ${day(s.retractedAt, ctx)}`);
      return fail('not_allowed', `${whyNot(s, ctx)}; there is nothing to restore`, s, ev);
    case 'counter_notice_received':
      return fail('not_allowed', 'forward the counter notice to the complainant first: the waiting period runs from there', s, ev);
    case 'court_action_filed':
      return fail('not_allowed', `the complainant has filed a court action (${s.courtAction.reference}); the content stays disabled`, s, ev);
    case 'content_disabled':
    case 'customer_notified':
      return fail('not_allowed', 'disabled content comes back after a counter notice and its waiting period, or when the complainant retracts', s, ev);
    default:
      return fail('not_allowed', `${whyNot(s, ctx)}; there is nothing to restore`, s, ev);
  }
}

function restored(s: CounterNoticeForwarded, by: 'staff' | 'schedule', ctx: LifecycleContext): TransitionResult {
  const effects: SideEffect[] = [{ type: 'strike', status: 'countered', previous: 'disputed' }];
  if (by === 'staff' && ctx.policy.automaticRestore) effects.push({ type: 'cancel_tick' });
  effects.push(
    { type: 'message', to: 'customer', message: { kind: 'restored', cause: 'counter_notice' } },
    { type: 'message', to: 'complainant', message: { kind: 'restored', cause: 'counter_notice' } },
  );
  return changed({ ...s, kind: 'restored', restoredAt: ctx.now, restoredBy: by }, effects);
}

function retract(s: Open, ev: LifecycleEvent, ctx: LifecycleContext): TransitionResult {
  // Nothing of ours was taken down for a forwarded notice: the retraction ends its strike (the
  // forwarded state is what counts it, repeat-infringers.ts) and no one needs a mail.
  if (s.kind === 'forwarded') return changed({ kind: 'retracted', retractedAt: ctx.now, before: s }, []);
  if (s.kind === 'reported') {
    return changed({ kind: 'retracted', retractedAt: ctx.now, before: s }, [
      { type: 'message', to: 'complainant', message: { kind: 'retraction_confirmed', contentRestored: false } },
    ]);
  }
  if (isDisabled(s)) {
    const effects: SideEffect[] = [{ type: 'strike', status: 'retracted', previous: strikeStatusOf(s) }];
    if (s.kind === 'counter_notice_forwarded') effects.push({ type: 'cancel_tick' });
    effects.push(
      { type: 'message', to: 'customer', message: { kind: 'restored', cause: 'retraction' } },
      { type: 'message', to: 'complainant', message: { kind: 'retraction_confirmed', contentRestored: true } },
    );
    return changed({ kind: 'retracted', retractedAt: ctx.now, before: s }, effects);
  }
  if (s.kind === 'retracted') return same(s, `the notice was already retracted on ${day(s.retractedAt, ctx)}`);
  if (s.kind === 'restored' || s.kind === 'takedown_reversed') return same(s, `${whyNot(s, ctx)}: it is up and the strike no longer counts`);
  return fail('not_allowed', `${whyNot(s, ctx)}; there is nothing to retract`, s, ev);
}

function close(s: Open, ev: LifecycleEvent, ctx: LifecycleContext): TransitionResult {
  switch (s.kind) {
    case 'customer_notified':
    case 'court_action_filed':
    case 'restored':
    case 'retracted':
      return changed({ kind: 'closed', closedAt: ctx.now, last: s }, []);
    case 'rejected':
      return same(s, 'a rejected URL needs no closing');
    case 'takedown_reversed':
      return same(s, 'a takedown reversed on complaint needs no closing: the content is up and nothing is pending');
    case 'invalid':
    case 'not_on_network':
    case 'forwarded':
      return same(s, `${whyNot(s, ctx)}: there is no case to close`);
    case 'received':
      return fail('not_allowed', `${whyNot(s, ctx)}: there is nothing to close`, s, ev);
    case 'reported':
      return fail('not_allowed', 'decide first: disable the content or reject the report', s, ev);
    case 'content_disabled':
      return fail('not_allowed', 'notify the customer first (17 U.S.C. §512(g)(2)(A))', s, ev);
    case 'counter_notice_received':
      return fail('not_allowed', 'a counter notice is pending: forward it to the complainant', s, ev);
    case 'counter_notice_forwarded':
      return fail(
        'not_allowed',
        `a counter notice is pending: the content is due back on ${day(s.restoreWindow.scheduled, ctx)} unless the complainant shows a court action`,
        s,
        ev,
      );
  }
}

/**
 * Undo the decision a complaint was upheld against (DSA Art. 20). A takedown: the content goes
 * back up and its strike no longer counts — not while a court is seized of it (the complainant
 * sued on a counter notice), since the court decides then. A rejection of hosted content: the
 * content is disabled now, by staff. The messages are the complaint's outcome mail
 * (complaint-messages.ts), so the machine sends none; the same complaint again changes nothing.
 */
function reverseDecision(s: Open, ev: Extract<LifecycleEvent, { type: 'reverse_decision' }>, ctx: LifecycleContext): TransitionResult {
  const complaintId = typeof ev.complaintId === 'string' ? ev.complaintId.trim() : '';
  if (!complaintId) return fail('invalid_event', 'the complaint id is missing', s, ev);
  if (isDisabled(s) && s.takedown.complaintId === complaintId) return same(s, `complaint ${complaintId} already had the content disabled`);
  switch (s.kind) {
    case 'content_disabled':
    case 'customer_notified':
    case 'counter_notice_received':
    case 'counter_notice_forwarded': {
      const effects: SideEffect[] = [{ type: 'strike', status: 'invalidated', previous: strikeStatusOf(s) }];
      if (s.kind === 'counter_notice_forwarded') effects.push({ type: 'cancel_tick' });
      return changed({ kind: 'takedown_reversed', reversedAt: ctx.now, complaintId, before: s }, effects);
    }
    case 'court_action_filed':
      return fail(
        'not_allowed',
        `the complainant has filed a court action (${s.courtAction.reference}); the court decides whether the content comes back`,
        s,
        ev,
      );
    case 'rejected': {
      if (s.forwarded)
        return fail('not_allowed', 'the site is proxied, not hosted by us: the notice was forwarded and there is no content of ours to disable', s, ev);
      const takedown: Takedown = { reportedAt: s.reportedAt, disabledAt: ctx.now, disabledBy: 'staff', complaintId };
      return changed({ kind: 'content_disabled', takedown }, [{ type: 'strike', status: 'active', previous: null }]);
    }
    case 'takedown_reversed':
      if (s.complaintId === complaintId) return same(s, `the takedown was already reversed on complaint ${complaintId} on ${day(s.reversedAt, ctx)}`);
      return fail('not_allowed', whyNot(s, ctx), s, ev);
    case 'reported':
      return fail('not_allowed', 'no decision has been made on this URL yet: there is nothing to reverse', s, ev);
    default:
      return fail('not_allowed', `${whyNot(s, ctx)}; there is no decision of ours on it to reverse`, s, ev);
  }
}

function tick(s: Open, ctx: LifecycleContext): TransitionResult {
  if (s.kind === 'counter_notice_forwarded') {
    if (!ctx.policy.automaticRestore) return same(s, 'automatic restoration is switched off: staff restore by hand');
    if (ctx.now >= s.restoreWindow.scheduled) return restored(s, 'schedule', ctx);
    return same(s, `restoration is due at ${stamp(s.restoreWindow.scheduled, ctx)}`);
  }
  return same(s, 'nothing is due');
}

// ---------------------------------------------------------------------------------------------
// The restore window

/**
 * §512(g)(2)(C), counted from the counter notice's receipt: earliest after 10 whole business
 * days, latest after 14. The scheduled restoration is the policy's day — but at least 10 whole
 * business days after forwarding, because the copy the complainant receives promises them (a
 * late forward must not cut their time to sue), and never later than `latest`.
 */
export function computeRestoreWindow(receivedAt: Date, forwardedAt: Date, ctx: Pick<LifecycleContext, 'calendar' | 'policy'>): RestoreWindow {
  const cal = ctx.calendar;
  const earliest = afterBusinessDays(receivedAt, RESTORE_MIN_BUSINESS_DAYS, cal);
  const latest = afterBusinessDays(receivedAt, RESTORE_MAX_BUSINESS_DAYS, cal);
  const byPolicy = afterBusinessDays(receivedAt, ctx.policy.restoreAfterBusinessDays, cal);
  const fullNotice = afterBusinessDays(forwardedAt, RESTORE_MIN_BUSINESS_DAYS, cal);
  const wanted = byPolicy > fullNotice ? byPolicy : fullNotice;
  return { earliest, latest, scheduled: wanted < latest ? wanted : latest };
}

// ---------------------------------------------------------------------------------------------
// Reading a state

/** The coarse state kept in `notice_items.state`; its legal steps are listed in item-state.ts alone. */
export type CoarseItemState = ItemState;

/**
 * The coarse item state kept in `notice_items.state`. Every state in which the content is down
 * maps to `content_disabled`, so the edge blocklist (which blocks exactly those items) follows
 * the lifecycle without knowing it; a closed case keeps the coarse state it was closed in.
 */
export function coarseState(s: LifecycleState): CoarseItemState {
  switch (s.kind) {
    case 'received':
    case 'invalid':
    case 'not_on_network':
    case 'forwarded':
      return s.kind;
    case 'reported':
      return 'pending_review';
    case 'rejected':
      return 'rejected';
    case 'content_disabled':
    case 'customer_notified':
    case 'counter_notice_received':
    case 'counter_notice_forwarded':
    case 'court_action_filed':
      return 'content_disabled';
    case 'restored':
    case 'takedown_reversed':
      return 'restored';
    case 'retracted':
      return 'retracted';
    case 'closed':
      return coarseState(s.last);
  }
}

/**
 * The reason kept beside the coarse state in `notice_items.reason`, as the reporter reads it
 * (status page, acknowledgement): why a URL cannot be acted on, why it waits, why it was declined.
 */
export function coarseReason(s: LifecycleState): string | null {
  switch (s.kind) {
    case 'invalid':
    case 'not_on_network':
    case 'rejected':
      return s.reason;
    case 'reported':
      return s.reason ?? null;
    case 'closed':
      return coarseReason(s.last);
    default:
      return null;
  }
}

/**
 * Whether the URL is in the takedown lifecycle proper: hosted content reported, decided, and
 * what followed (the staff console shows its step; court actions and blanket retractions apply).
 */
export function inTakedownLifecycle(s: LifecycleState): boolean {
  switch (s.kind) {
    case 'received':
    case 'invalid':
    case 'not_on_network':
    case 'forwarded':
      return false;
    case 'retracted':
      return s.before.kind !== 'forwarded';
    case 'closed':
      return inTakedownLifecycle(s.last);
    default:
      return true;
  }
}

/** Is the content down (on the edge blocklist) in this state? */
export function isContentDisabled(s: LifecycleState): boolean {
  return coarseState(s) === 'content_disabled';
}

/**
 * The strike this item gives its notice on the account (see strike-policy.ts), or null when it
 * never led to a takedown. A pending counter notice disputes it; a court action reinstates it.
 */
export function strikeStatusOf(s: LifecycleState): StrikeStatus | null {
  switch (s.kind) {
    case 'received':
    case 'invalid':
    case 'not_on_network':
    case 'forwarded':
    case 'reported':
    case 'rejected':
      return null;
    case 'content_disabled':
    case 'customer_notified':
    case 'court_action_filed':
      return 'active';
    case 'counter_notice_received':
    case 'counter_notice_forwarded':
      return 'disputed';
    case 'restored':
      return 'countered';
    case 'retracted':
      return wasTakenDown(s) ? 'retracted' : null;
    case 'takedown_reversed':
      return 'invalidated';
    case 'closed':
      return strikeStatusOf(s.last);
  }
}

/** When the next `tick` can change this state (for the scheduler); null when time alone cannot. */
export function nextWakeAt(s: LifecycleState, policy: LifecyclePolicy): Date | null {
  return s.kind === 'counter_notice_forwarded' && policy.automaticRestore ? s.restoreWindow.scheduled : null;
}

/** Overdue: the window's latest moment has passed and the content is still down awaiting restore. */
export function isRestoreOverdue(s: LifecycleState, now: Date): boolean {
  return s.kind === 'counter_notice_forwarded' && now >= s.restoreWindow.latest;
}

export function restoreWindowOf(s: LifecycleState): RestoreWindow | null {
  const open = s.kind === 'closed' ? s.last : s;
  return open.kind === 'counter_notice_forwarded' || open.kind === 'restored' ? open.restoreWindow : null;
}

function counterNoticeOf(s: Open | Retractable): CounterNoticeRef | null {
  return 'counterNotice' in s ? s.counterNotice : null;
}

const PROBES: Record<LifecycleEventType, LifecycleEvent> = {
  resolve: { type: 'resolve', resolution: { to: 'forwarded' } },
  disable: { type: 'disable', by: 'staff' },
  reject: { type: 'reject', reason: '(probe)' },
  notify_customer: { type: 'notify_customer' },
  receive_counter_notice: { type: 'receive_counter_notice', counterNoticeId: '\u0000probe' },
  forward_counter_notice: { type: 'forward_counter_notice' },
  court_action_filed: { type: 'court_action_filed', reference: '(probe)' },
  restore: { type: 'restore' },
  retract: { type: 'retract' },
  close: { type: 'close' },
  tick: { type: 'tick' },
  reverse_decision: { type: 'reverse_decision', complaintId: '\u0000probe' },
};

/**
 * The commands that would change this state now (for buttons in the console); `tick`, `resolve`
 * and `reverse_decision` (only a decided complaint reverses: services/complaints.ts) excluded.
 */
export function availableCommands(s: LifecycleState, ctx: LifecycleContext): LifecycleEventType[] {
  return (Object.keys(PROBES) as LifecycleEventType[]).filter((t) => {
    if (t === 'tick' || t === 'resolve' || t === 'reverse_decision') return false;
    const r = transition(s, PROBES[t], ctx);
    return r.ok && r.changed;
  });
}

// ---------------------------------------------------------------------------------------------
// Storage: JSON in, validated, out

const instant = z.union([z.date(), z.iso.datetime({ offset: true }).transform((s) => new Date(s))]);
const takedownSchema = z.object({
  reportedAt: instant,
  disabledAt: instant,
  disabledBy: z.enum(['staff', 'policy']),
  complaintId: z.string().min(1).optional(),
});
const counterRef = z.object({ id: z.string().min(1), receivedAt: instant });
const windowSchema = z.object({ earliest: instant, latest: instant, scheduled: instant });
const receivedItemS = z.object({ kind: z.literal('received'), reportedAt: instant });
const invalidS = z.object({ kind: z.literal('invalid'), reportedAt: instant, reason: z.string().min(1) });
const notOnNetworkS = z.object({ kind: z.literal('not_on_network'), reportedAt: instant, resolvedAt: instant, reason: z.string().min(1) });
const forwardedItemS = z.object({ kind: z.literal('forwarded'), reportedAt: instant, resolvedAt: instant });
const reportedS = z.object({ kind: z.literal('reported'), reportedAt: instant, reason: z.string().nullable().optional() });
const rejectedS = z.object({
  kind: z.literal('rejected'),
  reportedAt: instant,
  rejectedAt: instant,
  reason: z.string().min(1),
  forwarded: z.literal(true).optional(),
});
const disabledS = z.object({ kind: z.literal('content_disabled'), takedown: takedownSchema });
const notifiedS = z.object({ kind: z.literal('customer_notified'), takedown: takedownSchema, customerNotifiedAt: instant });
const receivedS = z.object({
  kind: z.literal('counter_notice_received'),
  takedown: takedownSchema,
  customerNotifiedAt: instant.nullable(),
  counterNotice: counterRef,
});
const forwardedS = z.object({
  kind: z.literal('counter_notice_forwarded'),
  takedown: takedownSchema,
  customerNotifiedAt: instant.nullable(),
  counterNotice: counterRef,
  forwardedAt: instant,
  restoreWindow: windowSchema,
});
const courtS = z.object({
  kind: z.literal('court_action_filed'),
  takedown: takedownSchema,
  customerNotifiedAt: instant.nullable(),
  counterNotice: counterRef,
  forwardedAt: instant.nullable(),
  courtAction: z.object({ reference: z.string().min(1), receivedAt: instant }),
});
const restoredS = z.object({
  kind: z.literal('restored'),
  takedown: takedownSchema,
  customerNotifiedAt: instant.nullable(),
  counterNotice: counterRef,
  forwardedAt: instant,
  restoreWindow: windowSchema,
  restoredAt: instant,
  restoredBy: z.enum(['staff', 'schedule']),
});
const retractedS = z.object({
  kind: z.literal('retracted'),
  retractedAt: instant,
  before: z.discriminatedUnion('kind', [forwardedItemS, reportedS, disabledS, notifiedS, receivedS, forwardedS, courtS]),
});
const takedownReversedS = z.object({
  kind: z.literal('takedown_reversed'),
  reversedAt: instant,
  complaintId: z.string().min(1),
  before: z.discriminatedUnion('kind', [disabledS, notifiedS, receivedS, forwardedS]),
});
const closedS = z.object({ kind: z.literal('closed'), closedAt: instant, last: z.discriminatedUnion('kind', [notifiedS, courtS, restoredS, retractedS]) });

/** The schema of a stored lifecycle state (dates as ISO 8601 strings or `Date`s). */
export const LifecycleStateSchema = z.discriminatedUnion('kind', [
  receivedItemS,
  invalidS,
  notOnNetworkS,
  forwardedItemS,
  reportedS,
  rejectedS,
  disabledS,
  notifiedS,
  receivedS,
  forwardedS,
  courtS,
  restoredS,
  retractedS,
  takedownReversedS,
  closedS,
]);

/** A state read back from storage (`JSON.stringify(state)` writes it), checked. */
export function parseLifecycleState(json: unknown): { ok: true; state: LifecycleState } | { ok: false; errors: FieldError[] } {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch {
      return { ok: false, errors: [{ field: '(body)', message: 'not JSON' }] };
    }
  }
  const r = LifecycleStateSchema.safeParse(value);
  if (!r.success) return { ok: false, errors: zodErrors(r.error) };
  const state: LifecycleState = r.data;
  return { ok: true, state };
}

// ---------------------------------------------------------------------------------------------
// Helpers

function changed(state: LifecycleState, effects: SideEffect[]): TransitionResult {
  return { ok: true, changed: true, state, effects };
}

function same(state: LifecycleState, note: string): TransitionResult {
  return { ok: true, changed: false, state, effects: [], note };
}

function fail(code: TransitionErrorCode, message: string, s: LifecycleState, ev: LifecycleEvent): TransitionResult {
  return { ok: false, error: { code, message, state: s.kind, event: ev.type } };
}

function checkDate(d: unknown, name: string): void {
  if (!(d instanceof Date) || !Number.isFinite(d.getTime())) throw new RangeError(`${name} must be a valid Date`);
}

function checkContext(ctx: LifecycleContext): void {
  checkDate(ctx.now, 'ctx.now');
  const n = ctx.policy.restoreAfterBusinessDays;
  if (!Number.isInteger(n) || n < RESTORE_MIN_BUSINESS_DAYS || n > RESTORE_MAX_BUSINESS_DAYS) {
    throw new RangeError(`policy.restoreAfterBusinessDays must be a whole number from 10 to 14 (got ${n})`);
  }
}

function receiptProblem(receivedAt: unknown, ctx: LifecycleContext): string | null {
  if (!(receivedAt instanceof Date) || !Number.isFinite(receivedAt.getTime())) return 'receivedAt is not a valid time';
  if (receivedAt > ctx.now) return 'receivedAt lies in the future';
  return null;
}

/** A calendar day in the calendar's zone, for messages. */
function day(d: Date, ctx: Pick<LifecycleContext, 'calendar'>): string {
  return localDate(d, ctx.calendar.timeZone);
}

/** An instant in the calendar's zone, for messages: "2026-03-17 00:00 (America/New_York)". */
function stamp(d: Date, ctx: Pick<LifecycleContext, 'calendar'>): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: ctx.calendar.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
  return `${day(d, ctx)} ${parts} (${ctx.calendar.timeZone})`;
}
