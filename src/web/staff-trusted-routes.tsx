// Staff console pages for trusted reporters: vetting (approve, reject, revoke with CSRF-protected
// forms, the same service as the API) and the origin disclosure log. Registered inside the staff
// pages' guard by staffRoutes.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../http/context.ts';
import { html, pageForFailure } from './respond.ts';
import { failureErrors } from '../services/result.ts';
import { field } from './form-body.ts';
import { StaffDisclosuresPage, StaffTrustedPage } from './pages/staff-trusted.tsx';
import { decideTrusted, listTrustedReporters } from '../services/trusted-reporters.ts';
import { listDisclosures } from '../services/origin-disclosure.ts';
import { parseApproval, parseReason, type TrustDecision } from '../domain/trusted-reporter.ts';
import type { FieldError } from '../domain/notice.ts';

const DONE: Record<TrustDecision, string> = { approve: 'approved', reject: 'rejected', suspend: 'suspended', revoke: 'revoked' };

export function staffTrustedRoutes(staff: FastifyInstance, ctx: AppContext, csrf: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>): void {
  const provider = ctx.config.providerName;
  const now = () => ctx.origins.now();

  const render = async (req: FastifyRequest, reply: FastifyReply, status: number, flash: string | null, errors: FieldError[], errorFor: string | null) =>
    html(
      reply,
      status,
      <StaffTrustedPage
        provider={provider}
        user={req.user!}
        csrfToken={reply.generateCsrf()}
        applications={await listTrustedReporters(ctx.store.db)}
        flash={flash}
        errors={errors}
        errorFor={errorFor}
      />,
    );

  staff.get('/staff/trusted-reporters', async (req, reply) => {
    const done = (req.query as Record<string, string | undefined>).done;
    const flash = done && Object.values(DONE).includes(done) ? `The application was ${done}.` : null;
    return render(req, reply, 200, flash, [], null);
  });

  for (const decision of ['approve', 'reject', 'revoke'] as const) {
    staff.post(`/staff/trusted-reporters/:id/${decision}`, { preHandler: csrf }, async (req, reply) => {
      const id = (req.params as { id: string }).id;
      const reason = field(req.body, 'reason').trim();
      let args: Parameters<typeof decideTrusted>[4];
      if (decision === 'approve') {
        const expires = field(req.body, 'expires_at');
        // A date from the form means "trusted through that day" (UTC).
        const p = parseApproval({ reason: reason || null, expires_at: expires ? `${expires}T23:59:59Z` : null }, now());
        if (!p.ok) return render(req, reply, 422, null, p.errors, id);
        args = { reason: p.reason, scopes: p.scopes, expiresAt: p.expiresAt };
      } else {
        const p = parseReason({ reason });
        if (!p.ok) return render(req, reply, 422, null, p.errors, id);
        args = { reason: p.reason };
      }
      const r = await decideTrusted(ctx.store.db, `principal:${req.user!.id}`, id, decision, args, now());
      if (!r.ok)
        return pageForFailure(r, {
          notFound: () => render(req, reply, 404, null, failureErrors(r), id),
          form: (status, errors) => render(req, reply, status, null, errors, id),
        });
      return reply.redirect(`/staff/trusted-reporters?done=${DONE[decision]}`, 303);
    });
  }

  staff.get('/staff/disclosures', async (req, reply) =>
    html(
      reply,
      200,
      <StaffDisclosuresPage
        provider={provider}
        user={req.user!}
        csrfToken={reply.generateCsrf()}
        disclosures={await listDisclosures(ctx.store.db, { limit: 500 })}
      />,
    ),
  );
}
