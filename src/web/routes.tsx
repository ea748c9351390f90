// The public pages: the report form (GET/POST /report) and the private status page
// (/status/{key}). Server-rendered HTML that works without JavaScript.
import type { FastifyInstance, FastifyReply } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import csrf from '@fastify/csrf-protection';
import multipart from '@fastify/multipart';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AppContext } from '../http/context.ts';
import { ReportFormPage } from './pages/report-form.tsx';
import { StatusPage, NotFoundPage, PAGE_SIZES } from './pages/status.tsx';
import { REPORT_FIELDS, formErrors, noticeFromForm, readUploadedList, type ReportValues, type UploadedList } from './report-form-input.ts';
import { fileNotice } from '../services/notice-filing.ts';
import { getNoticeView, listNoticeEvents, parseItemState } from '../services/notice-views.ts';
import { html, pageForFailure } from './respond.ts';
import { failureErrors, type FieldError } from '../services/result.ts';
import { repeatInfringerRoutes } from './repeat-infringer-routes.tsx';
import { homeFor, registerSessions } from './session.ts';
import { loginRoutes } from './login-routes.tsx';
import { staffRoutes } from './staff-routes.tsx';
import { portalRoutes } from './portal-routes.tsx';
import { publicNoticeRoutes } from './public-notice-routes.tsx';
import { legalWebRoutes } from '../legal/web/routes.tsx';
import { networkReportRoutes } from './network-report-routes.tsx';
import { COMPLAINED_FLASH, complaintRoutes, complaintSection } from './complaint-routes.tsx';
import { isUuid, pageParams, pageQuery, type ZodRequests } from '../http/schemas.ts';

const ASSETS: Record<string, { type: string; body: Buffer }> = {
  'app.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('./assets/app.css', import.meta.url)) },
  'report.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL('./assets/report.js', import.meta.url)) },
};

const MAX_UPLOAD_BYTES = 32 * 1024 * 1024;

export async function webRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  await app.register(cookie);
  await app.register(csrf, {
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: 'auto' },
    getToken: (req) => (req.body as Record<string, string> | undefined)?._csrf,
  });
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 40, fieldSize: 64 * 1024 * 1024 } });
  await app.register(formbody, { bodyLimit: 1024 * 1024 });
  registerSessions(app, ctx);
  await loginRoutes(app, ctx);
  await staffRoutes(app, ctx);
  await portalRoutes(app, ctx);
  await publicNoticeRoutes(app, ctx);
  await repeatInfringerRoutes(app, ctx);
  await legalWebRoutes(app, ctx);
  await networkReportRoutes(app, ctx);
  await complaintRoutes(app, ctx);

  app.get('/assets/:name', { schema: { params: pageParams('name') } }, async (req, reply) => {
    const a = ASSETS[req.params.name];
    if (!a) return reply.code(404).type('text/plain').send('not found');
    return reply.type(a.type).header('Cache-Control', 'public, max-age=3600').send(a.body);
  });

  app.get('/', async (req, reply) => reply.redirect(req.user ? homeFor(req.user) : '/report', 303));

  const renderForm = (reply: FastifyReply, status: number, values: ReportValues, errors: ReturnType<typeof formErrors>) =>
    html(
      reply,
      status,
      <ReportFormPage
        provider={ctx.config.providerName}
        values={values}
        errors={errors}
        csrfToken={reply.generateCsrf()}
        maxUrls={ctx.config.maxUrlsPerNotice}
        submissionId={values.submission_id ?? randomUUID()}
      />,
    );

  app.get('/report', async (_req, reply) => renderForm(reply, 200, {}, {}));

  app.post('/report', async (req, reply) => {
    if (!req.isMultipart()) return reply.code(415).type('text/plain').send('the form is sent as multipart/form-data');
    const values: ReportValues = {};
    let upload: UploadedList | null = null;
    const errors: ReturnType<typeof formErrors> = {};
    try {
      for await (const part of req.parts()) {
        if (part.type === 'file') {
          const buf = await part.toBuffer().catch((err: unknown) => {
            if (err instanceof app.multipartErrors.RequestFileTooLargeError) return null;
            throw err;
          });
          if (!buf) errors.urls_file = [`the file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; split it into several notices`];
          else if (buf.length > 0 && part.filename) {
            if (!/\.(txt|csv)$/i.test(part.filename)) errors.urls_file = [`"${part.filename}" is not a .txt or .csv file`];
            else {
              const read = readUploadedList(part.filename, buf.toString('utf8'));
              if (typeof read === 'string') errors.urls_file = [read];
              else upload = read;
            }
          }
        } else if ((REPORT_FIELDS as readonly string[]).includes(part.fieldname) || part.fieldname === 'submission_id' || part.fieldname === '_csrf') {
          (values as Record<string, string>)[part.fieldname] = String(part.value ?? '');
        }
      }
    } catch (err) {
      // The multipart stream's error reaches this request: a form cut off or not multipart
      // inside (or past a limit) is answered with the form and what was read, not a 500.
      const status = (err as { statusCode?: number }).statusCode;
      const problem = status === 413 ? 'the form is larger than we accept' : 'the form did not arrive whole';
      return renderForm(reply, status === 413 ? 413 : 400, values, { form: [`${problem}; check your entries and send it again`] });
    }
    // CSRF: the token in the form must match the secret in this browser's cookie.
    (req as { body?: unknown }).body = { _csrf: (values as Record<string, string>)._csrf };
    const csrfFailed = await new Promise<boolean>((resolve) => app.csrfProtection(req, reply, (err?: Error) => resolve(!!err)));
    if (csrfFailed) return renderForm(reply, 403, values, { form: ['this form expired or was not sent from this site; check your entries and send it again'] });

    const submission_id = isUuid(values.submission_id ?? '') ? values.submission_id! : randomUUID();
    values.submission_id = submission_id;
    if (errors.urls_file) return renderForm(reply, 422, values, errors);
    const result = await fileNotice(ctx.store.db, {
      reporterId: ctx.webReporterId,
      channel: 'web',
      // A double click or a resent form files one notice, not two.
      idempotencyKey: `web:${submission_id}`,
      body: noticeFromForm(values, upload),
      maxUrls: ctx.config.maxUrlsPerNotice,
      receipt: { provider: ctx.config.providerName, statusUrl: ctx.links.url },
    });
    if (!result.ok) {
      const form = (status: number, errors: FieldError[]) => {
        const errs = formErrors(errors);
        if (upload) (errs.urls_file ??= []).push(`choose the file "${upload.filename}" again: browsers do not keep files after an error`);
        return renderForm(reply, status, values, errs);
      };
      return pageForFailure(result, { notFound: () => form(404, failureErrors(result)), form });
    }
    const id = result.value.id;
    await ctx.processIfSmall(id, result.value.itemCount);
    return reply.redirect(`/status/${ctx.links.key(id)}?filed=1`, 303);
  });

  app.get(
    '/status/:key',
    { schema: { params: pageParams('key'), querystring: pageQuery('state', 'per_page', 'after', 'filed', 'complained') } },
    async (req, reply) => {
      const { key } = req.params;
      const id = ctx.links.verify(key);
      const n = id ? await ctx.store.db.selectFrom('notices').select(['reporter_id']).where('id', '=', id).executeTakeFirst() : undefined;
      if (!id || !n) return html(reply, 404, <NotFoundPage provider={ctx.config.providerName} />);
      const q = req.query;
      const state = parseItemState(q.state);
      const per = PAGE_SIZES.find((s) => String(s) === q.per_page) ?? 1000;
      const after = q.after !== undefined && /^\d+$/.test(q.after) ? Number(q.after) : null;
      // The link stands for the notice's reporter: the same view, with the same redactions.
      const viewer = { id: n.reporter_id, role: 'reporter' as const, email: '', name: null, accountId: null };
      const view = await getNoticeView(ctx.store.db, viewer, id, { after: after ?? undefined, limit: per, state: state === 'bad' ? undefined : state });
      const events = await listNoticeEvents(ctx.store.db, viewer, id, { scope: 'notice', limit: 500 });
      const flash = q.complained === '1' ? COMPLAINED_FLASH : null;
      const complaints = await complaintSection(
        ctx,
        id,
        { party: 'notifier', reporterId: n.reporter_id },
        `/status/${key}/complaint`,
        reply.generateCsrf(),
        flash,
      );
      return html(
        reply,
        200,
        <StatusPage
          provider={ctx.config.providerName}
          statusKey={key}
          notice={view!}
          state={state === 'bad' || state === undefined ? null : state}
          perPage={per}
          after={after}
          events={events?.events ?? []}
          justFiled={q.filed === '1'}
          statusUrl={ctx.links.url(id)}
          complaints={complaints}
        />,
      );
    },
  );
}
