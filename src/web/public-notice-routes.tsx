// GET /notices/{id}/public: the public page of a notice. A published notice (src/publication)
// shows its redacted record; otherwise only a notice whose content was blocked at the edge has
// one (the target of the Link header on 451 answers): content blocked now, or disabled by a staff
// decision before (so a link cached at an edge keeps working after a restore), with the sender's
// company and the work as redacted for publication. Everything else is 404, as is any id that is
// not a UUID.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { pageUuid, type ZodRequests } from '../http/schemas.ts';
import type { AppContext } from '../http/context.ts';
import type { DmcaSubmission } from '../domain/notice.ts';
import { html } from './respond.ts';
import { sendMessage } from './pages/message-page.tsx';
import { PublicNoticePage } from './pages/public-notice.tsx';
import { PublishedNoticePage } from '../publication/web/pages.tsx';
import { publishedRecord } from '../publication/services/publications.ts';
import { NO_CONTEXT, redactText } from '../publication/domain/redact-text.ts';

export async function publicNoticeRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  app.get('/notices/:id/public', { schema: { params: z.object({ id: pageUuid }) } }, async (req, reply) => {
    const { id } = req.params;
    const notFound = () =>
      sendMessage(reply, 404, {
        provider: ctx.config.providerName,
        title: 'No such public notice',
        text: 'There is no public notice with this number: nothing was blocked because of it.',
        link: ['/report', 'Report abuse'],
      });
    if (!id) return notFound();
    const r = await sql<{ kind: string; created_at: Date; submission: DmcaSubmission; blocked: number; ever_disabled: boolean }>`
      SELECT n.kind, n.created_at, n.submission,
             (SELECT count(*)::int FROM notice_items i WHERE i.notice_id = n.id AND edge_blocks_item_state(i.state)) AS blocked,
             EXISTS (SELECT 1 FROM events e WHERE e.notice_id = n.id AND e.type = 'notice.reviewed' AND e.data->>'to' = 'content_disabled') AS ever_disabled
        FROM notices n WHERE n.id = ${id}::uuid`.execute(ctx.store.db);
    const n = r.rows[0];
    const published = n ? await publishedRecord(ctx.store.db, id) : null;
    if (n && published) {
      return html(
        reply,
        200,
        <PublishedNoticePage provider={ctx.config.providerName} record={published.record} publishedAt={published.published_at} blockedUrls={n.blocked} />,
      );
    }
    if (!n || (n.blocked === 0 && !n.ever_disabled)) return notFound();
    const s = (typeof n.submission === 'string' ? JSON.parse(n.submission) : n.submission) as DmcaSubmission;
    return html(
      reply,
      200,
      <PublicNoticePage
        provider={ctx.config.providerName}
        notice={{
          id,
          kind: n.kind,
          createdAt: new Date(n.created_at),
          sender: s.claimant?.company?.trim() || null,
          // The work's description is the sender's free text: what a published record would show of it.
          work: redactText(s.work?.description ?? '', { ...NO_CONTEXT, known: s.claimant?.name ? [{ text: s.claimant.name, category: 'name' }] : [] }).text,
          blockedUrls: n.blocked,
        }}
      />,
    );
  });
}
