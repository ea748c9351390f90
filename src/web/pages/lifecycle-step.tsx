// Where one URL stands in the takedown lifecycle (17 U.S.C. §512(c), (g)), for staff: the step,
// the dates that led there, and the restore date once a counter notice set one. Dates are days in
// the business calendar's time zone, as the parties were told them; <time> carries the instant.
import { localDate } from '../../domain/business-days.ts';
import { isRestoreOverdue, type LifecycleState } from '../../domain/takedown-lifecycle.ts';

type Open = Exclude<LifecycleState, { kind: 'closed' }>;

export const LIFECYCLE_STEP_LABELS: Record<LifecycleState['kind'], string> = {
  received: 'Received; not resolved yet',
  invalid: 'Invalid URL',
  not_on_network: 'Not on our network',
  forwarded: 'Forwarded to the site owner',
  reported: 'Awaiting review',
  rejected: 'Rejected',
  content_disabled: 'Disabled; customer not yet notified',
  customer_notified: 'Disabled; customer notified',
  counter_notice_received: 'Counter notice received',
  counter_notice_forwarded: 'Counter notice received; copy sent to the complainant',
  court_action_filed: 'Court action filed; stays disabled',
  restored: 'Restored after the counter notice',
  retracted: 'Retracted by the complainant',
  takedown_reversed: 'Restored: the takedown was reversed on complaint',
  closed: 'Closed',
};

/** The dated steps that led to `s`, oldest first. */
function history(s: Open): [string, Date][] {
  const out: [string, Date][] = [];
  if (s.kind === 'received' || s.kind === 'invalid' || s.kind === 'reported') return [['reported', s.reportedAt]];
  if (s.kind === 'not_on_network' || s.kind === 'forwarded')
    return [
      ['reported', s.reportedAt],
      [s.kind.replace(/_/g, ' '), s.resolvedAt],
    ];
  if (s.kind === 'rejected') return [['rejected', s.rejectedAt]];
  if (s.kind === 'retracted') return [...history(s.before), ['retracted', s.retractedAt]];
  if (s.kind === 'takedown_reversed') return [...history(s.before), ['takedown reversed on complaint', s.reversedAt]];
  out.push([s.takedown.disabledBy === 'policy' ? 'disabled by policy' : s.takedown.complaintId ? 'disabled on complaint' : 'disabled', s.takedown.disabledAt]);
  if (s.kind === 'content_disabled') return out;
  if (s.customerNotifiedAt) out.push(['customer notified', s.customerNotifiedAt]);
  if (s.kind === 'customer_notified') return out;
  out.push(['counter notice received', s.counterNotice.receivedAt]);
  if ('forwardedAt' in s && s.forwardedAt) out.push(['copy sent to the complainant', s.forwardedAt]);
  if (s.kind === 'court_action_filed') out.push(['court action reported', s.courtAction.receivedAt]);
  if (s.kind === 'restored') out.push([s.restoredBy === 'schedule' ? 'restored on schedule' : 'restored by staff', s.restoredAt]);
  return out;
}

export function LifecycleStep(p: { state: LifecycleState; now: Date; timeZone: string }) {
  const day = (d: Date) => localDate(d, p.timeZone);
  const At = (q: { d: Date }) => <time datetime={q.d.toISOString()}>{day(q.d)}</time>;
  const s = p.state;
  const open: Open = s.kind === 'closed' ? s.last : s;
  const steps = history(open);
  const label = s.kind === 'closed' ? `${LIFECYCLE_STEP_LABELS[open.kind]} (case closed)` : LIFECYCLE_STEP_LABELS[s.kind];
  return (
    <div class="step">
      <span class="step-label">{label}</span>
      {open.kind === 'counter_notice_forwarded' ? (
        <div class="restore">
          Restore due on <At d={open.restoreWindow.scheduled} />
          {isRestoreOverdue(open, p.now) ? (
            <>
              {' '}
              <strong class="badge rejected">Overdue</strong>
            </>
          ) : null}
        </div>
      ) : open.kind === 'restored' ? (
        <div class="restore">
          Restored on <At d={open.restoredAt} />
          {day(open.restoredAt) !== day(open.restoreWindow.scheduled) ? (
            <>
              {' '}
              (due <At d={open.restoreWindow.scheduled} />)
            </>
          ) : null}
        </div>
      ) : open.kind === 'court_action_filed' ? (
        <div class="hint break">Court action: {open.courtAction.reference}</div>
      ) : null}
      <div class="hint">
        {steps.map(([what, d], i) => (
          <>
            {i ? ' · ' : ''}
            {what} <At d={d} />
          </>
        ))}
        {s.kind === 'closed' ? (
          <>
            {' · '}closed <At d={s.closedAt} />
          </>
        ) : null}
      </div>
    </div>
  );
}
