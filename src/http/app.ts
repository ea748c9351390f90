// The Fastify application: authentication on every request, rate limits per caller, the
// native API under /v1, the Cloudflare-compatible API under /client/v4, and the OpenAPI document.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { z } from 'zod';
import { authenticate } from './auth.ts';
import { tokenAuthenticator } from '../services/token-auth.ts';
import { noticeViewCache } from '../services/notice-view-cache.ts';
import type { AppContext } from './context.ts';
import { noticeRoutes } from './routes/notices.ts';
import { adminRoutes } from './routes/admin.ts';
import { cloudflareRoutes } from './routes/cloudflare.ts';
import { reviewRoutes } from './routes/review.ts';
import { statementRoutes } from './routes/statements.ts';
import { exportRoutes } from './routes/exports.ts';
import { hotlineRoutes } from './routes/hotline.ts';
import { edgeRoutes } from './routes/edge.ts';
import { trustedRoutes } from './routes/trusted.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { trustedFlaggerRoutes } from './routes/trusted-flaggers.ts';
import { legalRoutes } from '../legal/http/routes.ts';
import { takedownRoutes } from './routes/takedown.ts';
import { accountRoutes } from './routes/accounts.ts';
import { misuseRoutes } from './routes/misuse.ts';
import { complaintRoutes } from './routes/complaints.ts';
import { publicationRoutes } from '../publication/http/routes.ts';
import { registerOpenApi, undeclared } from './openapi.ts';
import { RequestValidationError, validatorCompiler } from './schemas.ts';
import { validationFailure } from './reply.ts';
import { webRoutes } from '../web/routes.tsx';
import { transparencyRoutes } from '../transparency/http/routes.ts';

/**
 * A request path as the log shows it: the secret part of a sign-in link (/login/link/<token>) and
 * of a private status link (/status/<key>) withheld. Whoever reads the server's log is not sent
 * those links, so the log does not hand them out either.
 */
export function loggedPath(url: string): string {
  return url.replace(/^\/login\/link\/[^?#]*/, '/login/link/[withheld]').replace(/^\/status\/[^/?#]+/, '/status/[withheld]');
}

/** The request log: Fastify's own fields, with private links withheld from the URL. */
function requestLogger(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const base = logger === true ? {} : (logger as Record<string, unknown>);
  return {
    ...base,
    serializers: {
      ...((base.serializers as Record<string, unknown>) ?? {}),
      req: (req: { method: string; url: string; host?: string; ip?: string; socket?: { remotePort?: number } }) => ({
        method: req.method,
        url: loggedPath(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  } as FastifyServerOptions['logger'];
}

export async function buildApp(ctx: AppContext, opts: { logger?: FastifyServerOptions['logger'] } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: requestLogger(opts.logger),
    bodyLimit: 1024 * 1024,
    // Behind a load balancer every peer is the balancer: only the proxies named here are
    // believed about the caller's address (X-Forwarded-For), which the per-address limit uses.
    trustProxy: ctx.config.trustedProxies.length ? ctx.config.trustedProxies : false,
  });
  app.decorateRequest('principal', null);
  app.decorateRequest('tokenHash', null);
  // Routes declare zod schemas: Fastify validates requests with them; answers are plain JSON
  // (the response schemas document what the services return, they do not filter it).
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await registerOpenApi(app, ctx.config);
  app.addHook('onRoute', (route) => {
    const why = undeclared(route);
    if (why) throw new Error(`${[route.method].flat().join(',')} ${route.url}: the route's schema is incomplete (${why})`);
  });
  const tokens = await tokenAuthenticator(ctx.store, { maxAgeMs: ctx.config.authCacheMs });
  app.addHook('onClose', () => tokens.close());
  app.addHook('onRequest', authenticate(tokens));
  const views = await noticeViewCache(ctx.store, { maxAgeMs: ctx.config.noticeViewCacheMs });
  app.addHook('onClose', () => views.close());
  // Before the answer leaves: whoever wrote then reads sees their write, without waiting for the
  // notification of the commit (services/notice-view-cache.ts). A safe method changes nothing, and
  // a refused write (401, 422, 429…) left the caller nothing to see: whatever it logged all the
  // same is announced like any change.
  app.addHook('onSend', (req, reply, _payload, done) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS' && reply.statusCode < 400) views.changedHere();
    done();
  });

  await app.register(rateLimit, {
    // authenticate (an app-level onRequest hook) has run: trusted reporters' tokens get more.
    max: (req) => (req.principal?.trusted ? ctx.config.trustedRateLimitPerMinute : ctx.config.rateLimitPerMinute),
    timeWindow: 60_000,
    // Only a token that authenticated has a bucket of its own: a made-up or revoked one counts
    // against its address, else every guess at a token would start with a full allowance.
    keyGenerator: (req) => (req.tokenHash ? `t:${req.tokenHash.slice(0, 32)}` : `ip:${req.ip}`),
    allowList: (req) => req.url === '/healthz',
    errorResponseBuilder: (_req, ctxRl) => ({
      statusCode: 429,
      errors: [{ field: 'Authorization', message: `rate limit of ${ctxRl.max} requests per minute exceeded; retry in ${Math.ceil(ctxRl.ttl / 1000)} s` }],
    }),
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof RequestValidationError) return validationFailure(req, reply, err);
    const status = err.statusCode ?? 500;
    if (status >= 500) req.log.error({ err }, 'request failed');
    const message =
      err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? `the request body is larger than the ${Math.round(ctx.bodyLimit / 1024 / 1024)} MB this endpoint accepts`
        : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'send the request body as application/json'
          : status === 400 && /JSON/i.test(err.message)
            ? `the request body is not valid JSON: ${err.message}`
            : status >= 500
              ? 'internal error; the request was not completed'
              : err.message;
    if (req.url.startsWith('/client/v4/')) {
      return reply.code(status).send({ success: false, errors: [{ code: status, message }], messages: [], result: null });
    }
    if (status === 429) return reply.code(429).send(err);
    return reply.code(status).send({ errors: [{ field: '(body)', message }] });
  });

  app.get(
    '/healthz',
    { schema: { security: [], summary: 'Liveness: 200 when the server accepts work', response: { 200: z.object({ ok: z.literal(true) }).describe('ready') } } },
    async () => ({ ok: true }),
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await noticeRoutes(app, ctx, views);
  await reviewRoutes(app, ctx);
  await hotlineRoutes(app, ctx);
  await statementRoutes(app, ctx);
  await exportRoutes(app, ctx);
  await edgeRoutes(app, ctx);
  await trustedRoutes(app, ctx);
  await webhookRoutes(app, ctx);
  await trustedFlaggerRoutes(app, ctx);
  await legalRoutes(app, ctx);
  await takedownRoutes(app, ctx);
  await accountRoutes(app, ctx);
  await misuseRoutes(app, ctx);
  await complaintRoutes(app, ctx);
  await transparencyRoutes(app, ctx);
  await publicationRoutes(app, ctx);
  await adminRoutes(app, ctx);
  await cloudflareRoutes(app, ctx);
  await webRoutes(app, ctx);

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/client/v4/')) {
      return reply.code(404).send({ success: false, errors: [{ code: 7003, message: 'No route for that URI' }], messages: [], result: null });
    }
    return reply.code(404).send({ errors: [{ field: '(path)', message: `no route ${req.method} ${req.url.split('?')[0]}` }] });
  });
  return app;
}
