// CSRF protection for every form post of the web pages, answered with a page (not JSON) when
// the token is missing or stale.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html } from './respond.ts';
import { MessagePage } from './pages/message-page.tsx';

export function csrfGuard(app: FastifyInstance, provider: string) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const failed = await new Promise<boolean>((resolve) => app.csrfProtection(req, reply, (err?: Error) => resolve(!!err)));
    if (failed) {
      return html(
        reply,
        403,
        <MessagePage
          provider={provider}
          title="This form has expired"
          text="The form was not sent from this site, or it was open for too long. Go back, reload the page and send it again."
        />,
      );
    }
  };
}
