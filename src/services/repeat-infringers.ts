// The repeat-infringer policy enforced (17 U.S.C. §512(i)): an account's strikes come from the
// takedown lifecycle (item_lifecycles.strike_status, kept by takedown-lifecycle.ts) and from
// notices forwarded to it; strike-policy.ts decides what counts and where the account stands.
// Staff terminate (every zone 'terminated', blocked at the edge; the account's identifiers on
// the sign-up blocklist) and reinstate; each is one transaction with its events and mail.
import { moveAccountZones } from '../storage/zone-status.ts';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { appendEvents, type Actor, type NewEvent } from '../storage/events.ts';
import { enqueueMessages } from '../storage/outbox.ts';
import { LOCKS } from '../storage/locks.ts';
import { invalid, notFound, ok, type Result } from './result.ts';
import {
  STRIKE_STATUSES,
  countsAsStrike,
  evaluateAccount,
  type AccountStanding,
  type Strike,
  type StrikePolicy,
  type StrikeStatus,
} from '../domain/strike-policy.ts';
import { reinstatementMessage, terminationMessage } from '../domain/account-messages.ts';
import { serviceDecision } from '../dsa/domain/restriction-decisions.ts';
import { statementText } from '../dsa/domain/statement-messages.ts';
import { issueStatements } from '../dsa/statements.ts';

const DAY_MS = 86_400_000;

/** Every strike of an account: one entry per item that carries one (evaluateAccount folds notices). */
export async function accountStrikes(db: Kysely<Database>, accountId: string, policy: StrikePolicy): Promise<Strike[]> {
  const takedowns = await db
    .selectFrom('item_lifecycles')
    .select(['notice_id', 'strike_at', 'strike_status'])
    .where('account_id', '=', accountId)
    .where('strike_status', 'is not', null)
    .where('strike_at', 'is not', null)
    .execute();
  const strikes: Strike[] = takedowns.map((t) => ({
    noticeId: t.notice_id,
    at: new Date(t.strike_at!),
    status: t.strike_status as StrikeStatus,
    source: 'takedown',
  }));
  if (policy.countForwarded) {
    // A forwarded notice counts from when it was forwarded (processed); one row per notice.
    const fwd = (
      await sql<{ notice_id: string; at: Date }>`
        SELECT i.notice_id, min(coalesce(n.processed_at, n.created_at)) AS at
        FROM notice_items i JOIN notices n ON n.id = i.notice_id
        WHERE i.account_id = ${accountId} AND i.state = 'forwarded'
        GROUP BY i.notice_id`.execute(db)
    ).rows;
    for (const f of fwd) strikes.push({ noticeId: f.notice_id, at: new Date(f.at), status: 'active', source: 'forwarded' });
  }
  return strikes;
}

export async function accountStanding(db: Kysely<Database>, accountId: string, policy: StrikePolicy, now: Date): Promise<AccountStanding> {
  return evaluateAccount(await accountStrikes(db, accountId, policy), policy, now);
}

export interface ReviewQueueRow {
  account_id: string;
  name: string;
  email: string;
  zones: number;
  standing: AccountStanding;
}

/**
 * Accounts at or over the review threshold, most strikes first. SQL narrows to accounts with
 * enough notices in a counting status inside the window; evaluateAccount decides.
 */
export async function repeatInfringerQueue(db: Kysely<Database>, policy: StrikePolicy, now: Date, limit = 200): Promise<ReviewQueueRow[]> {
  const counting = STRIKE_STATUSES.filter((s) => countsAsStrike(s, policy));
  const since = new Date(now.getTime() - policy.windowDays * DAY_MS);
  const candidates = (
    await sql<{ account_id: string; name: string; email: string; zones: number }>`
      SELECT a.id AS account_id, a.name, a.email, (SELECT count(*)::int FROM zones z WHERE z.account_id = a.id) AS zones
      FROM (
        SELECT account_id, notice_id FROM item_lifecycles
        WHERE strike_status = ANY(${counting}::text[]) AND strike_at > ${since.toISOString()}::timestamptz AND account_id IS NOT NULL
        ${
          policy.countForwarded
            ? sql`UNION
        SELECT i.account_id, i.notice_id FROM notice_items i JOIN notices n ON n.id = i.notice_id
        WHERE i.state = 'forwarded' AND i.account_id IS NOT NULL AND coalesce(n.processed_at, n.created_at) > ${since.toISOString()}::timestamptz`
            : sql``
        }
      ) s JOIN accounts a ON a.id = s.account_id
      WHERE a.terminated_at IS NULL
      GROUP BY a.id, a.name, a.email
      HAVING count(DISTINCT s.notice_id) >= ${policy.reviewAt}
      LIMIT ${limit * 2}`.execute(db)
  ).rows;
  const rows: ReviewQueueRow[] = [];
  for (const c of candidates) {
    const standing = await accountStanding(db, c.account_id, policy, now);
    if (standing.level !== 'ok') rows.push({ ...c, standing });
  }
  return rows.sort((a, b) => b.standing.count - a.standing.count || a.account_id.localeCompare(b.account_id)).slice(0, limit);
}

export interface AccountActionDeps {
  db: Kysely<Database>;
  provider: string;
  /** The published policy (linked from the termination notice). */
  policyUrl: string;
  /** Where customers reach this server (the statement of reasons' portal link). */
  publicUrl: string;
}

export type AccountActionResult = Result<{ changed: boolean; zones: string[] }>;

const noAccount = (accountId: string) => notFound('id', `no account ${accountId}`);

const REASON_MAX = 2000;

/** A staff reason, required and bounded (recorded and sent to the party concerned). */
export function checkReason(reason: unknown): string | { field: string; message: string } {
  if (typeof reason !== 'string' || !reason.trim()) return { field: 'reason', message: 'give the reason (it is recorded and sent to the customer)' };
  if (reason.trim().length > REASON_MAX) return { field: 'reason', message: `must be at most ${REASON_MAX} characters` };
  return reason.trim();
}

/** Terminate: every zone 'terminated' (the edge blocks them), identifiers on the sign-up blocklist, customer told. */
export async function terminateAccount(deps: AccountActionDeps, actor: Actor, accountId: string, reasonIn: unknown): Promise<AccountActionResult> {
  const reason = checkReason(reasonIn);
  if (typeof reason !== 'string') return invalid([reason]);
  return deps.db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${LOCKS.zoneChanges})`.execute(trx);
    const a = await trx.selectFrom('accounts').select(['id', 'name', 'email', 'terminated_at']).where('id', '=', accountId).forUpdate().executeTakeFirst();
    if (!a) return noAccount(accountId);
    if (a.terminated_at) {
      const zones = (await trx.selectFrom('zones').select('name').where('account_id', '=', accountId).execute()).map((z) => z.name);
      return ok({ changed: false, zones });
    }
    const at = new Date();
    await trx.updateTable('accounts').set({ terminated_at: at, termination_reason: reason, updated_at: at }).where('id', '=', accountId).execute();
    const zones = await moveAccountZones(trx, accountId, { not: 'terminated' }, 'terminated');
    const allZones = (await trx.selectFrom('zones').select('name').where('account_id', '=', accountId).orderBy('name').execute()).map((z) => z.name);
    const entries = [{ kind: 'email' as const, value: a.email.trim().toLowerCase() }, ...allZones.map((z) => ({ kind: 'zone' as const, value: z }))];
    await trx
      .insertInto('signup_blocklist')
      .values(entries.map((e) => ({ ...e, account_id: accountId, reason })))
      .onConflict((oc) => oc.columns(['kind', 'value']).doNothing())
      .execute();
    const stepId = randomUUID();
    await appendEvents(trx, [
      {
        actor,
        type: 'account.terminated',
        subjectType: 'account',
        subjectId: accountId,
        before: { terminated: false },
        after: { terminated: true },
        data: { reason, zones: zones.length, step_id: stepId },
      },
      ...zones.map((z): NewEvent => ({
        actor,
        type: 'zone.terminated',
        subjectType: 'zone',
        subjectId: z,
        before: { status: 'active' },
        after: { status: 'terminated' },
        data: { account_id: accountId, step_id: stepId },
      })),
      {
        actor,
        type: 'account.signup_blocked',
        subjectType: 'account',
        subjectId: accountId,
        after: { entries: entries.length },
        data: { emails: 1, zones: allZones.length },
      },
    ]);
    const [statement] = await issueStatements(trx, actor, stepId, [
      serviceDecision({
        stepId,
        accountId,
        restriction: 'service_terminated',
        zones: allZones,
        explanation: reason,
        cause: 'under our repeat-infringer policy (17 U.S.C. § 512(i))',
        kind: 'copyright',
        at,
        endsAt: null,
      }),
    ]);
    const statementLink = statement ? `${deps.publicUrl}/portal/statements/${statement.id}` : '';
    await enqueueMessages(trx, null, [
      terminationMessage(deps.provider, a, reason, allZones, deps.policyUrl, stepId, statement ? statementText(statement, statementLink) : null),
    ]);
    return ok({ changed: true, zones: allZones });
  });
}

/** Reinstate: the zones are served again and the account's identifiers leave the blocklist. */
export async function reinstateAccount(deps: AccountActionDeps, actor: Actor, accountId: string, reasonIn: unknown): Promise<AccountActionResult> {
  const reason = checkReason(reasonIn);
  if (typeof reason !== 'string') return invalid([reason]);
  return deps.db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${LOCKS.zoneChanges})`.execute(trx);
    const a = await trx.selectFrom('accounts').select(['id', 'name', 'email', 'terminated_at']).where('id', '=', accountId).forUpdate().executeTakeFirst();
    if (!a) return noAccount(accountId);
    if (!a.terminated_at) return ok({ changed: false, zones: [] as string[] });
    await trx.updateTable('accounts').set({ terminated_at: null, termination_reason: null, updated_at: new Date() }).where('id', '=', accountId).execute();
    const zones = await moveAccountZones(trx, accountId, 'terminated', 'active');
    await trx.deleteFrom('signup_blocklist').where('account_id', '=', accountId).execute();
    const stepId = randomUUID();
    await appendEvents(trx, [
      {
        actor,
        type: 'account.reinstated',
        subjectType: 'account',
        subjectId: accountId,
        before: { terminated: true },
        after: { terminated: false },
        data: { reason, zones: zones.length, step_id: stepId },
      },
      ...zones.map((z): NewEvent => ({
        actor,
        type: 'zone.reinstated',
        subjectType: 'zone',
        subjectId: z,
        before: { status: 'terminated' },
        after: { status: 'active' },
        data: { account_id: accountId, step_id: stepId },
      })),
    ]);
    await enqueueMessages(trx, null, [reinstatementMessage(deps.provider, a, reason, stepId)]);
    return ok({ changed: true, zones });
  });
}
