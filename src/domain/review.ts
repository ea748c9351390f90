// Staff decisions on reported URLs as they arrive (form or API), checked, and as the events of
// the item's state machine (takedown-lifecycle.ts), which decides what they do to each item.
import type { LifecycleEvent } from './takedown-lifecycle.ts';

export const REJECTION_REASONS = {
  incomplete_notice: 'The notice lacks elements the law requires (17 U.S.C. §512(c)(3)).',
  work_not_identified: 'The copyrighted work is not identified clearly enough to act on.',
  material_not_found: 'The reported URL does not show the material described in the notice.',
  not_infringing: 'The material does not appear to infringe the work described.',
  authorised_use: 'The use appears to be licensed, authorised or fair use.',
  duplicate: 'The URL has already been dealt with in another notice.',
  /** Counts towards suspending the notifier (DSA Art. 23(2), dsa/domain/misuse-policy.ts). */
  manifestly_unfounded: 'The notice is manifestly unfounded: it is evident without a detailed examination that the content is not illegal.',
  other: 'Other reason (see the note).',
} as const;
export type RejectionReason = keyof typeof REJECTION_REASONS;

export function isRejectionReason(s: unknown): s is RejectionReason {
  return typeof s === 'string' && Object.hasOwn(REJECTION_REASONS, s);
}

export type ReviewDecision =
  /** Hosted content: take it down; the note, if any, is the ground the customer's statement of reasons gives. */
  /**
   * `manifestlyIllegal`: staff found the content illegal without a detailed legal or factual
   * examination; it counts towards suspending the customer (DSA Art. 23(1), misuse-policy.ts).
   */
  { type: 'disable'; note: string | null; manifestlyIllegal?: boolean } | { type: 'reject'; reason: RejectionReason; note: string | null };

export const NOTE_MAX = 2000;

/** Checks a decision as it arrives from a form or the API; every problem, by field. */
export function parseDecision(input: {
  action?: unknown;
  reason?: unknown;
  note?: unknown;
  manifestly_illegal?: unknown;
}): { ok: true; decision: ReviewDecision } | { ok: false; errors: { field: string; message: string }[] } {
  const errors: { field: string; message: string }[] = [];
  const note = typeof input.note === 'string' && input.note.trim() ? input.note.trim() : null;
  if (note && note.length > NOTE_MAX) errors.push({ field: 'note', message: `must be at most ${NOTE_MAX} characters (it has ${note.length})` });
  // From a form a checkbox sends "true" or "on"; from the API a boolean.
  const flag = input.manifestly_illegal;
  if (flag !== undefined && flag !== null && flag !== '' && ![true, false, 'true', 'on', 'false'].includes(flag as never))
    errors.push({ field: 'manifestly_illegal', message: 'must be true or false' });
  const manifestlyIllegal = flag === true || flag === 'true' || flag === 'on';
  if (manifestlyIllegal && input.action !== 'disable')
    errors.push({ field: 'manifestly_illegal', message: 'only a decision to disable can find the content manifestly illegal' });
  if (input.action === 'disable')
    return errors.length ? { ok: false, errors } : { ok: true, decision: { type: 'disable', note, ...(manifestlyIllegal ? { manifestlyIllegal } : {}) } };
  if (input.action === 'reject') {
    if (!isRejectionReason(input.reason)) {
      errors.push({ field: 'reason', message: `choose a reason: one of ${Object.keys(REJECTION_REASONS).join(', ')}` });
    } else if (input.reason === 'other' && !note) {
      errors.push({ field: 'note', message: 'say why in the note when the reason is "other"' });
    }
    return errors.length ? { ok: false, errors } : { ok: true, decision: { type: 'reject', reason: input.reason as RejectionReason, note } };
  }
  errors.unshift({ field: 'action', message: 'must be "disable" (take hosted content down) or "reject"' });
  return { ok: false, errors };
}

/** The reason as the reporter reads it. */
export function rejectionText(reason: RejectionReason, note: string | null): string {
  return note ? `${REJECTION_REASONS[reason]} ${note}` : REJECTION_REASONS[reason];
}

/** A decision as the item's state machine takes it (takedown-lifecycle.ts decides per item). */
export function decisionEvent(decision: ReviewDecision): LifecycleEvent {
  return decision.type === 'disable' ? { type: 'disable', by: 'staff' } : { type: 'reject', reason: rejectionText(decision.reason, decision.note) };
}

/**
 * What a decision records on each item's review event for the misuse policy (DSA Art. 23):
 * counted set-based from the event log (services/misuse-measures.ts). Empty for other decisions.
 */
export function misuseMark(decision: ReviewDecision): { misuse?: 'manifestly_unfounded' | 'manifestly_illegal' } {
  if (decision.type === 'reject' && decision.reason === 'manifestly_unfounded') return { misuse: 'manifestly_unfounded' };
  if (decision.type === 'disable' && decision.manifestlyIllegal) return { misuse: 'manifestly_illegal' };
  return {};
}
