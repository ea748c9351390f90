// The public copyright notice form. Works without JavaScript; every input has a visible label;
// on error every problem is shown next to its field and in a summary, and nothing typed is lost.
import { Layout, ErrorSummary } from '../layout.tsx';
import { DMCA_STATEMENTS, isCountryCode } from '../../domain/notice.ts';
import type { ReportField, ReportValues } from '../report-form-input.ts';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
let countries: { code: string; name: string }[] | null = null;
function countryList() {
  if (!countries) {
    const out: { code: string; name: string }[] = [];
    for (let a = 65; a <= 90; a++)
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        if (isCountryCode(code)) out.push({ code, name: regionNames.of(code)! });
      }
    countries = out.sort((x, y) => x.name.localeCompare(y.name));
  }
  return countries;
}

export const FIELD_LABELS: Record<ReportField, string> = {
  urls: 'Infringing URLs',
  urls_file: 'Or upload a list of URLs',
  work_description: 'Describe the copyrighted work',
  work_owner: 'Copyright owner (if not you or your company)',
  work_urls: 'Where the original work can be seen (optional)',
  claimant_name: 'Your full legal name',
  claimant_company: 'Company or organisation (optional)',
  claimant_email: 'E-mail address',
  claimant_address: 'Postal address',
  claimant_phone: 'Phone number (optional)',
  claimant_country: 'Country',
  good_faith_belief: 'Good-faith statement',
  accuracy_and_authority: 'Accuracy and authority statement',
  signature: 'Electronic signature',
  notify_host: 'Hosting provider notification',
  comments: 'Anything else we should know (optional)',
};

export interface ReportFormProps {
  provider: string;
  values: ReportValues;
  errors: Partial<Record<ReportField | 'form', string[]>>;
  csrfToken: string;
  maxUrls: number;
  submissionId: string;
}

function FieldErrors(p: { id: string; messages?: string[] }) {
  if (!p.messages?.length) return null;
  return (
    <div id={`${p.id}-error`}>
      {p.messages.map((m) => (
        <p class="field-error">
          <span class="visually-hidden">Error: </span>
          {m}
        </p>
      ))}
    </div>
  );
}

function describedBy(id: string, hint: boolean, err: boolean): string | undefined {
  const ids = [hint ? `${id}-hint` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids || undefined;
}

function TextField(p: { id: ReportField; type?: string; hint?: string; props: ReportFormProps; autocomplete?: string; required?: boolean }) {
  const err = p.props.errors[p.id];
  return (
    <div class={`field${err ? ' has-error' : ''}`}>
      <label for={p.id}>{FIELD_LABELS[p.id]}</label>
      {p.hint ? (
        <span class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </span>
      ) : null}
      <FieldErrors id={p.id} messages={err} />
      <input
        type={p.type ?? 'text'}
        id={p.id}
        name={p.id}
        value={p.props.values[p.id] ?? ''}
        autocomplete={p.autocomplete}
        aria-invalid={err ? 'true' : undefined}
        aria-describedby={describedBy(p.id, !!p.hint, !!err)}
        required={p.required}
      />
    </div>
  );
}

function TextArea(p: { id: ReportField; hint?: string; props: ReportFormProps; className?: string; required?: boolean }) {
  const err = p.props.errors[p.id];
  return (
    <div class={`field${err ? ' has-error' : ''}`}>
      <label for={p.id}>{FIELD_LABELS[p.id]}</label>
      {p.hint ? (
        <span class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </span>
      ) : null}
      <FieldErrors id={p.id} messages={err} />
      <textarea
        id={p.id}
        name={p.id}
        class={p.className}
        aria-invalid={err ? 'true' : undefined}
        aria-describedby={describedBy(p.id, !!p.hint, !!err)}
        required={p.required}
        spellcheck={p.className === 'urls' ? false : undefined}
      >
        {p.props.values[p.id] ?? ''}
      </textarea>
    </div>
  );
}

function Statement(p: { id: 'good_faith_belief' | 'accuracy_and_authority'; props: ReportFormProps }) {
  const err = p.props.errors[p.id];
  return (
    <div class={err ? 'has-error' : undefined}>
      <FieldErrors id={p.id} messages={err} />
      <div class="check">
        <input
          type="checkbox"
          id={p.id}
          name={p.id}
          value="yes"
          checked={p.props.values[p.id] === 'yes'}
          aria-invalid={err ? 'true' : undefined}
          aria-describedby={err ? `${p.id}-error` : undefined}
        />
        <label for={p.id}>{DMCA_STATEMENTS[p.id]}</label>
      </div>
    </div>
  );
}

export function ReportFormPage(props: ReportFormProps) {
  const { values, errors } = props;
  const summary = (Object.keys(errors) as (ReportField | 'form')[]).map((f) => ({
    field: f === 'form' ? 'report-form' : f,
    label: f === 'form' ? 'Form' : FIELD_LABELS[f],
    messages: errors[f] ?? [],
  }));
  const urlCount = new Set(
    (values.urls ?? '')
      .split(/\r\n|\r|\n/)
      .map((l) => l.trim())
      .filter(Boolean),
  ).size;
  const host = values.notify_host ?? 'send';
  return (
    <Layout
      title={summary.length ? 'Error: report copyright infringement' : 'Report copyright infringement'}
      provider={props.provider}
      scripts={['/assets/report.js']}
    >
      <h1>Report copyright infringement</h1>
      <p class="lead">
        Use this form to send a notice under the US Digital Millennium Copyright Act (17 U.S.C. §512) about material reachable through {props.provider}. List as
        many URLs as you need — up to {props.maxUrls.toLocaleString('en-US')} in one notice. You will get a private link where you can follow what happens to
        every URL.
      </p>
      <ErrorSummary errors={summary} />
      <form id="report-form" method="post" action="/report" enctype="multipart/form-data" novalidate>
        <input type="hidden" name="_csrf" value={props.csrfToken} />
        <input type="hidden" name="submission_id" value={props.submissionId} />

        <fieldset>
          <legend>1. The infringing material</legend>
          <TextArea
            id="urls"
            className="urls"
            props={props}
            hint="One URL per line, each the full address (https://…) of a page or file. Blank lines and duplicates are ignored."
          />
          <p class="count" id="url-count" aria-live="polite">
            {urlCount === 1 ? '1 URL entered' : `${urlCount} URLs entered`}
          </p>
          <div class={`field${errors.urls_file ? ' has-error' : ''}`}>
            <label for="urls_file">{FIELD_LABELS.urls_file}</label>
            <span class="hint" id="urls_file-hint">
              A .txt file with one URL per line, or a .csv file (every cell that is a URL is used). Added to the URLs above.
            </span>
            <FieldErrors id="urls_file" messages={errors.urls_file} />
            <input
              type="file"
              id="urls_file"
              name="urls_file"
              accept=".txt,.csv,text/plain,text/csv"
              aria-describedby={describedBy('urls_file', true, !!errors.urls_file)}
            />
          </div>
        </fieldset>

        <fieldset>
          <legend>2. The copyrighted work</legend>
          <TextArea
            id="work_description"
            props={props}
            hint="What is the work that is being infringed? For example: the film “Sunrise Over Harbor” (2025), or the photograph at the link below."
          />
          <TextField id="work_owner" props={props} />
          <TextArea id="work_urls" props={props} hint="Links to the original, one per line. These are never acted on." />
        </fieldset>

        <fieldset>
          <legend>3. About you</legend>
          <TextField id="claimant_name" props={props} autocomplete="name" />
          <TextField id="claimant_company" props={props} autocomplete="organization" />
          <TextField id="claimant_email" type="email" props={props} autocomplete="email" hint="We send the status link and any questions here." />
          <TextArea id="claimant_address" props={props} />
          <TextField id="claimant_phone" type="tel" props={props} autocomplete="tel" />
          <div class={`field${errors.claimant_country ? ' has-error' : ''}`}>
            <label for="claimant_country">{FIELD_LABELS.claimant_country}</label>
            <FieldErrors id="claimant_country" messages={errors.claimant_country} />
            <select
              id="claimant_country"
              name="claimant_country"
              autocomplete="country"
              aria-invalid={errors.claimant_country ? 'true' : undefined}
              aria-describedby={errors.claimant_country ? 'claimant_country-error' : undefined}
            >
              <option value="">Choose a country</option>
              {countryList().map((c) => (
                <option value={c.code} selected={(values.claimant_country ?? '').toUpperCase() === c.code}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
        </fieldset>

        <fieldset>
          <legend>4. Who is told</legend>
          <p>
            The site owner always receives your notice with your name and contact details, so that they can remove the material or answer with a counter notice
            (17 U.S.C. §512(g)).
          </p>
          <div class={errors.notify_host ? 'has-error' : undefined} role="radiogroup" aria-labelledby="notify_host-label">
            <p class="label" id="notify_host-label">
              <strong>{FIELD_LABELS.notify_host}</strong>
            </p>
            <FieldErrors id="notify_host" messages={errors.notify_host} />
            <div class="radio">
              <input type="radio" id="notify_host" name="notify_host" value="send" checked={host === 'send'} />
              <label for="notify_host">Send the notice to the hosting provider, with my details</label>
            </div>
            <div class="radio">
              <input type="radio" id="notify_host-anon" name="notify_host" value="send-anon" checked={host === 'send-anon'} />
              <label for="notify_host-anon">Send it without my name and contact details</label>
            </div>
            <div class="radio">
              <input type="radio" id="notify_host-none" name="notify_host" value="none" checked={host === 'none'} />
              <label for="notify_host-none">Do not send it to the hosting provider</label>
            </div>
          </div>
        </fieldset>

        <fieldset>
          <legend>5. Statements and signature</legend>
          <p>
            Tick both statements to affirm them. They are required by law; a notice that is knowingly false can make you liable for damages (17 U.S.C. §512(f)).
          </p>
          <Statement id="good_faith_belief" props={props} />
          <Statement id="accuracy_and_authority" props={props} />
          <TextField id="signature" props={props} hint="Type your full legal name, exactly as above." />
          <TextArea id="comments" props={props} />
        </fieldset>

        <button type="submit">Send notice</button>
      </form>
    </Layout>
  );
}
