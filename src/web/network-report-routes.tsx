// Network reports in the staff console (staff only): the list, newest first, filtered by state,
// category and account, one report, and the message it came in as a download.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../http/context.ts';
import { pageParams, pageQuery, type ZodRequests } from '../http/schemas.ts';
import { html } from './respond.ts';
import { staffPages } from './page-guards.tsx';
import { sendMessage } from './pages/message-page.tsx';
import { StaffNetworkReportPage, StaffNetworkReportsPage, type NetworkReportListFilter } from './pages/staff-network-reports.tsx';
import {
  NETWORK_REPORT_STATES,
  networkReportCategories,
  networkReportDetail,
  networkReportPage,
  networkReportRaw,
  type NetworkReportState,
} from '../services/network-report-views.ts';

const PAGE_SIZE = 50;
const ID = /^[1-9]\d{0,14}$/;

export async function networkReportRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  const provider = ctx.config.providerName;
  const notFound = (req: FastifyRequest, reply: FastifyReply) =>
    sendMessage(reply, 404, {
      provider,
      user: req.user,
      title: 'No such network report',
      text: 'There is no network report at this address.',
      link: ['/staff/network-reports', 'All network reports'],
    });

  await app.register(async (scope) => {
    const staff = scope.withTypeProvider<ZodRequests>();
    staff.addHook('preHandler', staffPages(provider));

    staff.get('/staff/network-reports', { schema: { querystring: pageQuery('state', 'category', 'account', 'before') } }, async (req, reply) => {
      const q = req.query;
      const filter: NetworkReportListFilter = {
        state: (NETWORK_REPORT_STATES as readonly string[]).includes(q.state ?? '') ? (q.state as NetworkReportState) : '',
        category: (q.category ?? '').trim().toLowerCase().slice(0, 100),
        account: (q.account ?? '').trim().slice(0, 200),
      };
      const before = q.before !== undefined && ID.test(q.before) ? Number(q.before) : undefined;
      const [page, categories, account] = await Promise.all([
        networkReportPage(ctx.store.db, {
          state: filter.state || undefined,
          category: filter.category || undefined,
          accountId: filter.account || undefined,
          before,
          limit: PAGE_SIZE,
        }),
        networkReportCategories(ctx.store.db),
        filter.account ? ctx.store.db.selectFrom('accounts').select('name').where('id', '=', filter.account).executeTakeFirst() : undefined,
      ]);
      return html(
        reply,
        200,
        <StaffNetworkReportsPage
          provider={provider}
          user={req.user!}
          csrfToken={reply.generateCsrf()}
          filter={filter}
          categories={categories}
          rows={page.rows}
          paged={before !== undefined}
          nextBefore={page.next_before}
          accountName={account?.name ?? null}
        />,
      );
    });

    staff.get('/staff/network-reports/:id', { schema: { params: pageParams('id') } }, async (req, reply) => {
      const id = req.params.id;
      const report = ID.test(id) ? await networkReportDetail(ctx.store.db, Number(id)) : null;
      if (!report) return notFound(req, reply);
      return html(reply, 200, <StaffNetworkReportPage provider={provider} user={req.user!} csrfToken={reply.generateCsrf()} report={report} />);
    });

    // The message exactly as it was received, to open in a mail program or keep as evidence.
    staff.get('/staff/network-reports/:id/message.eml', { schema: { params: pageParams('id') } }, async (req, reply) => {
      const id = req.params.id;
      const r = ID.test(id) ? await networkReportRaw(ctx.store.db, Number(id)) : null;
      if (!r) return notFound(req, reply);
      return reply
        .type('message/rfc822')
        .header('Content-Disposition', `attachment; filename="network-report-${id}.eml"`)
        .header('X-Content-Type-Options', 'nosniff')
        .header('Content-Security-Policy', "default-src 'none'; sandbox")
        .header('Referrer-Policy', 'no-referrer')
        .header('Cache-Control', 'no-store')
        .send(r.raw);
    });
  });
}
