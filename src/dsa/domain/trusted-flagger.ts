/**
 * Trusted flaggers (DSA Art. 22), the plain-data part. The status is awarded by a member state's
 * Digital Services Coordinator to an organisation for an area of expertise; the provider records
 * the award (a grant) for the reporter principal the organisation files with, and decides that
 * reporter's notices within the area with priority. Not to be confused with the desk's own
 * trusted reporters (domain/trusted-reporter.ts), whom the provider vets to learn origin addresses:
 * the two share only the reporter principal. No I/O here.
 */
import { z } from 'zod';
import { zodErrors, type FieldError } from '../../domain/notice.ts';
import { KIND_RULES, REPORT_KINDS, type ReportKind } from '../../domain/report-kinds.ts';

/**
 * Member states whose coordinator may award the status, by ISO 3166-1 alpha-2 code. The EU's own
 * code for Greece, EL, is read as GR so that one country has one code in the store.
 */
export const EU_MEMBER_STATES = [
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
] as const; // prettier-ignore
export type MemberState = (typeof EU_MEMBER_STATES)[number];

/**
 * The areas of expertise a grant can name: the kinds that can be reported as illegal content
 * under the DSA (a WHOIS request is not a notice of illegal content, so it is no area).
 */
export const FLAGGER_KINDS = REPORT_KINDS.filter((k) => (KIND_RULES[k].regimes as readonly string[]).includes('dsa')) as [ReportKind, ...ReportKind[]];

const text = (field: string, max: number) =>
  z
    .string({ error: `${field} is required` })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(max, `${field} must be at most ${max} characters`)
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s), `${field} must not contain control characters`);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const TrustedFlaggerGrantSchema = z.object({
  principal_id: z
    .string({ error: 'principal_id is required: the id of the reporter the organisation files with' })
    .regex(UUID, 'principal_id must be the id (uuid) of a reporter')
    .transform((s) => s.toLowerCase()),
  organisation: text('organisation', 200),
  dsc_country: z
    .string({ error: 'dsc_country is required: the member state whose Digital Services Coordinator awarded the status' })
    .trim()
    .transform((s) => (s.toUpperCase() === 'EL' ? 'GR' : s.toUpperCase()))
    .pipe(z.enum(EU_MEMBER_STATES, { error: `dsc_country must be the code of an EU member state (${EU_MEMBER_STATES.join(', ')})` })),
  dsc_reference: text('dsc_reference', 500).nullable().default(null).describe("The coordinator's decision number or the URL of its list of trusted flaggers"),
  kinds: z
    .array(z.enum(FLAGGER_KINDS, { error: `each kind must be one of ${FLAGGER_KINDS.join(', ')}` }), {
      error: 'kinds must be a list of the areas of expertise (report kinds)',
    })
    .min(1, 'kinds must name at least one area of expertise'),
});
export type TrustedFlaggerGrantInput = z.output<typeof TrustedFlaggerGrantSchema>;

/** A grant as staff record it; every problem by field at once. Kinds come back unique and in table order. */
export function parseGrant(input: unknown): { ok: true; grant: TrustedFlaggerGrantInput } | { ok: false; errors: FieldError[] } {
  const r = TrustedFlaggerGrantSchema.safeParse(input ?? {});
  if (!r.success) return { ok: false, errors: zodErrors(r.error) };
  return { ok: true, grant: { ...r.data, kinds: FLAGGER_KINDS.filter((k) => r.data.kinds.includes(k)) } };
}

export const RevokeSchema = z.object({ reason: text('reason', 2000) });

/** A revocation needs its reason (the coordinator's revocation, or a mistake): it goes to the log. */
export function parseRevoke(input: unknown): { ok: true; reason: string } | { ok: false; errors: FieldError[] } {
  const r = RevokeSchema.safeParse(input ?? {});
  return r.success ? { ok: true, reason: r.data.reason } : { ok: false, errors: zodErrors(r.error) };
}

/** The part of a stored grant that decides whether a notice is a trusted flagger's. */
export interface FlaggerGrant {
  principalId: string;
  kinds: readonly string[];
  grantedAt: Date;
  revokedAt: Date | null;
}

/** A grant is in force from its grant until its revocation (the revocation instant excluded). */
export function grantInForce(g: FlaggerGrant, at: Date): boolean {
  return g.grantedAt.getTime() <= at.getTime() && (g.revokedAt === null || at.getTime() < g.revokedAt.getTime());
}

/**
 * Whether a notice of `kind` filed by `reporterId` at `at` is a trusted flagger's notice: some
 * grant to that reporter in force at that time names the kind. Outside its expertise a trusted
 * flagger is an ordinary reporter (Art. 22(1): "within their designated area of expertise").
 */
export function isTrustedFlaggerFor(grants: readonly FlaggerGrant[], reporterId: string, kind: ReportKind, at: Date): boolean {
  return grants.some((g) => g.principalId === reporterId && g.kinds.includes(kind) && grantInForce(g, at));
}
