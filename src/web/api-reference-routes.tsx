// GET /api: the API reference, laid out from the OpenAPI document the running routes generate.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/context.ts';
import { apiReference, type ApiReference } from './api-reference.ts';
import { ApiReferencePage } from './pages/api-reference.tsx';
import { html } from './respond.ts';

export async function apiReferenceRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // The document is fixed once the routes are declared: read it at the first request, not per request.
  let reference: ApiReference | null = null;
  app.get('/api', async (req, reply) => {
    reference ??= apiReference(app.swagger());
    return html(
      reply,
      200,
      <ApiReferencePage provider={ctx.config.providerName} reference={reference} user={req.user} csrfToken={req.user ? reply.generateCsrf() : undefined} />,
    );
  });
}
