// Webhooks over the API, for reporters and customers alike: register (with the events wanted),
// list one's own, delete, read a webhook's delivery log and send one delivery again. A webhook of
// someone else does not exist for the caller (404). What each event carries and who hears of it:
// domain/webhook-events.ts; the delivery machinery: services/webhooks.ts.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { sendFailure, sendResult } from '../reply.ts';
import { notFound } from '../../services/result.ts';
import { described, errors, IdParams, Uuid, validatedInService, wholeNumber, type ZodRequests } from '../schemas.ts';
import { DELIVERY_STATUSES, deleteWebhook, listDeliveries, listWebhooks, redeliver, registerWebhook, type DeliveryStatus } from '../../services/webhooks.ts';
import { WEBHOOK_EVENTS } from '../../domain/webhook-events.ts';

// The events allowed depend on the caller's role (parseWebhookEvents), so the service reads them.
const WebhookBody = validatedInService(
  z.object({
    url: z.url().describe('https only; no private or loopback addresses'),
    events: z
      .array(z.enum(WEBHOOK_EVENTS))
      .optional()
      .describe(
        'Reporters: notice.received, notice.processed, item.state_changed, and origin.changed (trusted reporters with origin:read; the default when omitted). Customers: notice.processed, item.state_changed (required)',
      ),
  }),
);
const DeliveryParams = z.object({
  id: Uuid(),
  delivery_id: z
    .string()
    .regex(/^\d{1,18}$/, 'delivery_id must be a delivery id (a whole number)')
    .meta({ type: 'integer', minimum: 1 }),
});
const DeliveriesQuery = z.object({
  status: z.enum(DELIVERY_STATUSES as [DeliveryStatus, ...DeliveryStatus[]], { error: `status must be one of ${DELIVERY_STATUSES.join(', ')}` }).optional(),
  limit: wholeNumber('limit', { min: 1, max: 500 }),
});
const errs = errors('Problems, by field');
const refusal = z
  .object({ errors: z.array(z.looseObject({})), reason: z.string() })
  .describe(
    'origin.changed refused by the disclosure policy: `reason` names the missing condition (not_trusted, application_pending, revoked, missing_scope, …)',
  );

const SIGNATURE =
  'Each delivery is a POST with Safeharbor-Event, Safeharbor-Delivery, Safeharbor-Timestamp (Unix seconds) and Safeharbor-Signature: v1=hex(HMAC-SHA256(secret, timestamp + "." + body))';

export async function webhookRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  const now = () => ctx.origins.now();
  const owners = requireRole('reporter', 'customer');

  app.post(
    '/v1/webhooks',
    {
      preValidation: owners,
      schema: {
        summary: `Register a webhook for events about your own notices (reporters) or your own account's items (customers). The secret is shown once. ${SIGNATURE}`,
        body: WebhookBody,
        response: { 201: described('{id, url, events, created_at, secret}'), 403: refusal, 422: errs },
      },
    },
    async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      return sendResult(reply, await registerWebhook(ctx.origins, req.principal!, body));
    },
  );

  app.get(
    '/v1/webhooks',
    { preValidation: owners, schema: { summary: 'Your webhooks (never their secrets)', response: { 200: described('{webhooks}') } } },
    async (req) => ({ webhooks: await listWebhooks(ctx.store.db, req.principal!.id) }),
  );

  app.delete(
    '/v1/webhooks/:id',
    {
      preValidation: owners,
      schema: {
        summary: 'Delete one of your webhooks; its pending deliveries are cancelled',
        params: IdParams,
        response: { 204: z.null().describe('Deleted'), 404: errs },
      },
    },
    async (req, reply) => {
      const ok = await deleteWebhook(ctx.store.db, req.principal!.id, req.params.id, now());
      if (!ok) return sendFailure(reply, notFound('id', 'no such webhook of yours'));
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/webhooks/:id/deliveries',
    {
      preValidation: requireRole('reporter', 'customer', 'staff'),
      schema: {
        summary:
          "A webhook's newest deliveries (yours; staff: any): status, attempts, last response code, next attempt, and every attempt. Optional status filter, limit (default 100)",
        params: IdParams,
        querystring: DeliveriesQuery,
        response: { 200: described('{deliveries}'), 404: errs, 422: errs },
      },
    },
    async (req, reply) => {
      const ds = await listDeliveries(ctx.store.db, req.principal!, req.params.id, req.query);
      if (!ds) return sendFailure(reply, notFound('id', 'no such webhook of yours'));
      return { deliveries: ds };
    },
  );

  app.post(
    '/v1/webhooks/:id/deliveries/:delivery_id/redeliver',
    {
      preValidation: owners,
      schema: {
        summary:
          'Send a delivered, failed or cancelled delivery again, now, with a fresh round of attempts (the body and its id are the same; an origin.changed still needs trusted status)',
        params: DeliveryParams,
        body: z.preprocess((v) => v ?? {}, z.object({})).describe('Nothing: no body or {}'),
        response: { 200: described('{id, status: "pending"}'), 404: errs, 409: errs },
      },
    },
    async (req, reply) => sendResult(reply, await redeliver(ctx.origins, req.principal!, req.params.id, req.params.delivery_id)),
  );
}
