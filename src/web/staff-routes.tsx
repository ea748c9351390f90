// The staff console: queue, notice, account, search, and the decisions staff make on notices.
import { hotlineReportOf } from '../services/hotline-reports.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../http/context.ts';
import { pageParams, pageQuery, type ZodRequests } from '../http/schemas.ts';
import { html } from './respond.ts';
import { csrfGuard } from './csrf.tsx';
import { field, fields } from './form-body.ts';
import { staffPages } from './page-guards.tsx';
import { sendMessage } from './pages/message-page.tsx';
import { StaffQueuePage, type QueueFilterValues } from './pages/staff-queue.tsx';
import { StaffNoticePage, type StaffNoticeProps } from './pages/staff-notice.tsx';
import { StaffAccountPage } from './pages/staff-account.tsx';
import { StaffSearchPage } from './pages/staff-search.tsx';
import { staffTrustedRoutes } from './staff-trusted-routes.tsx';
import { staffTrustedFlaggerRoutes } from './staff-trusted-flaggers-routes.tsx';
import { accountPage, decodeQueueCursor, deskCounts, encodeQueueCursor, reviewQueue, search } from '../services/staff-views.ts';
import { legalQueue } from '../legal/services/views.ts';
import { getNoticeView, listNoticeEvents, parseItemState } from '../services/notice-views.ts';
import { MAX_POSITIONS, requestInformation, reviewItems, type ItemSelection } from '../services/item-review.ts';
import { accountStanding } from '../services/repeat-infringers.ts';
import { applyStaffCommand, itemLifecycleStates, type ItemRefusal } from '../services/takedown-lifecycle.ts';
import { STAFF_COMMAND_LABELS, parseStaffLifecycleRequest, staffCommands, type StaffLifecycleCommand } from '../domain/staff-lifecycle-commands.ts';
import { networkReportCount } from '../services/network-report-views.ts';
import { describePolicy } from '../domain/strike-policy.ts';
import { failureErrors } from '../services/result.ts';
import { parseDecision } from '../domain/review.ts';
import { NOTICE_KINDS } from '../domain/notice.ts';
import type { Principal } from '../services/principals.ts';

const STAFF_PAGE_SIZE = 500;

const NoticePage = {
  params: pageParams('id'),
  querystring: pageQuery('changed', 'skipped', 'to', 'asked', 'lc', 'lc_position', 'lc_changed', 'state', 'after'),
};
// A notice's forms post to its address with the page's filter, and re-render it on errors.
const NoticeForm = { params: pageParams('id'), querystring: pageQuery('state', 'after') };

export async function staffRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  const provider = ctx.config.providerName;
  const csrf = csrfGuard(app, provider);
  const notFound = (req: FastifyRequest, reply: FastifyReply, what: string) =>
    sendMessage(reply, 404, {
      provider,
      user: req.user,
      title: `No such ${what}`,
      text: `There is no ${what} at this address.`,
      link: ['/staff', 'Back to the queue'],
    });

  await app.register(async (scope) => {
    const staff = scope.withTypeProvider<ZodRequests>();
    staff.addHook('preHandler', staffPages(provider));
    staffTrustedRoutes(scope, ctx, csrf);
    staffTrustedFlaggerRoutes(scope, ctx, csrf);

    staff.get('/staff', { schema: { querystring: pageQuery('state', 'kind', 'reporter', 'account', 'after') } }, async (req, reply) => {
      const q = req.query;
      const st = parseItemState(q.state);
      const filter: QueueFilterValues = {
        state: st === undefined || st === 'bad' ? 'pending_review' : st,
        kind: (NOTICE_KINDS as readonly string[]).includes(q.kind ?? '') ? q.kind! : '',
        reporter: (q.reporter ?? '').slice(0, 320),
        account: (q.account ?? '').slice(0, 200),
      };
      const after = q.after ? decodeQueueCursor(q.after) : null;
      const [counts, page, legal] = await Promise.all([
        deskCounts(ctx.store.db),
        reviewQueue(ctx.store.db, {
          state: filter.state,
          kind: filter.kind || undefined,
          reporter: filter.reporter,
          account: filter.account,
          after: after ?? undefined,
        }),
        legalQueue(ctx.store.db, ctx.lifecycle.now()),
      ]);
      const nextHref = page.next ? `/staff?${new URLSearchParams({ ...filter, after: encodeQueueCursor(page.next) })}` : null;
      return html(
        reply,
        200,
        <StaffQueuePage
          provider={provider}
          user={req.user!}
          csrfToken={reply.generateCsrf()}
          counts={counts}
          filter={filter}
          rows={page.rows}
          nextHref={nextHref}
          now={ctx.clock()}
          legal={legal}
        />,
      );
    });

    const renderNotice = async (
      req: FastifyRequest,
      reply: FastifyReply,
      status: number,
      id: string,
      extra: Pick<StaffNoticeProps, 'flash' | 'errors' | 'values'>,
    ) => {
      // Shared by the page and its forms' re-renders: each declares state and after.
      const q = req.query as { state?: string; after?: string };
      const st = parseItemState(q.state);
      const state = st === 'bad' || st === undefined ? null : st;
      const after = q.after !== undefined && /^\d+$/.test(q.after) ? Number(q.after) : null;
      const user = req.user as Principal;
      const notice = await getNoticeView(ctx.store.db, user, id, { state: state ?? undefined, after: after ?? undefined, limit: STAFF_PAGE_SIZE });
      if (!notice) return notFound(req, reply, 'notice');
      const [events, row, lifecycles, hotline] = await Promise.all([
        listNoticeEvents(ctx.store.db, user, id, { scope: 'notice', limit: 1000 }),
        ctx.store.db
          .selectFrom('notices as n')
          .innerJoin('principals as p', 'p.id', 'n.reporter_id')
          .select(['p.email', 'n.submission'])
          .where('n.id', '=', id)
          .executeTakeFirstOrThrow(),
        // Only the items on this page: a 100,000-URL notice reads 500 lifecycles, not all of them.
        itemLifecycleStates(
          ctx.store.db,
          id,
          notice.items.map((i) => i.position),
        ),
        hotlineReportOf(ctx.store.db, id),
      ]);
      const lcCtx = { now: ctx.lifecycle.now(), calendar: ctx.lifecycle.calendar, policy: ctx.lifecycle.policy };
      const lifecycleCommands = new Map<number, StaffLifecycleCommand[]>([...lifecycles].map(([pos, st]) => [pos, staffCommands(st, lcCtx)]));
      return html(
        reply,
        status,
        <StaffNoticePage
          provider={provider}
          user={user}
          csrfToken={reply.generateCsrf()}
          notice={notice}
          reporterEmail={row.email}
          state={state}
          after={after}
          perPage={STAFF_PAGE_SIZE}
          events={events?.events ?? []}
          raw={row.submission}
          lifecycles={lifecycles}
          lifecycleCommands={lifecycleCommands}
          now={lcCtx.now}
          timeZone={ctx.lifecycle.calendar.timeZone}
          hotline={hotline.ok ? hotline.value : null}
          {...extra}
        />,
      );
    };

    staff.get('/staff/notices/:id', { schema: NoticePage }, async (req, reply) => {
      const q = req.query;
      const changed = Number(q.changed ?? NaN);
      const skipped = Number(q.skipped ?? NaN);
      let flash: string | null = null;
      if (Number.isInteger(changed) && (q.to === 'rejected' || q.to === 'content_disabled')) {
        const verb = q.to === 'rejected' ? 'rejected' : 'disabled';
        flash =
          changed > 0
            ? `${changed} URL${changed === 1 ? '' : 's'} ${verb}; the reporter${q.to === 'content_disabled' ? ' and the site owner have' : ' has'} been told.`
            : `No URL was ${verb}, and no one was told.`;
        if (Number.isInteger(skipped) && skipped > 0) {
          flash += ` ${skipped === 1 ? '1 selected URL was left as it was' : `${skipped} selected URLs were left as they were`} (already decided, or the decision does not apply to its state).`;
        }
      } else if (q.asked === '1') flash = 'Your question was sent to the reporter.';
      else if (/^\d{1,9}$/.test(q.lc_position ?? '') && Object.hasOwn(STAFF_COMMAND_LABELS, q.lc ?? '')) {
        const label = STAFF_COMMAND_LABELS[q.lc as StaffLifecycleCommand];
        flash =
          q.lc_changed === '1'
            ? `URL ${Number(q.lc_position) + 1}: ${label.done}${label.tells ? `; ${label.tells}` : ''}.`
            : `URL ${Number(q.lc_position) + 1}: nothing changed, it was already done; no one was told again.`;
      }
      return renderNotice(req, reply, 200, req.params.id, { flash, errors: [], values: {} });
    });

    staff.post('/staff/notices/:id/review', { preHandler: csrf, schema: NoticeForm }, async (req, reply) => {
      const id = req.params.id;
      const body = req.body;
      const values = {
        action: field(body, 'action'),
        reason: field(body, 'reason'),
        note: field(body, 'note'),
        manifestly_illegal: field(body, 'manifestly_illegal'),
      };
      const parsed = parseDecision(values);
      const errors = parsed.ok ? [] : [...parsed.errors];
      const st = parseItemState(req.query.state);
      let selection: ItemSelection | null = null;
      if (field(body, 'scope') === 'state' && st && st !== 'bad') selection = { state: st };
      else {
        const positions = fields(body, 'positions')
          .filter((p) => /^\d{1,9}$/.test(p))
          .map(Number);
        if (!positions.length) errors.push({ field: 'positions', message: 'Tick at least one URL the decision is about' });
        else if (positions.length > MAX_POSITIONS)
          errors.push({ field: 'positions', message: `At most ${MAX_POSITIONS} URLs at once; use “all URLs in this state” for more` });
        else selection = { positions };
      }
      if (!parsed.ok || !selection) return renderNotice(req, reply, 422, id, { flash: null, errors, values });
      const r = await reviewItems(ctx.review, `principal:${req.user!.id}`, id, selection, parsed.decision);
      if (!r.ok) return notFound(req, reply, 'notice');
      const plan = r.value;
      const to = parsed.decision.type === 'reject' ? 'rejected' : 'content_disabled';
      const qs = new URLSearchParams({ changed: String(plan.changes.length), skipped: String(plan.skipped.length), to });
      if (st && st !== 'bad') qs.set('state', st);
      return reply.redirect(`/staff/notices/${id}?${qs}`, 303);
    });

    // One URL's takedown command from its buttons: the API's service, then back to the same page.
    staff.post('/staff/notices/:id/lifecycle', { preHandler: csrf, schema: NoticeForm }, async (req, reply) => {
      const id = req.params.id;
      const body = req.body;
      const posText = field(body, 'position');
      if (!/^\d{1,9}$/.test(posText)) return notFound(req, reply, 'URL');
      const position = Number(posText);
      const reason = field(body, 'reason');
      const values = { lifecycle: { position, reason } };
      const parsed = parseStaffLifecycleRequest({ positions: [position], command: field(body, 'command'), reason }, 1);
      if (!parsed.ok) {
        const errors = parsed.errors.map((e) => ({
          field: e.field === 'reason' ? `lc-reason-${position}` : `lc-${position}`,
          message: e.field === 'reason' ? e.message : 'choose one of the buttons',
        }));
        return renderNotice(req, reply, 422, id, { flash: null, errors, values });
      }
      const r = await applyStaffCommand(ctx.lifecycle, req.user!, id, parsed.request);
      if (!r.ok && r.error === 'not_found') return notFound(req, reply, 'notice');
      if (!r.ok && r.error === 'invalid')
        return renderNotice(req, reply, 422, id, { flash: null, errors: r.errors.map((e) => ({ field: `lc-${position}`, message: e.message })), values });
      if (!r.ok)
        return renderNotice(req, reply, 409, id, {
          flash: null,
          errors: ((r.error === 'conflict' ? r.details?.refused : []) as ItemRefusal[]).map((x) => ({
            field: `lc-${position}`,
            message: `${STAFF_COMMAND_LABELS[parsed.request.command].button} is not possible: ${x.why}`,
          })),
          values,
        });
      const q = req.query;
      const qs = new URLSearchParams();
      const st = parseItemState(q.state);
      if (st && st !== 'bad') qs.set('state', st);
      if (q.after !== undefined && /^\d+$/.test(q.after)) qs.set('after', q.after);
      qs.set('lc', parsed.request.command);
      qs.set('lc_position', String(position));
      qs.set('lc_changed', r.value.result.changed.length ? '1' : '0');
      return reply.redirect(`/staff/notices/${id}?${qs}#item-${position}`, 303);
    });

    staff.post('/staff/notices/:id/ask', { preHandler: csrf, schema: NoticeForm }, async (req, reply) => {
      const id = req.params.id;
      const question = field(req.body, 'question');
      const r = await requestInformation(ctx.review, `principal:${req.user!.id}`, id, question);
      if (!r.ok && r.error === 'not_found') return notFound(req, reply, 'notice');
      if (!r.ok) return renderNotice(req, reply, 422, id, { flash: null, errors: failureErrors(r), values: { question } });
      return reply.redirect(`/staff/notices/${id}?asked=1`, 303);
    });

    staff.get('/staff/accounts/:id', { schema: { params: pageParams('id') } }, async (req, reply) => {
      const id = req.params.id;
      const page = await accountPage(ctx.store.db, id);
      if (!page) return notFound(req, reply, 'account');
      const [standing, networkReports] = await Promise.all([
        accountStanding(ctx.store.db, id, ctx.config.strikePolicy, ctx.lifecycle.now()),
        networkReportCount(ctx.store.db, id),
      ]);
      return html(
        reply,
        200,
        <StaffAccountPage
          provider={provider}
          user={req.user!}
          csrfToken={reply.generateCsrf()}
          page={page}
          standing={standing}
          policyText={describePolicy(ctx.config.strikePolicy, { providerName: provider })}
          networkReports={networkReports}
        />,
      );
    });

    staff.get('/staff/search', { schema: { querystring: pageQuery('q') } }, async (req, reply) => {
      const q = req.query.q;
      const results = q === undefined ? null : await search(ctx.store.db, q);
      return html(reply, 200, <StaffSearchPage provider={provider} user={req.user!} csrfToken={reply.generateCsrf()} results={results} />);
    });
  });
}
