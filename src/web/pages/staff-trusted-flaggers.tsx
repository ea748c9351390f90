// Trusted flaggers (DSA Art. 22) for staff: recording a coordinator's award, the grants in force
// and past (revoke), and how fast their notices are decided against everyone else's.
import { ErrorSummary, Layout } from '../layout.tsx';
import type { Principal } from '../../services/principals.ts';
import type { TrustedFlaggerView } from '../../services/trusted-flaggers.ts';
import type { KindSpeed, SpeedFigures } from '../../dsa/domain/trusted-flagger-stats.ts';
import { EU_MEMBER_STATES, FLAGGER_KINDS } from '../../dsa/domain/trusted-flagger.ts';
import { KIND_RULES } from '../../domain/report-kinds.ts';

const when = (iso: string | null) => (iso ? `${iso.replace('T', ' ').slice(0, 16)} UTC` : '—');
const h = (v: number | null) => (v === null ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 2 }));

export interface StaffTrustedFlaggersProps {
  provider: string;
  user: Principal;
  csrfToken: string;
  grants: TrustedFlaggerView[];
  speed: KindSpeed[];
  /** The days the figures cover. */
  speedDays: number;
  flash: string | null;
  errors: { field: string; message: string }[];
  /** The grant a revocation's errors are about; null: the grant form's. */
  errorFor: string | null;
}

const LABELS: Record<string, string> = {
  email: 'Reporter e-mail',
  principal_id: 'Reporter e-mail',
  organisation: 'Organisation',
  dsc_country: 'Coordinator',
  dsc_reference: 'Reference',
  kinds: 'Areas of expertise',
  reason: 'Reason',
  id: 'Grant',
};

function Figures(p: { f: SpeedFigures }) {
  return (
    <>
      <td data-label="Notices">{p.f.notices}</td>
      <td data-label="Median hours">{h(p.f.median_hours)}</td>
      <td data-label="90th percentile hours">{h(p.f.p90_hours)}</td>
    </>
  );
}

export function StaffTrustedFlaggersPage(p: StaffTrustedFlaggersProps) {
  const formErrors = p.errorFor === null ? p.errors : [];
  const has = (f: string) => formErrors.some((e) => e.field === f || e.field.startsWith(`${f}[`));
  return (
    <Layout title="Trusted flaggers" provider={p.provider} user={p.user} csrfToken={p.csrfToken} current="/staff/trusted-flaggers">
      <h1>Trusted flaggers</h1>
      <p>
        A Digital Services Coordinator awards trusted flagger status (DSA Art. 22) to an organisation for areas of expertise. Their notices in those areas come
        first in the <a href="/staff">review queue</a>. Not the same as <a href="/staff/trusted-reporters">trusted reporters</a>.
      </p>
      {p.flash ? (
        <div class="ok-banner" role="status">
          {p.flash}
        </div>
      ) : null}
      <ErrorSummary errors={p.errors.map((e) => ({ field: e.field, label: LABELS[e.field.replace(/\[.*$/, '')] ?? e.field, messages: [e.message] }))} />

      <h2 id="speed-heading">Hours from receipt to first decision, last {p.speedDays} days</h2>
      {p.speed.length === 0 ? (
        <p class="empty">No notice received in this time has been decided yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack" aria-describedby="speed-heading">
            <thead>
              <tr>
                <th scope="col" rowspan={2}>
                  Kind
                </th>
                <th scope="colgroup" colspan={3}>
                  Trusted flaggers
                </th>
                <th scope="colgroup" colspan={3}>
                  Others
                </th>
              </tr>
              <tr>
                <th scope="col">Notices</th>
                <th scope="col">Median</th>
                <th scope="col">90th percentile</th>
                <th scope="col">Notices</th>
                <th scope="col">Median</th>
                <th scope="col">90th percentile</th>
              </tr>
            </thead>
            <tbody>
              {p.speed.map((k) => (
                <tr>
                  <th scope="row">{KIND_RULES[k.kind].label}</th>
                  <Figures f={k.trusted_flagger} />
                  <Figures f={k.others} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2 id="grants-heading">Grants</h2>
      {p.grants.length === 0 ? (
        <p class="empty">No trusted flagger status has been recorded.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack" aria-describedby="grants-heading">
            <thead>
              <tr>
                <th scope="col">Organisation</th>
                <th scope="col">Coordinator</th>
                <th scope="col">Areas of expertise</th>
                <th scope="col">Granted</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {p.grants.map((g) => (
                <tr>
                  <td data-label="Organisation">
                    <strong>{g.organisation}</strong>
                    <div class="hint">{g.email}</div>
                  </td>
                  <td data-label="Coordinator">
                    {g.dsc_country}
                    {g.dsc_reference ? <div class="hint">{g.dsc_reference}</div> : null}
                  </td>
                  <td data-label="Areas of expertise">{g.kinds.map((k) => KIND_RULES[k as keyof typeof KIND_RULES]?.label ?? k).join(', ')}</td>
                  <td data-label="Granted">{when(g.granted_at)}</td>
                  <td data-label="Status">
                    {g.in_force ? (
                      <form method="post" action={`/staff/trusted-flaggers/${g.id}/revoke`}>
                        <input type="hidden" name="_csrf" value={p.csrfToken} />
                        <div class="field">
                          <label for={`revoke-${g.id}`}>Reason (required)</label>
                          <input
                            type="text"
                            id={`revoke-${g.id}`}
                            name="reason"
                            required
                            maxlength={2000}
                            aria-invalid={p.errorFor === g.id && p.errors.length ? 'true' : undefined}
                          />
                        </div>
                        <button type="submit">
                          Revoke <span class="visually-hidden">the status of {g.organisation}</span>
                        </button>
                      </form>
                    ) : (
                      <>
                        revoked {when(g.revoked_at)}
                        <div class="hint">{g.revoke_reason}</div>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2 id="grant-heading">Record a status awarded by a coordinator</h2>
      <form method="post" action="/staff/trusted-flaggers" aria-labelledby="grant-heading">
        <input type="hidden" name="_csrf" value={p.csrfToken} />
        <div class="field">
          <label for="email">Reporter e-mail (the account the organisation files with)</label>
          <input type="email" id="email" name="email" required aria-invalid={has('email') || has('principal_id') ? 'true' : undefined} />
        </div>
        <div class="field">
          <label for="organisation">Organisation</label>
          <input type="text" id="organisation" name="organisation" required maxlength={200} aria-invalid={has('organisation') ? 'true' : undefined} />
        </div>
        <div class="field">
          <label for="dsc_country">Coordinator (member state)</label>
          <select id="dsc_country" name="dsc_country" required>
            {EU_MEMBER_STATES.map((c) => (
              <option value={c}>{c}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="dsc_reference">Coordinator's decision or list URL (optional)</label>
          <input type="text" id="dsc_reference" name="dsc_reference" maxlength={500} aria-invalid={has('dsc_reference') ? 'true' : undefined} />
        </div>
        <fieldset id="kinds" aria-invalid={has('kinds') ? 'true' : undefined}>
          <legend>Areas of expertise</legend>
          {FLAGGER_KINDS.map((k) => (
            <label>
              <input type="checkbox" name="kinds" value={k} /> {KIND_RULES[k].label}
            </label>
          ))}
        </fieldset>
        <button type="submit">Record the status</button>
      </form>
    </Layout>
  );
}
