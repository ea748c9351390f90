// The one writer of item state. Every change to a reported URL's state — resolution, staff review,
// the takedown lifecycle's filings, staff commands and timers — goes through here: the pure
// state machine (domain/takedown-lifecycle.ts) decides per item, and one transaction writes,
// together, the machine's state (item_lifecycles), its projection (notice_items.state and
// reason), the notice's counts by state, an event per changed item plus one for the notice, and
// every effect the machine returned (messages to the outbox, strike columns, wake-ups). The
// edge blocklist follows notice_items.state by the triggers of migration 005, in the same
// transaction. No other module writes notice_items.state (test/unit/item-writer.test.ts greps).
//
// Two paths, one set of rules: `applySteps` for items a request or timer names (set-based: one
// statement per table, however many items), and `applyResolutions` for the notice processor's
// batches of 5,000, where the resolution columns and the state go in one UPDATE.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { appendEvents, type Actor, type EventType, type NewEvent } from '../storage/events.ts';
import type { LifecycleStepType } from '../domain/event-types.ts';
import { enqueueMessages } from '../storage/outbox.ts';
import { jsonRows } from '../storage/json-rows.ts';
import { refreshItemCounts } from '../storage/item-counts.ts';
import type { BusinessCalendar } from '../domain/business-days.ts';
import {
  coarseReason,
  coarseState,
  parseLifecycleState,
  receiptEvents,
  receiveItem,
  strikeStatusOf,
  transition,
  type LifecycleContext,
  type LifecycleEvent,
  type LifecycleMessage,
  type LifecyclePolicy,
  type LifecycleState,
  type Recipient,
  type Resolution,
  type SideEffect,
  type TransitionErrorCode,
} from '../domain/takedown-lifecycle.ts';
import type { CounterNotice } from '../domain/counter-notice.ts';
import { lifecycleMessage } from '../domain/lifecycle-messages.ts';
import { takedownMessage } from '../domain/review-messages.ts';
import type { NoticeFacts, OutgoingMessage } from '../domain/messages.ts';
import type { ItemState } from '../domain/item-state.ts';
import type { StatusLinks } from './status-links.ts';
import { contentDecisions, groupByAccount } from '../dsa/domain/restriction-decisions.ts';
import { statementMessage, statementText } from '../dsa/domain/statement-messages.ts';
import { issueStatements, type Issued } from '../dsa/statements.ts';

export interface ItemStepDeps {
  db: Kysely<Database>;
  provider: string;
  links: StatusLinks;
  /** Where users reach this server (portal links in mail). */
  publicUrl(): string;
  /** The address a customer's e-mailed counter notice for this notice goes to; null when no mail is read. */
  replyAddress(noticeId: string): string | null;
  calendar: BusinessCalendar;
  policy: LifecyclePolicy;
  /** The clock: injected so tests can move it across the 10 business days. */
  now(): Date;
}

export async function loadNoticeFacts(db: Kysely<Database>, noticeId: string, links: StatusLinks): Promise<(NoticeFacts & { reporterId: string }) | null> {
  if (!/^[0-9a-f-]{36}$/i.test(noticeId)) return null;
  const n = await db
    .selectFrom('notices')
    .select(['id', 'created_at', 'submission', 'reporter_id', 'trusted_flagger'])
    .where('id', '=', noticeId)
    .executeTakeFirst();
  return n
    ? { id: n.id, createdAt: n.created_at, submission: n.submission, statusUrl: links.url(n.id), trustedFlagger: n.trusted_flagger, reporterId: n.reporter_id }
    : null;
}

/** An item as the writer reads it, locked. */
export interface LifeItem {
  id: number;
  position: number;
  url: string;
  state: ItemState;
  reason: string | null;
  account_id: string | null;
  account_name: string | null;
  account_email: string | null;
  /** The stored machine state; null for an item filed and not yet stepped (see `currentState`). */
  lifecycle: unknown;
  strike_status: string | null;
  strike_at: Date | null;
  next_wake_at: Date | null;
  updated_at: Date;
}

/** Locks and reads a notice's items: all, or those of an account, or by id, or by position. */
export async function lockItems(
  trx: Kysely<Database>,
  noticeId: string,
  f: { accountId?: string; ids?: number[]; positions?: number[]; state?: ItemState; limit?: number },
): Promise<LifeItem[]> {
  let q = trx
    .selectFrom('notice_items as i')
    .leftJoin('item_lifecycles as l', 'l.item_id', 'i.id')
    .leftJoin('accounts as a', 'a.id', 'i.account_id')
    .select([
      'i.id',
      'i.position',
      'i.url',
      'i.submitted_url',
      'i.state',
      'i.reason',
      'i.account_id',
      'a.name as account_name',
      'a.email as account_email',
      'l.state as lifecycle',
      'l.strike_status',
      'l.strike_at',
      'l.next_wake_at',
      'i.updated_at',
    ])
    .where('i.notice_id', '=', noticeId)
    .orderBy('i.position')
    .forUpdate('i');
  if (f.accountId !== undefined) q = q.where('i.account_id', '=', f.accountId);
  if (f.ids) q = q.where('i.id', 'in', f.ids.length ? f.ids : [-1]);
  if (f.positions) q = q.where('i.position', 'in', f.positions.length ? f.positions : [-1]);
  if (f.state) q = q.where('i.state', '=', f.state);
  if (f.limit) q = q.limit(f.limit);
  const rows = await q.execute();
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    url: r.url ?? r.submitted_url,
    state: r.state,
    strike_at: r.strike_at ? new Date(r.strike_at) : null,
    next_wake_at: r.next_wake_at ? new Date(r.next_wake_at) : null,
    updated_at: new Date(r.updated_at),
  }));
}

/**
 * States that carry nothing the item row does not: received and invalid (as filed), not on the
 * network and forwarded (as resolved; the row keeps the reason and when). The writer stores no
 * machine state for them — resolving 100,000 URLs writes the item rows and nothing beside them —
 * and reads them back from the row; every other state is stored (migration 016 stored them for
 * items older than this rule).
 */
const IMPLIED_BY_ROW: ReadonlySet<LifecycleState['kind']> = new Set(['received', 'invalid', 'not_on_network', 'forwarded']);

/** The item's machine state: stored, or read from the item row (IMPLIED_BY_ROW). */
export function currentState(i: Pick<LifeItem, 'id' | 'state' | 'reason' | 'lifecycle' | 'updated_at'>, notice: NoticeFacts): LifecycleState {
  if (i.lifecycle !== null && i.lifecycle !== undefined) {
    const p = parseLifecycleState(i.lifecycle);
    if (!p.ok) throw new Error(`stored lifecycle of item ${i.id} is unreadable: ${p.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    return p.state;
  }
  const reportedAt = notice.createdAt;
  switch (i.state) {
    case 'received':
      return receiveItem(reportedAt);
    case 'invalid':
      return receiveItem(reportedAt, i.reason ?? 'not a URL we can act on');
    case 'not_on_network':
      return { kind: 'not_on_network', reportedAt, resolvedAt: i.updated_at, reason: i.reason ?? 'not on this network' };
    case 'forwarded':
      return { kind: 'forwarded', reportedAt, resolvedAt: i.updated_at };
    default:
      throw new Error(`item ${i.id} is ${i.state} but has no stored state`);
  }
}

/** The first state of a filed URL, as its row stores it (filing is the item's birth, not a step). */
export function filedItemState(invalidReason: string | null): { state: ItemState; reason: string | null } {
  const s = receiveItem(new Date(0), invalidReason);
  return { state: coarseState(s), reason: coarseReason(s) };
}

export interface ItemOutcome {
  position: number;
  url: string;
  from: ItemState;
  to: ItemState;
  lifecycle: LifecycleState['kind'];
}
export interface ItemRefusal {
  position: number;
  url: string;
  state: ItemState;
  /** The machine's refusal, or `not_in_lifecycle`: the command is the takedown lifecycle's and the URL is not in it. */
  code: TransitionErrorCode | 'not_in_lifecycle';
  why: string;
}
export interface StepResult {
  changed: ItemOutcome[];
  unchanged: { position: number; url: string; note: string }[];
  refused: ItemRefusal[];
}

export interface StepOptions {
  /** Names the step's notice-level event (notice.<type>) and the item events' `step`. */
  type: LifecycleStepType;
  /** Groups the step's messages (dedupe keys) and events. */
  stepId: string;
  /** Messages another module composes for this step (e.g. review's decision mail to the reporter). */
  skip?: readonly LifecycleMessage['kind'][];
  counterNotice?: { id: string; receivedAt: Date; body: CounterNotice } | null;
  data?: Record<string, unknown>;
  /** Added to each item's event (e.g. the staff command it came from). */
  itemData?: Record<string, unknown>;
  /** The item event's type; default `item.lifecycle`. */
  itemEvent?: Extract<EventType, `item.${string}`>;
  /** Staff's own words for why content is restricted (the statement of reasons' explanation). */
  explanation?: string | null;
}

/** The columns beside the stored state, as the effects leave them. */
interface Columns {
  strikeStatus: string | null;
  strikeAt: Date | null;
  wake: Date | null;
}

type Send = { to: Recipient; message: LifecycleMessage; item: Pick<LifeItem, 'account_id' | 'account_name' | 'account_email'>; urls: string[] };

/**
 * Carries out the effects of one item's step: every kind is handled here, none only logged.
 * Messages are grouped per recipient (one mail per party and kind for the whole step).
 */
function carryOut(
  effects: readonly SideEffect[],
  cols: Columns,
  now: Date,
  item: Send['item'] & { url: string },
  sends: Map<string, Send>,
  skip?: readonly string[],
) {
  for (const e of effects) {
    switch (e.type) {
      case 'message': {
        if (skip?.includes(e.message.kind)) break;
        const key = `${e.to}:${e.to === 'customer' ? item.account_id : ''}:${JSON.stringify(e.message)}`;
        const g = sends.get(key) ?? { to: e.to, message: e.message, item, urls: [] };
        g.urls.push(item.url);
        sends.set(key, g);
        break;
      }
      case 'strike':
        // A new strike dates from the takedown; a change of status keeps that date.
        cols.strikeStatus = e.status;
        if (e.previous === null) cols.strikeAt = now;
        break;
      case 'schedule_tick':
        cols.wake = e.at;
        break;
      case 'cancel_tick':
        cols.wake = null;
        break;
      default: {
        const never: never = e;
        throw new TypeError(`unknown effect ${JSON.stringify(never)}`);
      }
    }
  }
}

/** The messages of a step, composed from the grouped sends. */
function composeMessages(
  deps: ItemStepDeps,
  notice: NoticeFacts,
  o: Pick<StepOptions, 'stepId' | 'counterNotice'>,
  sends: Map<string, Send>,
  restricted: Restricted = { statements: [], accounts: new Map() },
): OutgoingMessage[] {
  const portalUrl = `${deps.publicUrl()}/portal/notices/${notice.id}`;
  const messages: OutgoingMessage[] = [];
  // Each statement of reasons rides in the customer's takedown mail of the step, else goes alone.
  const unsent = new Map(restricted.statements.map((st) => [st.accountId, st]));
  const statementLink = (st: Issued) => `${deps.publicUrl()}/portal/statements/${st.id}`;
  const kinds = new Set([...sends.values()].map((g) => `${g.to}:${g.message.kind}`));
  for (const g of sends.values()) {
    // The customer's "restore scheduled" says that the counter notice arrived: one mail, not two.
    if (g.message.kind === 'counter_notice_received' && kinds.has('customer:restore_scheduled')) continue;
    const customer =
      g.item.account_id && g.item.account_email ? { id: g.item.account_id, name: g.item.account_name ?? g.item.account_id, email: g.item.account_email } : null;
    if (g.to === 'customer' && !customer) continue;
    if (g.to === 'customer' && g.message.kind === 'takedown_notice') {
      const st = unsent.get(customer!.id);
      unsent.delete(customer!.id);
      messages.push(
        takedownMessage(
          deps.provider,
          notice,
          o.stepId,
          customer!,
          g.urls,
          { portalUrl, replyAddress: deps.replyAddress(notice.id) },
          st ? statementText(st, statementLink(st)) : null,
        ),
      );
      continue;
    }
    const m = lifecycleMessage(g.message, g.to === 'customer' ? { role: 'customer', customer: customer! } : { role: 'complainant' }, g.urls, {
      provider: deps.provider,
      notice,
      stepId: o.stepId,
      timeZone: deps.calendar.timeZone,
      portalUrl,
      replyAddress: deps.replyAddress(notice.id),
      counterNotice: o.counterNotice,
    });
    if (m) messages.push(m);
  }
  for (const st of unsent.values()) {
    const account = st.accountId ? restricted.accounts.get(st.accountId) : undefined;
    if (account) messages.push(statementMessage(deps.provider, st, account, statementLink(st)));
  }
  return messages;
}

/** A step's newly issued statements of reasons and the customers they are addressed to. */
interface Restricted {
  statements: Issued[];
  accounts: Map<string, { id: string; name: string; email: string }>;
}

/**
 * Issues the statements of reasons (DSA Art. 17) that the items newly disabled in this step owe,
 * in the step's transaction: one per customer.
 */
async function restrict(
  trx: Kysely<Database>,
  actor: Actor,
  notice: NoticeFacts,
  step: { stepId: string; at: Date; explanation?: string | null },
  disabled: readonly { url: string; account_id: string | null; account_name: string | null; account_email: string | null }[],
): Promise<Restricted> {
  const accounts = new Map<string, { id: string; name: string; email: string }>();
  for (const i of disabled)
    if (i.account_id && i.account_email) accounts.set(i.account_id, { id: i.account_id, name: i.account_name ?? i.account_id, email: i.account_email });
  const decisions = contentDecisions(
    notice,
    { ...step, byPolicy: actor === 'system' },
    groupByAccount(disabled.map((i) => ({ accountId: i.account_id, url: i.url }))),
  );
  return { statements: await issueStatements(trx, actor, step.stepId, decisions), accounts };
}

/** One item's step: the first event decides (its refusal is the item's), the rest follow where they apply. */
function decide(
  before: LifecycleState,
  events: readonly LifecycleEvent[],
  ctx: LifecycleContext,
): { ok: false; code: TransitionErrorCode; why: string } | { ok: true; state: LifecycleState; effects: SideEffect[]; note: string | null } {
  const first = transition(before, events[0]!, ctx);
  if (!first.ok) return { ok: false, code: first.error.code, why: first.error.message };
  let state = first.state;
  const effects = first.changed ? [...first.effects] : [];
  for (const ev of events.slice(1)) {
    const r = transition(state, ev, ctx);
    if (r.ok && r.changed) {
      state = r.state;
      effects.push(...r.effects);
    }
  }
  return { ok: true, state, effects, note: first.changed ? null : first.note };
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * One step over `items` (locked by the caller's `lockItems` in the same transaction), written
 * set-based. Returns what changed, what was already so, and what the machine refused, per item,
 * with the messages it queued.
 */
export async function applySteps(
  trx: Kysely<Database>,
  deps: ItemStepDeps,
  actor: Actor,
  notice: NoticeFacts,
  items: readonly LifeItem[],
  events: readonly LifecycleEvent[],
  o: StepOptions,
): Promise<{ result: StepResult; messages: OutgoingMessage[] }> {
  const ctx: LifecycleContext = { now: deps.now(), calendar: deps.calendar, policy: deps.policy };
  const result: StepResult = { changed: [], unchanged: [], refused: [] };
  const itemEvents: NewEvent[] = [];
  const sends = new Map<string, Send>();
  const stored: { item: LifeItem; state: LifecycleState; cols: Columns }[] = [];
  const projected: { id: number; state: ItemState; reason: string | null }[] = [];
  const disabled: LifeItem[] = [];
  for (const item of items) {
    const before = currentState(item, notice);
    const d = decide(before, events, ctx);
    if (!d.ok) {
      result.refused.push({ position: item.position, url: item.url, state: item.state, code: d.code, why: d.why });
      continue;
    }
    if (d.state === before) {
      result.unchanged.push({ position: item.position, url: item.url, note: d.note ?? 'no change' });
      continue;
    }
    const cols: Columns = { strikeStatus: item.strike_status, strikeAt: item.strike_at, wake: item.next_wake_at };
    carryOut(d.effects, cols, ctx.now, item, sends, o.skip);
    if (!IMPLIED_BY_ROW.has(d.state.kind)) stored.push({ item, state: d.state, cols });
    const to = coarseState(d.state);
    const reason = coarseReason(d.state);
    if (to !== item.state || reason !== item.reason) projected.push({ id: item.id, state: to, reason });
    if (to === 'content_disabled' && item.state !== 'content_disabled') disabled.push(item);
    itemEvents.push({
      actor,
      type: o.itemEvent ?? 'item.lifecycle',
      subjectType: 'item',
      subjectId: String(item.id),
      noticeId: notice.id,
      before: { state: item.state, lifecycle: before.kind, strike: strikeStatusOf(before) },
      // With a new state its reason always, so the change reads whole from the log (webhooks' item.state_changed).
      after: {
        state: to,
        lifecycle: d.state.kind,
        strike: cols.strikeStatus,
        next_wake_at: cols.wake,
        ...(reason !== item.reason || to !== item.state ? { reason } : {}),
      },
      data: {
        position: item.position,
        step: o.type,
        step_id: o.stepId,
        events: events.map((e) => e.type),
        effects: d.effects.filter((e) => e.type !== 'message'),
        ...o.itemData,
      },
    });
    result.changed.push({ position: item.position, url: item.url, from: item.state, to, lifecycle: d.state.kind });
  }
  if (stored.length) {
    const col = <T>(f: (s: (typeof stored)[number]) => T) => stored.map(f);
    await sql`
      INSERT INTO item_lifecycles (item_id, notice_id, account_id, kind, state, strike_status, strike_at, next_wake_at, updated_at)
      SELECT u.item_id, ${notice.id}::uuid, u.account_id, u.kind, u.state::jsonb, u.strike_status, u.strike_at, u.next_wake_at, now()
      FROM unnest(${col((s) => s.item.id)}::bigint[], ${col((s) => s.item.account_id)}::text[], ${col((s) => s.state.kind)}::text[],
                  ${col((s) => JSON.stringify(s.state))}::text[], ${col((s) => s.cols.strikeStatus)}::text[],
                  ${col((s) => iso(s.cols.strikeAt))}::timestamptz[], ${col((s) => iso(s.cols.wake))}::timestamptz[])
        AS u(item_id, account_id, kind, state, strike_status, strike_at, next_wake_at)
      ON CONFLICT (item_id) DO UPDATE SET kind = excluded.kind, state = excluded.state, strike_status = excluded.strike_status,
        strike_at = excluded.strike_at, next_wake_at = excluded.next_wake_at, updated_at = now()`.execute(trx);
  }
  if (projected.length) {
    await sql`
      UPDATE notice_items i SET state = u.state, reason = u.reason, updated_at = now()
      FROM unnest(${projected.map((p) => p.id)}::bigint[], ${projected.map((p) => p.state)}::text[], ${projected.map((p) => p.reason)}::text[]) AS u(id, state, reason)
      WHERE i.id = u.id`.execute(trx);
    await refreshItemCounts(trx, notice.id);
  }
  if (itemEvents.length) {
    await appendEvents(trx, [
      ...itemEvents,
      {
        actor,
        type: `notice.${o.type}`,
        subjectType: 'notice',
        subjectId: notice.id,
        noticeId: notice.id,
        data: { step_id: o.stepId, items: itemEvents.length, ...o.data },
      },
    ]);
  }
  const restricted = await restrict(trx, actor, notice, { stepId: o.stepId, at: ctx.now, explanation: o.explanation }, disabled);
  const messages = composeMessages(deps, notice, o, sends, restricted);
  await enqueueMessages(trx, notice.id, messages);
  return { result, messages };
}

/** What resolution found for one item, beside the state (zone, origin, hosting provider). */
export interface ResolutionColumns {
  zone_id: number | null;
  zone: string | null;
  account_id: string | null;
  mode: string | null;
  origin: string | null;
  origin_kind: string | null;
  origin_ips: string[] | null;
  origin_resolution: string | null;
  host_asn: number | null;
  host_name: string | null;
  host_abuse_email: string | null;
  dns_error: string | null;
}

/** The rows applyResolutions writes, as jsonb_to_recordset reads them. */
const RESOLUTION_COLUMNS = {
  id: 'bigint',
  state: 'text',
  reason: 'text',
  zone_id: 'int',
  zone: 'text',
  account_id: 'text',
  mode: 'text',
  origin: 'text',
  origin_kind: 'text',
  origin_ips: 'text[]',
  origin_resolution: 'text',
  host_asn: 'bigint',
  host_name: 'text',
  host_abuse_email: 'text',
  kind: 'text',
  lifecycle: 'jsonb',
  strike_status: 'text',
  strike_at: 'timestamptz',
  next_wake_at: 'timestamptz',
} as const;

export interface ResolvedItem {
  id: number;
  url: string;
  resolution: Resolution;
  columns: ResolutionColumns;
  /** The customer whose zone it is, for the takedown mail of an automatic takedown. */
  account: { id: string; name: string; email: string } | null;
}

/**
 * The processor's batch path: the items (still `received`) are resolved and, under a policy of
 * automatic takedown, hosted content is disabled and its customer told (receiptEvents). Pure
 * decisions for the whole batch, then one UPDATE of the items (resolution columns and state)
 * that also stores the machine states not implied by the row (hosted content), events in one INSERT, and the takedown mails. Items no
 * longer `received` (a batch retried after a crash) are left alone. The notice's counts are
 * refreshed once the notice is processed (they are shown only then: notice-views.ts).
 * Returns how many items were resolved.
 */
export async function applyResolutions(trx: Kysely<Database>, deps: ItemStepDeps, notice: NoticeFacts, batch: readonly ResolvedItem[]): Promise<number> {
  if (!batch.length) return 0;
  const ctx: LifecycleContext = { now: deps.now(), calendar: deps.calendar, policy: deps.policy };
  const stepId = `receipt-${batch[0]!.id}`;
  const before = receiveItem(notice.createdAt);
  const sends = new Map<string, Send>();
  const rows = batch.map((b) => {
    const events = receiptEvents(b.resolution, deps.policy);
    const d = decide(before, events, ctx);
    // Resolution from `received` is total for a well-formed resolution; anything else is a bug upstream.
    if (!d.ok) throw new Error(`item ${b.id} cannot be resolved: ${d.why}`);
    const cols: Columns = { strikeStatus: null, strikeAt: null, wake: null };
    const item = { account_id: b.account?.id ?? null, account_name: b.account?.name ?? null, account_email: b.account?.email ?? null, url: b.url };
    return { b, state: d.state, effects: d.effects, cols, events, item };
  });
  // The reporter's acknowledgement tells the outcome of every URL, so the step's own mail to the
  // complainant is not sent twice. Messages are grouped once the write says which items it took.
  const noMessages = new Map<string, Send>();
  for (const r of rows) carryOut(r.effects, r.cols, ctx.now, r.item, noMessages, ['content_disabled']);
  // The machine state goes along only where it is stored (hosted content taken down on receipt):
  // for the rest of the batch the row says it all (IMPLIED_BY_ROW).
  const write = rows.map((r) => {
    const stored = !IMPLIED_BY_ROW.has(r.state.kind);
    return {
      ...r.b.columns,
      id: r.b.id,
      state: coarseState(r.state),
      reason: coarseReason(r.state),
      ...(stored ? { kind: r.state.kind, lifecycle: r.state, strike_status: r.cols.strikeStatus, strike_at: r.cols.strikeAt, next_wake_at: r.cols.wake } : {}),
    };
  });
  const updated = (
    await sql<{ id: string | number }>`
      WITH u AS (
        SELECT * FROM ${jsonRows(write, RESOLUTION_COLUMNS, 'u')}
      ), items AS (
        UPDATE notice_items i SET state = u.state, reason = u.reason, zone_id = u.zone_id, zone = u.zone, account_id = u.account_id,
          mode = u.mode, origin = u.origin, origin_kind = u.origin_kind, origin_ips = u.origin_ips, origin_resolution = u.origin_resolution,
          host_asn = u.host_asn, host_name = u.host_name, host_abuse_email = u.host_abuse_email, updated_at = now()
        FROM u WHERE i.id = u.id AND i.state = 'received'
        RETURNING i.id
      ), states AS (
        INSERT INTO item_lifecycles (item_id, notice_id, account_id, kind, state, strike_status, strike_at, next_wake_at, updated_at)
        SELECT u.id, ${notice.id}::uuid, u.account_id, u.kind, u.lifecycle, u.strike_status, u.strike_at, u.next_wake_at, now()
        FROM u JOIN items ON items.id = u.id
        WHERE u.kind IS NOT NULL
      )
      SELECT id FROM items`.execute(trx)
  ).rows;
  const done = new Set(updated.map((u) => Number(u.id)));
  const events: NewEvent[] = [];
  const newlyDisabled: (typeof rows)[number]['item'][] = [];
  let disabled = 0;
  for (const r of rows) {
    if (!done.has(r.b.id)) continue;
    carryOut(
      r.effects.filter((e) => e.type === 'message'),
      { ...r.cols },
      ctx.now,
      r.item,
      sends,
      ['content_disabled'],
    );
    const k = r.b.columns;
    const to = coarseState(r.state);
    if (to === 'content_disabled') {
      disabled++;
      newlyDisabled.push(r.item);
    }
    events.push({
      actor: 'system',
      type: 'item.resolved',
      subjectType: 'item',
      subjectId: String(r.b.id),
      noticeId: notice.id,
      before: { state: 'received' },
      after: {
        state: to,
        lifecycle: r.state.kind,
        zone: k.zone,
        account_id: k.account_id,
        mode: k.mode,
        host_asn: k.host_asn,
        host_name: k.host_name,
        ...(r.cols.strikeStatus ? { strike: r.cols.strikeStatus } : {}),
      },
      data:
        r.events.length > 1 || k.dns_error
          ? { ...(k.dns_error ? { dns_error: k.dns_error } : {}), ...(r.events.length > 1 ? { events: r.events.map((e) => e.type) } : {}) }
          : null,
    });
  }
  if (disabled) {
    events.push({
      actor: 'system',
      type: 'notice.takedown_started',
      subjectType: 'notice',
      subjectId: notice.id,
      noticeId: notice.id,
      data: { step_id: stepId, items: disabled, by: 'policy' },
    });
  }
  await appendEvents(trx, events);
  const restricted = await restrict(trx, 'system', notice, { stepId, at: ctx.now }, newlyDisabled);
  await enqueueMessages(trx, notice.id, composeMessages(deps, notice, { stepId }, sends, restricted));
  return done.size;
}
