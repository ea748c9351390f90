// Trusted reporters over the API: applying and the terms (reporters), vetting (staff), scoped
// tokens, origin disclosure per item, the disclosure log (staff), and webhooks.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { sendFailure, sendResult } from '../reply.ts';
import { notFound } from '../../services/result.ts';
import { zodErrors, type FieldError } from '../../domain/notice.ts';
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
import { deleteWebhook, listDeliveries, listWebhooks, registerWebhook } from '../../services/webhooks.ts';
import type { TrustedRowStatus } from '../../storage/schema.ts';

const TRUSTED_STATUSES: readonly TrustedRowStatus[] = ['applied', 'active', 'rejected', 'suspended', 'revoked'];

const TokenRequestSchema = z.object({
  scopes: z
    .array(z.enum(GRANTABLE_SCOPES, { error: `each scope must be one of ${GRANTABLE_SCOPES.join(', ')}` }), { error: 'scopes must be a list' })
    .min(1, 'ask for at least one scope'),
  label: z.string().trim().min(1, 'label must not be empty').max(100, 'label must be at most 100 characters').optional(),
});

export async function trustedRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const now = () => ctx.origins.now();
  const actor = (id: string) => `principal:${id}` as const;

  app.get('/v1/trusted-reporter/terms', async () => ({ version: TRUSTED_REPORTER_TERMS.version, text: TRUSTED_REPORTER_TERMS.text }));

  app.get('/v1/trusted-reporter', { preHandler: requireRole('reporter') }, async (req) => ({
    application: await latestApplication(ctx.store.db, req.principal!.id),
    terms: { version: TRUSTED_REPORTER_TERMS.version },
  }));

  app.post('/v1/trusted-reporter/application', { preHandler: requireRole('reporter') }, async (req, reply) => {
    const parsed = TrustedApplicationSchema.safeParse(req.body ?? {});
    if (!parsed.success) return reply.code(422).send({ errors: zodErrors(parsed.error) });
    const r = await applyAsTrusted(ctx.store.db, req.principal!, parsed.data, now());
    return sendResult(reply, r, (application) => ({ application }));
  });

  app.post('/v1/trusted-reporter/terms', { preHandler: requireRole('reporter') }, async (req, reply) => {
    const parsed = TermsAcceptanceSchema.safeParse(req.body ?? {});
    if (!parsed.success) return reply.code(422).send({ errors: zodErrors(parsed.error) });
    const r = await acceptTerms(ctx.store.db, req.principal!, parsed.data.terms_version, now());
    if (!r) return sendFailure(reply, notFound('(application)', 'you have no application to accept terms for'));
    return { application: r };
  });

  app.post('/v1/trusted-reporter/tokens', { preHandler: requireRole('reporter') }, async (req, reply) => {
    const parsed = TokenRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) return reply.code(422).send({ errors: zodErrors(parsed.error) });
    const r = await createScopedToken(ctx.store.db, req.principal!, parsed.data.scopes, parsed.data.label ?? null, now());
    if ('error' in r) return reply.code(403).send({ errors: [{ field: 'scopes', message: r.error }] });
    return reply.code(201).send(r);
  });

  app.get('/v1/trusted-reporters', { preHandler: requireRole('staff') }, async (req, reply) => {
    const status = (req.query as Record<string, string | undefined>).status;
    if (status !== undefined && !TRUSTED_STATUSES.includes(status as TrustedRowStatus)) {
      return reply.code(422).send({ errors: [{ field: 'status', message: `status must be one of ${TRUSTED_STATUSES.join(', ')}` }] });
    }
    return { trusted_reporters: await listTrustedReporters(ctx.store.db, { status: status as TrustedRowStatus | undefined }) };
  });

  for (const decision of ['approve', 'reject', 'revoke'] as const satisfies readonly TrustDecision[]) {
    app.post(`/v1/trusted-reporters/:id/${decision}`, { preHandler: requireRole('staff') }, async (req, reply) => {
      const id = (req.params as { id: string }).id;
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
    });
  }

  app.get('/v1/notices/:id/items/:position/origin', { preHandler: requireRole('reporter', 'staff') }, async (req, reply) => {
    const { id, position } = req.params as { id: string; position: string };
    const purposeRaw = (req.query as Record<string, string | undefined>).purpose;
    const errors: FieldError[] = [];
    if (!/^\d{1,9}$/.test(position)) errors.push({ field: 'position', message: 'position must be the item position (a whole number ≥ 0)' });
    if (purposeRaw !== undefined && (purposeRaw.trim() === '' || purposeRaw.length > 500))
      errors.push({ field: 'purpose', message: 'purpose must be 1 to 500 characters' });
    if (errors.length) return reply.code(422).send({ errors });
    const r = await discloseItemOrigin(ctx.origins, req.principal!, id, Number(position), purposeRaw?.trim() ?? null);
    if (r.ok) reply.header('cache-control', 'no-store');
    return sendResult(reply, r);
  });

  app.get('/v1/disclosures', { preHandler: requireRole('staff') }, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const errors: FieldError[] = [];
    if (q.principal_id !== undefined && !/^[0-9a-f-]{36}$/i.test(q.principal_id))
      errors.push({ field: 'principal_id', message: 'principal_id must be a principal id (uuid)' });
    const limit = q.limit === undefined ? undefined : Number(q.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 5000))
      errors.push({ field: 'limit', message: 'limit must be a whole number from 1 to 5000' });
    if (errors.length) return reply.code(422).send({ errors });
    return { disclosures: await listDisclosures(ctx.store.db, { principalId: q.principal_id, zone: q.zone, limit }) };
  });

  app.post('/v1/webhooks', { preHandler: requireRole('reporter') }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.events !== undefined && (!Array.isArray(body.events) || !body.events.every((e) => e === 'origin.changed'))) {
      return reply.code(422).send({ errors: [{ field: 'events', message: 'events must be ["origin.changed"] (the only event so far)' }] });
    }
    const r = await registerWebhook(ctx.origins, req.principal!, body.url);
    return sendResult(reply, r);
  });

  app.get('/v1/webhooks', { preHandler: requireRole('reporter') }, async (req) => ({ webhooks: await listWebhooks(ctx.store.db, req.principal!.id) }));

  app.delete('/v1/webhooks/:id', { preHandler: requireRole('reporter') }, async (req, reply) => {
    const ok = await deleteWebhook(ctx.store.db, req.principal!.id, (req.params as { id: string }).id, now());
    if (!ok) return sendFailure(reply, notFound('id', 'no such webhook of yours'));
    return reply.code(204).send();
  });

  app.get('/v1/webhooks/:id/deliveries', { preHandler: requireRole('reporter', 'staff') }, async (req, reply) => {
    const ds = await listDeliveries(ctx.store.db, req.principal!, (req.params as { id: string }).id);
    if (!ds) return reply.code(404).send({ errors: [{ field: 'id', message: 'no such webhook of yours' }] });
    return { deliveries: ds };
  });
}

const errs = { description: 'Problems, by field', content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } } };
const obj = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
const idp = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const refusal = {
  description:
    'Refused by the disclosure policy: `reason` names the missing condition (not_trusted, application_pending, revoked, expired, missing_scope, not_proxied, …); nothing about the item is said',
  content: { 'application/json': { schema: { type: 'object', properties: { errors: { type: 'array' }, reason: { type: 'string' } } } } },
};

export const trustedOpenApiPaths = {
  '/v1/trusted-reporter/terms': {
    get: { security: [], summary: 'The current trusted reporter terms (text and version)', responses: { '200': obj('{version, text}') } },
    post: {
      summary: 'Accept a new version of the terms (reporters with an application)',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['accept_terms', 'terms_version'],
              properties: { accept_terms: { const: true }, terms_version: { type: 'string' } },
            },
          },
        },
      },
      responses: { '200': obj('Recorded with time and version'), '404': errs, '422': errs },
    },
  },
  '/v1/trusted-reporter': {
    get: { summary: 'Your trusted reporter application and its status (reporters)', responses: { '200': obj('{application, terms}') } },
  },
  '/v1/trusted-reporter/application': {
    post: {
      summary: 'Apply to become a trusted reporter (reporters): organisation, purpose, contact, accept_terms: true and the terms_version accepted',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['organisation', 'purpose', 'contact', 'accept_terms', 'terms_version'],
              properties: {
                organisation: { type: 'string', maxLength: 200 },
                purpose: { type: 'string', maxLength: 2000 },
                contact: { type: 'string', maxLength: 500 },
                accept_terms: { const: true },
                terms_version: { type: 'string' },
              },
            },
          },
        },
      },
      responses: { '201': obj('Applied; staff will vet it'), '409': errs, '422': errs },
    },
  },
  '/v1/trusted-reporter/tokens': {
    post: {
      summary: 'Create an API token with scopes you were granted, e.g. origin:read (active trusted reporters); shown once',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['scopes'],
              properties: { scopes: { type: 'array', items: { type: 'string', enum: [...GRANTABLE_SCOPES] } }, label: { type: 'string' } },
            },
          },
        },
      },
      responses: { '201': obj('{token, id, scopes}'), '403': errs, '422': errs },
    },
  },
  '/v1/trusted-reporters': {
    get: {
      summary: 'Applications and trusted reporters (staff only)',
      parameters: [{ name: 'status', in: 'query', schema: { type: 'string', enum: [...TRUSTED_STATUSES] } }],
      responses: { '200': obj('{trusted_reporters}') },
    },
  },
  '/v1/trusted-reporters/{id}/approve': {
    post: {
      summary: 'Approve an application (staff only): grants scopes (default origin:read), optional expires_at',
      parameters: [idp],
      requestBody: {
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: {
                scopes: { type: 'array', items: { type: 'string', enum: [...GRANTABLE_SCOPES] } },
                expires_at: { type: ['string', 'null'], format: 'date-time' },
                reason: { type: 'string' },
              },
            },
          },
        },
      },
      responses: { '200': obj('{application, changed}'), '404': errs, '409': errs, '422': errs },
    },
  },
  '/v1/trusted-reporters/{id}/reject': {
    post: {
      summary: 'Reject an application, with a reason (staff only)',
      parameters: [idp],
      responses: { '200': obj('{application, changed}'), '404': errs, '409': errs, '422': errs },
    },
  },
  '/v1/trusted-reporters/{id}/revoke': {
    post: {
      summary: 'Revoke trusted status, with a reason (staff only): every further disclosure and webhook delivery is refused at once; scoped tokens are revoked',
      parameters: [idp],
      responses: { '200': obj('{application, changed}'), '404': errs, '409': errs, '422': errs },
    },
  },
  '/v1/notices/{id}/items/{position}/origin': {
    get: {
      summary:
        "An item's origin at the time of the report and now (trusted reporters with origin:read, own notices, proxied zones; staff). Every answer is logged and the site's customer told per policy",
      parameters: [
        idp,
        { name: 'position', in: 'path', required: true, schema: { type: 'integer', minimum: 0 } },
        {
          name: 'purpose',
          in: 'query',
          schema: { type: 'string', maxLength: 500 },
          description: 'Why you need it (logged); default: the purpose of your application',
        },
      ],
      responses: { '200': obj('{at_report, current, current_refused, disclosure_ids}'), '403': refusal, '404': errs },
    },
  },
  '/v1/disclosures': {
    get: {
      summary: 'The origin disclosure log, newest first (staff only)',
      parameters: [
        { name: 'principal_id', in: 'query', schema: { type: 'string', format: 'uuid' } },
        { name: 'zone', in: 'query', schema: { type: 'string' } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 5000 } },
      ],
      responses: { '200': obj('{disclosures}'), '422': errs },
    },
  },
  '/v1/webhooks': {
    post: {
      summary:
        'Register a webhook for origin.changed (trusted reporters with origin:read). The secret is shown once. Each delivery is a POST with Safeharbor-Timestamp (Unix seconds) and Safeharbor-Signature: v1=hex(HMAC-SHA256(secret, timestamp + "." + body))',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['url'],
              properties: {
                url: { type: 'string', format: 'uri', description: 'https only; no private or loopback addresses' },
                events: { type: 'array', items: { const: 'origin.changed' } },
              },
            },
          },
        },
      },
      responses: { '201': obj('{id, url, events, created_at, secret}'), '403': refusal, '422': errs },
    },
    get: { summary: 'Your webhooks', responses: { '200': obj('{webhooks}') } },
  },
  '/v1/webhooks/{id}': {
    delete: { summary: 'Delete a webhook; pending deliveries are cancelled', parameters: [idp], responses: { '204': { description: 'Deleted' }, '404': errs } },
  },
  '/v1/webhooks/{id}/deliveries': {
    get: { summary: "A webhook's deliveries with every attempt", parameters: [idp], responses: { '200': obj('{deliveries}'), '404': errs } },
  },
};
