// Publication by API: the reporter asks for its notice to be published (kinds `on_request`),
// staff list the redactions and publish or withhold them, and anyone reads the published records
// (without a token: they are public, and nothing else is served there).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireRole } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { sendFailure, sendResult } from '../../http/reply.ts';
import { errors, IdParams, type ZodRequests } from '../../http/schemas.ts';
import { notFound } from '../../services/result.ts';
import { decodeKeyset } from '../../storage/exact-time.ts';
import { decidePublication, getPublication, listPublications, listPublished, publishedRecord, requestPublication } from '../services/publications.ts';

const Publication = z.looseObject({ notice_id: z.string(), status: z.enum(['pending_review', 'published', 'withheld']), record: z.looseObject({}) });
const cursor = z
  .string()
  .refine((c) => decodeKeyset(c) !== null, 'cursor is not one this API gave out')
  .optional()
  .describe('next_cursor of the previous page');
const limit = (max: number) =>
  z.coerce.number().int('limit must be a whole number').min(1, 'limit must be at least 1').max(max, `limit must be at most ${max}`).optional();
const DecisionBody = z.object({ reason: z.string().max(2000, 'reason must be at most 2000 characters').optional() }).nullish();

export async function publicationRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  const db = ctx.store.db;
  const policy = () => ctx.config.publicationPolicy;

  app.post(
    '/v1/notices/:id/publication',
    {
      preValidation: requireRole('reporter', 'staff'),
      schema: {
        summary:
          'Ask for your processed notice to be published, redacted (kinds the policy publishes on request; staff review it first unless the policy says not)',
        params: IdParams,
        body: z.object({}).nullish(),
        response: {
          200: Publication.describe('Already queued or published'),
          201: Publication.describe('Queued (or published, without review)'),
          403: errors('The kind is never published under the policy (reason publication_not_allowed)'),
          404: errors('No notice of yours'),
          409: errors('Still being processed'),
        },
      },
    },
    async (req, reply) => sendResult(reply, await requestPublication(db, policy(), req.principal!, req.params.id)),
  );

  app.get(
    '/v1/publications',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: 'Redacted notices by status, oldest queued first, with what was redacted (staff only); queues what the policy publishes first',
        querystring: z.object({
          status: z.enum(['pending_review', 'published', 'withheld'], { error: 'status must be pending_review, published or withheld' }).optional(),
          limit: limit(200),
          cursor,
        }),
        response: { 200: z.object({ publications: z.array(Publication), next_cursor: z.string().nullable() }), 403: errors('Not staff') },
      },
    },
    async (req) => {
      return listPublications(db, req.query);
    },
  );

  app.get(
    '/v1/publications/:id',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: 'One notice’s publication, with what was redacted (staff only; id: the notice id)',
        params: IdParams,
        response: { 200: Publication, 403: errors('Not staff'), 404: errors('No publication') },
      },
    },
    async (req, reply) => sendResult(reply, await getPublication(db, req.params.id)),
  );

  for (const action of ['publish', 'withhold'] as const) {
    app.post(
      `/v1/publications/:id/${action}`,
      {
        preValidation: requireRole('staff'),
        schema: {
          summary:
            action === 'publish'
              ? 'Publish the redacted record as reviewed (staff only); 409 if the notice changed since, with the new redaction stored for review'
              : 'Withhold the record from publication, or take a published one down (staff only; optional reason, kept in the event log)',
          params: IdParams,
          body: DecisionBody,
          response: { 200: Publication, 403: errors('Not staff'), 404: errors('No publication'), 409: errors('Already so, or changed since reviewed') },
        },
      },
      async (req, reply) => sendResult(reply, await decidePublication(db, `principal:${req.principal!.id}`, req.params.id, action, req.body?.reason)),
    );
  }

  app.get(
    '/v1/public/notices',
    {
      schema: {
        security: [],
        summary: 'Published notices, newest first (public; redacted)',
        querystring: z.object({ limit: limit(200), cursor }),
        response: {
          200: z.object({ notices: z.array(z.looseObject({})), next_cursor: z.string().nullable() }),
          422: errors('A cursor or limit that is not valid'),
        },
      },
    },
    async (req) => listPublished(db, req.query),
  );

  app.get(
    '/v1/public/notices/:id',
    {
      schema: {
        security: [],
        summary: 'A published notice’s redacted record (public); 404 for any notice not published',
        params: IdParams,
        response: { 200: z.object({ record: z.looseObject({}), published_at: z.string() }), 404: errors('Not published') },
      },
    },
    async (req, reply) => {
      const r = await publishedRecord(db, req.params.id);
      return r ? reply.send(r) : sendFailure(reply, notFound('id', 'no published notice has this id'));
    },
  );
}
