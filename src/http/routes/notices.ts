// The native notice API: POST /v1/notices, GET /v1/notices, GET /v1/notices/{id}, GET /v1/notices/{id}/events.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { sendFailure, sendResult } from '../reply.ts';
import { fileDmcaNotice } from '../../services/notice-filing.ts';
import { getNoticeView, listNoticeEvents, listNotices, parseItemState, decodeCursor } from '../../services/notice-views.ts';
import type { FieldError } from '../../domain/notice.ts';
import { ITEM_STATES } from '../../domain/item-state.ts';

function intParam(v: unknown, field: string, errors: FieldError[]): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    errors.push({ field, message: `${field} must be a whole number ≥ 0` });
    return undefined;
  }
  return n;
}

function dateParam(v: unknown, field: string, errors: FieldError[]): Date | undefined {
  if (v === undefined || v === '') return undefined;
  const d = new Date(String(v));
  if (Number.isNaN(d.getTime())) {
    errors.push({ field, message: `${field} must be a date or time such as 2026-11-01 or 2026-11-01T12:00:00Z` });
    return undefined;
  }
  return d;
}

export async function noticeRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post('/v1/notices', { preHandler: requireRole('reporter', 'staff'), bodyLimit: ctx.bodyLimit }, async (req, reply) => {
    const key = req.headers['idempotency-key'];
    if (key !== undefined && (typeof key !== 'string' || key.length < 1 || key.length > 255)) {
      return reply.code(422).send({ errors: [{ field: 'Idempotency-Key', message: 'Idempotency-Key must be 1 to 255 characters' }] });
    }
    const result = await fileDmcaNotice(ctx.store.db, {
      reporterId: req.principal!.id,
      channel: 'api',
      idempotencyKey: (key as string | undefined) ?? null,
      body: req.body,
      maxUrls: ctx.config.maxUrlsPerNotice,
    });
    if (!result.ok) return sendFailure(reply, result);
    const filed = result.value;
    await ctx.processIfSmall(filed.id, filed.itemCount);
    const view = await getNoticeView(ctx.store.db, req.principal!, filed.id, { limit: 1000 });
    reply.header('Location', `/v1/notices/${filed.id}`);
    if (filed.replayed) reply.header('Idempotent-Replayed', 'true');
    return sendResult(reply, { ...result, value: view });
  });

  app.get('/v1/notices', { preHandler: requireRole('reporter', 'staff') }, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const errors: FieldError[] = [];
    const status = q.status;
    if (status !== undefined && !['received', 'processing', 'processed'].includes(status)) {
      errors.push({ field: 'status', message: 'status must be received, processing or processed' });
    }
    const since = dateParam(q.since, 'since', errors);
    const until = dateParam(q.until, 'until', errors);
    const limit = intParam(q.limit, 'limit', errors);
    if (q.cursor && !decodeCursor(q.cursor)) errors.push({ field: 'cursor', message: 'cursor is not one this API gave out' });
    if (errors.length) return reply.code(422).send({ errors });
    return listNotices(ctx.store.db, req.principal!, { status: status as 'received' | undefined, since, until, limit, cursor: q.cursor });
  });

  app.get('/v1/notices/:id', { preHandler: requireRole('reporter', 'staff') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const q = req.query as Record<string, string | undefined>;
    const errors: FieldError[] = [];
    const after = intParam(q.items_after, 'items_after', errors);
    const limit = intParam(q.items_limit, 'items_limit', errors);
    const state = parseItemState(q.items_state);
    if (state === 'bad') errors.push({ field: 'items_state', message: `items_state must be one of ${ITEM_STATES.join(', ')}` });
    if (errors.length) return reply.code(422).send({ errors });
    const view = await getNoticeView(ctx.store.db, req.principal!, id, { after, limit, state: state as Exclude<typeof state, 'bad'> });
    if (!view) return reply.code(404).send({ errors: [{ field: 'id', message: `no notice ${id} that you can see` }] });
    return view;
  });

  app.get('/v1/notices/:id/events', { preHandler: requireRole('reporter', 'staff') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const q = req.query as Record<string, string | undefined>;
    const errors: FieldError[] = [];
    const after = intParam(q.after, 'after', errors);
    const limit = intParam(q.limit, 'limit', errors);
    if (q.scope !== undefined && q.scope !== 'all' && q.scope !== 'notice') errors.push({ field: 'scope', message: 'scope must be all or notice' });
    if (errors.length) return reply.code(422).send({ errors });
    const page = await listNoticeEvents(ctx.store.db, req.principal!, id, { after, limit, scope: q.scope as 'all' | undefined });
    if (!page) return reply.code(404).send({ errors: [{ field: 'id', message: `no notice ${id} that you can see` }] });
    return page;
  });
}
