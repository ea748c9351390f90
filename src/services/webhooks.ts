// Webhooks: a reporter's own notices (notice.received, notice.processed, item.state_changed), a
// customer's own items (notice.processed, item.state_changed), and for trusted reporters
// origin.changed when a zone in one of their open cases moves. Everything is read from the event
// log behind one cursor, turned into deliveries in a durable table (one per webhook, event type
// and logged event: a unique key, so a restart or a second process never queues twice), and
// sent with retries and backoff; every attempt is recorded. Who hears of what is decided by
// domain/webhook-events.ts. Before each origin.changed attempt the reporter's trust is asked
// again, so a revoked reporter gets nothing more. Every target's addresses are checked (no
// private networks) and pinned: the connection goes to the addresses that were checked, never to
// a second lookup's.
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { sql, type Kysely } from 'kysely';
import type { Database, OriginKind, Role } from '../storage/schema.ts';
import { appendEvents, type NewEvent } from '../storage/events.ts';
import type { Principal } from './principals.ts';
import { requesterFor } from './trusted-reporters.ts';
import { logDisclosures, queueDueCustomerNotices, type DisclosureDeps } from './origin-disclosure.ts';
import { PollingLoop } from './polling-loop.ts';
import { decideOriginDisclosure, mayReceiveOrigins } from '../domain/origin-disclosure-policy.ts';
import { webhookBackoffSeconds, webhookSignature, webhookTargetAddresses, webhookUrlProblem, WEBHOOK_MAX_ATTEMPTS } from '../domain/trusted-reporter.ts';
import {
  itemStateChange,
  itemStateChangedPayload,
  noticeProcessedPayload,
  noticeReceivedPayload,
  parseWebhookEvents,
  webhookAudience,
  webhookDedupeKey,
  webhookPayloadId,
  type NoticeFacts,
  type WebhookAudience,
  type WebhookEvent,
} from '../domain/webhook-events.ts';
import { conflict, forbidden, invalid, notFound, ok, type FieldError, type Result } from './result.ts';

export { WEBHOOK_EVENTS } from '../domain/webhook-events.ts';
/** Items of a case still being pursued: origin changes matter for these. */
const OPEN_ITEM_STATES = ['forwarded', 'pending_review', 'content_disabled'];
const CURSOR = 'webhooks';
/** Logged events read per run: the cursor moves past all of them, whether any webhook wants them or not. */
const LOG_BATCH = 500;
/** The item events of the one writer (item-steps.ts); resolution (item.resolved) is told by notice.processed instead. */
const ITEM_CHANGE_TYPES = ['item.reviewed', 'item.lifecycle', 'item.retracted'];
/**
 * The events whose contents a run reads; of the others (most of the log: a notice's item.resolved
 * and message.queued events) only the id is wanted, to move the cursor past them.
 */
const READ_TYPES = ['zone.origin_changed', 'notice.received', 'notice.status_changed', ...ITEM_CHANGE_TYPES];

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

/** A refusal of origin.changed is `forbidden` with the policy's DenyReason and field `origin`. */
export type RegisterResult = Result<WebhookView & { secret: string }>;

export async function registerWebhook(deps: WebhookDeps, principal: Principal, body: { url?: unknown; events?: unknown }): Promise<RegisterResult> {
  const now = deps.now();
  const errors: FieldError[] = [];
  const events = parseWebhookEvents(principal.role, body.events);
  if (!events.ok) errors.push(events.error);
  const url = typeof body.url === 'string' ? body.url.trim() : '';
  const problem = url ? webhookUrlProblem(url, deps.allowLoopback) : 'url is required: the https:// address to deliver to';
  if (problem) errors.push({ field: 'url', message: problem });
  if (!events.ok || errors.length) return invalid(errors);
  if (events.events.includes('origin.changed')) {
    const requester = await requesterFor(deps.db, principal, principal.scopes ?? []);
    const may = mayReceiveOrigins(requester, deps.policy, now);
    if (!may.allow) return forbidden(may.reason, may.message, 'origin');
  }
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  return deps.db.transaction().execute(async (trx) => {
    const w = await trx
      .insertInto('webhooks')
      .values({
        principal_id: principal.id,
        url,
        secret,
        events: events.events,
        deleted_at: null,
        created_at: now,
        from_event_id: sql<number>`(SELECT coalesce(max(id), 0) FROM events)`,
      })
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

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** Delete one's own webhook; pending deliveries are cancelled. False: no such webhook of theirs. */
export async function deleteWebhook(db: Kysely<Database>, principalId: string, id: string, now: Date): Promise<boolean> {
  if (!isUuid(id)) return false;
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

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed', 'cancelled'];

export interface DeliveryView {
  id: number;
  event_type: string;
  /** The payload's id: what the receiver sees, the same on every attempt and redelivery. */
  event_id: string | null;
  status: string;
  /** Attempts in the current round (since the last redelivery); attempt_log has every one. */
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  /** When the next attempt is due; null unless pending. */
  next_attempt_at: string | null;
  created_at: string;
  delivered_at: string | null;
  redelivered_at: string | null;
  attempt_log: { at: string; status_code: number | null; error: string | null; duration_ms: number }[];
}

/** The webhook when it is the principal's (staff may read any); null otherwise — it does not exist for them. */
async function ownWebhook(db: Kysely<Database>, principal: Principal, webhookId: string, staffMayRead: boolean) {
  if (!isUuid(webhookId)) return null;
  const w = await db.selectFrom('webhooks').select(['id', 'principal_id', 'deleted_at']).where('id', '=', webhookId).executeTakeFirst();
  if (!w) return null;
  return w.principal_id === principal.id || (staffMayRead && principal.role === 'staff') ? w : null;
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/** A webhook's newest deliveries with every attempt; null when the webhook is not the principal's. */
export async function listDeliveries(
  db: Kysely<Database>,
  principal: Principal,
  webhookId: string,
  q: { status?: DeliveryStatus; limit?: number } = {},
): Promise<DeliveryView[] | null> {
  if (!(await ownWebhook(db, principal, webhookId, true))) return null;
  let dq = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(q.limit ?? 100, 1), 500));
  if (q.status) dq = dq.where('status', '=', q.status);
  const ds = await dq.execute();
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
  return ds.map((d) => {
    const log = attempts
      .filter((a) => Number(a.delivery_id) === Number(d.id))
      .map((a) => ({ at: iso(a.attempted_at)!, status_code: a.status_code, error: a.error, duration_ms: a.duration_ms }));
    const payload = d.payload as { id?: unknown };
    return {
      id: Number(d.id),
      event_type: d.event_type,
      event_id: typeof payload?.id === 'string' ? payload.id : null,
      status: d.status,
      attempts: d.attempts,
      last_status_code: log.length ? log[log.length - 1]!.status_code : null,
      last_error: d.last_error,
      next_attempt_at: d.status === 'pending' ? iso(d.next_attempt_at) : null,
      created_at: iso(d.created_at)!,
      delivered_at: iso(d.delivered_at),
      redelivered_at: iso(d.redelivered_at),
      attempt_log: log,
    };
  });
}

/**
 * Send one delivery again, now, with a fresh round of attempts: one that was delivered (the
 * receiver lost it), failed or cancelled. The body is the same, with the same payload id, so a
 * receiver that did get it can drop the repeat. What is checked before every attempt is checked
 * again (an origin.changed goes only to a reporter still trusted).
 */
export async function redeliver(
  deps: WebhookDeps,
  principal: Principal,
  webhookId: string,
  deliveryId: string,
): Promise<Result<{ id: number; status: 'pending' }>> {
  const w = await ownWebhook(deps.db, principal, webhookId, false);
  if (!w) return notFound('id', 'no such webhook of yours');
  if (w.deleted_at) return conflict([{ field: 'id', message: 'the webhook was deleted; nothing is delivered to it' }]);
  if (!/^\d{1,18}$/.test(deliveryId)) return notFound('delivery_id', 'no such delivery of this webhook');
  const now = deps.now();
  return deps.db.transaction().execute(async (trx): Promise<Result<{ id: number; status: 'pending' }>> => {
    const d = await trx
      .selectFrom('webhook_deliveries')
      .select(['id', 'status', 'event_type'])
      .where('id', '=', Number(deliveryId))
      .where('webhook_id', '=', webhookId)
      .forUpdate()
      .executeTakeFirst();
    if (!d) return notFound('delivery_id', 'no such delivery of this webhook');
    if (d.status === 'pending') return conflict([{ field: 'delivery_id', message: 'the delivery is still pending; it is retried by itself' }]);
    await trx
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', attempts: 0, next_attempt_at: now, redelivered_at: now, last_error: null })
      .where('id', '=', d.id)
      .execute();
    await appendEvents(trx, [
      {
        actor: `principal:${principal.id}`,
        type: 'webhook.redelivery_requested',
        subjectType: 'webhook',
        subjectId: webhookId,
        before: { status: d.status },
        after: { status: 'pending' },
        data: { delivery_id: Number(d.id), event_type: d.event_type },
        at: now,
      },
    ]);
    return ok({ id: Number(d.id), status: 'pending' as const });
  });
}

interface OriginChangedPayload {
  type: 'origin.changed';
  id: string;
  zone: string;
  changed_at: string;
  origin: { origin: string; origin_kind: OriginKind };
  notices: { notice_id: string; positions: number[] }[];
}

interface LoggedEvent {
  id: number;
  at: Date;
  type: string;
  subject_id: string;
  notice_id: string | null;
  before: unknown;
  after: unknown;
  data: unknown;
}

interface NewDelivery {
  webhookId: string;
  type: WebhookEvent;
  logEventId: number;
  payload: { type: WebhookEvent; id: string };
  zoneId: number | null;
}

/** A webhook subscribed to `type`, made before the logged event, with its owner. */
const subscribed = (type: WebhookEvent) => sql`w.deleted_at IS NULL AND ${type} = ANY(w.events) AND w.from_event_id < e.id`;

interface OwnerRow {
  webhook_id: string;
  owner_id: string;
  role: Role;
  owner_account: string | null;
}
const audienceOf = (r: OwnerRow, reporterId: string, accountId: string | null): WebhookAudience | null =>
  webhookAudience({ id: r.owner_id, role: r.role, accountId: r.owner_account }, { reporterId, accountId });

/** zone.origin_changed → origin.changed for each trusted reporter's webhook with an open case on the zone. */
async function originChanges(trx: Kysely<Database>, events: LoggedEvent[]): Promise<NewDelivery[]> {
  const out: NewDelivery[] = [];
  for (const e of events) {
    const after = e.after as { origin?: string; mode?: string } | null;
    const origin = after?.origin;
    if (!origin || after?.mode !== 'proxied') continue;
    const cases = (
      await sql<OwnerRow & { reporter_id: string; notice_id: string; position: number; zone_id: number }>`
        SELECT w.id AS webhook_id, p.id AS owner_id, p.role, p.account_id AS owner_account, n.reporter_id, n.id AS notice_id, i.position, i.zone_id
        FROM zones z
        JOIN notice_items i ON i.zone_id = z.id AND i.state = ANY(${OPEN_ITEM_STATES}::text[])
        JOIN notices n ON n.id = i.notice_id
        JOIN webhooks w ON w.principal_id = n.reporter_id
        JOIN principals p ON p.id = w.principal_id
        CROSS JOIN (SELECT ${e.id}::bigint AS id) e
        WHERE z.name = ${e.subject_id} AND ${subscribed('origin.changed')}
        ORDER BY w.id, n.created_at, i.position`.execute(trx)
    ).rows;
    const byWebhook = new Map<string, { zoneId: number; notices: Map<string, number[]> }>();
    for (const c of cases) {
      if (audienceOf(c, c.reporter_id, null) !== 'reporter') continue;
      const w = byWebhook.get(c.webhook_id) ?? { zoneId: c.zone_id, notices: new Map() };
      w.notices.set(c.notice_id, [...(w.notices.get(c.notice_id) ?? []), c.position]);
      byWebhook.set(c.webhook_id, w);
    }
    for (const [webhookId, w] of byWebhook) {
      const payload: OriginChangedPayload = {
        type: 'origin.changed',
        id: webhookPayloadId(e.id, webhookId),
        zone: e.subject_id,
        changed_at: new Date(e.at).toISOString(),
        origin: { origin, origin_kind: ipaddr.isValid(origin) ? 'ip' : 'hostname' },
        notices: [...w.notices].map(([notice_id, positions]) => ({ notice_id, positions })),
      };
      out.push({ webhookId, type: 'origin.changed', logEventId: e.id, payload, zoneId: w.zoneId });
    }
  }
  return out;
}

interface NoticeRow extends OwnerRow {
  event_id: number;
  notice_id: string;
  reporter_id: string;
  kind: string;
  channel: string;
  regime: string;
  created_at: Date;
}

/** The notices of these logged events with the webhooks subscribed to `type` of their reporters. */
async function reporterWebhooksOf(trx: Kysely<Database>, type: WebhookEvent, events: LoggedEvent[]): Promise<NoticeRow[]> {
  return (
    await sql<NoticeRow>`
      SELECT e.id AS event_id, n.id AS notice_id, n.reporter_id, n.kind, n.channel, n.submission->>'regime' AS regime, n.created_at,
             w.id AS webhook_id, p.id AS owner_id, p.role, p.account_id AS owner_account
      FROM events e
      JOIN notices n ON n.id = e.notice_id
      JOIN webhooks w ON w.principal_id = n.reporter_id
      JOIN principals p ON p.id = w.principal_id
      WHERE e.id = ANY(${events.map((e) => e.id)}::bigint[]) AND ${subscribed(type)}
      ORDER BY e.id, w.id`.execute(trx)
  ).rows;
}

const noticeFacts = (r: NoticeRow): NoticeFacts => ({
  id: r.notice_id,
  kind: r.kind,
  regime: r.regime,
  channel: r.channel,
  receivedAt: new Date(r.created_at),
});

/** notice.received → the filing reporter's webhooks. */
async function noticesReceived(trx: Kysely<Database>, events: LoggedEvent[]): Promise<NewDelivery[]> {
  if (!events.length) return [];
  const byId = new Map(events.map((e) => [e.id, e]));
  return (await reporterWebhooksOf(trx, 'notice.received', events))
    .filter((r) => audienceOf(r, r.reporter_id, null) === 'reporter')
    .map((r) => {
      const data = (byId.get(Number(r.event_id))!.data ?? {}) as { items?: number; invalid?: number };
      return {
        webhookId: r.webhook_id,
        type: 'notice.received' as const,
        logEventId: Number(r.event_id),
        payload: noticeReceivedPayload(webhookPayloadId(Number(r.event_id), r.webhook_id), noticeFacts(r), {
          items: data.items ?? 0,
          invalid: data.invalid ?? 0,
        }),
        zoneId: null,
      };
    });
}

/**
 * notice.status_changed to processed → notice.processed: to the reporter with the counts of all
 * its items, to each customer with those of its own account's items — both as the log recorded
 * resolution (item.resolved per item; invalid items were so from filing).
 */
async function noticesProcessed(trx: Kysely<Database>, events: LoggedEvent[]): Promise<NewDelivery[]> {
  const processed = events.filter((e) => (e.after as { status?: string } | null)?.status === 'processed' && e.notice_id);
  if (!processed.length) return [];
  const out: NewDelivery[] = [];
  for (const e of processed) {
    const resolved = (
      await sql<{ account_id: string | null; state: string; n: number }>`
        SELECT after->>'account_id' AS account_id, after->>'state' AS state, count(*)::int AS n
        FROM events WHERE notice_id = ${e.notice_id}::uuid AND type = 'item.resolved' AND id < ${e.id}
        GROUP BY 1, 2`.execute(trx)
    ).rows;
    const invalid = Number(
      (
        await sql<{ invalid: number | null }>`
          SELECT (data->>'invalid')::int AS invalid FROM events WHERE notice_id = ${e.notice_id}::uuid AND type = 'notice.received' LIMIT 1`.execute(trx)
      ).rows[0]?.invalid ?? 0,
    );
    const countsOf = (account: string | null | 'all') => {
      const c: Record<string, number> = {};
      for (const r of resolved) if (account === 'all' || r.account_id === account) c[r.state] = (c[r.state] ?? 0) + r.n;
      if (account === 'all' && invalid) c.invalid = (c.invalid ?? 0) + invalid;
      return c;
    };
    const accounts = [...new Set(resolved.map((r) => r.account_id).filter((a): a is string => a !== null))];
    const owners = (
      await sql<NoticeRow>`
        SELECT e.id AS event_id, n.id AS notice_id, n.reporter_id, n.kind, n.channel, n.submission->>'regime' AS regime, n.created_at,
               w.id AS webhook_id, p.id AS owner_id, p.role, p.account_id AS owner_account
        FROM (SELECT ${e.id}::bigint AS id) e
        JOIN notices n ON n.id = ${e.notice_id}::uuid
        JOIN principals p ON p.id = n.reporter_id OR (p.role = 'customer' AND p.account_id = ANY(${accounts}::text[]))
        JOIN webhooks w ON w.principal_id = p.id
        WHERE ${subscribed('notice.processed')}
        ORDER BY w.id`.execute(trx)
    ).rows;
    for (const r of owners) {
      const audience = audienceOf(r, r.reporter_id, r.role === 'customer' ? r.owner_account : null);
      if (!audience) continue;
      const counts = countsOf(audience === 'reporter' ? 'all' : r.owner_account);
      out.push({
        webhookId: r.webhook_id,
        type: 'notice.processed',
        logEventId: e.id,
        payload: noticeProcessedPayload(webhookPayloadId(e.id, r.webhook_id), audience, noticeFacts(r), new Date(e.at), counts),
        zoneId: null,
      });
    }
  }
  return out;
}

/** An item's state changed (staff review, the takedown lifecycle) → its reporter's and its account's customers' webhooks. */
async function itemStateChanges(trx: Kysely<Database>, events: LoggedEvent[]): Promise<NewDelivery[]> {
  const changes = new Map(
    events.flatMap((e) => {
      const c = itemStateChange(e.before, e.after);
      return c ? [[e.id, { e, c }] as const] : [];
    }),
  );
  if (!changes.size) return [];
  const rows = (
    await sql<
      OwnerRow & {
        event_id: number;
        notice_id: string;
        reporter_id: string;
        position: number;
        url: string;
        zone: string | null;
        account_id: string | null;
        reason: string | null;
      }
    >`
      SELECT e.id AS event_id, i.notice_id, n.reporter_id, i.position, coalesce(i.url, i.submitted_url) AS url, i.zone, i.account_id, i.reason,
             w.id AS webhook_id, p.id AS owner_id, p.role, p.account_id AS owner_account
      FROM events e
      JOIN notice_items i ON i.id = e.subject_id::bigint
      JOIN notices n ON n.id = i.notice_id
      JOIN principals p ON p.id = n.reporter_id OR (p.role = 'customer' AND p.account_id = i.account_id)
      JOIN webhooks w ON w.principal_id = p.id
      WHERE e.id = ANY(${[...changes.keys()]}::bigint[]) AND ${subscribed('item.state_changed')}
      ORDER BY e.id, w.id`.execute(trx)
  ).rows;
  return rows
    .filter((r) => audienceOf(r, r.reporter_id, r.account_id) !== null)
    .map((r) => {
      const { e, c } = changes.get(Number(r.event_id))!;
      // Older log entries name the reason only when it changed: then it is still the item's.
      const reason = c.reason === undefined ? r.reason : c.reason;
      return {
        webhookId: r.webhook_id,
        type: 'item.state_changed' as const,
        logEventId: e.id,
        payload: itemStateChangedPayload(
          webhookPayloadId(e.id, r.webhook_id),
          { noticeId: r.notice_id, position: r.position, url: r.url, zone: r.zone },
          { from: c.from, to: c.to, reason },
          new Date(e.at),
        ),
        zoneId: null,
      };
    });
}

/**
 * The event log since the cursor → one pending delivery per webhook that should hear of each
 * event. The cursor row is locked for the run, so two processes take turns; the deliveries'
 * unique key makes a run that is repeated (a crash before the cursor moved) queue nothing twice.
 * Returns how many logged events were read (more may follow).
 */
export async function queueWebhookEvents(deps: WebhookDeps): Promise<number> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    await sql`INSERT INTO event_cursors (name, last_event_id) VALUES (${CURSOR}, 0) ON CONFLICT (name) DO NOTHING`.execute(trx);
    const cursor = (
      await sql<{ id: string; xact: string }>`SELECT last_event_id AS id, last_xact::text AS xact FROM event_cursors WHERE name = ${CURSOR} FOR UPDATE`.execute(
        trx,
      )
    ).rows[0]!;
    // In commit-safe order (031_event_commit_order.sql): only events of transactions older than
    // every one still running, so an event that commits after this run sorts after the cursor.
    const events = (
      await sql<LoggedEvent & { xact: string }>`
        SELECT id, xact::text AS xact, at, type, subject_id, notice_id,
               CASE WHEN read THEN before END AS before, CASE WHEN read THEN after END AS after, CASE WHEN read THEN data END AS data
        FROM (
          SELECT *, type = ANY(${READ_TYPES}::text[]) AS read FROM events
          WHERE xact < pg_snapshot_xmin(pg_current_snapshot()) AND (xact, id) > (${cursor.xact}::xid8, ${cursor.id}::bigint)
          ORDER BY xact, id LIMIT ${LOG_BATCH}
        ) e
        ORDER BY xact, id`.execute(trx)
    ).rows.map((e) => ({ ...e, id: Number(e.id) }));
    if (!events.length) return 0;
    // Deliveries are queued in the order the log was read, which is not always id order.
    const place = new Map(events.map((e, i) => [e.id, i]));
    const of = (...types: string[]) => events.filter((e) => types.includes(e.type));
    const deliveries = [
      ...(await originChanges(trx, of('zone.origin_changed'))),
      ...(await noticesReceived(trx, of('notice.received'))),
      ...(await noticesProcessed(trx, of('notice.status_changed'))),
      ...(await itemStateChanges(trx, of(...ITEM_CHANGE_TYPES))),
    ].sort((a, b) => place.get(a.logEventId)! - place.get(b.logEventId)!);
    const queued: NewEvent[] = [];
    for (let i = 0; i < deliveries.length; i += 1000) {
      const chunk = deliveries.slice(i, i + 1000);
      const rows = await trx
        .insertInto('webhook_deliveries')
        .values(
          chunk.map((d) => ({
            webhook_id: d.webhookId,
            dedupe_key: webhookDedupeKey(d.type, d.logEventId, d.webhookId),
            event_type: d.type,
            payload: JSON.stringify(d.payload),
            zone_id: d.zoneId,
            next_attempt_at: now,
          })),
        )
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returning(['id', 'webhook_id', 'event_type'])
        .execute();
      for (const r of rows) {
        queued.push({
          actor: 'system',
          type: 'webhook.delivery_queued',
          subjectType: 'webhook',
          subjectId: r.webhook_id,
          after: { status: 'pending' },
          data: { delivery_id: r.id, event_type: r.event_type },
          at: now,
        });
      }
    }
    await appendEvents(trx, queued);
    const last = events[events.length - 1]!;
    await sql`UPDATE event_cursors SET last_event_id = ${last.id}, last_xact = ${last.xact}::xid8 WHERE name = ${CURSOR}`.execute(trx);
    return events.length;
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

type Requester = Awaited<ReturnType<typeof requesterFor>>;

/**
 * Whether a claimed delivery may go out now, asked right before each attempt, and what its
 * delivery then entails. origin.changed: the reporter must still be trusted and the case open
 * (a revocation since the change was queued stops it), and a delivered origin is a disclosure,
 * logged like any other. The other events went to their owner by the notice's reporter or the
 * item's account when they were queued; neither changes.
 */
type Gate = { allow: true; delivered?: (trx: Kysely<Database>) => Promise<void> } | { allow: false; reason: string };

async function gate(
  deps: WebhookDeps,
  owner: { id: string; role: Role },
  d: { event_type: string; payload: unknown; zone_id: number | null },
  now: Date,
): Promise<Gate> {
  if (d.event_type !== 'origin.changed') return { allow: true };
  const payload = d.payload as OriginChangedPayload;
  const requester = await requesterFor(deps.db, { id: owner.id, role: owner.role }, 'grant');
  const may = mayReceiveOrigins(requester, deps.policy, now);
  if (!may.allow) return { allow: false, reason: may.reason };
  const allowedItems = await openItemsAllowed(deps, requester, payload, now);
  if (!allowedItems.length) return { allow: false, reason: 'no_open_case' };
  return {
    allow: true,
    delivered: async (trx) => {
      // One disclosure row per item the change was about.
      await logDisclosures(
        trx,
        'system',
        requester,
        allowedItems.map((it) => ({
          which: 'current' as const,
          value: {
            origin: payload.origin.origin,
            origin_kind: payload.origin.origin_kind,
            ips: payload.origin.origin_kind === 'ip' ? [payload.origin.origin] : [],
          },
          decision: it.decision,
          channel: 'webhook' as const,
          noticeId: it.noticeId,
          itemId: it.itemId,
          zoneId: d.zone_id!,
          zone: payload.zone,
          purpose: requester.purpose,
        })),
        now,
      );
      await queueDueCustomerNotices(trx, deps, now);
    },
  };
}

/** Send what is due, every event type alike. Returns how many deliveries were claimed. */
export async function deliverDue(deps: WebhookDeps): Promise<number> {
  const now = deps.now();
  // Claimed by moving the next attempt out: a process that dies mid-attempt leaves it to be retried.
  const claimed = (
    await sql<{ id: number; webhook_id: string; event_type: string; payload: { type: string; id: string }; attempts: number; zone_id: number | null }>`
      UPDATE webhook_deliveries d SET attempts = attempts + 1, next_attempt_at = ${new Date(now.getTime() + 5 * 60_000)}
      FROM (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ${now} ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED) c
      WHERE d.id = c.id
      RETURNING d.id, d.webhook_id, d.event_type, d.payload, d.attempts, d.zone_id`.execute(deps.db)
  ).rows;
  for (const d of claimed) {
    const w = await deps.db
      .selectFrom('webhooks as w')
      .innerJoin('principals as p', 'p.id', 'w.principal_id')
      .select(['w.url', 'w.secret', 'w.principal_id', 'w.deleted_at', 'p.role'])
      .where('w.id', '=', d.webhook_id)
      .executeTakeFirstOrThrow();
    const may: Gate = w.deleted_at ? { allow: false, reason: 'webhook_deleted' } : await gate(deps, { id: w.principal_id, role: w.role }, d, now);
    if (!may.allow) {
      await deps.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('webhook_deliveries')
          .set({ status: 'cancelled', last_error: `not delivered: ${may.reason}` })
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
            data: { delivery_id: d.id, reason: may.reason },
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
      'safeharbor-event': d.event_type,
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
            data: { delivery_id: d.id, event_type: d.event_type, attempt: d.attempts, status_code: statusCode },
            at: now,
          },
        ]);
        await may.delivered?.(trx);
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
            data: { delivery_id: d.id, event_type: d.event_type, attempt: d.attempts, status_code: statusCode, error },
            at: now,
          },
        ]);
      }
    });
  }
  return claimed.length;
}

/** The items of the payload the policy still allows now (own notice, proxied zone, item not rejected since). */
async function openItemsAllowed(deps: WebhookDeps, requester: Requester, p: OriginChangedPayload, now: Date) {
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
 * The background loop: the event log → deliveries → attempts, and customer notices of
 * disclosures that have become due (the delayed policy). Time comes from deps.now.
 */
export function webhookLoop(deps: WebhookDeps, pollMs: number, log: (msg: string, err?: unknown) => void): PollingLoop {
  return new PollingLoop(
    async () => {
      const read = await queueWebhookEvents(deps);
      const attempted = await deliverDue(deps);
      const notices = await deps.db.transaction().execute((trx) => queueDueCustomerNotices(trx, deps, deps.now()));
      return read + attempted + notices > 0;
    },
    pollMs,
    (err) => log('webhook run failed', err),
  );
}
