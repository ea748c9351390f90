// The public pages: the report form (GET/POST /report: first what is wrong, then that kind's fields) and the private status page
// (/status/{key}). Server-rendered HTML that works without JavaScript.
import { MessagePage } from './pages/message-page.tsx';
import type { FastifyInstance, FastifyReply } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import csrf from '@fastify/csrf-protection';
import multipart from '@fastify/multipart';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AppContext } from '../http/context.ts';
import { ReportFormPage, UPLOAD_FIELD } from './pages/report-form.tsx';
import { ReportChooserPage, type ReportChooserProps } from './pages/report-chooser.tsx';
import { KIND_RULES, REGIME_LABELS, isReportKind, type LegalRegime, type ReportKind } from '../domain/report-kinds.ts';
import { StatusPage, NotFoundPage, PAGE_SIZES } from './pages/status.tsx';
import {
  FORM_FIELD_NAMES,
  formErrors,
  many,
  one,
  readUploadedList,
  reportFromForm,
  type FormErrors,
  type ReportValues,
  type UploadedList,
} from './report-form-input.ts';
import { fileNotice } from '../services/notice-filing.ts';
import { getNoticeView, listNoticeEvents, parseItemState } from '../services/notice-views.ts';
import { html, pageForFailure } from './respond.ts';
import { failureErrors, type FieldError } from '../services/result.ts';
import { repeatInfringerRoutes } from './repeat-infringer-routes.tsx';
import { misuseRoutes } from './misuse-routes.tsx';
import { homeFor, registerSessions } from './session.ts';
import { loginRoutes } from './login-routes.tsx';
import { staffRoutes } from './staff-routes.tsx';
import { portalRoutes } from './portal-routes.tsx';
import { publicNoticeRoutes } from './public-notice-routes.tsx';
import { apiReferenceRoutes } from './api-reference-routes.tsx';
import { publicationWebRoutes } from '../publication/web/routes.tsx';
import { legalWebRoutes } from '../legal/web/routes.tsx';
import { networkReportRoutes } from './network-report-routes.tsx';
import { COMPLAINED_FLASH, complaintRoutes, complaintSection } from './complaint-routes.tsx';
import { transparencyWebRoutes } from '../transparency/web/routes.tsx';
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
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 100, fieldSize: 64 * 1024 * 1024 } });
  await app.register(formbody, { bodyLimit: 1024 * 1024 });
  registerSessions(app, ctx);
  await loginRoutes(app, ctx);
  await staffRoutes(app, ctx);
  await portalRoutes(app, ctx);
  await publicNoticeRoutes(app, ctx);
  await publicationWebRoutes(app, ctx);
  await repeatInfringerRoutes(app, ctx);
  await misuseRoutes(app, ctx);
  await legalWebRoutes(app, ctx);
  await networkReportRoutes(app, ctx);
  await complaintRoutes(app, ctx);
  await apiReferenceRoutes(app, ctx);
  await transparencyWebRoutes(app, ctx);

  app.get('/assets/:name', { schema: { params: pageParams('name') } }, async (req, reply) => {
    const a = ASSETS[req.params.name];
    if (!a) return reply.code(404).type('text/plain').send('not found');
    return reply.type(a.type).header('Cache-Control', 'public, max-age=3600').send(a.body);
  });

  app.get('/', async (req, reply) => reply.redirect(req.user ? homeFor(req.user) : '/report', 303));

  const renderForm = (reply: FastifyReply, status: number, kind: ReportKind, regime: LegalRegime, values: ReportValues, errors: FormErrors) =>
    html(
      reply,
      status,
      <ReportFormPage
        provider={ctx.config.providerName}
        kind={kind}
        regime={regime}
        values={values}
        errors={errors}
        csrfToken={reply.generateCsrf()}
        maxUrls={ctx.config.maxUrlsPerNotice}
        submissionId={one(values.submission_id) || randomUUID()}
      />,
    );
  const renderChooser = (reply: FastifyReply, status: number, kind: ReportKind | null, error: ReportChooserProps['error']) =>
    html(reply, status, <ReportChooserPage provider={ctx.config.providerName} kind={kind} error={error} />);

  /** The kind and regime a URL or a form names: both, the kind alone (its regime still to choose), or what is wrong with them. */
  const choice = (kindRaw: string | undefined, regimeRaw: string | undefined) => {
    if (!kindRaw) return { step: 'kind' as const };
    if (!isReportKind(kindRaw)) return { step: 'kind' as const, error: { field: 'kind' as const, message: 'Choose one of the kinds of report listed' } };
    const rules = KIND_RULES[kindRaw];
    // A kind with one regime has nothing to choose.
    const regime = regimeRaw || (rules.regimes.length === 1 ? rules.regimes[0] : undefined);
    if (!regime) return { step: 'regime' as const, kind: kindRaw };
    if (!(rules.regimes as readonly string[]).includes(regime)) {
      const message = `A ${rules.label.toLowerCase()} report can be made under ${rules.regimes.map((r) => REGIME_LABELS[r]).join(' or ')}`;
      return { step: 'regime' as const, kind: kindRaw, error: { field: 'regime' as const, message } };
    }
    return { step: 'form' as const, kind: kindRaw, regime: regime as LegalRegime };
  };

  // Step 1 (what is wrong, then under which law) and step 2 (the fields of that kind and law) are
  // one URL, so that every step can be bookmarked: /report, /report?kind=…, /report?kind=…&regime=….
  app.get('/report', { schema: { querystring: pageQuery('kind', 'regime') } }, async (req, reply) => {
    const c = choice(req.query.kind, req.query.regime);
    if (c.step === 'form') return renderForm(reply, 200, c.kind, c.regime, {}, {});
    return renderChooser(reply, c.error ? 400 : 200, c.step === 'regime' ? c.kind : null, c.error ?? null);
  });
  app.get('/report/:kind', { schema: { params: pageParams('kind') } }, async (req, reply) =>
    reply.redirect(`/report?kind=${encodeURIComponent(req.params.kind)}`, 303),
  );

  app.post('/report', async (req, reply) => {
    if (!req.isMultipart()) return reply.code(415).type('text/plain').send('the form is sent as multipart/form-data');
    const values: ReportValues = {};
    let upload: UploadedList | null = null;
    const errors: FormErrors = {};
    let cutOff: number | null = null;
    try {
      for await (const part of req.parts()) {
        if (part.type === 'file') {
          const buf = await part.toBuffer().catch((err: unknown) => {
            if (err instanceof app.multipartErrors.RequestFileTooLargeError) return null;
            throw err;
          });
          if (!buf) errors[UPLOAD_FIELD] = [`the file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; split it into several notices`];
          else if (buf.length > 0 && part.filename) {
            if (!/\.(txt|csv)$/i.test(part.filename)) errors[UPLOAD_FIELD] = [`"${part.filename}" is not a .txt or .csv file`];
            else {
              const read = readUploadedList(part.filename, buf.toString('utf8'));
              if (typeof read === 'string') errors[UPLOAD_FIELD] = [read];
              else upload = read;
            }
          }
        } else if (FORM_FIELD_NAMES.has(part.fieldname) || ['submission_id', '_csrf', 'kind', 'regime'].includes(part.fieldname)) {
          // Several checkboxes of one name (the WHOIS data requested) arrive as several parts.
          const v = String(part.value ?? '');
          const prev = values[part.fieldname];
          values[part.fieldname] = prev === undefined ? v : [...many(prev), v];
        }
      }
    } catch (err) {
      cutOff = (err as { statusCode?: number }).statusCode ?? 400;
    }
    // As in the API (parseReport), a form that names no kind is a copyright notice, and one that
    // names no regime is made under the kind's first: forms sent before the first step existed still file.
    const kindSent = one(values.kind) || 'copyright';
    const c = choice(kindSent, one(values.regime) || (isReportKind(kindSent) ? KIND_RULES[kindSent].regimes[0] : undefined));
    if (c.step !== 'form') return renderChooser(reply, 400, c.step === 'regime' ? c.kind : null, c.error ?? { field: 'kind', message: 'Choose what is wrong' });
    const { kind, regime } = c;
    if (cutOff !== null) {
      // The multipart stream's error reaches this request: a form cut off or not multipart
      // inside (or past a limit) is answered with the form and what was read, not a 500.
      const problem = cutOff === 413 ? 'the form is larger than we accept' : 'the form did not arrive whole';
      return renderForm(reply, cutOff === 413 ? 413 : 400, kind, regime, values, { form: [`${problem}; check your entries and send it again`] });
    }
    // CSRF: the token in the form must match the secret in this browser's cookie.
    (req as { body?: unknown }).body = { _csrf: one(values._csrf) };
    const csrfFailed = await new Promise<boolean>((resolve) => app.csrfProtection(req, reply, (err?: Error) => resolve(!!err)));
    if (csrfFailed) {
      return renderForm(reply, 403, kind, regime, values, { form: ['this form expired or was not sent from this site; check your entries and send it again'] });
    }

    const submission_id = isUuid(one(values.submission_id)) ? one(values.submission_id) : randomUUID();
    values.submission_id = submission_id;
    if (errors[UPLOAD_FIELD]) return renderForm(reply, 422, kind, regime, values, errors);
    const result = await fileNotice(ctx.store.db, {
      reporterId: ctx.webReporterId,
      channel: 'web',
      // A double click or a resent form files one notice, not two.
      idempotencyKey: `web:${submission_id}`,
      // The same body the API takes, so the same checks (parseReport) and the same filing.
      body: reportFromForm(kind, regime, values, upload),
      maxUrls: ctx.config.maxUrlsPerNotice,
      receipt: { provider: ctx.config.providerName, statusUrl: ctx.links.url },
      now: ctx.clock(),
    });
    if (!result.ok && result.error === 'forbidden') {
      // A suspended notifier (DSA Art. 23(2)): a page saying why and until when, not the form's errors.
      return html(
        reply,
        403,
        <MessagePage
          provider={ctx.config.providerName}
          title="Your notice was not accepted"
          text={`${result.message} You may complain about this decision (DSA Art. 20) by replying to the suspension e-mail we sent you.`}
          link={['/policy/misuse', 'Our policy on misuse']}
        />,
      );
    }
    if (!result.ok) {
      const form = (status: number, errors: FieldError[]) => {
        const errs = formErrors(kind, regime, errors);
        if (upload) (errs[UPLOAD_FIELD] ??= []).push(`choose the file "${upload.filename}" again: browsers do not keep files after an error`);
        return renderForm(reply, status, kind, regime, values, errs);
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
      const flash = q.complained === '1' ? COMPLAINED_FLASH : null;
      // Independent reads, together: on a busy machine each round trip waits its turn for a CPU.
      const [view, events, complaints] = await Promise.all([
        getNoticeView(ctx.store.db, viewer, id, { after: after ?? undefined, limit: per, state: state === 'bad' ? undefined : state }),
        listNoticeEvents(ctx.store.db, viewer, id, { scope: 'notice', limit: 500 }),
        complaintSection(ctx, id, { party: 'notifier', reporterId: n.reporter_id }, `/status/${key}/complaint`, reply.generateCsrf(), flash),
      ]);
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
