// The transparency pages: /transparency for everyone; /transparency/top for staff, or for
// everyone when SAFEHARBOR_TRANSPARENCY_PUBLIC_TOP=on. A period the page cannot use is shown
// with its errors beside the chooser's fields, and no figures.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../http/context.ts';
import { pageQuery, type ZodRequests } from '../../http/schemas.ts';
import { html } from '../../web/respond.ts';
import { staffPages } from '../../web/page-guards.tsx';
import { halfYearsBetween, parsePeriod, type Period } from '../domain/period.ts';
import { firstNoticeAt, topReported, transparencyReport } from '../report-data.ts';
import { TopPage, TransparencyPage, type PeriodForm } from './pages.tsx';

export async function transparencyWebRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  const provider = ctx.config.providerName;

  const choose = async (q: { period?: string; from?: string; to?: string }) => {
    const now = ctx.clock();
    const halfYears = halfYearsBetween((await firstNoticeAt(ctx.store.db)) ?? now, now);
    const parsed = parsePeriod(q, now);
    const period: Period | null = parsed.ok ? parsed.period : null;
    const form: PeriodForm = {
      period: period?.half_year ?? q.period ?? '',
      from: q.from ?? (period && !period.half_year ? period.from : ''),
      to: q.to ?? (period && !period.half_year ? period.to : ''),
    };
    return { halfYears, period, form, errors: parsed.ok ? [] : parsed.errors };
  };

  const csrfToken = (req: FastifyRequest, reply: FastifyReply) => (req.user ? reply.generateCsrf() : undefined);

  app.get('/transparency', { schema: { querystring: pageQuery('period', 'from', 'to') } }, async (req, reply) => {
    const c = await choose(req.query);
    const report = c.period ? await transparencyReport(ctx.store.db, c.period) : null;
    return html(
      reply,
      c.period ? 200 : 400,
      <TransparencyPage
        provider={provider}
        user={req.user}
        csrfToken={csrfToken(req, reply)}
        {...c}
        report={report}
        topLink={ctx.config.transparencyPublicTop || req.user?.role === 'staff'}
      />,
    );
  });

  const guard = ctx.config.transparencyPublicTop ? [] : [staffPages(provider)];
  app.get('/transparency/top', { preHandler: guard, schema: { querystring: pageQuery('period', 'from', 'to') } }, async (req, reply) => {
    const c = await choose(req.query);
    const top = c.period ? await topReported(ctx.store.db, c.period) : null;
    return html(reply, c.period ? 200 : 400, <TopPage provider={provider} user={req.user} csrfToken={csrfToken(req, reply)} {...c} top={top} />);
  });
}
