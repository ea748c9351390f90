// The transparency report over the API: the figures for a period as JSON or CSV, for anyone
// (they are published); the most-reported domains and accounts for staff, or for anyone when
// SAFEHARBOR_TRANSPARENCY_PUBLIC_TOP=on, since they name customers.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../http/context.ts';
import { requireRole } from '../../http/auth.ts';
import { described, errors, wholeNumber, type ZodRequests } from '../../http/schemas.ts';
import { parsePeriod } from '../domain/period.ts';
import { reportCsv } from '../domain/report.ts';
import { TOP_DEFAULT, TOP_MAX, topReported, transparencyReport } from '../report-data.ts';

const errs = errors('Problems, by field');

const PeriodFields = {
  period: z.string().optional().describe('A half-year such as 2026-H1 (January–June) or 2026-H2 (July–December); default: the current one'),
  from: z.string().optional().describe('First day (YYYY-MM-DD, UTC), with to, instead of period'),
  to: z.string().optional().describe('Last day, included (YYYY-MM-DD, UTC), with from'),
};
const ReportQuery = z.object({
  ...PeriodFields,
  format: z.enum(['json', 'csv'], { error: 'format must be json or csv' }).optional().describe('json (default) or csv: one line per figure'),
});
const TopQuery = z.object({ ...PeriodFields, limit: wholeNumber('limit', { min: 1, max: TOP_MAX }).describe(`How many of each (default ${TOP_DEFAULT})`) });

export async function transparencyRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();

  app.get(
    '/v1/transparency',
    {
      schema: {
        security: [],
        summary:
          'The transparency report for a period (public): notices by kind and channel, URLs, actions, median time to first action, counter notices, retractions, strikes, terminations, legal requests, origin disclosures, and the DSA Art. 15/24 figures by category',
        querystring: ReportQuery,
        response: { 200: described('The report (JSON), or text/csv with figure,value lines'), 422: errs },
      },
    },
    async (req, reply) => {
      const p = parsePeriod(req.query, ctx.clock());
      if (!p.ok) return reply.code(422).send({ errors: p.errors });
      const report = await transparencyReport(ctx.store.db, p.period);
      if (req.query.format === 'csv') {
        const name = `transparency-${p.period.half_year ?? `${p.period.from}_${p.period.to}`}.csv`;
        return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${name}"`).send(reportCsv(report));
      }
      return report;
    },
  );

  // Staff only unless published by configuration; the check runs per request, so the route and its document do not change shape.
  const topGuard = ctx.config.transparencyPublicTop ? async (_req: FastifyRequest, _reply: FastifyReply) => undefined : requireRole('staff');
  app.get(
    '/v1/transparency/top',
    {
      preValidation: topGuard,
      schema: {
        ...(ctx.config.transparencyPublicTop ? { security: [] } : {}),
        summary: 'The domains and customer accounts named by the most reported URLs in a period (staff only, unless SAFEHARBOR_TRANSPARENCY_PUBLIC_TOP=on)',
        querystring: TopQuery,
        response: { 200: described('{period, domains: [{name, account_id, account_name, urls, notices}], accounts: [...]}'), 403: errs, 422: errs },
      },
    },
    async (req, reply) => {
      const p = parsePeriod(req.query, ctx.clock());
      if (!p.ok) return reply.code(422).send({ errors: p.errors });
      return topReported(ctx.store.db, p.period, req.query.limit ?? TOP_DEFAULT);
    },
  );
}
