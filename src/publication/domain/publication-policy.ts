/**
 * Which processed notices are published, per kind (SAFEHARBOR_PUBLICATION_POLICY):
 * - `all`: every processed notice of the kind is queued for publication;
 * - `on_request`: only when its reporter asks (POST /v1/notices/{id}/publication);
 * - `never`: not at all.
 * and whether staff review each redaction before it goes out (`reviewRequired`, default true).
 *
 * The kinds the kind table marks as never publishable (child sexual abuse material, intimate
 * imagery, registrant-data requests: their URLs or their subject are the harm) accept only
 * `never`; a policy that says otherwise is refused at start, naming the key.
 */
import { KIND_RULES, REPORT_KINDS, type ReportKind } from '../../domain/report-kinds.ts';
import type { FieldError } from '../../domain/notice.ts';

export const PUBLICATION_MODES = ['all', 'on_request', 'never'] as const;
export type PublicationMode = (typeof PUBLICATION_MODES)[number];

export interface PublicationPolicy {
  kinds: Record<ReportKind, PublicationMode>;
  reviewRequired: boolean;
}

/**
 * Defaults: copyright and trademark notices are the public record GitHub and Google keep (Lumen);
 * phishing and general abuse reports only at their reporter's wish (they often name victims);
 * threats never unless the operator decides so; the rest never, by the kind table.
 */
export const DEFAULT_PUBLICATION_POLICY: Readonly<PublicationPolicy> = Object.freeze({
  kinds: Object.freeze({
    copyright: 'all',
    trademark: 'all',
    phishing: 'on_request',
    general: 'on_request',
    threat: 'never',
    csam: 'never',
    ncsei: 'never',
    whois: 'never',
  }) as Record<ReportKind, PublicationMode>,
  reviewRequired: true,
});

/** A policy from configuration (missing keys take the defaults); every problem by its key. */
export function parsePublicationPolicy(input: unknown): { ok: true; policy: PublicationPolicy } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    return {
      ok: false,
      errors: [{ field: '(policy)', message: 'the policy must be a JSON object such as {"kinds": {"phishing": "all"}, "reviewRequired": true}' }],
    };
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (key !== 'kinds' && key !== 'reviewRequired')
      errors.push({ field: key, message: `${key} is not a setting of the publication policy; use "kinds" and "reviewRequired"` });
  }
  const kinds = { ...DEFAULT_PUBLICATION_POLICY.kinds };
  if (raw.kinds !== undefined) {
    if (!raw.kinds || typeof raw.kinds !== 'object' || Array.isArray(raw.kinds)) {
      errors.push({ field: 'kinds', message: 'kinds must be an object of kind → "all", "on_request" or "never"' });
    } else {
      for (const [kind, mode] of Object.entries(raw.kinds as Record<string, unknown>)) {
        const field = `kinds.${kind}`;
        if (!(REPORT_KINDS as readonly string[]).includes(kind)) {
          errors.push({ field, message: `${kind} is not a kind of report; the kinds are ${REPORT_KINDS.join(', ')}` });
        } else if (typeof mode !== 'string' || !(PUBLICATION_MODES as readonly string[]).includes(mode)) {
          errors.push({ field, message: `${field} must be "all", "on_request" or "never"` });
        } else if (mode !== 'never' && !KIND_RULES[kind as ReportKind].publishable) {
          errors.push({ field, message: `${KIND_RULES[kind as ReportKind].label} reports are never published; ${field} must be "never"` });
        } else kinds[kind as ReportKind] = mode as PublicationMode;
      }
    }
  }
  let reviewRequired = DEFAULT_PUBLICATION_POLICY.reviewRequired;
  if (raw.reviewRequired !== undefined) {
    if (typeof raw.reviewRequired !== 'boolean') errors.push({ field: 'reviewRequired', message: 'reviewRequired must be true or false' });
    else reviewRequired = raw.reviewRequired;
  }
  return errors.length ? { ok: false, errors } : { ok: true, policy: { kinds, reviewRequired } };
}

/** What happens to a processed notice: queued for publication now, on its reporter's request only, or never. */
export function publicationModeOf(policy: PublicationPolicy, kind: ReportKind): PublicationMode {
  return KIND_RULES[kind].publishable ? policy.kinds[kind] : 'never';
}
