// Staff console page for trusted flaggers (DSA Art. 22): recording and revoking grants with
// CSRF-protected forms, through the same service as the API, and the decision-speed figures.
// Registered inside the staff pages' guard by staffRoutes.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../http/context.ts';
import { pageParams, pageQuery, type ZodRequests } from '../http/schemas.ts';
import { html, pageForFailure } from './respond.ts';
import { failureErrors } from '../services/result.ts';
import { field, fields } from './form-body.ts';
import { StaffTrustedFlaggersPage } from './pages/staff-trusted-flaggers.tsx';
import { decisionSpeedFigures, grantTrustedFlagger, listTrustedFlaggers, revokeTrustedFlagger, STATS_DEFAULT_DAYS } from '../services/trusted-flaggers.ts';
import { parseGrant, parseRevoke } from '../dsa/domain/trusted-flagger.ts';
import type { FieldError } from '../domain/notice.ts';

const DONE = { granted: 'The trusted flagger status was recorded.', revoked: 'The trusted flagger status was revoked.' } as const;

export function staffTrustedFlaggerRoutes(scope: FastifyInstance, ctx: AppContext, csrf: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>): void {
  const staff = scope.withTypeProvider<ZodRequests>();
  const provider = ctx.config.providerName;

  const render = async (req: FastifyRequest, reply: FastifyReply, status: number, flash: string | null, errors: FieldError[], errorFor: string | null) => {
    const until = ctx.clock();
    const [grants, speed] = await Promise.all([
      listTrustedFlaggers(ctx.store.db),
      decisionSpeedFigures(ctx.store.db, { since: new Date(until.getTime() - STATS_DEFAULT_DAYS * 86_400_000), until }),
    ]);
    return html(
      reply,
      status,
      <StaffTrustedFlaggersPage
        provider={provider}
        user={req.user!}
        csrfToken={reply.generateCsrf()}
        grants={grants}
        speed={speed}
        speedDays={STATS_DEFAULT_DAYS}
        flash={flash}
        errors={errors}
        errorFor={errorFor}
      />,
    );
  };

  staff.get('/staff/trusted-flaggers', { schema: { querystring: pageQuery('done') } }, async (req, reply) => {
    const done = req.query.done;
    return render(req, reply, 200, done === 'granted' || done === 'revoked' ? DONE[done] : null, [], null);
  });

  staff.post('/staff/trusted-flaggers', { preHandler: csrf }, async (req, reply) => {
    // The form names the reporter by e-mail, as staff know it; the grant names the principal.
    const email = field(req.body, 'email').trim().toLowerCase();
    const reporter = email
      ? await ctx.store.db
          .selectFrom('principals')
          .select('id')
          .where('role', '=', 'reporter')
          .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
          .executeTakeFirst()
      : undefined;
    const reference = field(req.body, 'dsc_reference').trim();
    const p = parseGrant({
      principal_id: reporter?.id ?? '',
      organisation: field(req.body, 'organisation'),
      dsc_country: field(req.body, 'dsc_country'),
      dsc_reference: reference || null,
      kinds: fields(req.body, 'kinds'),
    });
    const errors: FieldError[] = reporter
      ? []
      : [{ field: 'email', message: email ? 'no reporter has this e-mail address' : 'the reporter e-mail is required' }];
    // Without a reporter the e-mail's error says it; the id the form does not show adds nothing.
    if (!p.ok) errors.push(...p.errors.filter((e) => e.field !== 'principal_id'));
    if (!p.ok || errors.length) return render(req, reply, 422, null, errors, null);
    const r = await grantTrustedFlagger(ctx.store.db, `principal:${req.user!.id}`, p.grant, ctx.clock());
    if (!r.ok) return render(req, reply, r.error === 'conflict' ? 409 : 422, null, failureErrors(r), null);
    return reply.redirect('/staff/trusted-flaggers?done=granted', 303);
  });

  staff.post('/staff/trusted-flaggers/:id/revoke', { preHandler: csrf, schema: { params: pageParams('id') } }, async (req, reply) => {
    const id = req.params.id;
    const p = parseRevoke({ reason: field(req.body, 'reason') });
    if (!p.ok) return render(req, reply, 422, null, p.errors, id);
    const r = await revokeTrustedFlagger(ctx.store.db, `principal:${req.user!.id}`, id, p.reason, ctx.clock());
    if (!r.ok)
      return pageForFailure(r, {
        notFound: () => render(req, reply, 404, null, failureErrors(r), id),
        form: (status, errors) => render(req, reply, status, null, errors, id),
      });
    return reply.redirect('/staff/trusted-flaggers?done=revoked', 303);
  });
}
