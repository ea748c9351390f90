// Measures against misuse (DSA Art. 23) on the web: the policy as published (public), the staff
// queue of notifiers and customers it proposes to warn or suspend, and one party's standing and
// history of measures with the actions (warn, suspend, lift; the same services as the API).
import { Layout, ErrorSummary } from '../layout.tsx';
import type { Principal } from '../../services/principals.ts';
import type { QueueRow } from '../../services/misuse-measures.ts';
import type { MisuseStanding, PartyType } from '../../dsa/domain/misuse-policy.ts';
import type { MisuseParty } from '../../dsa/domain/misuse-messages.ts';
import { when } from './repeat-infringers.tsx';

const LEVELS = { ok: 'Nothing proposed', warn: 'Warning proposed', suspend: 'Suspension proposed' } as const;
const PARTY = { notifier: 'Notifier', customer: 'Customer' } as const;
const partyHref = (type: PartyType, id: string) => `/staff/misuse/${type}/${encodeURIComponent(id)}`;
const pct = (p: number) => `${Math.round(p * 100)}%`;

export function MisuseQueuePage(p: { provider: string; user: Principal; csrfToken: string; rows: QueueRow[] }) {
  return (
    <Layout title="Measures against misuse" provider={p.provider} user={p.user} csrfToken={p.csrfToken}>
      <h1>Measures against misuse</h1>
      <p class="lead">
        Notifiers and customers whose flagged items reach a threshold of the <a href="/policy/misuse">misuse policy</a> (DSA Art. 23), suspensions first. The
        thresholds propose; you decide, weighing the numbers, the proportion, the gravity and the intention.
      </p>
      {p.rows.length === 0 ? (
        <p class="empty">No notifier or customer is over a threshold.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th scope="col">Party</th>
                <th scope="col">Kind</th>
                <th scope="col">Flagged</th>
                <th scope="col">Decided</th>
                <th scope="col">Proportion</th>
                <th scope="col">Proposed</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <td data-label="Party">
                    <a href={partyHref(r.party.type, r.party.id)}>{r.party.name || r.party.email}</a> <span class="muted">({r.party.id})</span>
                  </td>
                  <td data-label="Kind">{PARTY[r.party.type]}</td>
                  <td data-label="Flagged">{r.standing.counts.flagged}</td>
                  <td data-label="Decided">{r.standing.counts.decided}</td>
                  <td data-label="Proportion">{pct(r.standing.proportion)}</td>
                  <td data-label="Proposed">{LEVELS[r.standing.level]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export interface MeasureView {
  id: string;
  measure: string;
  reason: string;
  starts_at: Date;
  ends_at: Date | null;
  decided_by: string;
  lifted_at: Date | null;
  lifted_by: string | null;
  lift_reason: string | null;
}

export interface MisusePartyProps {
  provider: string;
  user: Principal;
  csrfToken: string;
  party: MisuseParty;
  standing: MisuseStanding;
  measures: MeasureView[];
  errors: { field: string; message: string }[];
  flash: string | null;
}

const ACTIONS = [
  ['warn', 'Warn (recorded and mailed with the counts, the policy and the redress)'],
  ['suspend', 'Suspend for the policy period (only after a warning)'],
  ['lift', 'Lift the running suspension early'],
] as const;

export function MisusePartyPage(p: MisusePartyProps) {
  const s = p.standing;
  const err = p.errors.map((e) => e.message);
  const href = partyHref(p.party.type, p.party.id);
  return (
    <Layout title={`Misuse: ${p.party.id}`} provider={p.provider} user={p.user} csrfToken={p.csrfToken}>
      <p>
        <a href="/staff/misuse">← Measures against misuse</a>
      </p>
      <h1>
        {PARTY[p.party.type]} {p.party.name || p.party.email}
      </h1>
      {p.flash ? (
        <p class="flash" role="status">
          {p.flash}
        </p>
      ) : null}
      <ErrorSummary errors={p.errors.map((e) => ({ field: e.field, label: e.field === 'reason' ? 'Reason' : 'Measure', messages: [e.message] }))} />
      <dl class="facts">
        <dt>Id</dt>
        <dd>{p.party.id}</dd>
        <dt>E-mail</dt>
        <dd>{p.party.email}</dd>
        <dt>Status</dt>
        <dd>{s.suspendedUntil ? `Suspended until ${when(s.suspendedUntil)}` : s.warnedAt ? `Warned ${when(s.warnedAt)}` : 'No measure running'}</dd>
        <dt>Counted since</dt>
        <dd>{when(s.countingSince)}</dd>
        <dt>{p.party.type === 'notifier' ? 'Rejected as manifestly unfounded' : 'Disabled as manifestly illegal'}</dt>
        <dd>
          {s.counts.flagged} of {s.counts.decided} decided ({pct(s.proportion)}){s.counts.notices !== undefined ? `; ${s.counts.notices} notices filed` : ''}
        </dd>
        <dt>Proposed</dt>
        <dd>
          {LEVELS[s.level]} — {s.why}
        </dd>
      </dl>
      <h2>History of measures</h2>
      {p.measures.length === 0 ? (
        <p class="empty">No measure has been taken.</p>
      ) : (
        <ul>
          {p.measures.map((m) => (
            <li>
              <strong>{m.measure}</strong> {when(m.starts_at)}
              {m.ends_at ? ` until ${when(m.ends_at)}` : ''} by {m.decided_by}: {m.reason}
              {m.lifted_at ? ` — ended ${when(m.lifted_at)} by ${m.lifted_by}${m.lift_reason ? ` (${m.lift_reason})` : ''}` : ''}
            </li>
          ))}
        </ul>
      )}
      <h2>Take a measure</h2>
      {ACTIONS.map(([action, label]) => (
        <form method="post" action={`${href}/${action}`}>
          <input type="hidden" name="_csrf" value={p.csrfToken} />
          <div class={`field${err.length ? ' has-error' : ''}`} id={action === 'warn' ? 'reason' : undefined}>
            <label for={`reason-${action}`}>Reason (recorded and sent to the party)</label>
            <textarea id={`reason-${action}`} name="reason" required></textarea>
          </div>
          <button type="submit">{label}</button>
        </form>
      ))}
    </Layout>
  );
}
