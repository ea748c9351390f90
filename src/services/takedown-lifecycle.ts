// The takedown / counter-notice lifecycle (domain/takedown-lifecycle.ts) applied to stored items.
// Every step runs in one transaction: the items are locked, the pure state machine decides, and
// the new state (JSON beside the item, item_lifecycles), the coarse notice_items.state, the
// strike and wake-up columns, an event per item with before/after, and the messages to each
// party are written together. Repeating a step is harmless: the machine answers "no change",
// and the messages of a step carry dedupe keys.
import { createHash, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { appendEvents, type Actor, type NewEvent } from '../storage/events.ts';
import type { LifecycleStepType } from '../domain/event-types.ts';
import { enqueueMessages } from '../storage/outbox.ts';
import { refreshItemCounts } from '../storage/item-counts.ts';
import type { BusinessCalendar } from '../domain/business-days.ts';
import {
  coarseState,
  nextWakeAt,
  parseLifecycleState,
  startLifecycle,
  strikeStatusOf,
  transition,
  type LifecycleContext,
  type LifecycleEvent,
  type LifecycleMessage,
  type LifecyclePolicy,
  type LifecycleState,
  type Recipient,
  type TransitionErrorCode,
} from '../domain/takedown-lifecycle.ts';
import { validateCounterNotice, validateCourtAction, validateRetraction, type CounterNotice } from '../domain/counter-notice.ts';
import { lifecycleMessage } from '../domain/lifecycle-messages.ts';
import { LIFECYCLE_STEPS, type StaffLifecycleRequest } from '../domain/staff-lifecycle-commands.ts';
import { takedownMessage } from '../domain/review-messages.ts';
import type { NoticeFacts, OutgoingMessage } from '../domain/messages.ts';
import type { FieldError } from '../domain/notice.ts';
import type { ItemState } from '../domain/item-state.ts';
import type { StatusLinks } from './status-links.ts';
import type { Principal } from './principals.ts';

export interface LifecycleDeps {
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

export type Filer = { principal: Principal; channel: 'api' | 'portal' } | { principal: null; channel: 'email'; inboundMessageId: number };

interface LifeItem {
  id: number;
  position: number;
  url: string;
  state: ItemState;
  account_id: string | null;
  account_name: string | null;
  account_email: string | null;
  updated_at: Date;
  lifecycle: unknown;
}

export interface ItemOutcome {
  position: number;
  url: string;
  from: ItemState;
  to: ItemState;
  lifecycle: LifecycleState['kind'] | null;
}
export interface ItemRefusal {
  position: number;
  url: string;
  state: ItemState;
  code: TransitionErrorCode | 'not_in_lifecycle';
  why: string;
}
export interface StepResult {
  changed: ItemOutcome[];
  unchanged: { position: number; url: string; note: string }[];
  refused: ItemRefusal[];
}

export type FilingResult =
  { status: 404 } | { status: 422 | 409; errors: FieldError[]; refused?: ItemRefusal[] } | { status: 200 | 201; id: string; result: StepResult };

export async function loadNoticeFacts(db: Kysely<Database>, noticeId: string, links: StatusLinks): Promise<(NoticeFacts & { reporterId: string }) | null> {
  if (!/^[0-9a-f-]{36}$/i.test(noticeId)) return null;
  const n = await db.selectFrom('notices').select(['id', 'created_at', 'submission', 'reporter_id']).where('id', '=', noticeId).executeTakeFirst();
  return n ? { id: n.id, createdAt: n.created_at, submission: n.submission, statusUrl: links.url(n.id), reporterId: n.reporter_id } : null;
}

async function lockItems(trx: Kysely<Database>, noticeId: string, f: { accountId?: string; ids?: number[]; positions?: number[] }): Promise<LifeItem[]> {
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
      'i.account_id',
      'a.name as account_name',
      'a.email as account_email',
      'i.updated_at',
      'l.state as lifecycle',
    ])
    .where('i.notice_id', '=', noticeId)
    .orderBy('i.position')
    .forUpdate('i');
  if (f.accountId !== undefined) q = q.where('i.account_id', '=', f.accountId);
  if (f.ids) q = q.where('i.id', 'in', f.ids.length ? f.ids : [-1]);
  if (f.positions) q = q.where('i.position', 'in', f.positions.length ? f.positions : [-1]);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), url: r.url ?? r.submitted_url, state: r.state }));
}

/**
 * The item's lifecycle state. Hosted items awaiting review start one when first acted on; an item
 * disabled before the lifecycle existed (no row) is taken as disabled and notified then.
 */
function currentState(i: LifeItem, notice: NoticeFacts): LifecycleState | null {
  if (i.lifecycle !== null && i.lifecycle !== undefined) {
    const p = parseLifecycleState(i.lifecycle);
    if (!p.ok) throw new Error(`stored lifecycle of item ${i.id} is unreadable: ${p.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    return p.state;
  }
  if (i.state === 'pending_review') return startLifecycle(notice.createdAt);
  if (i.state === 'content_disabled') {
    const at = new Date(i.updated_at);
    return { kind: 'customer_notified', takedown: { reportedAt: notice.createdAt, disabledAt: at, disabledBy: 'staff' }, customerNotifiedAt: at };
  }
  return null;
}

interface StepOptions {
  /** Names the step's notice-level event (notice.<type>) and groups its messages. */
  type: LifecycleStepType;
  stepId: string;
  /** Messages another module already sends for this step. */
  skip?: readonly LifecycleMessage['kind'][];
  counterNotice?: { id: string; receivedAt: Date; body: CounterNotice } | null;
  /** Item state to start from when the item has no stored lifecycle (staff disabling starts it). */
  fresh?: boolean;
  data?: Record<string, unknown>;
  /** Added to each item's event (e.g. the staff command it came from). */
  itemData?: Record<string, unknown>;
}

/**
 * One step over `items`: the first event decides (its refusal is the item's refusal), the rest
 * follow where they apply (e.g. forward right after receiving, close right after restoring).
 */
async function applyStep(
  trx: Kysely<Database>,
  deps: LifecycleDeps,
  actor: Actor,
  notice: NoticeFacts,
  items: LifeItem[],
  events: readonly LifecycleEvent[],
  o: StepOptions,
): Promise<{ result: StepResult; messages: OutgoingMessage[] }> {
  const ctx: LifecycleContext = { now: deps.now(), calendar: deps.calendar, policy: deps.policy };
  const result: StepResult = { changed: [], unchanged: [], refused: [] };
  const itemEvents: NewEvent[] = [];
  const sends = new Map<string, { to: Recipient; message: LifecycleMessage; item: LifeItem; urls: string[] }>();
  let coarseChanged = false;
  for (const item of items) {
    const before = o.fresh && (item.lifecycle === null || item.lifecycle === undefined) ? startLifecycle(notice.createdAt) : currentState(item, notice);
    if (!before) {
      result.refused.push({
        position: item.position,
        url: item.url,
        state: item.state,
        code: 'not_in_lifecycle',
        why: `this URL is ${item.state.replace(/_/g, ' ')}: it is not hosted content taken down under this notice`,
      });
      continue;
    }
    const first = transition(before, events[0]!, ctx);
    if (!first.ok) {
      result.refused.push({ position: item.position, url: item.url, state: item.state, code: first.error.code, why: first.error.message });
      continue;
    }
    let state = first.state;
    const effects = first.changed ? [...first.effects] : [];
    const notes = first.changed ? [] : [first.note];
    for (const ev of events.slice(1)) {
      const r = transition(state, ev, ctx);
      if (r.ok && r.changed) {
        state = r.state;
        effects.push(...r.effects);
      }
    }
    if (!effects.length && state === before) {
      result.unchanged.push({ position: item.position, url: item.url, note: notes[0] ?? 'no change' });
      continue;
    }
    const from = item.state;
    const to = coarseState(state);
    const strike = strikeStatusOf(state);
    const wake = nextWakeAt(state, deps.policy);
    const takedownAt =
      'takedown' in state
        ? state.takedown.disabledAt
        : state.kind === 'retracted' && 'takedown' in state.before
          ? state.before.takedown.disabledAt
          : state.kind === 'closed' && 'takedown' in state.last
            ? state.last.takedown.disabledAt
            : null;
    const json = JSON.stringify(state);
    await sql`
      INSERT INTO item_lifecycles (item_id, notice_id, account_id, kind, state, strike_status, strike_at, next_wake_at, updated_at)
      VALUES (${item.id}, ${notice.id}::uuid, ${item.account_id}, ${state.kind}, ${json}::jsonb, ${strike}, ${takedownAt?.toISOString() ?? null}::timestamptz, ${wake?.toISOString() ?? null}::timestamptz, now())
      ON CONFLICT (item_id) DO UPDATE SET kind = excluded.kind, state = excluded.state, strike_status = excluded.strike_status,
        strike_at = coalesce(excluded.strike_at, item_lifecycles.strike_at), next_wake_at = excluded.next_wake_at, updated_at = now()`.execute(trx);
    if (to !== from) {
      coarseChanged = true;
      await trx.updateTable('notice_items').set({ state: to, updated_at: new Date() }).where('id', '=', item.id).execute();
    }
    itemEvents.push({
      actor,
      type: 'item.lifecycle',
      subjectType: 'item',
      subjectId: String(item.id),
      noticeId: notice.id,
      before: { state: from, lifecycle: before.kind, strike: strikeStatusOf(before) },
      after: { state: to, lifecycle: state.kind, strike, next_wake_at: wake },
      data: {
        position: item.position,
        step: o.type,
        step_id: o.stepId,
        events: events.map((e) => e.type),
        effects: effects.filter((e) => e.type !== 'message'),
        ...o.itemData,
      },
    });
    result.changed.push({ position: item.position, url: item.url, from, to, lifecycle: state.kind });
    for (const e of effects) {
      if (e.type !== 'message' || o.skip?.includes(e.message.kind)) continue;
      const key = `${e.to}:${e.to === 'customer' ? item.account_id : ''}:${JSON.stringify(e.message)}`;
      const g = sends.get(key) ?? { to: e.to, message: e.message, item, urls: [] };
      g.urls.push(item.url);
      sends.set(key, g);
    }
  }
  if (coarseChanged) await refreshItemCounts(trx, notice.id);
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
  const portalUrl = `${deps.publicUrl()}/portal/notices/${notice.id}`;
  const messages: OutgoingMessage[] = [];
  const kinds = new Set([...sends.values()].map((g) => `${g.to}:${g.message.kind}`));
  for (const g of sends.values()) {
    // The customer's "restore scheduled" says that the counter notice arrived: one mail, not two.
    if (g.message.kind === 'counter_notice_received' && kinds.has('customer:restore_scheduled')) continue;
    const customer =
      g.item.account_id && g.item.account_email ? { id: g.item.account_id, name: g.item.account_name ?? g.item.account_id, email: g.item.account_email } : null;
    if (g.to === 'customer' && !customer) continue;
    if (g.to === 'customer' && g.message.kind === 'takedown_notice') {
      messages.push(takedownMessage(deps.provider, notice, o.stepId, customer!, g.urls, { portalUrl, replyAddress: deps.replyAddress(notice.id) }));
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
  await enqueueMessages(trx, notice.id, messages);
  return { result, messages };
}

/**
 * Staff disabled these items (item-review.ts, inside its transaction): the lifecycle starts, and
 * the customer is told what was disabled, why, and how to counter-notify. The complainant's
 * mail about the decision is item-review's.
 */
export async function startTakedowns(
  trx: Kysely<Database>,
  deps: LifecycleDeps,
  actor: Actor,
  noticeId: string,
  itemIds: number[],
  decisionId: string,
): Promise<number> {
  const notice = await loadNoticeFacts(trx, noticeId, deps.links);
  if (!notice || !itemIds.length) return 0;
  const items = await lockItems(trx, noticeId, { ids: itemIds });
  const { messages } = await applyStep(trx, deps, actor, notice, items, [{ type: 'disable', by: 'staff' }, { type: 'notify_customer' }], {
    type: 'takedown_started',
    stepId: decisionId,
    skip: ['content_disabled'],
    fresh: true,
  });
  return messages.length;
}

const hashOf = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

function noChange(r: StepResult): boolean {
  return r.changed.length === 0 && r.unchanged.length === 0;
}

function refusalErrors(field: string, refused: ItemRefusal[]): FieldError[] {
  return refused.map((r) => ({ field, message: `${r.url}: ${r.why}` }));
}

/**
 * A counter notice from the customer whose content was disabled (portal, API or e-mail). Only
 * the account's own URLs of the notice can be named; another customer's notice is a 404. The
 * complainant gets its copy and the restore date in the same transaction.
 */
export async function fileCounterNotice(deps: LifecycleDeps, filer: Filer & { accountId: string }, noticeId: string, body: unknown): Promise<FilingResult> {
  const notice = await loadNoticeFacts(deps.db, noticeId, deps.links);
  if (!notice) return { status: 404 };
  const own = await deps.db
    .selectFrom('notice_items')
    .select(['url', 'submitted_url'])
    .where('notice_id', '=', noticeId)
    .where('account_id', '=', filer.accountId)
    .execute();
  if (!own.length) return { status: 404 };
  const v = validateCounterNotice(body, { urls: own.map((r) => r.url ?? r.submitted_url) });
  if (!v.ok) return { status: 422, errors: v.errors };
  const cn = v.counterNotice;
  const requestHash = hashOf({ account: filer.accountId, cn });
  const receivedAt = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('legal_filings')
      .select(['id', 'received_at'])
      .where('notice_id', '=', noticeId)
      .where('kind', '=', 'counter_notice')
      .where('request_hash', '=', requestHash)
      .executeTakeFirst();
    const id = existing?.id ?? randomUUID();
    const at = existing ? new Date(existing.received_at) : receivedAt;
    const wanted = new Set(cn.material.urls);
    const items = (await lockItems(trx, noticeId, { accountId: filer.accountId })).filter((i) => wanted.has(i.url));
    const actor: Actor = filer.principal ? `principal:${filer.principal.id}` : 'system';
    const { result } = await applyStep(
      trx,
      deps,
      actor,
      notice,
      items,
      [{ type: 'receive_counter_notice', counterNoticeId: id, receivedAt: at }, { type: 'forward_counter_notice' }],
      {
        type: 'counter_notice_received',
        stepId: id,
        counterNotice: { id, receivedAt: at, body: cn },
        data: { counter_notice_id: id, channel: filer.channel, account_id: filer.accountId },
      },
    );
    if (noChange(result)) return { status: 409 as const, errors: refusalErrors('material.urls', result.refused), refused: result.refused };
    if (!existing) {
      await trx
        .insertInto('legal_filings')
        .values({
          id,
          kind: 'counter_notice',
          notice_id: noticeId,
          account_id: filer.accountId,
          principal_id: filer.principal?.id ?? null,
          channel: filer.channel,
          inbound_message_id: filer.channel === 'email' ? filer.inboundMessageId : null,
          urls: cn.material.urls,
          body: JSON.stringify(cn),
          request_hash: requestHash,
          received_at: at,
        })
        .execute();
    }
    return { status: existing ? (200 as const) : (201 as const), id, result };
  });
}

/** May this principal act as the complainant of this notice? Staff may, for one who wrote in. */
function isComplainant(p: Principal, notice: { reporterId: string }): boolean {
  return p.role === 'staff' || (p.role === 'reporter' && p.id === notice.reporterId);
}

/** The complainant's notice of court action (§512(g)(2)(C)): the content stays down. */
export async function fileCourtAction(deps: LifecycleDeps, principal: Principal, noticeId: string, body: unknown): Promise<FilingResult> {
  const notice = await loadNoticeFacts(deps.db, noticeId, deps.links);
  if (!notice || !isComplainant(principal, notice)) return { status: 404 };
  const urls = (await deps.db.selectFrom('notice_items').select(['url', 'submitted_url']).where('notice_id', '=', noticeId).execute()).map(
    (r) => r.url ?? r.submitted_url,
  );
  const v = validateCourtAction(body, { urls }, deps.now());
  if (!v.ok) return { status: 422, errors: v.errors };
  const ca = v.courtAction;
  return fileComplainantStep(
    deps,
    principal,
    notice,
    'court_action',
    ca.urls,
    ca,
    (items) => items.filter((i) => i.lifecycle !== null),
    [{ type: 'court_action_filed', reference: ca.reference }],
    'court_action_filed',
    'urls',
  );
}

/** How a complainant's filing reached us: by API (the default) or by e-mail to the case's reply address. */
export type ComplainantChannel = { channel: 'api' } | { channel: 'email'; inboundMessageId: number };

/** The complainant withdraws its notice (all or some URLs): disabled content comes back, no strike. */
export async function fileRetraction(
  deps: LifecycleDeps,
  principal: Principal,
  noticeId: string,
  body: unknown,
  via: ComplainantChannel = { channel: 'api' },
): Promise<FilingResult> {
  const notice = await loadNoticeFacts(deps.db, noticeId, deps.links);
  if (!notice || !isComplainant(principal, notice)) return { status: 404 };
  const urls = (await deps.db.selectFrom('notice_items').select(['url', 'submitted_url']).where('notice_id', '=', noticeId).execute()).map(
    (r) => r.url ?? r.submitted_url,
  );
  const v = validateRetraction(body, { urls, claimantName: notice.submission.claimant.name });
  if (!v.ok) return { status: 422, errors: v.errors };
  return fileComplainantStep(
    deps,
    principal,
    notice,
    'retraction',
    v.retraction.urls,
    v.retraction,
    (items) => items,
    LIFECYCLE_STEPS.retract,
    'retracted',
    'urls',
    via,
  );
}

async function fileComplainantStep(
  deps: LifecycleDeps,
  principal: Principal,
  notice: NoticeFacts & { reporterId: string },
  kind: 'court_action' | 'retraction',
  urls: string[] | 'all',
  filing: unknown,
  pick: (items: LifeItem[]) => LifeItem[],
  events: readonly LifecycleEvent[],
  type: LifecycleStepType,
  field: string,
  via: ComplainantChannel = { channel: 'api' },
): Promise<FilingResult> {
  const requestHash = hashOf(filing);
  const actor: Actor = `principal:${principal.id}`;
  return deps.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('legal_filings')
      .select('id')
      .where('notice_id', '=', notice.id)
      .where('kind', '=', kind)
      .where('request_hash', '=', requestHash)
      .executeTakeFirst();
    const id = existing?.id ?? randomUUID();
    const all = await lockItems(trx, notice.id, {});
    const named = urls === 'all' ? all : all.filter((i) => urls.includes(i.url));
    let items = pick(named);
    // A forwarded notice (proxied site) has no takedown to undo: its retraction only ends the strike.
    const forwarded = kind === 'retraction' ? items.filter((i) => i.state === 'forwarded' && (i.lifecycle === null || i.lifecycle === undefined)) : [];
    items = items.filter((i) => !forwarded.includes(i));
    if (urls === 'all' && kind === 'retraction') items = items.filter((i) => currentState(i, notice) !== null);
    const { result } = await applyStep(trx, deps, actor, notice, items, events, { type, stepId: id, data: { filing_id: id } });
    if (forwarded.length) {
      await trx
        .updateTable('notice_items')
        .set({ state: 'retracted', updated_at: new Date() })
        .where(
          'id',
          'in',
          forwarded.map((i) => i.id),
        )
        .execute();
      await refreshItemCounts(trx, notice.id);
      await appendEvents(
        trx,
        forwarded.map((i) => ({
          actor,
          type: 'item.retracted',
          subjectType: 'item' as const,
          subjectId: String(i.id),
          noticeId: notice.id,
          before: { state: 'forwarded' },
          after: { state: 'retracted' },
          data: { position: i.position, filing_id: id },
        })),
      );
      for (const i of forwarded) result.changed.push({ position: i.position, url: i.url, from: 'forwarded', to: 'retracted', lifecycle: null });
    }
    if (noChange(result)) {
      const refused = result.refused.length ? result.refused : [];
      return {
        status: 409 as const,
        errors: refused.length ? refusalErrors(field, refused) : [{ field, message: 'no URL of this notice is in a state this applies to' }],
        refused,
      };
    }
    if (!existing) {
      await trx
        .insertInto('legal_filings')
        .values({
          id,
          kind,
          notice_id: notice.id,
          account_id: null,
          principal_id: principal.id,
          channel: via.channel,
          inbound_message_id: via.channel === 'email' ? via.inboundMessageId : null,
          urls: urls === 'all' ? [] : urls,
          body: JSON.stringify(filing),
          request_hash: requestHash,
          received_at: deps.now(),
        })
        .execute();
    }
    return { status: existing ? (200 as const) : (201 as const), id, result };
  });
}

export type StaffCommandResult =
  | { status: 404 }
  | { status: 422; errors: FieldError[] }
  | { status: 409; errors: FieldError[]; refused: ItemRefusal[] }
  | { status: 200; stepId: string; result: StepResult };

class Refused extends Error {
  constructor(readonly refused: ItemRefusal[]) {
    super('refused');
  }
}

/**
 * Staff act by hand on some items of a notice (restore once the counter-notice window is open,
 * record a withdrawal, close a case, …; see staff-lifecycle-commands.ts), through the same step as
 * every other: one transaction, the machine decides per item, an event per changed item with the
 * staff member as actor, and the same messages as the automatic step (a restore tells both parties
 * what the background restore tells them). All or nothing: if the machine refuses the command for
 * any named item, nothing changes and every refusal comes back (409). Items where the command's
 * purpose is already achieved are unchanged, so a retry changes nothing and sends nothing.
 */
export async function applyStaffCommand(deps: LifecycleDeps, principal: Principal, noticeId: string, req: StaffLifecycleRequest): Promise<StaffCommandResult> {
  if (principal.role !== 'staff') return { status: 404 };
  const notice = await loadNoticeFacts(deps.db, noticeId, deps.links);
  if (!notice) return { status: 404 };
  const stepId = randomUUID();
  const actor: Actor = `principal:${principal.id}`;
  try {
    return await deps.db.transaction().execute(async (trx): Promise<StaffCommandResult> => {
      const items = await lockItems(trx, noticeId, { positions: req.positions });
      const found = new Set(items.map((i) => i.position));
      const missing = req.positions.filter((p) => !found.has(p));
      if (missing.length) return { status: 422, errors: missing.map((p) => ({ field: 'positions', message: `this notice has no URL at position ${p}` })) };
      const { result } = await applyStep(trx, deps, actor, notice, items, LIFECYCLE_STEPS[req.command], {
        type: 'lifecycle_command',
        stepId,
        data: { command: req.command, reason: req.reason, positions: req.positions },
        itemData: { command: req.command },
      });
      if (result.refused.length) throw new Refused(result.refused);
      return { status: 200, stepId, result };
    });
  } catch (e) {
    if (e instanceof Refused)
      return {
        status: 409,
        errors: e.refused.map((r) => ({ field: 'positions', message: `position ${r.position} (${r.url}): ${r.why}` })),
        refused: e.refused,
      };
    throw e;
  }
}

/**
 * The background loop's step: items whose wake-up time has come (restore windows that ran out
 * without a court action) get a tick — restored, both parties told — and are closed.
 * Returns whether there was anything due.
 */
export async function runDueLifecycles(deps: LifecycleDeps, limit = 200): Promise<boolean> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const due = (
      await sql<{ item_id: string | number; notice_id: string }>`
        SELECT item_id, notice_id FROM item_lifecycles WHERE next_wake_at <= ${now.toISOString()}::timestamptz
        ORDER BY next_wake_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`.execute(trx)
    ).rows;
    if (!due.length) return false;
    const byNotice = new Map<string, number[]>();
    for (const d of due) byNotice.set(d.notice_id, [...(byNotice.get(d.notice_id) ?? []), Number(d.item_id)]);
    for (const [noticeId, ids] of byNotice) {
      const notice = await loadNoticeFacts(trx, noticeId, deps.links);
      if (!notice) continue;
      const items = await lockItems(trx, noticeId, { ids });
      const { result } = await applyStep(trx, deps, 'system', notice, items, LIFECYCLE_STEPS.tick, {
        type: 'content_restored',
        stepId: `tick:${now.toISOString()}`,
      });
      // Due but unchanged (automatic restore switched off since it was scheduled): stop waking it.
      const idle = items.filter((i) => !result.changed.some((c) => c.position === i.position)).map((i) => i.id);
      if (idle.length) await trx.updateTable('item_lifecycles').set({ next_wake_at: null }).where('item_id', 'in', idle).execute();
    }
    return true;
  });
}

/**
 * The lifecycle states of some items of a notice, by position: for the staff notice page, which
 * asks only for the items of the page it shows (the (notice_id, position) key, then the item's
 * row), so a 100,000-URL notice costs no more than a small one. Items not in the lifecycle, and
 * a state that cannot be read, are left out.
 */
export async function itemLifecycleStates(db: Kysely<Database>, noticeId: string, positions: number[]): Promise<Map<number, LifecycleState>> {
  const out = new Map<number, LifecycleState>();
  if (!positions.length) return out;
  const rows = await db
    .selectFrom('notice_items as i')
    .innerJoin('item_lifecycles as l', 'l.item_id', 'i.id')
    .select(['i.position', 'l.state'])
    .where('i.notice_id', '=', noticeId)
    .where('i.position', 'in', positions)
    .execute();
  for (const r of rows) {
    const p = parseLifecycleState(r.state);
    if (p.ok) out.set(r.position, p.state);
  }
  return out;
}
