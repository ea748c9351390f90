// Signing in and out of the web pages.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../http/context.ts';
import { html } from './respond.ts';
import { LoginPage, type LoginPageProps } from './pages/login.tsx';
import { MessagePage } from './pages/message-page.tsx';
import { field } from './form-body.ts';
import { SESSION_COOKIE, homeFor, safeNext, setSessionCookie } from './session.ts';
import { LOGIN_LINK_MINUTES, createLoginLinks, endSession, principalForTypedToken, redeemLoginLink, startSession } from '../services/sessions.ts';
import { loginLinkMessage } from '../domain/review-messages.ts';
import { enqueueMessages } from '../storage/outbox.ts';
import { csrfGuard } from './csrf.tsx';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Sign-in attempts per client address and minute: enough for a person, too few to guess. */
const LOGIN_RATE = { max: 10, timeWindow: 60_000 };

export async function loginRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const provider = ctx.config.providerName;
  const csrf = csrfGuard(app, provider);
  const page = (reply: FastifyReply, status: number, p: Omit<LoginPageProps, 'provider' | 'csrfToken'>) =>
    html(reply, status, <LoginPage provider={provider} csrfToken={reply.generateCsrf()} {...p} />);

  app.get('/login', async (req, reply) => {
    const next = safeNext((req.query as Record<string, unknown>).next, '');
    if (req.user) return reply.redirect(next || homeFor(req.user), 303);
    return page(reply, 200, { next });
  });

  const signIn = async (req: FastifyRequest, reply: FastifyReply, principalId: string, how: 'token' | 'email_link', next: string) => {
    const { cookie } = await startSession(ctx.store.db, principalId, how);
    setSessionCookie(req, reply, cookie);
    return reply.redirect(next, 303);
  };

  app.post('/login/token', { preHandler: csrf, config: { rateLimit: LOGIN_RATE } }, async (req, reply) => {
    const next = safeNext(field(req.body, 'next'), '');
    const token = field(req.body, 'token');
    if (!token.trim()) return page(reply, 422, { next, errors: [{ field: 'token', message: 'Enter your API token' }] });
    const p = await principalForTypedToken(ctx.store.db, token);
    if (!p) return page(reply, 401, { next, errors: [{ field: 'token', message: 'This token is not valid or has been revoked' }] });
    return signIn(req, reply, p.id, 'token', next || homeFor(p));
  });

  app.post('/login/email', { preHandler: csrf, config: { rateLimit: LOGIN_RATE } }, async (req, reply) => {
    const next = safeNext(field(req.body, 'next'), '');
    const email = field(req.body, 'email').trim();
    if (!EMAIL.test(email) || email.length > 320) {
      return page(reply, 422, {
        next,
        email,
        errors: [{ field: 'email', message: email ? 'Enter a valid e-mail address, like name@example.com' : 'Enter your e-mail address' }],
      });
    }
    const grants = await createLoginLinks(ctx.store.db, email);
    if (grants.length) {
      const qs = next ? `?next=${encodeURIComponent(next)}` : '';
      const links = grants.map((g) => ({ label: g.label, url: `${ctx.publicUrl()}/login/link/${g.token}${qs}` }));
      await enqueueMessages(ctx.store.db, null, [loginLinkMessage(provider, email, links, LOGIN_LINK_MINUTES)]);
    }
    // The same answer whether or not the address is known: the page tells no one who is a customer.
    return page(reply, 200, { next, linkSentTo: email });
  });

  app.get('/login/link/:token', { config: { rateLimit: LOGIN_RATE } }, async (req, reply) => {
    const p = await redeemLoginLink(ctx.store.db, (req.params as { token: string }).token);
    if (!p) {
      return html(
        reply,
        410,
        <MessagePage
          provider={provider}
          title="This sign-in link does not work any more"
          text={`Sign-in links work once, for ${LOGIN_LINK_MINUTES} minutes. Ask for a new one.`}
          link={['/login', 'Sign in']}
        />,
      );
    }
    return signIn(req, reply, p.id, 'email_link', safeNext((req.query as Record<string, unknown>).next, homeFor(p)));
  });

  app.post('/logout', { preHandler: csrf }, async (req, reply) => {
    const c = req.cookies[SESSION_COOKIE];
    if (c) await endSession(ctx.store.db, c);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });
}
