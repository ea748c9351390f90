// Statements of reasons (DSA Art. 17). A customer reads the statements addressed to its account;
// staff read all, and export them in the Transparency Database's submission shape
// (`{"statements": [...]}`, the body of its batch endpoint), page by page.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { sendResult } from '../reply.ts';
import { described, errors, IdParams, type ZodRequests } from '../schemas.ts';
import { listStatements, statementOf, type StatementReader } from '../../dsa/statements.ts';
import { decodeKeyset, encodeKeyset } from '../../storage/exact-time.ts';
import { submissionOverview } from '../../dsa/transparency-db.ts';

const isoDate = (what: string) =>
  z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), `${what} must be a date or date-time (ISO 8601), e.g. 2026-07-01`)
    .transform((s) => new Date(s))
    .optional();

const ListQuery = z.object({
  notice_id: z.uuid('notice_id must be a notice id (a UUID)').optional(),
  account_id: z.string().min(1).max(200).optional().describe('Staff only: the statements addressed to this customer account'),
  since: isoDate('since').describe('Issued at or after'),
  until: isoDate('until').describe('Issued before'),
  limit: z.coerce.number().int('limit must be a whole number').min(1, 'limit must be at least 1').max(1000, 'limit must be at most 1000').default(100),
  cursor: z
    .string()
    .refine((c) => decodeKeyset(c) !== null, 'cursor is not one this API gave out')
    .optional()
    .describe('next_cursor of the previous page'),
});

const ExportQuery = ListQuery.omit({ account_id: true }).extend({
  limit: z.coerce
    .number()
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(100, 'limit must be at most 100 (a Transparency Database batch)')
    .default(100),
});

const SubmissionsQuery = z.object({
  limit: z.coerce.number().int('limit must be a whole number').min(1, 'limit must be at least 1').max(500, 'limit must be at most 500').default(50),
});

const Submissions = z
  .object({
    enabled: z.boolean().describe('Whether this server submits (SAFEHARBOR_DSA_TDB_URL is set)'),
    counts: z.object({ pending: z.number().int(), submitted: z.number().int(), failed: z.number().int() }),
    failed: z
      .array(z.object({ statement_id: z.string(), puid: z.string(), error: z.string().nullable(), at: z.string() }))
      .describe('Statements the database refused as invalid: not sent again'),
    attempts: z
      .array(
        z.object({
          id: z.number().int(),
          batch_id: z.string(),
          kind: z.enum(['submit', 'lookup']),
          puids: z.array(z.string()),
          status_code: z.number().int().nullable().describe('null: no answer'),
          outcome: z.string(),
          error: z.string().nullable(),
          at: z.string(),
        }),
      )
      .describe('The latest calls to the database, newest first'),
  })
  .meta({ id: 'StatementSubmissions' });

function readerOf(req: FastifyRequest): StatementReader {
  const p = req.principal!;
  return p.role === 'staff' ? { role: 'staff' } : { role: 'customer', accountId: p.accountId ?? '' };
}

export async function statementRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  const db = ctx.store.db;

  app.get(
    '/v1/statements',
    {
      preValidation: requireRole('staff', 'customer'),
      schema: {
        summary: 'Statements of reasons (DSA Art. 17): a customer sees those addressed to it, staff all',
        querystring: ListQuery,
        response: {
          200: z.object({ statements: z.array(z.looseObject({})), next_cursor: z.string().nullable() }).describe('A page of statements, oldest first'),
          403: errors('Not a customer or staff'),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const reader = readerOf(req);
      const page = await listStatements(db, reader, {
        noticeId: q.notice_id,
        accountId: reader.role === 'staff' ? q.account_id : undefined,
        since: q.since,
        until: q.until,
        after: q.cursor ? decodeKeyset(q.cursor)! : undefined,
        limit: q.limit,
      });
      return { statements: page.statements, next_cursor: page.next && encodeKeyset(page.next) };
    },
  );

  app.get(
    '/v1/statements/export',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: "Statements of reasons in the DSA Transparency Database's submission format, 100 a page (staff only)",
        querystring: ExportQuery,
        response: {
          200: z
            .object({ statements: z.array(z.looseObject({})), next_cursor: z.string().nullable() })
            .describe('`statements` is the body of POST /api/v1/statements of the Transparency Database'),
          403: errors('Not staff'),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await listStatements(
        db,
        { role: 'staff' },
        {
          noticeId: q.notice_id,
          since: q.since,
          until: q.until,
          after: q.cursor ? decodeKeyset(q.cursor)! : undefined,
          limit: q.limit,
        },
      );
      return { statements: page.statements.map((s) => s.statement), next_cursor: page.next && encodeKeyset(page.next) };
    },
  );

  app.get(
    '/v1/statements/submissions',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: 'Submission of statements of reasons to the DSA Transparency Database: counts, refusals and the latest calls (staff only)',
        querystring: SubmissionsQuery,
        response: { 200: Submissions, 403: errors('Not staff') },
      },
    },
    async (req) => submissionOverview(db, ctx.config.transparencyDb !== null, req.query.limit),
  );

  app.get(
    '/v1/statements/:id',
    {
      preValidation: requireRole('staff', 'customer'),
      schema: {
        summary: 'One statement of reasons',
        params: IdParams,
        response: {
          200: described('The statement: its Transparency Database fields (`statement`) and the plain reading sent to the customer (`plain`)'),
          403: errors('Not a customer or staff'),
          404: errors('No such statement addressed to you'),
        },
      },
    },
    async (req, reply) => sendResult(reply, await statementOf(db, readerOf(req), req.params.id)),
  );
}
