// Staff administration over HTTP: principals and their tokens, bulk imports of the provider's
// world, the outbox. The CLI uses these when a server already holds the embedded store.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { createPrincipal } from '../../services/principals.ts';
import { importZones } from '../../services/zone-import.ts';
import { importNetworks } from '../../services/network-import.ts';
import { importNetblocks, listNetworkReports } from '../../services/netblocks.ts';
import { listOutbox } from '../../services/outbox-view.ts';
import { CsvFileError } from '../../domain/csv-file.ts';
import { invalidField } from '../../services/result.ts';
import { sendFailure } from '../reply.ts';
import { cloudflareAccountId } from './cloudflare.ts';
import { csvStream, described, errors, type ZodRequests } from '../schemas.ts';

export const NewPrincipalSchema = z
  .object({
    role: z.enum(['reporter', 'staff'], { error: 'role must be "reporter" or "staff"' }).default('reporter'),
    email: z.string({ error: 'email is required' }).trim().pipe(z.email('email must be a valid e-mail address')),
    name: z.string().trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters').optional(),
  })
  .meta({ id: 'NewPrincipal' });

const csv = { consumes: ['text/csv'] };
const Principal = z.object({ id: z.string(), account_id: z.string(), role: z.string(), email: z.string(), name: z.string().nullable() });

const OutboxQuery = z.object({
  status: z.enum(['pending', 'sent', 'failed'], { error: 'status must be pending, sent or failed' }).optional(),
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(10_000, 'limit must be at most 10000')
    .optional(),
});

const NetworkReportsQuery = z.object({
  state: z.enum(['forwarded', 'not_on_network', 'kept_for_staff'], { error: 'state must be forwarded, not_on_network or kept_for_staff' }).optional(),
  account_id: z.string().trim().min(1, 'account_id must not be empty').max(200, 'account_id must be at most 200 characters').optional(),
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(1000, 'limit must be at most 1000')
    .default(100),
});

export async function adminRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  // CSV bodies reach the import handlers as streams: a million-zone file is never held whole.
  app.addContentTypeParser(['text/csv', 'text/plain'], (_req, payload, done) => done(null, payload));

  app.post(
    '/v1/principals',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: 'Create a reporter (or staff member) and its API token (staff only)',
        body: z.preprocess((v) => v ?? {}, NewPrincipalSchema),
        response: {
          201: Principal.extend({ token: z.string() }).describe('Created; the token is shown only now'),
          403: errors('Not staff'),
          422: errors('Invalid'),
        },
      },
    },
    async (req, reply) => {
      const { principal, token } = await createPrincipal(ctx.store.db, {
        role: req.body.role,
        email: req.body.email,
        name: req.body.name ?? null,
        actor: `principal:${req.principal!.id}`,
      });
      return reply
        .code(201)
        .send({ id: principal.id, account_id: cloudflareAccountId(principal.id), role: principal.role, email: principal.email, name: principal.name, token });
    },
  );

  app.get(
    '/v1/me',
    {
      preValidation: requireRole('staff', 'reporter', 'customer'),
      schema: { summary: 'Who this token belongs to', response: { 200: Principal.describe('The principal'), 401: errors('No or bad token') } },
    },
    async (req) => {
      const p = req.principal!;
      return { id: p.id, account_id: cloudflareAccountId(p.id), role: p.role, email: p.email, name: p.name };
    },
  );

  app.post(
    '/v1/zones/import',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: 'Load or refresh zones (staff only): text/csv with account_id,account_name,account_email,zone,mode,origin',
        ...csv,
        body: csvStream('account_id,account_name,account_email,zone,mode,origin'),
        response: {
          200: described('Counts, and the rejected lines with their line numbers'),
          403: errors('Not staff'),
          415: errors('Not text/csv'),
          422: errors('The file cannot be read (no header, binary, an open quote, a line over 64 KB): field `line N` says where; nothing was loaded'),
        },
      },
    },
    async (req, reply) => {
      if (!req.headers['content-type']?.startsWith('text/csv')) {
        return reply.code(415).send({ errors: [{ field: 'Content-Type', message: 'send the zones file as text/csv' }] });
      }
      return answerImport(req, reply, () => importZones(ctx.store, req.body as Readable, { actor: `principal:${req.principal!.id}` }));
    },
  );

  app.post(
    '/v1/networks/import',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: 'Load hosting-provider overrides (staff only): text/csv with cidr,asn,name,abuse_email',
        ...csv,
        body: csvStream('cidr,asn,name,abuse_email'),
        response: {
          200: described('Counts and rejected lines'),
          403: errors('Not staff'),
          413: errors('Larger than 64 MB'),
          415: errors('Not text/csv'),
          422: errors('The file cannot be read: field `line N` says where; nothing was loaded'),
        },
      },
    },
    async (req, reply) => {
      if (!req.headers['content-type']?.startsWith('text/csv')) {
        return reply.code(415).send({ errors: [{ field: 'Content-Type', message: 'send the networks file as text/csv' }] });
      }
      const csv = await smallCsvBody(req);
      if (csv === null) return reply.code(413).send({ errors: [{ field: '(body)', message: 'a networks file may be at most 64 MB' }] });
      return answerImport(req, reply, () => importNetworks(ctx.store.db, csv, `principal:${req.principal!.id}`));
    },
  );

  app.post(
    '/v1/netblocks/import',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary:
          'Load address-block assignments with history (staff only): text/csv with cidr,account_id,assigned_from,assigned_to (empty assigned_to = still assigned)',
        ...csv,
        body: csvStream('cidr,account_id,assigned_from,assigned_to'),
        response: {
          200: described('Counts (added, changed, unchanged) and the rejected lines with their line numbers'),
          403: errors('Not staff'),
          413: errors('Larger than 64 MB'),
          415: errors('Not text/csv'),
          422: errors('The file cannot be read: field `line N` says where; nothing was loaded'),
        },
      },
    },
    async (req, reply) => {
      if (!req.headers['content-type']?.startsWith('text/csv')) {
        return reply.code(415).send({ errors: [{ field: 'Content-Type', message: 'send the netblocks file as text/csv' }] });
      }
      const csv = await smallCsvBody(req);
      if (csv === null) return reply.code(413).send({ errors: [{ field: '(body)', message: 'a netblocks file may be at most 64 MB' }] });
      return answerImport(req, reply, () => importNetblocks(ctx.store.db, csv, `principal:${req.principal!.id}`));
    },
  );

  // Reports that named an IP address and time (ACNS, X-ARF/XARF): routed, not on the network, or kept for staff.
  app.get(
    '/v1/network-reports',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: 'Reports read from mail that name an IP address, port and time instead of URLs (ACNS, X-ARF/XARF), newest first (staff only)',
        querystring: NetworkReportsQuery,
        response: {
          200: z
            .object({ network_reports: z.array(z.looseObject({})) })
            .describe('{network_reports: [{id, format, category, ip, port, observed_at, protocol, works, state, reason, account_id, …}]}'),
          403: errors('Not staff'),
          422: errors('Bad filters'),
        },
      },
    },
    async (req) => {
      const q = req.query;
      return { network_reports: await listNetworkReports(ctx.store.db, { state: q.state, accountId: q.account_id, limit: q.limit }) };
    },
  );

  app.get(
    '/v1/outbox',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary:
          'Outgoing messages, newest first (staff only): recipient, subject, state and errors, never a body (sign-in and status links are for their recipient only)',
        querystring: OutboxQuery,
        response: { 200: z.object({ messages: z.array(z.looseObject({})) }).describe('Messages'), 403: errors('Not staff'), 422: errors('Bad filters') },
      },
    },
    async (req) => ({ messages: await listOutbox(ctx.store.db, req.query) }),
  );
}

const SMALL_CSV_MAX_BYTES = 64 * 1024 * 1024;

/**
 * A networks or netblocks file, read whole (they are small), or null past 64 MB. A broken upload
 * rejects, and Fastify answers it. Past the limit the rest is dropped unread (see dropRest).
 */
async function smallCsvBody(req: FastifyRequest): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of (req.body as Readable).iterator({ destroyOnReturn: false })) {
    size += (c as Buffer).length;
    if (size > SMALL_CSV_MAX_BYTES) return dropRest(req);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads and drops what is left of a body the answer does not need. Destroying the request would
 * reset the connection before the answer is sent, and leaving it unread would stall the next
 * request on a kept-alive connection (Node drains by itself only a body nobody began to read).
 */
function dropRest(req: FastifyRequest): null {
  (req.body as Readable).resume();
  return null;
}

/**
 * An import's counts, or a file that cannot be read as 422 with the line where reading stopped
 * (the import loaded nothing of it). The field is `line N`, so a client can point at the line.
 */
async function answerImport<T>(req: FastifyRequest, reply: FastifyReply, run: () => Promise<T>) {
  try {
    return await run();
  } catch (err) {
    dropRest(req);
    if (err instanceof CsvFileError) return sendFailure(reply, invalidField(`line ${err.line}`, err.message));
    throw err;
  }
}
