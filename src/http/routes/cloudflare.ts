// Cloudflare's Abuse Reports API contract, served under /client/v4, so that scripts written
// against Cloudflare (with its official SDK and a changed baseURL) file notices here unchanged.
// Reports are ordinary notices; this module only translates shapes in and out.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { checkRole } from '../auth.ts';
import { fileNotice, validateReportBody } from '../../services/notice-filing.ts';
import { noticeCounts } from '../../services/notice-views.ts';
import type { NoticeKind, NoticeSubmission } from '../../domain/notice.ts';
import { KIND_RULES, REPORT_KINDS, kindOfCloudflareAct, kindOfCloudflareType } from '../../domain/report-kinds.ts';
import { cloudflareField, fromCloudflareForm } from '../../domain/cloudflare-forms.ts';
import type { Principal } from '../../services/principals.ts';
import { sql } from 'kysely';
import { z } from 'zod';
import { failureErrors } from '../../services/result.ts';
import { CloudflareErrors, Uuid, validatedInService, type ZodRequests } from '../schemas.ts';

const REPORT_TYPES = REPORT_KINDS.map((k) => KIND_RULES[k].cloudflare.act);

/** Cloudflare shows account ids as 32 hex digits; ours are UUIDs. Both spellings are accepted. */
export function cloudflareAccountId(principalId: string): string {
  return principalId.replace(/-/g, '');
}

function envelope(result: unknown, extra: Record<string, unknown> = {}) {
  return { success: true, errors: [], messages: [], result, ...extra };
}
function envelopeError(reply: FastifyReply, status: number, code: number, message: string) {
  return reply.code(status).send({ success: false, errors: [{ code, message }], messages: [], result: null });
}

interface ReportRow {
  id: string;
  created_at: Date;
  status: string;
  domain: string | null;
  kind: NoticeKind;
  submission: NoticeSubmission;
}

async function reportView(ctx: AppContext, n: ReportRow, detail: boolean) {
  const counts = await noticeCounts(ctx.store.db, n.id);
  const hostNotified =
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE notice_id = ${n.id}::uuid AND recipient_role = 'host'`.execute(ctx.store.db)).rows[0]!
      .n > 0;
  const report: Record<string, unknown> = {
    id: n.id,
    cdate: new Date(n.created_at).toISOString(),
    domain: n.domain ?? '',
    status: n.status === 'processed' && !counts.pending_review ? 'accepted' : 'in_review',
    type: KIND_RULES[n.kind].cloudflare.type,
    mitigation_summary: {
      // A URL restored after a counter notice was accepted and acted on; the counter notice does not undo that.
      accepted_url_count: (counts.forwarded ?? 0) + (counts.content_disabled ?? 0) + (counts.pending_review ?? 0) + (counts.restored ?? 0),
      active_count: counts.content_disabled ?? 0,
      external_host_notified: hostNotified,
      in_review_count: counts.pending_review ?? 0,
      pending_count: counts.received ?? 0,
    },
  };
  if (detail) {
    const s = n.submission;
    if (s.kind === 'copyright') report.original_work = s.work.description;
    report.justification = s.explanation ?? s.comments ?? '';
    report.submitter = { name: s.claimant?.name ?? '', email: s.claimant?.email ?? '', company: s.claimant?.company ?? '', telephone: s.claimant?.phone ?? '' };
    report.urls = (
      await ctx.store.db.selectFrom('notice_items').select('submitted_url').where('notice_id', '=', n.id).orderBy('position').limit(10_000).execute()
    ).map((r) => r.submitted_url);
  }
  return report;
}

/** The reporter's side (the SDK's abuseReports.submitted): submitted | accepted | denied. */
export function submittedStatus(
  status: string,
  counts: Partial<Record<string, number>>,
): { status: 'submitted' | 'accepted' | 'denied'; denial_reason: string | null } {
  // Restored (after a counter notice) and retracted (by the reporter) URLs were not denied by us.
  const acted = (counts.forwarded ?? 0) + (counts.content_disabled ?? 0) + (counts.restored ?? 0) + (counts.retracted ?? 0);
  if (status !== 'processed' || counts.pending_review || counts.received) return { status: acted ? 'accepted' : 'submitted', denial_reason: null };
  if (acted) return { status: 'accepted', denial_reason: null };
  const total = Object.values(counts).reduce((a: number, b) => a + (b ?? 0), 0);
  if ((counts.not_on_network ?? 0) === total) return { status: 'denied', denial_reason: 'not_on_cloudflare' };
  if ((counts.invalid ?? 0) === total) return { status: 'denied', denial_reason: 'direct_url_required' };
  return { status: 'denied', denial_reason: counts.rejected ? 'unable_to_confirm' : 'incomplete_report' };
}

async function submittedView(ctx: AppContext, n: ReportRow, detail: boolean) {
  const counts = await noticeCounts(ctx.store.db, n.id);
  const s = n.submission;
  const report: Record<string, unknown> = {
    id: n.id,
    cdate: new Date(n.created_at).toISOString(),
    domain: n.domain ?? '',
    type: KIND_RULES[n.kind].cloudflare.type,
    ...submittedStatus(n.status, counts),
    submitter: { name: s.claimant?.name ?? '', email: s.claimant?.email ?? '', company: s.claimant?.company ?? '', telephone: s.claimant?.phone ?? '' },
  };
  if (detail) {
    report.dsa_attestation = s.regime === 'dsa';
    if (s.kind === 'copyright') report.original_work = s.work.description;
    report.comments = s.comments ?? '';
    report.urls = (
      await ctx.store.db.selectFrom('notice_items').select('submitted_url').where('notice_id', '=', n.id).orderBy('position').limit(10_000).execute()
    ).map((r) => r.submitted_url);
  }
  return report;
}

function authorise(req: FastifyRequest, reply: FastifyReply): Principal | null {
  const f = checkRole(req, ['reporter', 'staff']);
  if (f) {
    void envelopeError(reply, f.status, f.status === 401 ? 10000 : 10001, f.message);
    return null;
  }
  const { account_id } = req.params as { account_id: string };
  const p = req.principal!;
  if (p.role !== 'staff' && account_id.replace(/-/g, '').toLowerCase() !== cloudflareAccountId(p.id)) {
    void envelopeError(reply, 403, 10001, `your token belongs to account ${cloudflareAccountId(p.id)}, not ${account_id}`);
    return null;
  }
  return p;
}

const reportQuery = (ctx: AppContext) =>
  ctx.store.db
    .selectFrom('notices as n')
    .select([
      'n.id',
      'n.created_at',
      'n.status',
      'n.kind',
      'n.submission',
      (eb) => eb.selectFrom('notice_items as i').select('i.host').whereRef('i.notice_id', '=', 'n.id').where('i.position', '=', 0).as('domain'),
    ]);

const AccountId = z.string().describe('Your account id (shown by `safeharbor token create` and GET /v1/me)');
const AccountParams = z.object({ account_id: AccountId });
const ReportParams = z.object({ account_id: AccountId, report_id: Uuid('report_id', (id) => `abuse report ${id} not found`) });
// Cloudflare's listing is lenient about paging (a bad page is the first page); the filters that
// it refuses are refused in its envelope by the handler, as Cloudflare words them.
const ListQuery = z.object(
  Object.fromEntries(['page', 'per_page', 'sort', 'domain', 'created_before', 'created_after', 'status', 'type'].map((name) => [name, z.string().optional()])),
);
const PageQuery = z.object({ page: z.string().optional(), per_page: z.string().optional() });
const envelopeOf = (description: string) =>
  z
    .object({ success: z.literal(true), errors: z.array(z.unknown()), messages: z.array(z.unknown()), result: z.unknown() })
    .loose()
    .describe(description);
const failures = { 401: CloudflareErrors.describe('No or bad token'), 403: CloudflareErrors.describe('Not your account') };

/** Cloudflare's own order: authentication and the account in the path first, in its envelope. */
const cloudflareAuth = async (req: FastifyRequest, reply: FastifyReply) => {
  if (!authorise(req, reply)) return reply;
};

export async function cloudflareRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  app.post(
    '/client/v4/accounts/:account_id/abuse-reports/:report_type',
    {
      bodyLimit: ctx.bodyLimit,
      preValidation: cloudflareAuth,
      schema: {
        summary: "Cloudflare-compatible: submit an abuse report of any of the eight types, body as Cloudflare's form",
        params: z.object({ account_id: AccountId, report_type: z.string().meta({ enum: REPORT_TYPES }) }),
        // Read field by field as Cloudflare's form (cloudflare-forms.ts), every problem in msg.
        body: validatedInService(z.looseObject({ act: z.string().optional() }).describe("Cloudflare's abuse report form of the type in the path")),
        response: {
          200: z.object({ abuse_rand: z.string(), request: z.looseObject({}), result: z.literal('success') }).describe('Filed'),
          400: z
            .object({ error_code: z.number().int(), msg: z.string(), request: z.looseObject({}), result: z.literal('error') })
            .loose()
            .describe('Rejected, with every problem in msg'),
          ...failures,
        },
      },
    },
    async (req, reply) => {
      const principal = req.principal!;
      const { report_type } = req.params;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const act = typeof body.act === 'string' ? body.act : report_type;
      // Cloudflare's documented submit error ({error_code, msg, request, result: 'error'}) plus the
      // v4 envelope's success/errors, which the SDK surfaces as APIError.errors.
      const fail = (messages: string | string[], code = 400) => {
        const list = [messages].flat();
        return reply.code(code).send({
          error_code: code,
          msg: list.join('; '),
          request: { act },
          result: 'error',
          success: false,
          errors: list.map((message) => ({ code, message })),
          messages: [],
        });
      };
      const kind = kindOfCloudflareAct(report_type);
      if (!kind) return fail(`unknown report type "${report_type}"; use one of ${REPORT_TYPES.join(', ')}`);
      if (act !== report_type) return fail(`act ("${act}") must equal the report type in the path ("${report_type}")`);
      const { report, errors } = fromCloudflareForm(kind, body);
      const key = req.headers['idempotency-key'];
      // With form errors nothing is filed, but the native rules still run so every problem is listed at once.
      const native = errors.length ? validateReportBody(report, ctx.config.maxUrlsPerNotice) : null;
      const result = errors.length
        ? null
        : await fileNotice(ctx.store.db, {
            reporterId: principal.id,
            channel: 'cloudflare_api',
            idempotencyKey: typeof key === 'string' ? key : null,
            body: report,
            maxUrls: ctx.config.maxUrlsPerNotice,
            receipt: { provider: ctx.config.providerName, statusUrl: ctx.links.url },
            now: ctx.clock(),
          });
      const reported = new Set(errors.map((e) => e.field));
      const nativeErrors = [...(native && !native.ok ? native.errors : []), ...(result && !result.ok ? failureErrors(result) : [])].filter(
        (e) => !reported.has(cloudflareField(e.field)),
      );
      const all = [...errors.map((e) => `${e.field}: ${e.message}`), ...nativeErrors.map((e) => `${cloudflareField(e.field)}: ${e.message}`)];
      if (all.length) return fail([...new Set(all)]);
      const filed = (result as Extract<typeof result, { ok: true }>).value;
      await ctx.processIfSmall(filed.id, filed.itemCount);
      return reply.code(200).send({ abuse_rand: filed.id, request: { act }, result: 'success' });
    },
  );

  app.get(
    '/client/v4/accounts/:account_id/abuse-reports',
    {
      preValidation: cloudflareAuth,
      schema: {
        summary: 'Cloudflare-compatible: list your reports ({success, errors, messages, result: {reports}, result_info})',
        params: AccountParams,
        querystring: ListQuery,
        response: { 200: envelopeOf('A page of reports'), 400: CloudflareErrors.describe('A filter Cloudflare refuses'), ...failures },
      },
    },
    async (req, reply) => {
      const principal = req.principal!;
      const q = req.query;
      const page = Math.max(1, Number(q.page ?? 1) || 1);
      const perPage = Math.min(100, Math.max(1, Number(q.per_page ?? 20) || 20));
      const sortable: Record<string, string> = { id: 'n.id', cdate: 'n.created_at', status: 'r.report_status', type: 'n.kind', domain: 'domain' };
      // Cloudflare's form is "property,order" (cdate,desc); "-cdate" and "cdate" are accepted too.
      const sort = /^(-?)(id|cdate|domain|type|status)(?:,(asc|desc))?$/.exec(q.sort ?? 'cdate,desc');
      if (!sort) return envelopeError(reply, 400, 1001, 'sort must be a property (id, cdate, domain, type, status) followed by the order, e.g. cdate,desc');
      if (q.status && !['accepted', 'in_review'].includes(q.status)) return envelopeError(reply, 400, 1001, 'status must be accepted or in_review');
      const typeKind = q.type ? kindOfCloudflareType(q.type) : null;
      // NETWORK (Cloudflare's network-abuse reports) is a type this desk files as network reports, not notices.
      if (q.type && !typeKind)
        return reply.send(envelope({ reports: [] }, { result_info: { page, per_page: perPage, count: 0, total_count: 0, total_pages: 0 } }));
      const filters = [typeKind ? sql`n.kind = ${typeKind}` : sql`TRUE`];
      if (principal.role !== 'staff') filters.push(sql`n.reporter_id = ${principal.id}::uuid`);
      for (const [param, op] of [
        ['created_after', sql`>`],
        ['created_before', sql`<`],
      ] as const) {
        if (q[param]) {
          const d = new Date(q[param]!);
          if (Number.isNaN(d.getTime())) return envelopeError(reply, 400, 1001, `${param} must be an RFC 3339 time`);
          filters.push(sql`n.created_at ${op} ${d}`);
        }
      }
      if (q.domain) filters.push(sql`r.domain = ${q.domain.toLowerCase()}`);
      if (q.status) filters.push(q.status === 'accepted' ? sql`r.report_status = 'accepted'` : sql`r.report_status = 'in_review'`);
      const [, minus, sortKey, direction] = sort;
      const descending = direction ? direction === 'desc' : minus === '-';
      const order = sql.raw(`${sortable[sortKey!]!.replace('domain', 'r.domain')} ${descending ? 'DESC' : 'ASC'}, n.id DESC`);
      const rows = (
        await sql<ReportRow & { total: number }>`
        SELECT n.id, n.created_at, n.status, n.kind, n.submission, r.domain, count(*) OVER ()::int AS total
        FROM notices n
        CROSS JOIN LATERAL (
          SELECT (SELECT host FROM notice_items i WHERE i.notice_id = n.id AND i.position = 0) AS domain,
                 CASE WHEN n.status = 'processed' AND NOT EXISTS (SELECT 1 FROM notice_items i WHERE i.notice_id = n.id AND i.state = 'pending_review')
                      THEN 'accepted' ELSE 'in_review' END AS report_status
        ) r
        WHERE ${sql.join(filters, sql` AND `)}
        ORDER BY ${order}
        LIMIT ${perPage} OFFSET ${(page - 1) * perPage}`.execute(ctx.store.db)
      ).rows;
      const total = rows[0]?.total ?? 0;
      const reports = await Promise.all(rows.map((r) => reportView(ctx, r, false)));
      return reply.send(
        envelope({ reports }, { result_info: { page, per_page: perPage, count: reports.length, total_count: total, total_pages: Math.ceil(total / perPage) } }),
      );
    },
  );

  app.get(
    '/client/v4/accounts/:account_id/abuse-reports/submitted',
    {
      preValidation: cloudflareAuth,
      schema: {
        summary: 'Cloudflare-compatible: the reports this account filed, newest first',
        params: AccountParams,
        querystring: PageQuery,
        response: { 200: envelopeOf('A page of reports'), ...failures },
      },
    },
    async (req, reply) => {
      const principal = req.principal!;
      const q = req.query;
      const page = Math.max(1, Number(q.page ?? 1) || 1);
      const perPage = Math.min(100, Math.max(1, Number(q.per_page ?? 20) || 20));
      // The reports this account filed, even for staff: "submitted" is always the caller's own.
      const rows = await reportQuery(ctx)
        .where('n.reporter_id', '=', principal.id)
        .orderBy('n.created_at', 'desc')
        .orderBy('n.id', 'desc')
        .limit(perPage)
        .offset((page - 1) * perPage)
        .execute();
      const total = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM notices WHERE reporter_id = ${principal.id}::uuid`.execute(ctx.store.db)).rows[0]!
        .n;
      const reports = await Promise.all(rows.map((r) => submittedView(ctx, r, false)));
      return reply.send(
        envelope({ reports }, { result_info: { page, per_page: perPage, count: reports.length, total_count: total, total_pages: Math.ceil(total / perPage) } }),
      );
    },
  );

  app.get(
    '/client/v4/accounts/:account_id/abuse-reports/submitted/:report_id',
    {
      preValidation: cloudflareAuth,
      schema: {
        summary: 'Cloudflare-compatible: one report this account filed',
        params: ReportParams,
        response: { 200: envelopeOf('The report'), 404: CloudflareErrors.describe('Not found'), ...failures },
      },
    },
    async (req, reply) => {
      const principal = req.principal!;
      const { report_id } = req.params;
      const row = await reportQuery(ctx).where('n.id', '=', report_id).where('n.reporter_id', '=', principal.id).executeTakeFirst();
      if (!row) return envelopeError(reply, 404, 1004, `abuse report ${report_id} not found`);
      return reply.send(envelope(await submittedView(ctx, row, true)));
    },
  );

  app.get(
    '/client/v4/accounts/:account_id/abuse-reports/:report_id',
    {
      preValidation: cloudflareAuth,
      schema: {
        summary: 'Cloudflare-compatible: one report',
        params: ReportParams,
        response: { 200: envelopeOf('The report'), 404: CloudflareErrors.describe('Not found'), ...failures },
      },
    },
    async (req, reply) => {
      const principal = req.principal!;
      const { report_id } = req.params;
      let query = reportQuery(ctx).select('n.reporter_id').where('n.id', '=', report_id);
      if (principal.role !== 'staff') query = query.where('n.reporter_id', '=', principal.id);
      const row = await query.executeTakeFirst();
      if (!row) return envelopeError(reply, 404, 1004, `abuse report ${report_id} not found`);
      return reply.send(envelope(await reportView(ctx, row, true)));
    },
  );
}
