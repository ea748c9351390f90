// The takedown / counter-notice lifecycle (domain/takedown-lifecycle.ts) driven by the parties'
// filings, staff commands and the background timer. Each runs one transaction through the one
// writer (item-steps.ts): the items are locked, the pure state machine decides, and the state,
// its projection, the strike and wake-up columns, the events and the messages are written
// together. Repeating a step is harmless: the machine answers "no change", and the messages of a
// step carry dedupe keys.
import { createHash, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { Actor } from '../storage/events.ts';
import type { LifecycleStepType } from '../domain/event-types.ts';
import { inTakedownLifecycle, parseLifecycleState, type LifecycleEvent, type LifecycleState } from '../domain/takedown-lifecycle.ts';
import { validateCounterNotice, validateCourtAction, validateRetraction } from '../domain/counter-notice.ts';
import { counterNoticeAllowed } from '../domain/kind-actions.ts';
import { LIFECYCLE_STEPS, type StaffLifecycleRequest } from '../domain/staff-lifecycle-commands.ts';
import type { NoticeFacts } from '../domain/messages.ts';
import type { FieldError } from '../domain/notice.ts';
import type { Principal } from './principals.ts';
import { conflict, invalid, notFound, ok, type Result } from './result.ts';
import { applySteps, currentState, loadNoticeFacts, lockItems, type ItemRefusal, type ItemStepDeps, type LifeItem, type StepResult } from './item-steps.ts';

export type { ItemOutcome, ItemRefusal, StepResult } from './item-steps.ts';
export { loadNoticeFacts };

/** The writer's dependencies, as the lifecycle's callers know them. */
export type LifecycleDeps = ItemStepDeps;

export type Filer = { principal: Principal; channel: 'api' | 'portal' } | { principal: null; channel: 'email'; inboundMessageId: number };

/** A filing taken: its id and what it did per URL. Refusals come as `conflict` with `details.refused`. */
export interface Filing {
  id: string;
  result: StepResult;
}
/** `created` when the filing is new; the same filing again answers its first id. */
export type FilingResult = Result<Filing>;

const noNotice = (noticeId: string) => notFound('id', `no notice ${noticeId} that you can see`);

const hashOf = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

/**
 * The items a takedown-lifecycle command can apply to, and a refusal for each of the others
 * (a forwarded, invalid or unresolved URL has no takedown to counter, restore or close).
 */
function inLifecycle(items: LifeItem[], notice: NoticeFacts): { items: LifeItem[]; refused: ItemRefusal[] } {
  const out: { items: LifeItem[]; refused: ItemRefusal[] } = { items: [], refused: [] };
  for (const i of items) {
    if (inTakedownLifecycle(currentState(i, notice))) out.items.push(i);
    else
      out.refused.push({
        position: i.position,
        url: i.url,
        state: i.state,
        code: 'not_in_lifecycle',
        why: `this URL is ${i.state.replace(/_/g, ' ')}: it is not hosted content taken down under this notice`,
      });
  }
  return out;
}

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
  if (!notice) return noNotice(noticeId);
  const own = await deps.db
    .selectFrom('notice_items')
    .select(['url', 'submitted_url'])
    .where('notice_id', '=', noticeId)
    .where('account_id', '=', filer.accountId)
    .execute();
  if (!own.length) return noNotice(noticeId);
  const answerable = counterNoticeAllowed(notice.submission.kind, notice.submission.regime);
  if (!answerable.ok) return conflict([{ field: 'notice', message: answerable.reason }]);
  const v = validateCounterNotice(body, { urls: own.map((r) => r.url ?? r.submitted_url) });
  if (!v.ok) return invalid(v.errors);
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
    const named = inLifecycle(
      (await lockItems(trx, noticeId, { accountId: filer.accountId })).filter((i) => wanted.has(i.url)),
      notice,
    );
    const actor: Actor = filer.principal ? `principal:${filer.principal.id}` : 'system';
    const { result } = await applySteps(
      trx,
      deps,
      actor,
      notice,
      named.items,
      [{ type: 'receive_counter_notice', counterNoticeId: id, receivedAt: at }, { type: 'forward_counter_notice' }],
      {
        type: 'counter_notice_received',
        stepId: id,
        counterNotice: { id, receivedAt: at, body: cn },
        data: { counter_notice_id: id, channel: filer.channel, account_id: filer.accountId },
      },
    );
    result.refused.push(...named.refused);
    result.refused.sort((a, b) => a.position - b.position);
    if (noChange(result)) return conflict(refusalErrors('material.urls', result.refused), { refused: result.refused });
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
    return ok({ id, result }, !existing);
  });
}

/** May this principal act as the complainant of this notice? Staff may, for one who wrote in. */
function isComplainant(p: Principal, notice: { reporterId: string }): boolean {
  return p.role === 'staff' || (p.role === 'reporter' && p.id === notice.reporterId);
}

/** The complainant's notice of court action (§512(g)(2)(C)): the content stays down. */
export async function fileCourtAction(deps: LifecycleDeps, principal: Principal, noticeId: string, body: unknown): Promise<FilingResult> {
  const notice = await loadNoticeFacts(deps.db, noticeId, deps.links);
  if (!notice || !isComplainant(principal, notice)) return noNotice(noticeId);
  const urls = (await deps.db.selectFrom('notice_items').select(['url', 'submitted_url']).where('notice_id', '=', noticeId).execute()).map(
    (r) => r.url ?? r.submitted_url,
  );
  const v = validateCourtAction(body, { urls }, deps.now());
  if (!v.ok) return invalid(v.errors);
  const ca = v.courtAction;
  return fileComplainantStep(
    deps,
    principal,
    notice,
    'court_action',
    ca.urls,
    ca,
    (items) => items.filter((i) => inTakedownLifecycle(currentState(i, notice))),
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
  if (!notice || !isComplainant(principal, notice)) return noNotice(noticeId);
  const urls = (await deps.db.selectFrom('notice_items').select(['url', 'submitted_url']).where('notice_id', '=', noticeId).execute()).map(
    (r) => r.url ?? r.submitted_url,
  );
  const v = validateRetraction(body, { urls, claimantName: notice.submission.claimant?.name ?? '' });
  if (!v.ok) return invalid(v.errors);
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

/** A retraction of "all" URLs names those it can end: forwarded and hosted ones not yet decided against. */
function retractableAll(s: LifecycleState): boolean {
  return s.kind === 'forwarded' || (inTakedownLifecycle(s) && s.kind !== 'rejected');
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
    const items = pick(urls === 'all' ? named.filter((i) => retractableAll(currentState(i, notice))) : named);
    const { result } = await applySteps(trx, deps, actor, notice, items, events, { type, stepId: id, data: { filing_id: id } });
    if (noChange(result)) {
      const refused = result.refused.length ? result.refused : [];
      return conflict(refused.length ? refusalErrors(field, refused) : [{ field, message: 'no URL of this notice is in a state this applies to' }], {
        refused,
      });
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
    return ok({ id, result }, !existing);
  });
}

/** A staff command carried out (all or nothing: refusals come as `conflict` with `details.refused`). */
export type StaffCommandResult = Result<{ stepId: string; result: StepResult }>;

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
  if (principal.role !== 'staff') return notFound('id', `no notice ${noticeId}`);
  const notice = await loadNoticeFacts(deps.db, noticeId, deps.links);
  if (!notice) return notFound('id', `no notice ${noticeId}`);
  const stepId = randomUUID();
  const actor: Actor = `principal:${principal.id}`;
  try {
    return await deps.db.transaction().execute(async (trx): Promise<StaffCommandResult> => {
      const items = await lockItems(trx, noticeId, { positions: req.positions });
      const found = new Set(items.map((i) => i.position));
      const missing = req.positions.filter((p) => !found.has(p));
      if (missing.length) return invalid(missing.map((p) => ({ field: 'positions', message: `this notice has no URL at position ${p}` })));
      const named = inLifecycle(items, notice);
      if (named.refused.length) throw new Refused(named.refused);
      const { result } = await applySteps(trx, deps, actor, notice, named.items, LIFECYCLE_STEPS[req.command], {
        type: 'lifecycle_command',
        stepId,
        data: { command: req.command, reason: req.reason, positions: req.positions },
        itemData: { command: req.command },
      });
      if (result.refused.length) throw new Refused(result.refused);
      return ok({ stepId, result });
    });
  } catch (e) {
    if (e instanceof Refused)
      return conflict(
        e.refused.map((r) => ({ field: 'positions', message: `position ${r.position} (${r.url}): ${r.why}` })),
        { refused: e.refused },
      );
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
      const { result } = await applySteps(trx, deps, 'system', notice, items, LIFECYCLE_STEPS.tick, {
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
    if (p.ok && inTakedownLifecycle(p.state)) out.set(r.position, p.state);
  }
  return out;
}
