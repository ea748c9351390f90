// Trusted reporters over the API: applying and the terms (reporters), vetting (staff), scoped
// tokens, origin disclosure per item and the disclosure log (staff). Webhooks: routes/webhooks.ts.
import type { FastifyInstance } from 'fastify';
import { sendFailure, sendResult } from '../reply.ts';
import { notFound } from '../../services/result.ts';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { described, errors, IdParams, Uuid, validatedInService, wholeNumber, type ZodRequests } from '../schemas.ts';
import {
  GRANTABLE_SCOPES,
  parseApproval,
  parseReason,
  TermsAcceptanceSchema,
  TrustedApplicationSchema,
  TRUSTED_REPORTER_TERMS,
  type TrustDecision,
} from '../../domain/trusted-reporter.ts';
import { acceptTerms, applyAsTrusted, createScopedToken, decideTrusted, latestApplication, listTrustedReporters } from '../../services/trusted-reporters.ts';
import { discloseItemOrigin, listDisclosures } from '../../services/origin-disclosure.ts';
import type { TrustedRowStatus } from '../../storage/schema.ts';

const TRUSTED_STATUSES: readonly TrustedRowStatus[] = ['applied', 'active', 'rejected', 'suspended', 'revoked'];

const TokenRequestSchema = z.object({
  scopes: z
    .array(z.enum(GRANTABLE_SCOPES, { error: `each scope must be one of ${GRANTABLE_SCOPES.join(', ')}` }), { error: 'scopes must be a list' })
    .min(1, 'ask for at least one scope'),
  label: z.string().trim().min(1, 'label must not be empty').max(100, 'label must be at most 100 characters').optional(),
});

const TrustedListQuery = z.object({
  status: z.enum(TRUSTED_STATUSES as [TrustedRowStatus, ...TrustedRowStatus[]], { error: `status must be one of ${TRUSTED_STATUSES.join(', ')}` }).optional(),
});
const OriginParams = z.object({
  id: Uuid(),
  position: z
    .string()
    .regex(/^\d{1,9}$/, 'position must be the item position (a whole number ≥ 0)')
    .transform(Number)
    .meta({ type: 'integer', minimum: 0 }),
});
const OriginQuery = z.object({
  purpose: z
    .string()
    .refine((p) => p.trim() !== '' && p.length <= 500, 'purpose must be 1 to 500 characters')
    .transform((p) => p.trim())
    .optional()
    .describe('Why you need it (logged); default: the purpose of your application'),
});
const DisclosuresQuery = z.object({
  principal_id: Uuid('principal_id', 'principal_id must be a principal id (uuid)').optional(),
  zone: z.string().optional(),
  limit: wholeNumber('limit', { min: 1, max: 5000 }),
});
// parseApproval and parseReason read the decision (an expiry is checked against the time).
const ApprovalBody = validatedInService(
  z.object({
    scopes: z.array(z.enum(GRANTABLE_SCOPES)).optional(),
    expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
    reason: z.string().optional(),
  }),
);
const ReasonBody = validatedInService(z.object({ reason: z.string() }));
const refusal = z
  .object({ errors: z.array(z.looseObject({})), reason: z.string() })
  .describe(
    'Refused by the disclosure policy: `reason` names the missing condition (not_trusted, application_pending, revoked, expired, missing_scope, not_proxied, …); nothing about the item is said',
  );
const errs = errors('Problems, by field');
const orEmpty = <T extends z.ZodType>(s: T) => z.preprocess((v) => v ?? {}, s);

const DECISION_SUMMARIES: Record<'approve' | 'reject' | 'revoke', string> = {
  approve: 'Approve an application (staff only): grants scopes (default origin:read), optional expires_at',
  reject: 'Reject an application, with a reason (staff only)',
  revoke: 'Revoke trusted status, with a reason (staff only): every further disclosure and webhook delivery is refused at once; scoped tokens are revoked',
};

export async function trustedRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  const now = () => ctx.origins.now();
  const actor = (id: string) => `principal:${id}` as const;

  app.get(
    '/v1/trusted-reporter/terms',
    {
      schema: {
        security: [],
        summary: 'The current trusted reporter terms (text and version)',
        response: { 200: z.object({ version: z.string(), text: z.string() }) },
      },
    },
    async () => ({ version: TRUSTED_REPORTER_TERMS.version, text: TRUSTED_REPORTER_TERMS.text }),
  );

  app.get(
    '/v1/trusted-reporter',
    {
      preValidation: requireRole('reporter'),
      schema: { summary: 'Your trusted reporter application and its status (reporters)', response: { 200: described('{application, terms}') } },
    },
    async (req) => ({
      application: await latestApplication(ctx.store.db, req.principal!.id),
      terms: { version: TRUSTED_REPORTER_TERMS.version },
    }),
  );

  app.post(
    '/v1/trusted-reporter/application',
    {
      preValidation: requireRole('reporter'),
      schema: {
        summary: 'Apply to become a trusted reporter (reporters): organisation, purpose, contact, accept_terms: true and the terms_version accepted',
        body: orEmpty(TrustedApplicationSchema),
        response: { 201: described('Applied; staff will vet it'), 409: errs, 422: errs },
      },
    },
    async (req, reply) => {
      const r = await applyAsTrusted(ctx.store.db, req.principal!, req.body, now());
      return sendResult(reply, r, (application) => ({ application }));
    },
  );

  app.post(
    '/v1/trusted-reporter/terms',
    {
      preValidation: requireRole('reporter'),
      schema: {
        summary: 'Accept a new version of the terms (reporters with an application)',
        body: orEmpty(TermsAcceptanceSchema),
        response: { 200: described('Recorded with time and version'), 404: errs, 422: errs },
      },
    },
    async (req, reply) => {
      const r = await acceptTerms(ctx.store.db, req.principal!, req.body.terms_version, now());
      if (!r) return sendFailure(reply, notFound('(application)', 'you have no application to accept terms for'));
      return { application: r };
    },
  );

  app.post(
    '/v1/trusted-reporter/tokens',
    {
      preValidation: requireRole('reporter'),
      schema: {
        summary: 'Create an API token with scopes you were granted, e.g. origin:read (active trusted reporters); shown once',
        body: orEmpty(TokenRequestSchema),
        response: { 201: described('{token, id, scopes}'), 403: errs, 422: errs },
      },
    },
    async (req, reply) => {
      const r = await createScopedToken(ctx.store.db, req.principal!, req.body.scopes, req.body.label ?? null, now());
      if ('error' in r) return reply.code(403).send({ errors: [{ field: 'scopes', message: r.error }] });
      return reply.code(201).send(r);
    },
  );

  app.get(
    '/v1/trusted-reporters',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: 'Applications and trusted reporters (staff only)',
        querystring: TrustedListQuery,
        response: { 200: described('{trusted_reporters}'), 422: errs },
      },
    },
    async (req) => ({ trusted_reporters: await listTrustedReporters(ctx.store.db, { status: req.query.status }) }),
  );

  for (const decision of ['approve', 'reject', 'revoke'] as const satisfies readonly TrustDecision[]) {
    app.post(
      `/v1/trusted-reporters/:id/${decision}`,
      {
        preValidation: requireRole('staff'),
        schema: {
          summary: DECISION_SUMMARIES[decision],
          params: IdParams,
          body: decision === 'approve' ? ApprovalBody : ReasonBody,
          response: { 200: described('{application, changed}'), 404: errs, 409: errs, 422: errs },
        },
      },
      async (req, reply) => {
        const id = req.params.id;
        let args: Parameters<typeof decideTrusted>[4];
        if (decision === 'approve') {
          const p = parseApproval(req.body, now());
          if (!p.ok) return reply.code(422).send({ errors: p.errors });
          args = { reason: p.reason, scopes: p.scopes, expiresAt: p.expiresAt };
        } else {
          const p = parseReason(req.body);
          if (!p.ok) return reply.code(422).send({ errors: p.errors });
          args = { reason: p.reason };
        }
        const r = await decideTrusted(ctx.store.db, actor(req.principal!.id), id, decision, args, now());
        return sendResult(reply, r);
      },
    );
  }

  app.get(
    '/v1/notices/:id/items/:position/origin',
    {
      preValidation: requireRole('reporter', 'staff'),
      schema: {
        summary:
          "An item's origin at the time of the report and now (trusted reporters with origin:read, own notices, proxied zones; staff). Every answer is logged and the site's customer told per policy",
        params: OriginParams,
        querystring: OriginQuery,
        response: { 200: described('{at_report, current, current_refused, disclosure_ids}'), 403: refusal, 404: errs, 422: errs },
      },
    },
    async (req, reply) => {
      const { id, position } = req.params;
      const r = await discloseItemOrigin(ctx.origins, req.principal!, id, position, req.query.purpose ?? null);
      if (r.ok) reply.header('cache-control', 'no-store');
      return sendResult(reply, r);
    },
  );

  app.get(
    '/v1/disclosures',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: 'The origin disclosure log, newest first (staff only)',
        querystring: DisclosuresQuery,
        response: { 200: described('{disclosures}'), 422: errs },
      },
    },
    async (req) => {
      const q = req.query;
      return { disclosures: await listDisclosures(ctx.store.db, { principalId: q.principal_id, zone: q.zone, limit: q.limit }) };
    },
  );
}
