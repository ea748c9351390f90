// The public report form's second step: the fields one kind of report needs under one regime,
// as the field table of report-form-input.ts lists them (there is no form per kind). Works without
// JavaScript; every input has a visible label, every radio group a fieldset and legend; on error
// every problem is shown next to its field and in a summary, and nothing typed is lost.
import { Layout, ErrorSummary } from '../layout.tsx';
import { isCountryCode } from '../../domain/notice.ts';
import { KIND_RULES, REGIME_LABELS, type LegalRegime, type ReportKind } from '../../domain/report-kinds.ts';
import { formFields, many, notifyChoices, one, type FieldGroup, type FormErrors, type ReportValues, type ShownField } from '../report-form-input.ts';

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

/** The upload is not part of a report body: its URLs are added to `urls`. */
export const UPLOAD_FIELD = 'urls_file';
const UPLOAD_LABEL = 'Or upload a list of URLs';

const DETAILS_LEGEND: Record<ReportKind, string> = {
  copyright: 'The copyrighted work',
  trademark: 'The trademark',
  phishing: 'The phishing or malware',
  csam: 'What you saw',
  threat: 'The threat',
  ncsei: 'The person shown',
  whois: 'Your request',
  general: 'The abuse',
};

const PARTY: Record<string, string> = { owner: 'site owner', host: 'hosting provider', hotline: 'child-protection hotline (NCMEC or the national hotline)' };

/** What is said where a kind leaves the reporter no choice about a party. */
function fixedNotice(kind: ReportKind, party: string, choice: string, doc: string): string {
  if (kind === 'copyright' && party === 'owner') {
    return `The site owner always receives your ${doc} with your name and contact details, so that they can remove the material or answer with a counter notice (17 U.S.C. §512(g)).`;
  }
  return choice === 'none' ? `Your ${doc} is not sent to the ${PARTY[party]}.` : `The ${PARTY[party]} receives your ${doc} with your name and contact details.`;
}

export interface ReportFormProps {
  provider: string;
  kind: ReportKind;
  regime: LegalRegime;
  values: ReportValues;
  errors: FormErrors;
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

/** The label as shown: "(optional)" where the kind and regime do not require the field. */
export function shownLabel(f: ShownField): string {
  return f.required || f.text.label.endsWith(')') || f.control.type === 'checkbox' || f.group === 'notify' ? f.text.label : `${f.text.label} (optional)`;
}

function Hint(p: { id: string; text?: string }) {
  return p.text ? (
    <span class="hint" id={`${p.id}-hint`}>
      {p.text}
    </span>
  ) : null;
}

/** A group of radio buttons or checkboxes: a fieldset whose legend is the question. */
function Choices(p: {
  f: ShownField;
  type: 'radio' | 'checkbox';
  choices: readonly { value: string; label: string }[];
  checked: (v: string) => boolean;
  err?: string[];
}) {
  const { f } = p;
  return (
    <fieldset class={`choices${p.err ? ' has-error' : ''}`} aria-describedby={describedBy(f.name, !!f.text.hint, !!p.err)}>
      <legend>{shownLabel(f)}</legend>
      <Hint id={f.name} text={f.text.hint} />
      <FieldErrors id={f.name} messages={p.err} />
      {p.choices.map((c, i) => {
        const id = i === 0 ? f.name : `${f.name}-${c.value}`;
        return (
          <div class={p.type}>
            <input type={p.type} id={id} name={f.name} value={c.value} checked={p.checked(c.value)} aria-invalid={p.err ? 'true' : undefined} />
            <label for={id}>{c.label}</label>
          </div>
        );
      })}
    </fieldset>
  );
}

function Field(p: { f: ShownField; props: ReportFormProps }) {
  const { f, props } = p;
  const { kind, regime, values } = props;
  const err = props.errors[f.name];
  const value = one(values[f.name]);
  const c = f.control;
  const aria = { 'aria-invalid': err ? ('true' as const) : undefined, 'aria-describedby': describedBy(f.name, !!f.text.hint, !!err) };

  if (f.group === 'notify') {
    const party = f.path.split('.')[1]!;
    const choices = notifyChoices(kind, party);
    const doc = regime === 'dmca' ? 'notice' : 'report';
    if (choices.length === 1) return <p>{fixedNotice(kind, party, choices[0]!, doc)}</p>;
    const words: Record<string, string> = {
      send: `Send the ${doc} to the ${PARTY[party]}, with my details`,
      'send-anon': 'Send it without my name and contact details',
      none: `Do not send it to the ${PARTY[party]}`,
    };
    const chosen = value || choices[0]!;
    return <Choices f={f} type="radio" choices={choices.map((v) => ({ value: v, label: words[v]! }))} checked={(v) => v === chosen} err={err} />;
  }
  if (c.type === 'radio') return <Choices f={f} type="radio" choices={c.choices} checked={(v) => v === value} err={err} />;
  if (c.type === 'checkboxes') return <Choices f={f} type="checkbox" choices={c.choices} checked={(v) => many(values[f.name]).includes(v)} err={err} />;
  if (c.type === 'checkbox') {
    return (
      <div class={err ? 'has-error' : undefined}>
        <FieldErrors id={f.name} messages={err} />
        <div class="check">
          <input
            type="checkbox"
            id={f.name}
            name={f.name}
            value="yes"
            checked={value === 'yes'}
            aria-invalid={aria['aria-invalid']}
            aria-describedby={err ? `${f.name}-error` : undefined}
          />
          <label for={f.name}>{c.statement}</label>
        </div>
      </div>
    );
  }
  return (
    <div class={`field${err ? ' has-error' : ''}`}>
      <label for={f.name}>{shownLabel(f)}</label>
      <Hint id={f.name} text={f.text.hint} />
      <FieldErrors id={f.name} messages={err} />
      {c.type === 'textarea' ? (
        <textarea id={f.name} name={f.name} class={f.path === 'urls' ? 'urls' : undefined} spellcheck={c.lines ? false : undefined} {...aria}>
          {value}
        </textarea>
      ) : c.type === 'country' ? (
        <select id={f.name} name={f.name} autocomplete="country" {...aria}>
          <option value="">Choose a country</option>
          {countryList().map((x) => (
            <option value={x.code} selected={value.toUpperCase() === x.code}>
              {x.name}
            </option>
          ))}
        </select>
      ) : (
        <input type={c.input ?? 'text'} id={f.name} name={f.name} value={value} autocomplete={c.autocomplete} {...aria} />
      )}
    </div>
  );
}

function UrlExtras(p: { props: ReportFormProps }) {
  const { values, errors } = p.props;
  const urlCount = new Set(
    one(values.urls)
      .split(/\r\n|\r|\n/)
      .map((l) => l.trim())
      .filter(Boolean),
  ).size;
  const err = errors[UPLOAD_FIELD];
  return (
    <>
      <p class="count" id="url-count" aria-live="polite">
        {urlCount === 1 ? '1 URL entered' : `${urlCount} URLs entered`}
      </p>
      <div class={`field${err ? ' has-error' : ''}`}>
        <label for={UPLOAD_FIELD}>{UPLOAD_LABEL}</label>
        <span class="hint" id={`${UPLOAD_FIELD}-hint`}>
          A .txt file with one URL per line, or a .csv file (every cell that is a URL is used). Added to the URLs above.
        </span>
        <FieldErrors id={UPLOAD_FIELD} messages={err} />
        <input
          type="file"
          id={UPLOAD_FIELD}
          name={UPLOAD_FIELD}
          accept=".txt,.csv,text/plain,text/csv"
          aria-describedby={describedBy(UPLOAD_FIELD, true, !!err)}
        />
      </div>
    </>
  );
}

function legendOf(group: FieldGroup, kind: ReportKind, regime: LegalRegime, fields: ShownField[]): string {
  switch (group) {
    case 'material':
      return kind === 'copyright' ? 'The infringing material' : 'The reported material';
    case 'details':
      return DETAILS_LEGEND[kind];
    case 'you':
      return 'About you';
    case 'notify':
      return 'Who is told';
    case 'statements':
      if (regime === 'dmca') return 'Statements and signature';
      return fields.some((f) => f.control.type === 'checkbox') ? 'Statements' : 'Anything else';
  }
}

function groupIntro(group: FieldGroup, kind: ReportKind, regime: LegalRegime, fields: ShownField[]) {
  if (group === 'you' && !fields.some((f) => f.required)) {
    return (
      <p>
        You may report anonymously: leave your name and e-mail address empty. Without an e-mail address we cannot ask you questions or tell you the outcome;
        keep the status link shown after sending.
      </p>
    );
  }
  if (group === 'statements' && regime === 'dmca') {
    return (
      <p>
        Tick both statements to affirm them. They are required by law; a notice that is knowingly false can make you liable for damages (17 U.S.C. §512(f)).
      </p>
    );
  }
  if (group === 'statements' && fields.some((f) => f.control.type === 'checkbox')) {
    return <p>Tick {fields.filter((f) => f.control.type === 'checkbox').length > 1 ? 'each statement' : 'the statement'} to affirm it.</p>;
  }
  if (group === 'details' && kind === 'csam') return <p class="warning">Do not attach, upload or send the material itself: give its address only.</p>;
  return null;
}

const GROUPS: readonly FieldGroup[] = ['material', 'details', 'you', 'notify', 'statements'];

export function reportTitle(kind: ReportKind): string {
  return `Report: ${KIND_RULES[kind].label}`;
}

export function ReportFormPage(props: ReportFormProps) {
  const { kind, regime, errors } = props;
  const rules = KIND_RULES[kind];
  const fields = formFields(kind, regime);
  const labelOf = (name: string) => (name === UPLOAD_FIELD ? UPLOAD_LABEL : name === 'form' ? 'Form' : shownLabel(fields.find((f) => f.name === name)!));
  const summary = Object.keys(errors).map((f) => ({ field: f === 'form' ? 'report-form' : f, label: labelOf(f), messages: errors[f] ?? [] }));
  const groups = GROUPS.map((g) => ({ g, fields: fields.filter((f) => f.group === g) })).filter((x) => x.fields.length);
  const title = reportTitle(kind);
  return (
    <Layout title={summary.length ? `Error: ${title}` : title} provider={props.provider} scripts={['/assets/report.js']}>
      <h1>{title}</h1>
      <p class="lead">
        {regime === 'dmca'
          ? `Use this form to send a notice under the US Digital Millennium Copyright Act (17 U.S.C. §512) about material reachable through ${props.provider}.`
          : `Use this form to report ${rules.label.toLowerCase()} reachable through ${props.provider}, under ${regime === 'dsa' ? 'Art. 16 of the EU Digital Services Act' : REGIME_LABELS[regime]}.`}{' '}
        {rules.hint} List as many URLs as you need — up to {props.maxUrls.toLocaleString('en-US')} in one report. You will get a private link where you can
        follow what happens to every URL.
      </p>
      <p>
        {rules.regimes.length > 1 ? <a href={`/report?kind=${kind}`}>Choose another law</a> : null}
        {rules.regimes.length > 1 ? ' · ' : null}
        <a href="/report">Choose another kind of report</a>
      </p>
      <ErrorSummary errors={summary} />
      <form id="report-form" method="post" action="/report" enctype="multipart/form-data" novalidate>
        <input type="hidden" name="_csrf" value={props.csrfToken} />
        <input type="hidden" name="submission_id" value={props.submissionId} />
        <input type="hidden" name="kind" value={kind} />
        <input type="hidden" name="regime" value={regime} />
        {groups.map(({ g, fields: fs }, i) => (
          <fieldset>
            <legend>
              {i + 1}. {legendOf(g, kind, regime, fs)}
            </legend>
            {groupIntro(g, kind, regime, fs)}
            {fs.map((f) => (
              <>
                <Field f={f} props={props} />
                {f.path === 'urls' ? <UrlExtras props={props} /> : null}
              </>
            ))}
          </fieldset>
        ))}
        <button type="submit">{regime === 'dmca' ? 'Send notice' : 'Send report'}</button>
      </form>
    </Layout>
  );
}
