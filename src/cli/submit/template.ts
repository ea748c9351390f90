// The rest of every notice `safeharbor submit` sends: a --notice JSON file (any report body
// without its urls) with flags laid over it. It is checked with the server's own rules
// (parseReport, the same function the API validates with) against a placeholder URL before
// anything is read or sent, so a missing element of the kind fails at once, by field, rather
// than on the first notice after an hour of reading.
import { KIND_RULES, REPORT_KINDS, isReportKind, type LegalRegime } from '../../domain/report-kinds.ts';
import { parseReport } from '../../domain/report-submission.ts';
import type { FieldError } from '../../domain/notice.ts';

export type Template = Record<string, unknown>;

export interface TemplateFlags {
  kind?: string;
  regime?: string;
  work?: string;
  name?: string;
  email?: string;
  company?: string;
  address?: string;
  country?: string;
  signature?: string;
  explanation?: string;
  /** Affirm the sworn statements the regime asks for (DMCA: both of §512(c)(3)(A)(v)–(vi); DSA: Art. 16(2)(d)). */
  affirm?: boolean;
}

/** Which flag sets a field, for error messages that say how to fix them. */
const FLAG_OF: Record<string, string> = {
  kind: '--kind',
  regime: '--regime',
  'work.description': '--work',
  work: '--work',
  'claimant.name': '--name',
  'claimant.email': '--email',
  'claimant.company': '--company',
  'claimant.address': '--address',
  'claimant.country': '--country',
  signature: '--signature',
  explanation: '--explanation',
  'statements.good_faith_belief': '--affirm',
  'statements.accuracy_and_authority': '--affirm',
  'statements.accurate_and_complete': '--affirm',
  statements: '--affirm',
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export type TemplateResult = { ok: true; template: Template } | { ok: false; errors: FieldError[] };

/** The template from the --notice file's parsed JSON (or nothing) and the flags, checked as the server will check each notice. */
export function buildTemplate(file: unknown, flags: TemplateFlags): TemplateResult {
  if (file !== undefined && !isObject(file)) return { ok: false, errors: [{ field: '(notice)', message: 'the --notice file must hold a JSON object' }] };
  const t: Template = structuredClone(file ?? {});
  if (t.urls !== undefined) {
    return { ok: false, errors: [{ field: 'urls', message: 'the URLs come from the input file: leave urls out of the --notice file' }] };
  }
  if (flags.kind !== undefined) t.kind = flags.kind;
  if (flags.regime !== undefined) t.regime = flags.regime;
  if (flags.work !== undefined) t.work = { ...(isObject(t.work) ? t.work : {}), description: flags.work };
  const given = Object.fromEntries(
    (['name', 'email', 'company', 'address', 'country'] as const).filter((f) => flags[f] !== undefined).map((f) => [f, flags[f]]),
  );
  if (Object.keys(given).length) t.claimant = { ...(isObject(t.claimant) ? t.claimant : {}), ...given };
  if (flags.signature !== undefined) t.signature = flags.signature;
  if (flags.explanation !== undefined) t.explanation = flags.explanation;
  if (flags.affirm) {
    const kind = typeof t.kind === 'string' && isReportKind(t.kind) ? t.kind : 'copyright';
    const regime = (typeof t.regime === 'string' ? t.regime : KIND_RULES[kind].regimes[0]) as LegalRegime;
    const statements = isObject(t.statements) ? { ...t.statements } : {};
    if (regime === 'dmca') Object.assign(statements, { good_faith_belief: true, accuracy_and_authority: true });
    if (regime === 'dsa') Object.assign(statements, { accurate_and_complete: true });
    t.statements = statements;
  }
  if (t.kind !== undefined && (typeof t.kind !== 'string' || !isReportKind(t.kind))) {
    return { ok: false, errors: [{ field: 'kind', message: `kind must be one of ${REPORT_KINDS.join(', ')} (--kind)` }] };
  }
  const parsed = parseReport({ ...t, urls: ['https://placeholder.example/'] });
  if (parsed.ok) return { ok: true, template: t };
  return {
    ok: false,
    errors: parsed.errors.map((e) => {
      const flag = FLAG_OF[e.field];
      return flag ? { field: e.field, message: `${e.message} (${flag}, or ${e.field} in the --notice file)` } : e;
    }),
  };
}
