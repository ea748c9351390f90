// Complaints against decisions (DSA Art. 20) on the web: the customer files from the portal's
// notice page, the reporter from the private status page (the link stands for the notice's
// reporter, as the page itself does), staff decide on /staff/complaints. CSRF-protected forms,
// the same service as the API.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../http/context.ts';
import { pageParams, pageQuery, type ZodRequests } from '../http/schemas.ts';
import { html } from './respond.ts';
import { csrfGuard } from './csrf.tsx';
import { field } from './form-body.ts';
import { rolePages, staffPages } from './page-guards.tsx';
import { sendMessage } from './pages/message-page.tsx';
import { StaffComplaintsPage, type ComplaintSectionProps } from './pages/complaints.tsx';
import { decideComplaint, fileComplaint, listComplaints, openDecisions, partyComplaints } from '../services/complaints.ts';
import type { Complainant } from '../dsa/domain/complaint.ts';
import { failureErrors, type Failure, type FieldError } from '../services/result.ts';
import { FAILURE_STATUS } from '../http/reply.ts';

/** What a party's page shows of complaints: theirs, and the decisions they may still complain against. */
export async function complaintSection(
  ctx: AppContext,
  noticeId: string,
  who: Complainant,
  action: string,
  csrfToken: string,
  flash: string | null = null,
): Promise<ComplaintSectionProps> {
  const [decisions, complaints] = await Promise.all([openDecisions(ctx.review, noticeId, who), partyComplaints(ctx.store.db, noticeId, who)]);
  return { action, csrfToken, decisions, complaints, flash };
}

export const COMPLAINED_FLASH = 'Your complaint was received; we have e-mailed you a receipt and will tell you the outcome and its reasons.';

/** The form as the API's body. */
const filingFromForm = (body: unknown) => ({ text: field(body, 'text'), decision_id: field(body, 'decision_id').trim() || undefined });

export async function complaintRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  const provider = ctx.config.providerName;
  const csrf = csrfGuard(app, provider);
  const refused = (req: FastifyRequest, reply: FastifyReply, f: Failure, back: [string, string]) =>
    sendMessage(reply, FAILURE_STATUS[f.error], {
      provider,
      user: req.user,
      title: 'The complaint was not sent',
      text: failureErrors(f)
        .map((e) => e.message)
        .join('; '),
      link: back,
    });

  await app.register(async (scope) => {
    const portal = scope.withTypeProvider<ZodRequests>();
    portal.addHook('preHandler', rolePages(provider, ['customer'], 'This page is for customers: sign in with the e-mail address of your account.'));
    portal.post('/portal/notices/:id/complaint', { preHandler: csrf, schema: { params: pageParams('id') } }, async (req, reply) => {
      const id = req.params.id;
      const user = req.user!;
      const r = await fileComplaint(
        ctx.review,
        { complainant: { party: 'customer', accountId: user.accountId! }, actor: `principal:${user.id}`, channel: 'portal' },
        id,
        filingFromForm(req.body),
      );
      if (r.ok) return reply.redirect(`/portal/notices/${id}?complained=1`, 303);
      return refused(req, reply, r, [`/portal/notices/${id}`, 'Back to the notice']);
    });
  });

  app.post('/status/:key/complaint', { preHandler: csrf, schema: { params: pageParams('key') } }, async (req, reply) => {
    const { key } = req.params;
    const id = ctx.links.verify(key);
    const n = id ? await ctx.store.db.selectFrom('notices').select(['reporter_id']).where('id', '=', id).executeTakeFirst() : undefined;
    if (!id || !n) return sendMessage(reply, 404, { provider, title: 'No such notice', text: 'There is no notice at this address.' });
    // The private link stands for the notice's reporter: the complaint is the notifier's.
    const r = await fileComplaint(
      ctx.review,
      { complainant: { party: 'notifier', reporterId: n.reporter_id }, actor: 'system', channel: 'status_page' },
      id,
      filingFromForm(req.body),
    );
    if (r.ok) return reply.redirect(`/status/${key}?complained=1`, 303);
    return refused(req, reply, r, [`/status/${key}`, 'Back to the notice']);
  });

  await app.register(async (scope) => {
    const staff = scope.withTypeProvider<ZodRequests>();
    staff.addHook('preHandler', staffPages(provider));
    const render = async (
      req: FastifyRequest,
      reply: FastifyReply,
      status: number,
      flash: string | null,
      errors: FieldError[] = [],
      errorFor: string | null = null,
    ) =>
      html(
        reply,
        status,
        <StaffComplaintsPage
          provider={provider}
          user={req.user!}
          csrfToken={reply.generateCsrf()}
          complaints={await listComplaints(ctx.store.db, { state: 'open' })}
          flash={flash}
          errors={errors}
          errorFor={errorFor}
        />,
      );
    staff.get('/staff/complaints', { schema: { querystring: pageQuery('done') } }, async (req, reply) =>
      render(req, reply, 200, req.query.done === '1' ? 'The complaint was decided; both parties are being told the outcome and its reasons.' : null),
    );
    staff.post('/staff/complaints/:id/decision', { preHandler: csrf, schema: { params: pageParams('id') } }, async (req, reply) => {
      const positions = field(req.body, 'positions').trim();
      const outcome = field(req.body, 'outcome');
      const body = {
        outcome: outcome || undefined,
        reason: field(req.body, 'reason'),
        ...(outcome === 'partly_reversed' && positions
          ? {
              positions: positions
                .split(/[\s,]+/)
                .filter(Boolean)
                .map(Number),
            }
          : {}),
      };
      const r = await decideComplaint(ctx.review, `principal:${req.user!.id}`, req.params.id, body);
      if (r.ok) return reply.redirect('/staff/complaints?done=1', 303);
      return render(req, reply, FAILURE_STATUS[r.error], null, failureErrors(r), req.params.id);
    });
  });
}
