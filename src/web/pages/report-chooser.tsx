// The public report form's first step: what is wrong (the kinds of KIND_RULES, with their hints),
// then — for a kind that can be reported under more than one law — under which law. Plain GET
// forms, so it works without JavaScript and the URL (/report?kind=…&regime=…) can be bookmarked.
import { Layout, ErrorSummary } from '../layout.tsx';
import { KIND_RULES, REGIME_LABELS, REPORT_KINDS, type LegalRegime, type ReportKind } from '../../domain/report-kinds.ts';

/** What choosing a regime means for the reporter, in one line. */
const REGIME_CHOICE: Record<LegalRegime, { label: string; hint: string }> = {
  dmca: {
    label: 'US law: a DMCA takedown notice',
    hint: 'Under 17 U.S.C. §512. Sworn statements and your signature; the site owner gets your name and contact details and may answer with a counter notice.',
  },
  dsa: {
    label: 'EU law: a notice of illegal content under the Digital Services Act',
    hint: 'Under Art. 16 DSA. You explain why the content is illegal; you get a reasoned decision and can contest it.',
  },
  terms: {
    label: 'Our acceptable-use policy',
    hint: `A complaint that the content breaks the rules every site on the network agrees to (${REGIME_LABELS.terms}), whatever law applies.`,
  },
};

export interface ReportChooserProps {
  provider: string;
  /** The kind chosen: the page asks for the regime. */
  kind: ReportKind | null;
  /** A choice the URL carried that does not exist. */
  error: { field: 'kind' | 'regime'; message: string } | null;
}

function Radio(p: { name: string; value: string; label: string; hint: string; checked: boolean; required?: boolean }) {
  const id = `${p.name}-${p.value}`;
  return (
    <div class="radio choice">
      <input type="radio" id={id} name={p.name} value={p.value} checked={p.checked} required={p.required} aria-describedby={`${id}-hint`} />
      <label for={id}>
        <strong>{p.label}</strong>
        <span class="hint" id={`${id}-hint`}>
          {p.hint}
        </span>
      </label>
    </div>
  );
}

export function ReportChooserPage(p: ReportChooserProps) {
  const kind = p.kind;
  const title = kind ? `Report: ${KIND_RULES[kind].label}` : 'Report abuse or infringement';
  const field = kind ? 'regime' : 'kind';
  const err = p.error
    ? [
        {
          field: p.error.field === 'kind' ? `kind-${REPORT_KINDS[0]}` : `regime-${KIND_RULES[kind!].regimes[0]}`,
          label: p.error.field === 'kind' ? 'What is wrong' : 'Under which law',
          messages: [p.error.message],
        },
      ]
    : [];
  return (
    <Layout title={p.error ? `Error: ${title}` : title} provider={p.provider}>
      <h1>{title}</h1>
      <ErrorSummary errors={err} />
      <form method="get" action="/report" id="report-chooser">
        {kind ? (
          <>
            <input type="hidden" name="kind" value={kind} />
            <fieldset aria-describedby={p.error ? `${field}-error` : undefined}>
              <legend>Under which law do you report it?</legend>
              {p.error ? (
                <p class="field-error" id={`${field}-error`}>
                  <span class="visually-hidden">Error: </span>
                  {p.error.message}
                </p>
              ) : null}
              {KIND_RULES[kind].regimes.map((r, i) => (
                <Radio name="regime" value={r} label={REGIME_CHOICE[r].label} hint={REGIME_CHOICE[r].hint} checked={i === 0} />
              ))}
            </fieldset>
            <p>
              <a href="/report">Choose another kind of report</a>
            </p>
          </>
        ) : (
          <fieldset aria-describedby={p.error ? `${field}-error` : undefined}>
            <legend>What is wrong?</legend>
            <p class="hint">Choose the one that fits best. The next step asks only what that kind of report needs.</p>
            {p.error ? (
              <p class="field-error" id={`${field}-error`}>
                <span class="visually-hidden">Error: </span>
                {p.error.message}
              </p>
            ) : null}
            {/* `required` on one radio of the group: the browser asks for a choice before going on, without JavaScript. */}
            {REPORT_KINDS.map((k, i) => (
              <Radio name="kind" value={k} label={KIND_RULES[k].label} hint={KIND_RULES[k].hint} checked={false} required={i === 0} />
            ))}
          </fieldset>
        )}
        <button type="submit">Continue</button>
      </form>
    </Layout>
  );
}
