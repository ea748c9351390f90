// Legal process on the web: the public page of a court order (the Link target of its 451s) and
// the staff pages: every request by state, the form that records a new one (validated like the
// API), and the page of a request with the forms that move it on, record a production, lift a
// block rule, and mark a court-ordered domain that came back as seen.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../http/context.ts';
import { isUuid, pageParams, pageQuery, type ZodRequests } from '../../http/schemas.ts';
import { html, pageForFailure } from '../../web/respond.ts';
import type { FieldError } from '../../services/result.ts';
import { csrfGuard } from '../../web/csrf.tsx';
import { field, fields } from '../../web/form-body.ts';
import { staffPages } from '../../web/page-guards.tsx';
import { sendMessage } from '../../web/pages/message-page.tsx';
import { StaffLegalPage, type StaffLegalProps } from './pages/staff-legal.tsx';
import { PublicCourtOrderPage } from './pages/public-court-order.tsx';
import { NewLegalRequestPage, type LegalFormErrors } from './pages/staff-legal-new.tsx';
import { LEGAL_LIST_PAGE_SIZE, StaffLegalListPage, type LegalListFilter } from './pages/staff-legal-list.tsx';
import { changeLegalRequestState, createLegalRequest, legalRequestHash, recordProduction } from '../services/commands.ts';
import { acknowledgeMatch, liftBlockRule } from '../services/court-orders.ts';
import { getLegalRequest, listLegalRequests, publicCourtOrder } from '../services/views.ts';
import { LEGAL_REQUEST_STATES, OPEN_LEGAL_STATES, validateLegalRequest, validateProduction, type LegalRequestState } from '../domain/legal-request.ts';
import { LEGAL_FORM_FIELDS, legalFormErrors, legalRequestFromForm, type LegalFormValues } from './form-input.ts';

export async function legalWebRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  const provider = ctx.config.providerName;
  const now = () => ctx.lifecycle.now();
  const csrf = csrfGuard(app, provider);

  app.get('/court-orders/:id/public', { schema: { params: pageParams('id') } }, async (req, reply) => {
    const order = await publicCourtOrder(ctx.store.db, req.params.id.toLowerCase());
    if (!order)
      return sendMessage(reply, 404, {
        provider,
        title: 'No such court order',
        text: 'There is no court order with this number on record here.',
        link: ['/report', 'Report abuse'],
      });
    return html(reply, 200, <PublicCourtOrderPage provider={provider} order={order} />);
  });

  const notFound = (req: FastifyRequest, reply: FastifyReply) =>
    sendMessage(reply, 404, {
      provider,
      user: req.user,
      title: 'No such legal request',
      text: 'There is no legal request at this address.',
      link: ['/staff', 'Back to the queue'],
    });

  await app.register(async (scope) => {
    const staff = scope.withTypeProvider<ZodRequests>();
    staff.addHook('preHandler', staffPages(provider));

    const render = async (
      req: FastifyRequest,
      reply: FastifyReply,
      status: number,
      id: string,
      extra: Pick<StaffLegalProps, 'flash' | 'errors' | 'values'>,
    ) => {
      const view = await getLegalRequest(ctx.legal, id, now());
      if (!view) return notFound(req, reply);
      return html(reply, status, <StaffLegalPage provider={provider} user={req.user!} csrfToken={reply.generateCsrf()} view={view} {...extra} />);
    };

    const FLASH: Record<string, string> = {
      recorded: 'The legal request was recorded.',
      state: 'The state was changed.',
      produced: 'The production was recorded; the customers concerned are told unless a non-disclosure order forbids it.',
      lifted: 'The rule was lifted: the edge stops blocking what it caught at its next poll.',
    };
    staff.get('/staff/legal', { schema: { querystring: pageQuery('state', 'page') } }, async (req, reply) => {
      const q = req.query;
      const state: LegalListFilter =
        q.state === 'all' || (LEGAL_REQUEST_STATES as readonly string[]).includes(q.state ?? '') ? (q.state as LegalListFilter) : 'open';
      const page = q.page !== undefined && /^\d{1,6}$/.test(q.page) && Number(q.page) >= 1 ? Number(q.page) : 1;
      const states: LegalRequestState[] = state === 'all' ? [] : state === 'open' ? [...OPEN_LEGAL_STATES] : [state];
      const r = await listLegalRequests(ctx.store.db, { states, limit: LEGAL_LIST_PAGE_SIZE, offset: (page - 1) * LEGAL_LIST_PAGE_SIZE }, now());
      return html(
        reply,
        200,
        <StaffLegalListPage provider={provider} user={req.user!} csrfToken={reply.generateCsrf()} state={state} rows={r.rows} total={r.total} page={page} />,
      );
    });

    const renderNew = (req: FastifyRequest, reply: FastifyReply, status: number, values: LegalFormValues, errors: LegalFormErrors) =>
      html(
        reply,
        status,
        <NewLegalRequestPage
          provider={provider}
          user={req.user!}
          csrfToken={reply.generateCsrf()}
          values={values}
          errors={errors}
          submissionId={isUuid(values.submission_id ?? '') ? values.submission_id! : randomUUID()}
        />,
      );

    staff.get('/staff/legal/new', async (req, reply) => renderNew(req, reply, 200, {}, {}));

    staff.post('/staff/legal', { preHandler: csrf, schema: { querystring: pageQuery('state', 'page') } }, async (req, reply) => {
      const values: LegalFormValues = {};
      for (const f of [...LEGAL_FORM_FIELDS, 'submission_id'] as const) values[f] = field(req.body, f);
      // A double click or a resent form records one request, not two (the API's Idempotency-Key).
      values.submission_id = isUuid(values.submission_id ?? '') ? values.submission_id : randomUUID();
      const { body, lines } = legalRequestFromForm(values);
      const at = now();
      const v = validateLegalRequest(body, at);
      if (!v.ok) return renderNew(req, reply, 422, values, legalFormErrors(v.errors, lines));
      const r = await createLegalRequest(ctx.legal, req.user!.id, v.value, {
        idempotencyKey: `web:${values.submission_id}`,
        requestHash: legalRequestHash(body),
        now: at,
      });
      if (!r.ok) {
        const form = (status: number, errors: FieldError[]) => renderNew(req, reply, status, values, legalFormErrors(errors, lines));
        return pageForFailure(r, { notFound: () => notFound(req, reply), form });
      }
      return reply.redirect(`/staff/legal/${r.value.id}?done=recorded`, 303);
    });

    staff.get('/staff/legal/:id', { schema: { params: pageParams('id'), querystring: pageQuery('done') } }, async (req, reply) => {
      const done = req.query.done ?? '';
      return render(req, reply, 200, req.params.id, { flash: FLASH[done] ?? null, errors: [], values: {} });
    });

    staff.post('/staff/legal/:id/state', { preHandler: csrf, schema: { params: pageParams('id') } }, async (req, reply) => {
      const id = req.params.id;
      const values = { state: field(req.body, 'state'), note: field(req.body, 'note') };
      const r = await changeLegalRequestState(ctx.legal, req.user!.id, id, values.state, values.note.trim().slice(0, 4000) || null, now());
      if (!r.ok)
        return pageForFailure<unknown>(r, {
          notFound: () => notFound(req, reply),
          form: (status, errors) => render(req, reply, status, id, { flash: null, errors, values }),
        });
      return reply.redirect(`/staff/legal/${id}?done=state`, 303);
    });

    staff.post('/staff/legal/:id/productions', { preHandler: csrf, schema: { params: pageParams('id') } }, async (req, reply) => {
      const id = req.params.id;
      const values = {
        fields: fields(req.body, 'fields'),
        produced_at: field(req.body, 'produced_at'),
        payment_reference: field(req.body, 'payment_reference'),
        ip_addresses: field(req.body, 'ip_addresses'),
        production_note: field(req.body, 'production_note'),
        accounts: fields(req.body, 'accounts'),
      };
      const ips = values.ip_addresses.split(/[\s,]+/).filter(Boolean);
      const v = validateProduction(
        {
          fields: values.fields,
          produced_at: values.produced_at,
          payment_reference: values.payment_reference,
          ip_addresses: ips.length || values.fields.includes('ip_addresses') ? ips : undefined,
          note: values.production_note,
          // None ticked: the production is about every account the request concerns.
          accounts: values.accounts.length ? values.accounts : undefined,
        },
        now(),
      );
      if (!v.ok) return render(req, reply, 422, id, { flash: null, errors: v.errors, values });
      const r = await recordProduction(ctx.legal, req.user!.id, id, v.value, now());
      if (!r.ok)
        return pageForFailure<unknown>(r, {
          notFound: () => notFound(req, reply),
          form: (status, errors) => render(req, reply, status, id, { flash: null, errors, values }),
        });
      return reply.redirect(`/staff/legal/${id}?done=produced`, 303);
    });

    staff.post('/staff/legal/:id/rules/:ruleId/lift', { preHandler: csrf, schema: { params: pageParams('id', 'ruleId') } }, async (req, reply) => {
      const { id, ruleId } = req.params;
      const r = await liftBlockRule(ctx.store.db, req.user!.id, id, ruleId, field(req.body, 'reason'), now());
      if (!r.ok)
        return pageForFailure<unknown>(r, {
          notFound: () => notFound(req, reply),
          form: (status, errors) => render(req, reply, status, id, { flash: null, errors, values: {} }),
        });
      return reply.redirect(`/staff/legal/${id}?done=lifted`, 303);
    });

    staff.post('/staff/legal/matches/:matchId/acknowledge', { preHandler: csrf, schema: { params: pageParams('matchId') } }, async (req, reply) => {
      const m = req.params.matchId;
      if (!/^\d{1,15}$/.test(m) || !(await acknowledgeMatch(ctx.store.db, req.user!.id, Number(m), now()))) return notFound(req, reply);
      return reply.redirect('/staff', 303);
    });
  });
}
