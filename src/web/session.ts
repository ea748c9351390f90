// Who is signed in to the web pages: a session cookie, looked up on every page request, and a
// guard per page that sends strangers to the sign-in page and refuses the wrong role.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../storage/schema.ts';
import type { Principal } from '../services/principals.ts';
import { principalForSession, SESSION_HOURS } from '../services/sessions.ts';
import type { AppContext } from '../http/context.ts';

export const SESSION_COOKIE = 'sh_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The principal signed in to the web pages (the API authenticates by token instead). */
    user: Principal | null;
  }
}

export function sessionCookieOptions(req: FastifyRequest) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: req.protocol === 'https', maxAge: SESSION_HOURS * 3600 };
}

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, cookie: string) {
  reply.setCookie(SESSION_COOKIE, cookie, sessionCookieOptions(req));
}

export function registerSessions(app: FastifyInstance, ctx: AppContext) {
  app.decorateRequest('user', null);
  app.addHook('preHandler', async (req) => {
    const c = req.cookies?.[SESSION_COOKIE];
    if (c && !req.url.startsWith('/assets/') && !req.url.startsWith('/v1/') && !req.url.startsWith('/client/v4/')) {
      req.user = await principalForSession(ctx.store.db, c);
    }
  });
}

/** The page's path and query, as a safe place to return to after signing in. */
export function returnPath(req: FastifyRequest): string {
  return req.url.startsWith('/') && !req.url.startsWith('//') ? req.url : '/';
}

export function safeNext(next: unknown, fallback: string): string {
  return typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && !next.startsWith('/login') ? next : fallback;
}

export function homeFor(p: Principal): string {
  return p.role === 'staff' ? '/staff' : p.role === 'customer' ? '/portal' : '/my';
}

/**
 * Guard for a page: who is not signed in goes to the sign-in page (and comes back); who is
 * signed in with another role gets a 403 page from `forbidden`.
 */
export function pageGuard(roles: readonly Role[], forbidden: (req: FastifyRequest, reply: FastifyReply) => unknown) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.user) return reply.redirect(`/login?next=${encodeURIComponent(returnPath(req))}`, 303);
    if (!roles.includes(req.user.role)) return forbidden(req, reply);
  };
}
