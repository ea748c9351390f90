// The public transparency report (/transparency) and the most-reported domains and accounts
// (/transparency/top): the period chooser, headline figures, charts with their tables, and the
// DSA Art. 15 / 24 figures. Figures come whole from domain/report.ts; this only lays them out.
import { ErrorSummary, Layout } from '../../web/layout.tsx';
import type { Principal } from '../../services/principals.ts';
import type { FieldError } from '../../domain/notice.ts';
import { CHANNELS, type Channel } from '../../domain/notice.ts';
import { KIND_RULES, REPORT_KINDS } from '../../domain/report-kinds.ts';
import { DSA_CATEGORIES, kindsOfCategory, LEGAL_TYPES, type TopLists, type TransparencyReport } from '../domain/report.ts';
import { periodQuery, type Period } from '../domain/period.ts';
import { BarChart, StackedColumns } from './charts.tsx';

export const CHANNEL_LABELS: Record<Channel, string> = { api: 'API', cloudflare_api: 'Cloudflare-compatible API', web: 'Web form', email: 'E-mail' };
const LEGAL_LABELS = {
  subpoena: 'Subpoenas',
  court_order: 'Court orders',
  law_enforcement: 'Law-enforcement requests',
  other: 'Other legal requests',
} as const;

/** "STATEMENT_CATEGORY_SCAMS_AND_FRAUD" → "Scams and fraud". */
export function categoryLabel(c: string): string {
  const words = c
    .replace(/^STATEMENT_CATEGORY_/, '')
    .toLowerCase()
    .replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const fmt = (v: number | null, unit = '') => (v === null ? '—' : `${v.toLocaleString('en-US', { maximumFractionDigits: 2 })}${unit}`);

export interface PeriodForm {
  period: string;
  from: string;
  to: string;
}

export interface TransparencyPageProps {
  provider: string;
  user: Principal | null;
  csrfToken?: string;
  halfYears: Period[];
  form: PeriodForm;
  errors: FieldError[];
  /** Null when the request's period is not valid (the errors say why). */
  period: Period | null;
  report: TransparencyReport | null;
  /** Whether this viewer may open the most-reported list. */
  topLink: boolean;
}

const FIELD_LABELS: Record<string, string> = { period: 'Half-year', from: 'From', to: 'To', limit: 'Limit' };

function FieldErrors(p: { errors: FieldError[]; field: string }) {
  return (
    <>
      {p.errors
        .filter((e) => e.field === p.field)
        .map((e) => (
          <p class="field-error" id={`${p.field}-error`}>
            {e.message}
          </p>
        ))}
    </>
  );
}

export function PeriodChooser(p: { action: string; halfYears: Period[]; form: PeriodForm; errors: FieldError[] }) {
  const has = (f: string) => p.errors.some((e) => e.field === f);
  const described = (f: string) => (has(f) ? `${f}-error` : undefined);
  return (
    <div class="period-chooser two-col">
      <form method="get" action={p.action} class="filter" aria-labelledby="half-heading">
        <h2 id="half-heading" class="flush">
          A half-year
        </h2>
        <div class={`field${has('period') ? ' has-error' : ''}`}>
          <label for="period">Half-year</label>
          <FieldErrors errors={p.errors} field="period" />
          <select id="period" name="period" aria-describedby={described('period')}>
            {p.halfYears.map((h) => (
              <option value={h.half_year!} selected={p.form.period === h.half_year}>
                {`${h.label} (${h.from} to ${h.to})`}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Show</button>
      </form>
      <form method="get" action={p.action} class="filter" aria-labelledby="dates-heading">
        <h2 id="dates-heading" class="flush">
          Or any dates
        </h2>
        <div class={`field${has('from') ? ' has-error' : ''}`}>
          <label for="from">From</label>
          <span class="hint">First day, e.g. 2026-01-01</span>
          <FieldErrors errors={p.errors} field="from" />
          <input type="text" id="from" name="from" value={p.form.from} inputmode="numeric" autocomplete="off" aria-describedby={described('from')} />
        </div>
        <div class={`field${has('to') ? ' has-error' : ''}`}>
          <label for="to">To</label>
          <span class="hint">Last day, included</span>
          <FieldErrors errors={p.errors} field="to" />
          <input type="text" id="to" name="to" value={p.form.to} inputmode="numeric" autocomplete="off" aria-describedby={described('to')} />
        </div>
        <button type="submit">Show</button>
      </form>
    </div>
  );
}

function Figure(p: { label: string; value: string; id: string }) {
  return (
    <li data-figure={p.id}>
      <strong>{p.value}</strong>
      {p.label}
    </li>
  );
}

/** A captioned table of figures, one row per [label, value, unit?]. */
function FigureTable(p: { caption: string; rows: [string, number | null, string?][] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>{p.caption}</caption>
        <tbody>
          {p.rows.map(([label, v, unit]) => (
            <tr>
              <th scope="row">{label}</th>
              <td>{fmt(v, unit)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Report(p: { r: TransparencyReport; period: Period; topLink: boolean }) {
  const r = p.r;
  const q = periodQuery(p.period);
  const months = Object.keys(r.monthly);
  return (
    <>
      <p class="downloads">
        Download these figures: <a href={`/v1/transparency?${q}&format=csv`}>CSV</a> · <a href={`/v1/transparency?${q}&format=json`}>JSON</a>
        {p.topLink ? (
          <>
            {' '}
            · <a href={`/transparency/top?${q}`}>Most-reported domains and accounts</a>
          </>
        ) : null}
      </p>
      <h2 id="headline">
        {r.period.label}: {r.period.from} to {r.period.to}
      </h2>
      <ul class="cards" aria-labelledby="headline">
        <Figure id="notices" label="notices received" value={fmt(r.notices.total)} />
        <Figure id="urls" label="URLs reported" value={fmt(r.urls.reported)} />
        <Figure id="share" label="of them on our network" value={fmt(r.urls.share_on_network_percent, ' %')} />
        <Figure id="disabled" label="URLs disabled" value={fmt(r.actions.urls_disabled)} />
        <Figure id="forwarded" label="URLs forwarded to the site and host" value={fmt(r.actions.urls_forwarded)} />
        <Figure id="median" label="hours to first action (median)" value={fmt(r.actions.median_hours_to_first_action)} />
        <Figure id="counter" label="counter notices" value={fmt(r.counter_notices)} />
        <Figure id="complaints" label="complaints (DSA Art. 20)" value={fmt(r.dsa.complaints.received)} />
      </ul>

      <StackedColumns
        id="chart-monthly"
        title="Notices received per month, by kind"
        description={`How many notices arrived each month from ${r.period.from} to ${r.period.to}, each column split by the kind of report.`}
        columns={months}
        series={REPORT_KINDS.map((k) => ({ key: k, label: KIND_RULES[k].label, values: months.map((m) => r.monthly[m]![k]) }))}
        xLabel="Month"
        yLabel="Notices"
        emptyText="No notices were received in this period."
      />
      <div class="charts">
        <BarChart
          id="chart-kinds"
          title="Notices by kind"
          description="Every notice received in the period, by what it reports."
          bars={REPORT_KINDS.map((k) => ({ label: KIND_RULES[k].label, value: r.notices.by_kind[k] }))}
          unit="Notices"
          labelHeader="Kind"
        />
        <BarChart
          id="chart-channels"
          title="Notices by channel"
          description="How the notices reached us."
          bars={CHANNELS.map((c) => ({ label: CHANNEL_LABELS[c], value: r.notices.by_channel[c] }))}
          unit="Notices"
          labelHeader="Channel"
        />
        <BarChart
          id="chart-actions"
          title="What was done about the reported URLs"
          description="URLs of the period's notices by what happened to them; a URL disabled and later restored counts in both."
          bars={[
            { label: 'Forwarded', value: r.actions.urls_forwarded },
            { label: 'Disabled', value: r.actions.urls_disabled },
            { label: 'Restored', value: r.actions.urls_restored },
            { label: 'Rejected', value: r.actions.urls_rejected },
            { label: 'Retracted by the sender', value: r.actions.urls_retracted },
          ]}
          unit="URLs"
          labelHeader="Action"
        />
        <BarChart
          id="chart-categories"
          title="Notices by DSA category"
          description="The notices by the category of the EU's DSA Transparency Database their kind belongs to."
          bars={DSA_CATEGORIES.map((c) => ({ label: categoryLabel(c), value: r.dsa.categories[c].notices }))}
          unit="Notices"
          labelHeader="Category"
        />
      </div>

      <h2>The URLs reported</h2>
      <FigureTable
        caption="URLs named by the notices received in the period"
        rows={[
          ['Reported', r.urls.reported],
          ['On our network', r.urls.on_network],
          ['Share on our network', r.urls.share_on_network_percent, ' %'],
          ['Not on our network', r.urls.not_on_network],
          ['Not a URL we can act on', r.urls.invalid],
          ['Not yet resolved', r.urls.unresolved],
          ['Notices with a URL forwarded or disabled', r.actions.notices_acted_on],
          ['Median hours from receipt to first action', r.actions.median_hours_to_first_action],
        ]}
      />

      <h2>Counter notices, retractions, repeat infringers</h2>
      <FigureTable
        caption="Received or decided in the period"
        rows={[
          ['Counter notices (17 U.S.C. §512(g))', r.counter_notices],
          ['Court actions shown by complainants', r.court_actions],
          ['Retractions by complainants', r.retractions],
          ['Strikes under the repeat-infringer policy', r.strikes.issued],
          ['of them still counting', r.strikes.in_force],
          ['Accounts terminated', r.accounts.terminated],
          ['Accounts reinstated', r.accounts.reinstated],
          ['Origin addresses disclosed to trusted reporters', r.origin_disclosures.to_trusted_reporters],
          ['Origin addresses disclosed by staff', r.origin_disclosures.by_staff],
        ]}
      />

      <h2>Subpoenas, court orders and other legal requests</h2>
      <div class="table-wrap">
        <table>
          <caption>Received in the period</caption>
          <thead>
            <tr>
              <th scope="col">Request</th>
              <th scope="col">Received</th>
              <th scope="col">Complied with</th>
              <th scope="col">Objected to</th>
              <th scope="col">Withdrawn</th>
              <th scope="col">Open</th>
            </tr>
          </thead>
          <tbody>
            {LEGAL_TYPES.map((t) => (
              <tr data-legal={t}>
                <th scope="row">{LEGAL_LABELS[t]}</th>
                <td>{fmt(r.legal_requests[t].received)}</td>
                <td>{fmt(r.legal_requests[t].complied)}</td>
                <td>{fmt(r.legal_requests[t].objected)}</td>
                <td>{fmt(r.legal_requests[t].withdrawn)}</td>
                <td>{fmt(r.legal_requests[t].open)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>EU Digital Services Act (Art. 15 and 24)</h2>
      <div class="table-wrap">
        <table class="stack">
          <caption>Notices under Art. 16 and otherwise, by category of the DSA Transparency Database</caption>
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col">Notices</th>
              <th scope="col">From trusted flaggers</th>
              <th scope="col">URLs</th>
              <th scope="col">URLs disabled</th>
              <th scope="col">Median hours to act</th>
              <th scope="col">Restrictions: illegal content</th>
              <th scope="col">Restrictions: terms of service</th>
            </tr>
          </thead>
          <tbody>
            {DSA_CATEGORIES.map((c) => {
              const f = r.dsa.categories[c];
              return (
                <tr data-category={c}>
                  <th scope="row">
                    {categoryLabel(c)}
                    <span class="hint">
                      {kindsOfCategory(c)
                        .map((k) => KIND_RULES[k].label)
                        .join(', ')}
                    </span>
                  </th>
                  <td data-label="Notices">{fmt(f.notices)}</td>
                  <td data-label="From trusted flaggers">{fmt(f.from_trusted_flaggers)}</td>
                  <td data-label="URLs">{fmt(f.urls)}</td>
                  <td data-label="URLs disabled">{fmt(f.urls_disabled)}</td>
                  <td data-label="Median hours to act">{fmt(f.median_hours_to_action)}</td>
                  <td data-label="Illegal content">{fmt(f.legal_basis)}</td>
                  <td data-label="Terms of service">{fmt(f.terms_basis)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div class="two-col">
        <FigureTable
          caption="Complaints against our decisions (Art. 20), filed in the period"
          rows={[
            ['Received', r.dsa.complaints.received],
            ['from customers', r.dsa.complaints.from_customers],
            ['from notifiers', r.dsa.complaints.from_notifiers],
            ['Decision upheld', r.dsa.complaints.upheld],
            ['Decision reversed', r.dsa.complaints.reversed],
            ['Decision partly reversed', r.dsa.complaints.partly_reversed],
            ['Not yet decided', r.dsa.complaints.open],
            ['Median hours to decide', r.dsa.complaints.median_hours_to_decide],
          ]}
        />
        <FigureTable
          caption="Measures against misuse (Art. 23), taken in the period"
          rows={[
            ['Notifiers warned', r.dsa.misuse.notifiers_warned],
            ['Notifiers suspended', r.dsa.misuse.notifiers_suspended],
            ['Customers warned', r.dsa.misuse.customers_warned],
            ['Customers suspended', r.dsa.misuse.customers_suspended],
            ['Services suspended (statements of reasons)', r.dsa.service_restrictions.suspended],
            ['Services terminated (statements of reasons)', r.dsa.service_restrictions.terminated],
          ]}
        />
      </div>
      <p class="muted">
        Notices, URLs and what was done about them are those of the notices received in the period, whatever the date of the action. Counter notices,
        retractions, complaints, strikes, terminations, legal requests, disclosures and measures against misuse are counted by their own date. Days are UTC
        days.
      </p>
    </>
  );
}

export function TransparencyPage(p: TransparencyPageProps) {
  return (
    <Layout title="Transparency report" provider={p.provider} user={p.user} csrfToken={p.csrfToken} current="/transparency">
      <h1>Transparency report</h1>
      <p class="lead">
        What {p.provider} was asked to do about content on its network, and what it did: notices of every kind, the URLs they named, takedowns and restorations,
        counter notices, legal process, and the figures the EU Digital Services Act asks for.
      </p>
      <ErrorSummary errors={p.errors.map((e) => ({ field: e.field, label: FIELD_LABELS[e.field] ?? e.field, messages: [e.message] }))} />
      <PeriodChooser action="/transparency" halfYears={p.halfYears} form={p.form} errors={p.errors} />
      {p.report && p.period ? <Report r={p.report} period={p.period} topLink={p.topLink} /> : null}
    </Layout>
  );
}

export interface TopPageProps {
  provider: string;
  user: Principal | null;
  csrfToken?: string;
  halfYears: Period[];
  form: PeriodForm;
  errors: FieldError[];
  period: Period | null;
  top: TopLists | null;
}

function TopTable(p: { caption: string; rows: TopLists['domains']; first: string; id: string }) {
  if (p.rows.length === 0) return <p class="empty">No URL on our network was reported in this period.</p>;
  return (
    <div class="table-wrap">
      <table id={p.id}>
        <caption>{p.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">{p.first}</th>
            <th scope="col">Account</th>
            <th scope="col">URLs</th>
            <th scope="col">Notices</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r, i) => (
            <tr>
              <td>{i + 1}</td>
              <th scope="row">{r.name}</th>
              <td>{r.account_name ? `${r.account_name} (${r.account_id})` : (r.account_id ?? '—')}</td>
              <td>{fmt(r.urls)}</td>
              <td>{fmt(r.notices)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function TopPage(p: TopPageProps) {
  const q = p.period ? periodQuery(p.period) : '';
  return (
    <Layout title="Most-reported domains and accounts" provider={p.provider} user={p.user} csrfToken={p.csrfToken} current="/transparency">
      <h1>Most-reported domains and accounts</h1>
      <p>
        <a href={`/transparency${q ? `?${q}` : ''}`}>Back to the transparency report</a>
        {p.period ? (
          <>
            {' '}
            · <a href={`/v1/transparency/top?${q}`}>JSON</a>
          </>
        ) : null}
      </p>
      <ErrorSummary errors={p.errors.map((e) => ({ field: e.field, label: FIELD_LABELS[e.field] ?? e.field, messages: [e.message] }))} />
      <PeriodChooser action="/transparency/top" halfYears={p.halfYears} form={p.form} errors={p.errors} />
      {p.top ? (
        <>
          <h2>
            {p.top.period.label}: {p.top.period.from} to {p.top.period.to}
          </h2>
          <TopTable id="top-domains" caption="Domains on our network named by the most reported URLs" rows={p.top.domains} first="Domain" />
          <TopTable id="top-accounts" caption="Customer accounts named by the most reported URLs" rows={p.top.accounts} first="Account id" />
        </>
      ) : null}
    </Layout>
  );
}
