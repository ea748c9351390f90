// What staff may do by hand to a URL's takedown lifecycle (console buttons and
// POST /v1/notices/{id}/items/lifecycle), over the state machine in takedown-lifecycle.ts: which
// of its commands are staff's to give here, what each one runs (with the steps it implies), which
// apply to a state now, and the request as it arrives, checked. Pure: the service applies it.
//
// Not here: disable and reject (the review decision), the counter notice, the court action and
// the complainant's written retraction (filings with their own validated contents). `retract`
// here records a withdrawal staff were told of (e.g. by phone); `restore` is refused by the
// machine before the counter-notice window opens.
import { availableCommands, type LifecycleContext, type LifecycleEvent, type LifecycleState } from './takedown-lifecycle.ts';
import type { FieldError } from './notice.ts';

export const STAFF_LIFECYCLE_COMMANDS = ['notify_customer', 'restore', 'retract', 'close'] as const;
export type StaffLifecycleCommand = (typeof STAFF_LIFECYCLE_COMMANDS)[number];

/**
 * The events a command runs, in order. Restoring and retracting end the case as the background
 * restore and the complainant's retraction do (nothing is pending afterwards); the first event
 * decides, the rest follow where they apply.
 */
export const LIFECYCLE_STEPS = {
  notify_customer: [{ type: 'notify_customer' }],
  restore: [{ type: 'restore' }, { type: 'close' }],
  retract: [{ type: 'retract' }, { type: 'close' }],
  close: [{ type: 'close' }],
  /** The background loop's: restore when the scheduled time has come. */
  tick: [{ type: 'tick' }, { type: 'close' }],
} as const satisfies Record<StaffLifecycleCommand | 'tick', readonly LifecycleEvent[]>;

/** For buttons and messages: what the button says, and what happened (past tense). */
export const STAFF_COMMAND_LABELS: Record<StaffLifecycleCommand, { button: string; done: string; tells: string | null }> = {
  notify_customer: { button: 'Notify the customer', done: 'customer notified', tells: 'the customer has been told how to send a counter notice' },
  restore: { button: 'Restore the content', done: 'restored and the case closed', tells: 'the customer and the complainant have been told' },
  retract: {
    button: 'Record the complainant’s withdrawal',
    done: 'withdrawn by the complainant: restored, no strike, the case closed',
    tells: 'the customer and the complainant have been told',
  },
  close: { button: 'Close the case', done: 'closed', tells: null },
};

export function isStaffLifecycleCommand(s: unknown): s is StaffLifecycleCommand {
  return typeof s === 'string' && (STAFF_LIFECYCLE_COMMANDS as readonly string[]).includes(s);
}

/** The staff commands that would change this state now (the console's buttons for it). */
export function staffCommands(s: LifecycleState, ctx: LifecycleContext): StaffLifecycleCommand[] {
  const open = new Set(availableCommands(s, ctx));
  return STAFF_LIFECYCLE_COMMANDS.filter((c) => open.has(c));
}

export const STAFF_REASON_MAX = 2000;

export interface StaffLifecycleRequest {
  /** Item positions (0-based), each once, ascending. */
  positions: number[];
  command: StaffLifecycleCommand;
  /** Why staff act by hand: kept on the case's timeline for staff. */
  reason: string;
}

/** Checks a request as it arrives (API body or form); every problem, by field. */
export function parseStaffLifecycleRequest(
  input: unknown,
  maxPositions: number,
): { ok: true; request: StaffLifecycleRequest } | { ok: false; errors: FieldError[] } {
  const body = input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  const errors: FieldError[] = [];
  const p = body.positions;
  let positions: number[] = [];
  if (!Array.isArray(p) || p.length === 0) errors.push({ field: 'positions', message: 'must be a non-empty list of item positions (whole numbers ≥ 0)' });
  else if (p.length > maxPositions) errors.push({ field: 'positions', message: `at most ${maxPositions} positions at once` });
  else {
    p.forEach((x, i) => {
      if (!Number.isSafeInteger(x) || (x as number) < 0) errors.push({ field: `positions[${i}]`, message: 'must be an item position (a whole number ≥ 0)' });
    });
    positions = [...new Set(p as number[])].sort((a, b) => a - b);
  }
  const command = body.command;
  if (!isStaffLifecycleCommand(command)) errors.push({ field: 'command', message: `must be one of ${STAFF_LIFECYCLE_COMMANDS.join(', ')}` });
  const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
  if (!reason) errors.push({ field: 'reason', message: 'say why you act by hand (it is kept on the case’s timeline)' });
  else if (reason.length > STAFF_REASON_MAX)
    errors.push({ field: 'reason', message: `must be at most ${STAFF_REASON_MAX} characters (it has ${reason.length})` });
  if (errors.length) return { ok: false, errors };
  return { ok: true, request: { positions, command: command as StaffLifecycleCommand, reason } };
}
