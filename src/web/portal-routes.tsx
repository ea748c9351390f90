// The customer portal and a signed-in reporter's list of notices.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../http/context.ts';
import { html } from './respond.ts';
import { pageGuard } from './session.ts';
import { MessagePage } from './pages/message-page.tsx';
import { PortalNoticePage, PortalPage } from './pages/portal.tsx';
import { MyNoticesPage } from './pages/my-notices.tsx';
import { customerNotice, customerNotices } from '../services/portal-views.ts';
import { decodeCursor, encodeCursor, listNotices } from '../services/notice-views.ts';

export async function portalRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const provider = ctx.config.providerName;
  const forbidden = (text: string) => (req: FastifyRequest, reply: FastifyReply) =>
    html(reply, 403, <MessagePage provider={provider} user={req.user} csrfToken={reply.generateCsrf()} title="Not for your account" text={text} />);

  await app.register(async (portal) => {
    portal.addHook('preHandler', pageGuard(['customer'], forbidden('This page is for customers: sign in with the e-mail address of your account.')));

    portal.get('/portal', async (req, reply) => {
      const user = req.user!;
      const before = decodeCursor((req.query as Record<string, string | undefined>).before ?? '');
      const [page, account] = await Promise.all([
        customerNotices(ctx.store.db, user.accountId!, { before: before ?? undefined }),
        ctx.store.db.selectFrom('accounts').select('name').where('id', '=', user.accountId!).executeTakeFirst(),
      ]);
      const nextHref = page.next ? `/portal?before=${encodeCursor(page.next.createdAt, page.next.id)}` : null;
      return html(reply, 200, <PortalPage provider={provider} user={user} accountName={account?.name ?? user.accountId!} csrfToken={reply.generateCsrf()} rows={page.rows} nextHref={nextHref} />);
    });

    portal.get('/portal/notices/:id', async (req, reply) => {
      const notice = await customerNotice(ctx.store.db, req.user!.accountId!, (req.params as { id: string }).id);
      // Another account's notice does not exist for this customer.
      if (!notice) {
        return html(reply, 404, <MessagePage provider={provider} user={req.user} csrfToken={reply.generateCsrf()} title="No such notice" text="There is no notice about your sites at this address." link={['/portal', 'All notices']} />);
      }
      return html(reply, 200, <PortalNoticePage provider={provider} user={req.user!} csrfToken={reply.generateCsrf()} notice={notice} />);
    });
  });

  await app.register(async (my) => {
    my.addHook('preHandler', pageGuard(['reporter'], forbidden('This page is for reporters.')));
    my.get('/my', async (req, reply) => {
      const cursor = (req.query as Record<string, string | undefined>).cursor;
      const page = await listNotices(ctx.store.db, req.user!, { cursor, limit: 50 });
      const notices = page.notices.map((x) => ({ ...x, statusHref: `/status/${ctx.links.key(x.id)}` }));
      const nextHref = page.next_cursor ? `/my?cursor=${encodeURIComponent(page.next_cursor)}` : null;
      return html(reply, 200, <MyNoticesPage provider={provider} user={req.user!} csrfToken={reply.generateCsrf()} notices={notices} nextHref={nextHref} />);
    });
  });
}
