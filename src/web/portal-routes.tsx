// The customer portal, a signed-in reporter's list of notices, and either's webhooks.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../services/principals.ts';
import type { AppContext } from '../http/context.ts';
import { pageParams, pageQuery, type ZodRequests } from '../http/schemas.ts';
import { html } from './respond.ts';
import { rolePages } from './page-guards.tsx';
import { sendMessage } from './pages/message-page.tsx';
import { PortalNoticePage, PortalPage, PortalStatementPage } from './pages/portal.tsx';
import { statementOf } from '../dsa/statements.ts';
import { MyNoticesPage } from './pages/my-notices.tsx';
import { WebhooksPage } from './pages/webhooks.tsx';
import { listDeliveries, listWebhooks } from '../services/webhooks.ts';
import { customerNotice, customerNotices } from '../services/portal-views.ts';
import { listNotices } from '../services/notice-views.ts';
import { decodeKeyset, encodeKeyset } from '../storage/exact-time.ts';
import { csrfGuard } from './csrf.tsx';
import { field, fields } from './form-body.ts';
import { FAILURE_STATUS } from '../http/reply.ts';
import { fileCounterNotice } from '../services/takedown-lifecycle.ts';
import type { CounterNoticeFormValues } from './pages/portal.tsx';
import { COMPLAINED_FLASH, complaintSection } from './complaint-routes.tsx';

/** The portal's counter-notice form as the API's JSON body (one validation for both). */
export function counterNoticeFromForm(body: unknown): Record<string, unknown> {
  const opt = (name: string) => field(body, name).trim() || undefined;
  return {
    material: { urls: fields(body, 'urls'), description: opt('description') },
    statements: {
      good_faith_mistake: field(body, 'good_faith_mistake') === 'yes',
      consent_to_jurisdiction: field(body, 'consent_to_jurisdiction') === 'yes',
      accept_service_of_process: field(body, 'accept_service_of_process') === 'yes',
    },
    subscriber: {
      name: field(body, 'name'),
      company: opt('company'),
      address: field(body, 'address'),
      country: field(body, 'country'),
      phone: field(body, 'phone'),
      email: opt('email'),
    },
    reason: opt('reason'),
    explanation: opt('explanation'),
    signature: field(body, 'signature'),
  };
}

export async function portalRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  const provider = ctx.config.providerName;

  // Another account's notice or statement does not exist for this customer: one answer for both.
  const MISSING = {
    notice: ['No such notice', 'There is no notice about your sites at this address.'],
    statement: ['No such statement', 'There is no statement of reasons addressed to you at this address.'],
  } as const;
  const missing = (reply: FastifyReply, user: Principal | null | undefined, what: keyof typeof MISSING) =>
    sendMessage(reply, 404, { provider, user, title: MISSING[what][0], text: MISSING[what][1], link: ['/portal', 'All notices'] });

  /** One's webhooks with their newest deliveries, for the page of either role. */
  const webhooksPage = async (req: FastifyRequest, reply: FastifyReply, current: string) => {
    const user = req.user!;
    const webhooks = await Promise.all(
      (await listWebhooks(ctx.store.db, user.id)).map(async (w) => ({
        ...w,
        deliveries: (await listDeliveries(ctx.store.db, user, w.id, { limit: 20 })) ?? [],
      })),
    );
    return html(reply, 200, <WebhooksPage provider={provider} user={user} csrfToken={reply.generateCsrf()} current={current} webhooks={webhooks} />);
  };

  await app.register(async (scope) => {
    const portal = scope.withTypeProvider<ZodRequests>();
    portal.addHook('preHandler', rolePages(provider, ['customer'], 'This page is for customers: sign in with the e-mail address of your account.'));

    portal.get('/portal', { schema: { querystring: pageQuery('before') } }, async (req, reply) => {
      const user = req.user!;
      const before = decodeKeyset(req.query.before ?? '');
      const [page, account] = await Promise.all([
        customerNotices(ctx.store.db, user.accountId!, { before: before ?? undefined }),
        ctx.store.db.selectFrom('accounts').select('name').where('id', '=', user.accountId!).executeTakeFirst(),
      ]);
      const nextHref = page.next ? `/portal?before=${encodeKeyset(page.next)}` : null;
      return html(
        reply,
        200,
        <PortalPage
          provider={provider}
          user={user}
          accountName={account?.name ?? user.accountId!}
          csrfToken={reply.generateCsrf()}
          rows={page.rows}
          nextHref={nextHref}
        />,
      );
    });

    portal.get('/portal/webhooks', async (req, reply) => webhooksPage(req, reply, '/portal/webhooks'));

    portal.get('/portal/notices/:id', { schema: { params: pageParams('id'), querystring: pageQuery('countered', 'complained') } }, async (req, reply) => {
      const notice = await customerNotice(ctx.store.db, req.user!.accountId!, req.params.id);
      // Another account's notice does not exist for this customer.
      if (!notice) {
        return missing(reply, req.user, 'notice');
      }
      const flash =
        req.query.countered === '1' ? 'Your counter notice was received and a copy sent to the complainant; we have e-mailed you the restore date.' : null;
      const csrfToken = reply.generateCsrf();
      const who = { party: 'customer', accountId: req.user!.accountId! } as const;
      const complaints = await complaintSection(
        ctx,
        notice.id,
        who,
        `/portal/notices/${notice.id}/complaint`,
        csrfToken,
        req.query.complained === '1' ? COMPLAINED_FLASH : null,
      );
      return html(
        reply,
        200,
        <PortalNoticePage provider={provider} user={req.user!} csrfToken={csrfToken} notice={notice} flash={flash} complaints={complaints} />,
      );
    });

    portal.get('/portal/statements/:id', { schema: { params: pageParams('id') } }, async (req, reply) => {
      const r = await statementOf(ctx.store.db, { role: 'customer', accountId: req.user!.accountId! }, req.params.id);
      if (!r.ok) {
        return missing(reply, req.user, 'statement');
      }
      return html(reply, 200, <PortalStatementPage provider={provider} user={req.user!} csrfToken={reply.generateCsrf()} statement={r.value} />);
    });

    portal.post('/portal/notices/:id/counter-notice', { preHandler: csrfGuard(portal, provider), schema: { params: pageParams('id') } }, async (req, reply) => {
      const id = req.params.id;
      const user = req.user!;
      const r = await fileCounterNotice(ctx.lifecycle, { principal: user, channel: 'portal', accountId: user.accountId! }, id, counterNoticeFromForm(req.body));
      if (r.ok) return reply.redirect(`/portal/notices/${id}?countered=1`, 303);
      const notice = 'errors' in r ? await customerNotice(ctx.store.db, user.accountId!, id) : null;
      if (!notice || !('errors' in r)) {
        return missing(reply, user, 'notice');
      }
      const { _csrf, ...values } = (req.body ?? {}) as CounterNoticeFormValues;
      return html(
        reply,
        FAILURE_STATUS[r.error],
        <PortalNoticePage provider={provider} user={user} csrfToken={reply.generateCsrf()} notice={notice} form={{ errors: r.errors, values }} />,
      );
    });
  });

  await app.register(async (scope) => {
    const my = scope.withTypeProvider<ZodRequests>();
    my.addHook('preHandler', rolePages(provider, ['reporter'], 'This page is for reporters.'));
    my.get('/my', { schema: { querystring: pageQuery('cursor') } }, async (req, reply) => {
      const cursor = req.query.cursor;
      const page = await listNotices(ctx.store.db, req.user!, { cursor, limit: 50 });
      const notices = page.notices.map((x) => ({ ...x, statusHref: `/status/${ctx.links.key(x.id)}` }));
      const nextHref = page.next_cursor ? `/my?cursor=${encodeURIComponent(page.next_cursor)}` : null;
      return html(reply, 200, <MyNoticesPage provider={provider} user={req.user!} csrfToken={reply.generateCsrf()} notices={notices} nextHref={nextHref} />);
    });
    my.get('/my/webhooks', async (req, reply) => webhooksPage(req, reply, '/my/webhooks'));
  });
}
