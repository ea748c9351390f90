// Who may see a page: signed-in users of the right role. Every console and portal page uses these,
// so "not for your account" reads the same everywhere.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MessagePage } from './pages/message-page.tsx';
import { html } from './respond.ts';
import { pageGuard } from './session.ts';
import type { Role } from '../storage/schema.ts';

/** The 403 page for someone signed in with another role. */
export const forbiddenPage = (provider: string, text: string) => (req: FastifyRequest, reply: FastifyReply) =>
  html(reply, 403, <MessagePage provider={provider} user={req.user} csrfToken={reply.generateCsrf()} title="Not for your account" text={text} />);

/** A preHandler: signed-in users with one of `roles`; the others get `text` on the 403 page. */
export const rolePages = (provider: string, roles: readonly Role[], text: string) => pageGuard(roles, forbiddenPage(provider, text));

/** A preHandler for the provider's staff console. */
export const staffPages = (provider: string) => rolePages(provider, ['staff'], "This page is for the provider's staff.");
