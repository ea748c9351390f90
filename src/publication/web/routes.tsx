// Publication on the web: the list of published notices (public; each one's page is
// /notices/{id}/public, web/public-notice-routes.tsx) and the staff review page with Publish and
// Withhold (CSRF-protected, the same services as the API).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../http/context.ts';
import { pageParams, pageQuery, type ZodRequests } from '../../http/schemas.ts';
import { html, pageForFailure } from '../../web/respond.ts';
import { csrfGuard } from '../../web/csrf.tsx';
import { field } from '../../web/form-body.ts';
import { staffPages } from '../../web/page-guards.tsx';
import { decodeKeyset } from '../../storage/exact-time.ts';
import type { PublicationStatus } from '../../storage/schema.ts';
import { decidePublication, listPublications, listPublished } from '../services/publications.ts';
import { PublishedListPage, StaffPublicationsPage } from './pages.tsx';

const STATUSES: readonly PublicationStatus[] = ['pending_review', 'published', 'withheld'];
const DONE = { published: 'Published: the record is on its public page now.', withheld: 'Withheld: the record is not public.' } as const;

export async function publicationWebRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  const provider = ctx.config.providerName;
  const db = ctx.store.db;

  app.get('/notices', { schema: { querystring: pageQuery('after') } }, async (req, reply) => {
    const after = req.query.after && decodeKeyset(req.query.after) ? req.query.after : undefined;
    const page = await listPublished(db, { limit: 50, cursor: after });
    return html(
      reply,
      200,
      <PublishedListPage
        provider={provider}
        notices={page.notices}
        nextHref={page.next_cursor ? `/notices?after=${encodeURIComponent(page.next_cursor)}` : null}
      />,
    );
  });

  await app.register(async (scope) => {
    const staff = scope.withTypeProvider<ZodRequests>();
    const csrf = csrfGuard(staff, provider);
    staff.addHook('preHandler', staffPages(provider));

    const render = async (req: FastifyRequest, reply: FastifyReply, code: number, status: PublicationStatus, flash: string | null, errors: string[]) => {
      const q = req.query as { after?: string };
      const after = q.after && decodeKeyset(q.after) ? q.after : undefined;
      const page = await listPublications(db, { status, limit: 20, cursor: after });
      return html(
        reply,
        code,
        <StaffPublicationsPage
          provider={provider}
          user={req.user!}
          csrfToken={reply.generateCsrf()}
          status={status}
          publications={page.publications}
          flash={flash}
          errors={errors}
          nextHref={page.next_cursor ? `/staff/publications?status=${status}&after=${encodeURIComponent(page.next_cursor)}` : null}
          reviewRequired={ctx.config.publicationPolicy.reviewRequired}
        />,
      );
    };

    staff.get('/staff/publications', { schema: { querystring: pageQuery('status', 'done', 'after') } }, async (req, reply) => {
      const status = STATUSES.find((s) => s === req.query.status) ?? 'pending_review';
      const done = req.query.done;
      return render(req, reply, 200, status, done && Object.hasOwn(DONE, done) ? DONE[done as keyof typeof DONE] : null, []);
    });

    for (const action of ['publish', 'withhold'] as const) {
      staff.post(`/staff/publications/:id/${action}`, { preHandler: csrf, schema: { params: pageParams('id') } }, async (req, reply) => {
        const r = await decidePublication(db, `principal:${req.user!.id}`, req.params.id.toLowerCase(), action, field(req.body, 'reason'));
        if (!r.ok) {
          return pageForFailure(r, {
            notFound: () => render(req, reply, 404, 'pending_review', null, ['There is no publication of that notice.']),
            form: (code, errors) =>
              render(
                req,
                reply,
                code,
                'pending_review',
                null,
                errors.map((e) => e.message),
              ),
          });
        }
        return reply.redirect(`/staff/publications?done=${action === 'publish' ? 'published' : 'withheld'}`, 303);
      });
    }
  });
}
