// Internal complaints against decisions (DSA Art. 20) by API: the customer or the reporter files
// one against a decision on a notice; staff list, read and decide them. The same service as the
// portal's, the status page's and the console's forms (services/complaints.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { decideComplaint, fileComplaint, getComplaint, listComplaints, type Viewer } from '../../services/complaints.ts';
import { COMPLAINT_OUTCOMES, complaintDecisionSchema, complaintFilingSchema, type Complainant } from '../../dsa/domain/complaint.ts';
import { sendResult } from '../reply.ts';
import { errors, IdParams, oneOf, validatedInService, type ZodRequests } from '../schemas.ts';

const Complaint = z
  .looseObject({
    id: z.uuid(),
    notice_id: z.uuid(),
    decision_id: z.string(),
    decision_kind: z.enum(['restriction', 'rejection']),
    decision_at: z.string(),
    party: z.enum(['customer', 'notifier']),
    positions: z.array(z.number().int()),
    text: z.string(),
    state: z.enum(['open', ...COMPLAINT_OUTCOMES]),
    outcome_reason: z.string().nullable(),
    reversed_positions: z.array(z.number().int()).nullable(),
    decided_at: z.string().nullable(),
    created_at: z.string(),
  })
  .describe('A complaint; staff also see decision_actor, account_id, reporter_id, filed_by, channel and decided_by');

/** The party the caller is: a customer by account, a reporter by principal; staff see every complaint. */
function viewerOf(req: FastifyRequest): Viewer {
  const p = req.principal!;
  if (p.role === 'staff') return { role: 'staff' };
  return complainantOf(req);
}
function complainantOf(req: FastifyRequest): Complainant {
  const p = req.principal!;
  return p.role === 'customer' ? { party: 'customer', accountId: p.accountId! } : { party: 'notifier', reporterId: p.id };
}

export async function complaintRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();

  app.post(
    '/v1/notices/:id/complaints',
    {
      preValidation: requireRole('customer', 'reporter'),
      schema: {
        summary:
          'Complain against a decision on this notice (EU Digital Services Act, Art. 20), free of charge, within six months of it: the customer whose content it concerns, or the reporter who filed the notice. A staff member who did not take the decision decides it; both parties receive the outcome and its reasons. Filing again while the complaint is open answers 200 with the same complaint.',
        params: IdParams,
        body: validatedInService(complaintFilingSchema),
        response: {
          200: Complaint.describe('Already filed: the open complaint of yours against this decision'),
          201: Complaint.describe('Filed; a receipt is mailed to you'),
          401: errors('No token'),
          403: errors('Not a customer or reporter'),
          404: errors('No such notice, or no decision on it concerns you'),
          409: errors('Too late (six months after the decision), or your complaint was already decided'),
          422: errors('Invalid: every problem, by field'),
        },
      },
    },
    async (req, reply) => {
      const r = await fileComplaint(
        ctx.review,
        { complainant: complainantOf(req), actor: `principal:${req.principal!.id}`, channel: 'api' },
        req.params.id,
        req.body,
      );
      return sendResult(reply, r);
    },
  );

  app.get(
    '/v1/complaints',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: 'Complaints against decisions, oldest first (staff only); ?state=open for those to decide',
        querystring: z.object({ state: oneOf(['open', ...COMPLAINT_OUTCOMES], 'state must be open, upheld, reversed or partly_reversed').optional() }),
        response: { 200: z.object({ complaints: z.array(Complaint) }).describe('The complaints'), 403: errors('Not staff') },
      },
    },
    async (req) => ({ complaints: await listComplaints(ctx.store.db, { state: req.query.state }) }),
  );

  app.get(
    '/v1/complaints/:id',
    {
      preValidation: requireRole('staff', 'customer', 'reporter'),
      schema: {
        summary: 'One complaint: staff see every one; a customer or reporter only its own',
        params: IdParams,
        response: { 200: Complaint, 401: errors('No token'), 404: errors('No such complaint, or not yours') },
      },
    },
    async (req, reply) => sendResult(reply, await getComplaint(ctx.store.db, viewerOf(req), req.params.id)),
  );

  app.post(
    '/v1/complaints/:id/decision',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary:
          'Decide a complaint (staff only; not the staff member who took the decision complained against): upheld — the decision stands; reversed — it is undone (a takedown restored, a rejection turned into a takedown where the kind of report allows it); partly_reversed — undone for the positions given. The reason goes to both parties with the redress that remains.',
        params: IdParams,
        body: validatedInService(complaintDecisionSchema),
        response: {
          200: Complaint.describe('Decided (or the same decision again)'),
          403: errors('Not staff'),
          404: errors('No such complaint'),
          409: errors(
            'You took the decision complained against, the complaint was decided otherwise, or a URL cannot be taken back (every refusal by position)',
          ),
          422: errors('Invalid: every problem, by field'),
        },
      },
    },
    async (req, reply) => sendResult(reply, await decideComplaint(ctx.review, `principal:${req.principal!.id}`, req.params.id, req.body)),
  );
}
