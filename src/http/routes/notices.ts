// The native notice API: POST /v1/notices, GET /v1/notices, GET /v1/notices/{id}, GET /v1/notices/{id}/events.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { sendFailure, sendResult } from '../reply.ts';
import { fileNotice } from '../../services/notice-filing.ts';
import { getNoticeView, listNoticeEvents, listNotices } from '../../services/notice-views.ts';
import type { NoticeViewCache } from '../../services/notice-view-cache.ts';
import { decodeKeyset } from '../../storage/exact-time.ts';
import { DMCA_STATEMENTS } from '../../domain/notice.ts';
import { DSA_STATEMENT, ReportInputSchema } from '../../domain/report-submission.ts';
import { REPORT_KINDS } from '../../domain/report-kinds.ts';
import { ITEM_STATES } from '../../domain/item-state.ts';
import { validatedInService, type ZodRequests, dateQuery, errors, IdParams, oneOf, wholeNumber } from '../schemas.ts';
import { Event, Notice } from '../openapi.ts';

const NOTICE_STATUSES = ['received', 'processing', 'processed'] as const;

const ListQuery = z.object({
  status: oneOf(NOTICE_STATUSES, 'status must be received, processing or processed').optional(),
  since: dateQuery('since'),
  until: dateQuery('until'),
  limit: wholeNumber('limit').meta({ maximum: 500, default: 50 }),
  cursor: z
    .string()
    .refine((c) => c === '' || decodeKeyset(c) !== null, 'cursor is not one this API gave out')
    .optional()
    .describe('next_cursor of the previous page'),
});

const NoticeQuery = z.object({
  items_after: wholeNumber('items_after').describe('items_page.next_after of the previous page'),
  items_limit: wholeNumber('items_limit').meta({ maximum: 10000, default: 1000 }),
  items_state: oneOf(ITEM_STATES, `items_state must be one of ${ITEM_STATES.join(', ')}`).optional(),
});

const EventsQuery = z.object({
  after: wholeNumber('after'),
  limit: wholeNumber('limit').meta({ maximum: 5000, default: 200 }),
  scope: oneOf(['all', 'notice'], 'scope must be all or notice').optional().describe('notice: leave out per-item events'),
});

const notFound = errors('No such notice, or not yours');

const Report = ReportInputSchema.meta({
  id: 'Report',
  description: `A report of one kind (${REPORT_KINDS.join(', ')}; without kind: copyright) under a regime (dmca, dsa, terms). A DMCA notice's statements.good_faith_belief affirms: "${DMCA_STATEMENTS.good_faith_belief}" statements.accuracy_and_authority affirms: "${DMCA_STATEMENTS.accuracy_and_authority}"; a DSA notice's statements.accurate_and_complete affirms: "${DSA_STATEMENT}"`,
});

export async function noticeRoutes(fastify: FastifyInstance, ctx: AppContext, views: NoticeViewCache): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  app.post(
    '/v1/notices',
    {
      preValidation: requireRole('reporter', 'staff'),
      bodyLimit: ctx.bodyLimit,
      schema: {
        summary: 'File a report of any kind (copyright, trademark, phishing, CSAM, threats, intimate imagery, WHOIS, general abuse)',
        description: `At most ${ctx.config.maxUrlsPerNotice} URLs per notice.`,
        headers: z.looseObject({
          'idempotency-key': z
            .string()
            .min(1, 'Idempotency-Key must be 1 to 255 characters')
            .max(255, 'Idempotency-Key must be 1 to 255 characters')
            .optional()
            .describe('A retry with the same key and body returns the first notice (200) instead of filing another'),
        }),
        // Validated once, by the filing service (the same rules for every channel): every problem by field.
        body: validatedInService(Report),
        response: {
          201: Notice.describe(
            'Filed. Notices with up to a thousand URLs are processed before the answer; larger ones are processed in the background (status "processing", see progress).',
          ),
          200: Notice.describe('Replay of an earlier request with the same Idempotency-Key'),
          401: errors('No or bad token'),
          409: errors('Idempotency-Key reused with a different body'),
          413: errors('Body too large'),
          422: errors('Invalid notice: every problem, by field'),
          429: errors('Rate limit'),
        },
      },
    },
    async (req, reply) => {
      const key = req.headers['idempotency-key'];
      const result = await fileNotice(ctx.store.db, {
        reporterId: req.principal!.id,
        channel: 'api',
        idempotencyKey: (key as string | undefined) ?? null,
        body: req.body,
        maxUrls: ctx.config.maxUrlsPerNotice,
        receipt: { provider: ctx.config.providerName, statusUrl: ctx.links.url },
        now: ctx.clock(),
      });
      if (!result.ok) return sendFailure(reply, result);
      const filed = result.value;
      await ctx.processIfSmall(filed.id, filed.itemCount);
      const view = await getNoticeView(ctx.store.db, req.principal!, filed.id, { limit: 1000 });
      reply.header('Location', `/v1/notices/${filed.id}`);
      if (filed.replayed) reply.header('Idempotent-Replayed', 'true');
      return sendResult(reply, { ...result, value: view });
    },
  );

  app.get(
    '/v1/notices',
    {
      preValidation: requireRole('reporter', 'staff'),
      schema: {
        summary: 'Your notices, newest first',
        querystring: ListQuery,
        response: {
          200: z.object({ notices: z.array(z.looseObject({})), next_cursor: z.string().nullable() }).describe('A page of notices'),
          422: errors('Bad filter'),
        },
      },
    },
    async (req) => {
      const { status, since, until, limit, cursor } = req.query;
      return listNotices(ctx.store.db, req.principal!, { status, since, until, limit, cursor: cursor || undefined });
    },
  );

  app.get(
    '/v1/notices/:id',
    {
      preValidation: requireRole('reporter', 'staff'),
      schema: {
        summary: 'A notice and a page of its items',
        params: IdParams,
        querystring: NoticeQuery,
        response: { 200: Notice.describe('The notice'), 404: notFound, 422: errors('Bad page or filter') },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const { items_after: after, items_limit: limit, items_state: state } = req.query;
      const json = await views.json(req.principal!, id, { after, limit, state });
      if (json === null) return reply.code(404).send({ errors: [{ field: 'id', message: `no notice ${id} that you can see` }] });
      // Already JSON, encoded: Fastify sends a Buffer as it is.
      return reply.type('application/json; charset=utf-8').send(json);
    },
  );

  app.get(
    '/v1/notices/:id/events',
    {
      preValidation: requireRole('reporter', 'staff'),
      schema: {
        summary: "The notice's timeline (append-only event log)",
        params: IdParams,
        querystring: EventsQuery,
        response: {
          200: z.object({ events: z.array(Event), next_after: z.number().int().nullable() }).describe('A page of events'),
          404: notFound,
          422: errors('Bad page or scope'),
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const { after, limit, scope } = req.query;
      const page = await listNoticeEvents(ctx.store.db, req.principal!, id, { after, limit, scope });
      if (!page) return reply.code(404).send({ errors: [{ field: 'id', message: `no notice ${id} that you can see` }] });
      return page;
    },
  );
}
