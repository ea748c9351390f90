// Webhooks for trusted reporters: origin.changed when a zone in one of their open cases moves.
// Origin changes are read from the event log (zone import writes zone.origin_changed) behind a
// cursor, turned into deliveries in a durable table, and sent with retries and backoff; every
// attempt is recorded. Before each attempt the reporter's trust is asked again, so a revoked
// reporter gets nothing more, and the target's addresses are checked (no private networks) and
// pinned: the connection goes to the addresses that were checked, never to a second lookup's.
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { sql, type Kysely } from 'kysely';
import type { Database, OriginKind } from '../storage/schema.ts';
import { appendEvents } from '../storage/events.ts';
import type { Principal } from './principals.ts';
import { requesterFor } from './trusted-reporters.ts';
import { logDisclosures, queueDueCustomerNotices, type DisclosureDeps } from './origin-disclosure.ts';
import { PollingLoop } from './polling-loop.ts';
import { decideOriginDisclosure, mayReceiveOrigins } from '../domain/origin-disclosure-policy.ts';
import { webhookBackoffSeconds, webhookSignature, webhookTargetAddresses, webhookUrlProblem, WEBHOOK_MAX_ATTEMPTS } from '../domain/trusted-reporter.ts';
import { forbidden, invalidField, ok, type Result } from './result.ts';

export const WEBHOOK_EVENTS = ['origin.changed'] as const;
/** Items of a case still being pursued: origin changes matter for these. */
const OPEN_ITEM_STATES = ['forwarded', 'pending_review', 'content_disabled'];
const CURSOR = 'webhooks.origin_changed';

export interface WebhookDeps extends DisclosureDeps {
  allowLoopback: boolean;
  /** Addresses of a host name (tests may replace DNS). */
  resolve?: (host: string) => Promise<string[]>;
  log?: (msg: string, err?: unknown) => void;
}

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  created_at: string;
}

/** A refusal is `forbidden` with the policy's DenyReason and field `origin`. */
export type RegisterResult = Result<WebhookView & { secret: string }>;

export async function registerWebhook(deps: WebhookDeps, principal: Principal, url: unknown): Promise<RegisterResult> {
  const now = deps.now();
  const requester = await requesterFor(deps.db, principal, principal.scopes ?? []);
  const may = mayReceiveOrigins(requester, deps.policy, now);
  if (!may.allow) return forbidden(may.reason, may.message, 'origin');
  if (typeof url !== 'string' || !url.trim()) return invalidField('url', 'url is required: the https:// address to deliver to');
  const problem = webhookUrlProblem(url.trim(), deps.allowLoopback);
  if (problem) return invalidField('url', problem);
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  return deps.db.transaction().execute(async (trx) => {
    const w = await trx
      .insertInto('webhooks')
      .values({ principal_id: principal.id, url: url.trim(), secret, events: [...WEBHOOK_EVENTS], deleted_at: null, created_at: now })
      .returning(['id', 'url', 'events', 'created_at'])
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      {
        actor: `principal:${principal.id}`,
        type: 'webhook.created',
        subjectType: 'webhook',
        subjectId: w.id,
        after: { url: w.url, events: w.events },
        at: now,
      },
    ]);
    return ok({ id: w.id, url: w.url, events: w.events, created_at: new Date(w.created_at).toISOString(), secret }, true);
  });
}

export async function listWebhooks(db: Kysely<Database>, principalId: string): Promise<WebhookView[]> {
  const rows = await db
    .selectFrom('webhooks')
    .select(['id', 'url', 'events', 'created_at'])
    .where('principal_id', '=', principalId)
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .execute();
  return rows.map((w) => ({ id: w.id, url: w.url, events: w.events, created_at: new Date(w.created_at).toISOString() }));
}

/** Delete one's own webhook; pending deliveries are cancelled. False: no such webhook of theirs. */
export async function deleteWebhook(db: Kysely<Database>, principalId: string, id: string, now: Date): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  return db.transaction().execute(async (trx) => {
    const w = await trx
      .updateTable('webhooks')
      .set({ deleted_at: now })
      .where('id', '=', id)
      .where('principal_id', '=', principalId)
      .where('deleted_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!w) return false;
    await trx
      .updateTable('webhook_deliveries')
      .set({ status: 'cancelled', last_error: 'webhook deleted' })
      .where('webhook_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
    await appendEvents(trx, [
      {
        actor: `principal:${principalId}`,
        type: 'webhook.deleted',
        subjectType: 'webhook',
        subjectId: id,
        before: { deleted: false },
        after: { deleted: true },
        at: now,
      },
    ]);
    return true;
  });
}

export interface DeliveryView {
  id: number;
  event_type: string;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
  attempt_log: { at: string; status_code: number | null; error: string | null; duration_ms: number }[];
}

/** A webhook's deliveries with every attempt; null when the webhook is not the principal's. */
export async function listDeliveries(db: Kysely<Database>, principal: Principal, webhookId: string): Promise<DeliveryView[] | null> {
  if (!/^[0-9a-f-]{36}$/i.test(webhookId)) return null;
  const w = await db.selectFrom('webhooks').select(['principal_id']).where('id', '=', webhookId).executeTakeFirst();
  if (!w || (principal.role !== 'staff' && w.principal_id !== principal.id)) return null;
  const ds = await db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).orderBy('id', 'desc').limit(200).execute();
  const attempts = ds.length
    ? await db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where(
          'delivery_id',
          'in',
          ds.map((d) => d.id),
        )
        .orderBy('id')
        .execute()
    : [];
  return ds.map((d) => ({
    id: Number(d.id),
    event_type: d.event_type,
    status: d.status,
    attempts: d.attempts,
    last_error: d.last_error,
    created_at: new Date(d.created_at).toISOString(),
    delivered_at: d.delivered_at ? new Date(d.delivered_at).toISOString() : null,
    attempt_log: attempts
      .filter((a) => Number(a.delivery_id) === Number(d.id))
      .map((a) => ({ at: new Date(a.attempted_at).toISOString(), status_code: a.status_code, error: a.error, duration_ms: a.duration_ms })),
  }));
}

interface OriginChangedPayload {
  type: 'origin.changed';
  id: string;
  zone: string;
  changed_at: string;
  origin: { origin: string; origin_kind: OriginKind };
  notices: { notice_id: string; positions: number[] }[];
}

/** New origin changes in the event log → one pending delivery per webhook of a reporter with an open case on the zone. */
export async function queueOriginChanges(deps: WebhookDeps): Promise<number> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    await sql`INSERT INTO event_cursors (name, last_event_id) VALUES (${CURSOR}, 0) ON CONFLICT (name) DO NOTHING`.execute(trx);
    const cursor = Number(
      (await sql<{ last_event_id: number }>`SELECT last_event_id FROM event_cursors WHERE name = ${CURSOR} FOR UPDATE`.execute(trx)).rows[0]!.last_event_id,
    );
    const events = (
      await sql<{ id: number; at: Date; subject_id: string; after: { origin?: string; mode?: string } | null }>`
        SELECT id, at, subject_id, after FROM events WHERE type = 'zone.origin_changed' AND id > ${cursor} ORDER BY id LIMIT 200`.execute(trx)
    ).rows;
    if (!events.length) return 0;
    let queued = 0;
    for (const e of events) {
      const origin = e.after?.origin;
      if (!origin || e.after?.mode !== 'proxied') continue;
      const cases = (
        await sql<{ webhook_id: string; principal_id: string; notice_id: string; position: number; zone_id: number }>`
          SELECT w.id AS webhook_id, w.principal_id, n.id AS notice_id, i.position, i.zone_id
          FROM zones z
          JOIN notice_items i ON i.zone_id = z.id AND i.state = ANY(${OPEN_ITEM_STATES}::text[])
          JOIN notices n ON n.id = i.notice_id
          JOIN webhooks w ON w.principal_id = n.reporter_id AND w.deleted_at IS NULL
          WHERE z.name = ${e.subject_id}
          ORDER BY w.id, n.created_at, i.position`.execute(trx)
      ).rows;
      const byWebhook = new Map<string, { zoneId: number; notices: Map<string, number[]> }>();
      for (const c of cases) {
        const w = byWebhook.get(c.webhook_id) ?? { zoneId: c.zone_id, notices: new Map() };
        w.notices.set(c.notice_id, [...(w.notices.get(c.notice_id) ?? []), c.position]);
        byWebhook.set(c.webhook_id, w);
      }
      for (const [webhookId, w] of byWebhook) {
        const payload: OriginChangedPayload = {
          type: 'origin.changed',
          id: `evt_${e.id}_${webhookId.slice(0, 8)}`,
          zone: e.subject_id,
          changed_at: new Date(e.at).toISOString(),
          origin: { origin, origin_kind: ipaddr.isValid(origin) ? 'ip' : 'hostname' },
          notices: [...w.notices].map(([notice_id, positions]) => ({ notice_id, positions })),
        };
        const r = await trx
          .insertInto('webhook_deliveries')
          .values({
            webhook_id: webhookId,
            dedupe_key: `origin.changed:${e.id}:${webhookId}`,
            event_type: 'origin.changed',
            payload: JSON.stringify(payload),
            zone_id: w.zoneId,
            next_attempt_at: now,
          })
          .onConflict((oc) => oc.column('dedupe_key').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (r) {
          queued++;
          await appendEvents(trx, [
            {
              actor: 'system',
              type: 'webhook.delivery_queued',
              subjectType: 'webhook',
              subjectId: webhookId,
              after: { status: 'pending' },
              data: { delivery_id: r.id, event_type: 'origin.changed', zone: e.subject_id },
              at: now,
            },
          ]);
        }
      }
    }
    await sql`UPDATE event_cursors SET last_event_id = ${events[events.length - 1]!.id} WHERE name = ${CURSOR}`.execute(trx);
    return queued + 1; // read some events: there may be more
  });
}

async function defaultResolve(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map((a) => a.address);
}

export const WEBHOOK_TIMEOUT_MS = 10_000;

export interface WebhookTarget {
  allowLoopback: boolean;
  /** Addresses of a host name; system DNS by default (tests may replace it). */
  resolve?: (host: string) => Promise<string[]>;
  /** The whole attempt, from resolving to the answer's status line. */
  timeoutMs?: number;
  /** Extra certificate authority to trust (tests only); the system's are always trusted. */
  ca?: string | Buffer;
}

/**
 * One POST to a webhook: the host is resolved once, every answer checked
 * (webhookTargetAddresses), and the connection goes only to those checked addresses — the
 * socket's own lookup is answered from them, so a DNS server that answers differently the second
 * time (rebinding) is never asked again. TLS still checks the certificate and SNI against the host
 * name, the Host header is the URL's. Redirects are not followed (a 3xx is a failure: it could
 * point anywhere, including inside). No connection is reused.
 */
export async function postWebhook(
  target: WebhookTarget,
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ statusCode: number | null; error: string | null }> {
  const problem = webhookUrlProblem(url, target.allowLoopback);
  if (problem) return { statusCode: null, error: problem };
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const timeoutMs = target.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  const timedOut = () => ({ statusCode: null, error: `no answer within ${timeoutMs / 1000} s` });
  let resolved: string[] = [];
  if (!ipaddr.isValid(host)) {
    const answer = await Promise.race([
      (target.resolve ?? defaultResolve)(host).catch(() => [] as string[]),
      new Promise<'timeout'>((r) => signal.addEventListener('abort', () => r('timeout'), { once: true })),
    ]);
    if (answer === 'timeout') return timedOut();
    resolved = answer;
  }
  const checked = webhookTargetAddresses(host, resolved, target.allowLoopback);
  if (!checked.ok) return { statusCode: null, error: checked.problem };
  const pinned = checked.addresses;
  // The socket asks this instead of DNS: only the checked addresses, only for this host.
  const pinnedLookup = (name: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    const err = name.replace(/^\[|\]$/g, '') === host ? null : Object.assign(new Error(`unexpected lookup of ${name}`), { code: 'ENOTFOUND' });
    if (err) return void cb(err);
    if (opts?.all) cb(null, pinned);
    else cb(null, pinned[0]!.address, pinned[0]!.family);
  };
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: { statusCode: number | null; error: string | null }) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const req = send(
      {
        protocol: u.protocol,
        host,
        port: u.port || undefined,
        path: `${u.pathname}${u.search}`,
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinnedLookup as unknown as LookupFunction,
        agent: false,
        signal,
        ...(u.protocol === 'https:' && target.ca ? { ca: target.ca } : {}),
      },
      (res) => {
        const status = res.statusCode ?? null;
        res.destroy();
        done({ statusCode: status, error: status !== null && status >= 200 && status <= 299 ? null : `HTTP ${status}` });
      },
    );
    req.on('error', (err: Error & { name?: string }) => {
      if (signal.aborted) return done(timedOut());
      done({ statusCode: null, error: String(err.message ?? err).slice(0, 300) });
    });
    req.end(body);
  });
}

/** Send what is due. Returns how many attempts were made. */
export async function deliverDue(deps: WebhookDeps): Promise<number> {
  const now = deps.now();
  const claimed = (
    await sql<{ id: number; webhook_id: string; payload: OriginChangedPayload; attempts: number; zone_id: number | null }>`
      UPDATE webhook_deliveries d SET attempts = attempts + 1, next_attempt_at = ${new Date(now.getTime() + 5 * 60_000)}
      FROM (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ${now} ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED) c
      WHERE d.id = c.id
      RETURNING d.id, d.webhook_id, d.payload, d.attempts, d.zone_id`.execute(deps.db)
  ).rows;
  for (const d of claimed) {
    const w = await deps.db
      .selectFrom('webhooks')
      .select(['url', 'secret', 'principal_id', 'deleted_at'])
      .where('id', '=', d.webhook_id)
      .executeTakeFirstOrThrow();
    // Asked again right before sending: a revocation since the change was queued stops it.
    const requester = await requesterFor(deps.db, { id: w.principal_id, role: 'reporter' }, 'grant');
    const may = w.deleted_at
      ? { allow: false as const, reason: 'webhook_deleted', message: 'the webhook was deleted' }
      : mayReceiveOrigins(requester, deps.policy, now);
    const allowedItems = may.allow ? await openItemsAllowed(deps, requester, d.payload, now) : [];
    if (!may.allow || !allowedItems.length) {
      const reason = may.allow ? 'no_open_case' : may.reason;
      await deps.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('webhook_deliveries')
          .set({ status: 'cancelled', last_error: `not delivered: ${reason}` })
          .where('id', '=', d.id)
          .execute();
        await appendEvents(trx, [
          {
            actor: 'system',
            type: 'webhook.delivery_cancelled',
            subjectType: 'webhook',
            subjectId: d.webhook_id,
            before: { status: 'pending' },
            after: { status: 'cancelled' },
            data: { delivery_id: d.id, reason },
            at: now,
          },
        ]);
      });
      continue;
    }
    const body = JSON.stringify(d.payload);
    const started = Date.now();
    const ts = Math.floor(now.getTime() / 1000);
    const { statusCode, error } = await postWebhook({ allowLoopback: deps.allowLoopback, resolve: deps.resolve }, w.url, body, {
      'content-type': 'application/json',
      'user-agent': 'Safeharbor-Webhooks/1',
      'safeharbor-event': d.payload.type,
      'safeharbor-delivery': String(d.id),
      'safeharbor-timestamp': String(ts),
      'safeharbor-signature': webhookSignature(w.secret, ts, body),
    });
    const duration = Date.now() - started;
    const giveUp = error !== null && d.attempts >= WEBHOOK_MAX_ATTEMPTS;
    await deps.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_attempts')
        .values({ delivery_id: d.id, attempted_at: now, status_code: statusCode, error, duration_ms: duration })
        .execute();
      if (error === null) {
        await trx.updateTable('webhook_deliveries').set({ status: 'delivered', delivered_at: now, last_error: null }).where('id', '=', d.id).execute();
        await appendEvents(trx, [
          {
            actor: 'system',
            type: 'webhook.delivered',
            subjectType: 'webhook',
            subjectId: d.webhook_id,
            before: { status: 'pending' },
            after: { status: 'delivered' },
            data: { delivery_id: d.id, attempt: d.attempts, status_code: statusCode },
            at: now,
          },
        ]);
        // Delivered is disclosed: logged like any other, one row per item the change was about.
        await logDisclosures(
          trx,
          'system',
          requester,
          allowedItems.map((it) => ({
            which: 'current' as const,
            value: {
              origin: d.payload.origin.origin,
              origin_kind: d.payload.origin.origin_kind,
              ips: d.payload.origin.origin_kind === 'ip' ? [d.payload.origin.origin] : [],
            },
            decision: it.decision,
            channel: 'webhook' as const,
            noticeId: it.noticeId,
            itemId: it.itemId,
            zoneId: d.zone_id!,
            zone: d.payload.zone,
            purpose: requester.purpose,
          })),
          now,
        );
        await queueDueCustomerNotices(trx, deps, now);
      } else {
        await trx
          .updateTable('webhook_deliveries')
          .set({
            status: giveUp ? 'failed' : 'pending',
            last_error: error,
            next_attempt_at: new Date(now.getTime() + webhookBackoffSeconds(d.attempts) * 1000),
          })
          .where('id', '=', d.id)
          .execute();
        await appendEvents(trx, [
          {
            actor: 'system',
            type: giveUp ? 'webhook.delivery_failed' : 'webhook.attempt_failed',
            subjectType: 'webhook',
            subjectId: d.webhook_id,
            data: { delivery_id: d.id, attempt: d.attempts, status_code: statusCode, error },
            at: now,
          },
        ]);
      }
    });
  }
  return claimed.length;
}

/** The items of the payload the policy still allows now (own notice, proxied zone, item not rejected since). */
async function openItemsAllowed(deps: WebhookDeps, requester: Awaited<ReturnType<typeof requesterFor>>, p: OriginChangedPayload, now: Date) {
  const out: { noticeId: string; itemId: number; decision: Extract<ReturnType<typeof decideOriginDisclosure>, { allow: true }> }[] = [];
  for (const n of p.notices) {
    const rows = await deps.db
      .selectFrom('notice_items as i')
      .innerJoin('notices as nn', 'nn.id', 'i.notice_id')
      .leftJoin('zones as z', 'z.id', 'i.zone_id')
      .select(['i.id', 'i.state', 'z.mode', 'nn.reporter_id', 'nn.created_at'])
      .where('i.notice_id', '=', n.notice_id)
      .where('i.position', 'in', n.positions)
      .execute();
    for (const r of rows) {
      if (!OPEN_ITEM_STATES.includes(r.state)) continue;
      const d = decideOriginDisclosure(
        requester,
        {
          noticeOwnerId: r.reporter_id,
          noticeFiledAt: new Date(r.created_at),
          itemState: r.state,
          zoneMode: (r.mode ?? null) as 'proxied' | 'hosted' | null,
          which: 'current',
        },
        deps.policy,
        now,
      );
      if (d.allow) out.push({ noticeId: n.notice_id, itemId: Number(r.id), decision: d });
    }
  }
  return out;
}

/**
 * The background loop: origin changes → deliveries → attempts, and customer notices of
 * disclosures that have become due (the delayed policy). Time comes from deps.now.
 */
export function originWatchLoop(deps: WebhookDeps, pollMs: number, log: (msg: string, err?: unknown) => void): PollingLoop {
  return new PollingLoop(
    async () => {
      const queued = await queueOriginChanges(deps);
      const attempted = await deliverDue(deps);
      const notices = await deps.db.transaction().execute((trx) => queueDueCustomerNotices(trx, deps, deps.now()));
      return queued + attempted + notices > 0;
    },
    pollMs,
    (err) => log('origin watch run failed', err),
  );
}
