/**
 * Webhook events, the plain-data part: which events exist, who may register for which, who of a
 * webhook's owners an event is about, and the payload each audience gets. The service reads the
 * event log and the rows; these decide. No I/O here.
 *
 * A reporter hears about its own notices; a customer about the items of its own account, and
 * never anything that names the reporter (the customer's portal view shows the claimant where the
 * notice was forwarded with it; a webhook does not, it goes to a machine nobody vetted).
 */
import type { FieldError } from './notice.ts';

/** A principal's role, as the store has it. */
export type Role = 'staff' | 'reporter' | 'customer';

export const WEBHOOK_EVENTS = ['notice.received', 'notice.processed', 'item.state_changed', 'origin.changed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/**
 * Who may register for what. origin.changed also needs active trusted status with origin:read,
 * which the disclosure policy decides (the service asks it). notice.received is the reporter's
 * only: when a notice arrives nobody knows yet whose zones it names; a customer hears of it with
 * notice.processed.
 */
export const EVENTS_FOR_ROLE: Readonly<Record<Role, readonly WebhookEvent[]>> = {
  reporter: WEBHOOK_EVENTS,
  customer: ['notice.processed', 'item.state_changed'],
  staff: [],
};

/** A webhook registered without `events`: what the API's first version offered. */
const DEFAULT_EVENTS: Readonly<Record<Role, readonly WebhookEvent[] | null>> = { reporter: ['origin.changed'], customer: null, staff: null };

const list = (es: readonly string[]) => es.join(', ');

/** The events a registration asks for, or the problem with them (field `events`). */
export function parseWebhookEvents(role: Role, input: unknown): { ok: true; events: WebhookEvent[] } | { ok: false; error: FieldError } {
  const mine = EVENTS_FOR_ROLE[role];
  const bad = (message: string) => ({ ok: false as const, error: { field: 'events', message } });
  if (input === undefined || input === null) {
    const d = DEFAULT_EVENTS[role];
    return d ? { ok: true, events: [...d] } : bad(`events is required: a list of one or more of ${list(mine)}`);
  }
  if (!Array.isArray(input) || input.length === 0) return bad(`events must be a non-empty list of ${list(mine)}`);
  const out: WebhookEvent[] = [];
  for (const e of input) {
    if (typeof e !== 'string' || !(WEBHOOK_EVENTS as readonly string[]).includes(e)) {
      return bad(`${JSON.stringify(e)} is not a webhook event; the events are ${list(WEBHOOK_EVENTS)}`);
    }
    if (!mine.includes(e as WebhookEvent)) {
      return bad(
        e === 'notice.received' && role === 'customer'
          ? 'notice.received is for the reporter who filed the notice; customers hear of a notice about their zones with notice.processed'
          : `${e} is not available to the ${role} role; yours are ${list(mine) || 'none'}`,
      );
    }
    if (!out.includes(e as WebhookEvent)) out.push(e as WebhookEvent);
  }
  return { ok: true, events: out };
}

export type WebhookAudience = 'reporter' | 'customer';

export interface WebhookOwner {
  id: string;
  role: Role;
  accountId: string | null;
}

/** What an event is about: the notice's reporter, and the account of the item (null for the notice as a whole). */
export interface EventSubject {
  reporterId: string;
  accountId: string | null;
}

/**
 * Whom of the webhook's owner the event concerns: the reporter of its own notice, the customer
 * of its own item; anyone else — another reporter, another account's customer, staff — null.
 */
export function webhookAudience(owner: WebhookOwner, subject: EventSubject): WebhookAudience | null {
  if (owner.role === 'reporter' && owner.id === subject.reporterId) return 'reporter';
  if (owner.role === 'customer' && owner.accountId !== null && owner.accountId === subject.accountId) return 'customer';
  return null;
}

/** The change of an item's state in one of its events (before/after as logged), or null when the state stayed. */
export function itemStateChange(before: unknown, after: unknown): { from: string; to: string; reason: string | null | undefined } | null {
  const b = before && typeof before === 'object' ? (before as Record<string, unknown>) : {};
  const a = after && typeof after === 'object' ? (after as Record<string, unknown>) : {};
  if (typeof b.state !== 'string' || typeof a.state !== 'string' || b.state === a.state) return null;
  // The writer logs the reason only when it changed; undefined: the item kept the one it had.
  return { from: b.state, to: a.state, reason: 'reason' in a ? ((a.reason as string | null) ?? null) : undefined };
}

/** A delivery's id for the receiver: stable across attempts and redeliveries, so it can drop repeats. */
export const webhookPayloadId = (logEventId: number, webhookId: string) => `evt_${logEventId}_${webhookId.slice(0, 8)}`;

/** One delivery per webhook, event type and logged event: the deliveries table's unique key. */
export const webhookDedupeKey = (type: WebhookEvent, logEventId: number, webhookId: string) => `${type}:${logEventId}:${webhookId}`;

export interface NoticeFacts {
  id: string;
  kind: string;
  regime: string;
  channel: string;
  receivedAt: Date;
}

export interface NoticeReceivedPayload {
  type: 'notice.received';
  id: string;
  notice: { id: string; kind: string; regime: string; channel: string; received_at: string };
  items: number;
  invalid: number;
}

export function noticeReceivedPayload(id: string, n: NoticeFacts, counted: { items: number; invalid: number }): NoticeReceivedPayload {
  return {
    type: 'notice.received',
    id,
    notice: { id: n.id, kind: n.kind, regime: n.regime, channel: n.channel, received_at: n.receivedAt.toISOString() },
    items: counted.items,
    invalid: counted.invalid,
  };
}

export interface NoticeProcessedPayload {
  type: 'notice.processed';
  id: string;
  notice: { id: string; kind: string; regime: string; received_at: string; processed_at: string; channel?: string };
  /** Items by state as resolution left them: all of the notice's for its reporter, the account's own for a customer. */
  counts: Record<string, number>;
  items: number;
}

/** The channel a notice came by is the reporter's business; a customer sees what is reported and how it was resolved. */
export function noticeProcessedPayload(
  id: string,
  audience: WebhookAudience,
  n: NoticeFacts,
  processedAt: Date,
  counts: Record<string, number>,
): NoticeProcessedPayload {
  const sorted = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
  return {
    type: 'notice.processed',
    id,
    notice: {
      id: n.id,
      kind: n.kind,
      regime: n.regime,
      received_at: n.receivedAt.toISOString(),
      processed_at: processedAt.toISOString(),
      ...(audience === 'reporter' ? { channel: n.channel } : {}),
    },
    counts: sorted,
    items: Object.values(counts).reduce((s, c) => s + c, 0),
  };
}

export interface ItemStateChangedPayload {
  type: 'item.state_changed';
  id: string;
  notice_id: string;
  item: { position: number; url: string; zone: string | null };
  from: string;
  to: string;
  reason: string | null;
  changed_at: string;
}

/** The same for both audiences: a customer only ever gets items of its own account, which it sees in its portal. */
export function itemStateChangedPayload(
  id: string,
  item: { noticeId: string; position: number; url: string; zone: string | null },
  change: { from: string; to: string; reason: string | null },
  at: Date,
): ItemStateChangedPayload {
  return {
    type: 'item.state_changed',
    id,
    notice_id: item.noticeId,
    item: { position: item.position, url: item.url, zone: item.zone },
    from: change.from,
    to: change.to,
    reason: change.reason,
    changed_at: at.toISOString(),
  };
}
