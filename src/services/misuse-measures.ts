// Measures against misuse enforced (DSA Art. 23; the policy in dsa/domain/misuse-policy.ts):
// counts from the review events (item.reviewed with data.misuse, set by staff decisions), the
// history of measures from misuse_measures, the standing from the pure policy. Staff warn,
// suspend and lift; each is one transaction with its row, its events and its mail, and doing it
// again changes nothing. A customer's suspension sets its zones 'suspended' (blocked at the edge,
// migration 021) and issues a statement of reasons (Art. 17). A notifier's suspension makes
// fileNotice refuse its notices (notifierSuspension). Suspensions end by themselves:
// endDueSuspensions runs in the daemon's loop and before the edge blocklist is read; the filing
// check compares ends_at with the clock, so a notifier files again the moment the period ends.
import { moveAccountZones } from '../storage/zone-status.ts';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { appendEvents, type Actor, type NewEvent } from '../storage/events.ts';
import { enqueueMessages } from '../storage/outbox.ts';
import { LOCKS } from '../storage/locks.ts';
import { conflict, invalid, notFound, ok, type Result } from './result.ts';
import { checkReason } from './repeat-infringers.ts';
import {
  activeSuspension,
  countingSince,
  currentWarning,
  standingOf,
  suspensionEnd,
  type MeasureRecord,
  type MisuseCounts,
  type MisusePolicy,
  type MisuseStanding,
  type PartyType,
} from '../dsa/domain/misuse-policy.ts';
import { suspensionEndedMessage, suspensionMessage, warningMessage, type MisuseParty } from '../dsa/domain/misuse-messages.ts';
import { serviceDecision } from '../dsa/domain/restriction-decisions.ts';
import { statementText } from '../dsa/domain/statement-messages.ts';
import { issueStatements } from '../dsa/statements.ts';
import { isReportKind, type ReportKind } from '../domain/report-kinds.ts';

export interface MisuseDeps {
  db: Kysely<Database>;
  provider: string;
  policy: MisusePolicy;
  /** Where the published policy is (linked from every mail). */
  policyUrl: string;
  /** Where customers reach this server (the statement of reasons' portal link). */
  publicUrl: string;
  now: () => Date;
}

export interface PartyRef {
  type: PartyType;
  /** The principal's id (notifier) or the account's id (customer). */
  id: string;
}

const column = (type: PartyType) => (type === 'notifier' ? 'principal_id' : 'account_id');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Db = Kysely<Database>;

/** The party as the mails address it; null when there is no such party. */
async function loadParty(db: Db, ref: PartyRef, lock = false): Promise<(MisuseParty & { terminated: boolean }) | null> {
  if (ref.type === 'notifier') {
    if (!UUID.test(ref.id)) return null;
    let q = db.selectFrom('principals').select(['id', 'name', 'email', 'role']).where('id', '=', ref.id);
    if (lock) q = q.forUpdate();
    const p = await q.executeTakeFirst();
    // Staff do not file notices of their own: only reporters are notifiers.
    return p && p.role === 'reporter' ? { type: 'notifier', id: p.id, name: p.name, email: p.email, terminated: false } : null;
  }
  let q = db.selectFrom('accounts').select(['id', 'name', 'email', 'terminated_at']).where('id', '=', ref.id);
  if (lock) q = q.forUpdate();
  const a = await q.executeTakeFirst();
  return a ? { type: 'customer', id: a.id, name: a.name, email: a.email, terminated: a.terminated_at !== null } : null;
}

/** Every measure of a party, oldest first. */
export async function measureRows(db: Db, ref: PartyRef) {
  if (ref.type === 'notifier' && !UUID.test(ref.id)) return [];
  return db.selectFrom('misuse_measures').selectAll().where(column(ref.type), '=', ref.id).orderBy('starts_at').orderBy('created_at').execute();
}

const record = (r: { measure: string; starts_at: Date; ends_at: Date | null; lifted_at: Date | null }): MeasureRecord => ({
  measure: r.measure as MeasureRecord['measure'],
  startsAt: new Date(r.starts_at),
  endsAt: r.ends_at ? new Date(r.ends_at) : null,
  liftedAt: r.lifted_at ? new Date(r.lifted_at) : null,
});

/**
 * The party's items decided since `since`, and how many of them carry the misuse mark and were
 * not reversed since (a rejected item still rejected, a disabled item still disabled). Joined to
 * the item by the notice and position the review event records.
 */
export async function partyCounts(db: Db, ref: PartyRef, since: Date): Promise<MisuseCounts> {
  const who = ref.type === 'notifier' ? sql`n.reporter_id = ${ref.id}::uuid` : sql`i.account_id = ${ref.id}`;
  const mark = ref.type === 'notifier' ? sql`'manifestly_unfounded'` : sql`'manifestly_illegal'`;
  const still = ref.type === 'notifier' ? sql`'rejected'` : sql`'content_disabled'`;
  const r = (
    await sql<{ decided: number; flagged: number }>`
      SELECT count(DISTINCT i.id)::int AS decided,
             count(DISTINCT i.id) FILTER (WHERE e.data->>'misuse' = ${mark} AND i.state = ${still})::int AS flagged
        FROM events e
        JOIN notice_items i ON i.notice_id = e.notice_id AND i.position = (e.data->>'position')::int
        JOIN notices n ON n.id = i.notice_id
       WHERE e.type = 'item.reviewed' AND e.at >= ${since.toISOString()}::timestamptz AND ${who}`.execute(db)
  ).rows[0]!;
  if (ref.type === 'customer') return { decided: r.decided, flagged: r.flagged };
  const notices = (
    await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM notices WHERE reporter_id = ${ref.id}::uuid AND created_at >= ${since.toISOString()}::timestamptz`.execute(db)
  ).rows[0]!.n;
  return { notices, decided: r.decided, flagged: r.flagged };
}

export interface PartyStanding {
  party: MisuseParty;
  standing: MisuseStanding;
}

async function standingIn(db: Db, deps: MisuseDeps, ref: PartyRef, now: Date): Promise<MisuseStanding> {
  const policy = deps.policy[ref.type];
  const history = (await measureRows(db, ref)).map(record);
  const counts = await partyCounts(db, ref, countingSince(policy, history, now));
  return standingOf(policy, counts, history, now);
}

export async function partyStanding(deps: MisuseDeps, ref: PartyRef): Promise<Result<PartyStanding & { measures: Awaited<ReturnType<typeof measureRows>> }>> {
  const party = await loadParty(deps.db, ref);
  if (!party) return notFound('id', `no ${ref.type} ${ref.id}`);
  const now = deps.now();
  return ok({ party: partyOnly(party), standing: await standingIn(deps.db, deps, ref, now), measures: await measureRows(deps.db, ref) });
}

const partyOnly = ({ type, id, name, email }: MisuseParty): MisuseParty => ({ type, id, name, email });

export type QueueRow = PartyStanding;

/**
 * Parties whose standing proposes a warning or a suspension, suspensions first, then the most
 * flagged items. One set-based query narrows to parties with enough flagged items in the window
 * (the counting period can only be shorter); standingOf decides for each.
 */
export async function misuseQueue(deps: MisuseDeps, limit = 200): Promise<QueueRow[]> {
  const now = deps.now();
  const rows: QueueRow[] = [];
  for (const type of ['notifier', 'customer'] as const) {
    const p = deps.policy[type];
    const since = new Date(now.getTime() - p.windowDays * 86_400_000);
    const party = type === 'notifier' ? sql`n.reporter_id::text` : sql`i.account_id`;
    const mark = type === 'notifier' ? 'manifestly_unfounded' : 'manifestly_illegal';
    const still = type === 'notifier' ? 'rejected' : 'content_disabled';
    const candidates = (
      await sql<{ id: string }>`
        SELECT ${party} AS id
          FROM events e
          JOIN notice_items i ON i.notice_id = e.notice_id AND i.position = (e.data->>'position')::int
          JOIN notices n ON n.id = i.notice_id
         WHERE e.type = 'item.reviewed' AND e.at >= ${since.toISOString()}::timestamptz AND e.data->>'misuse' = ${mark} AND i.state = ${still}
           AND ${party} IS NOT NULL
         GROUP BY 1
        HAVING count(DISTINCT i.id) >= ${p.warnAt}
         LIMIT ${limit * 2}`.execute(deps.db)
    ).rows;
    for (const c of candidates) {
      const ref = { type, id: c.id };
      const party = await loadParty(deps.db, ref);
      if (!party || party.terminated) continue;
      const standing = await standingIn(deps.db, deps, ref, now);
      if (standing.level !== 'ok') rows.push({ party: partyOnly(party), standing });
    }
  }
  const rank = { suspend: 0, warn: 1, ok: 2 } as const;
  return rows
    .sort(
      (a, b) =>
        rank[a.standing.level] - rank[b.standing.level] || b.standing.counts.flagged - a.standing.counts.flagged || a.party.id.localeCompare(b.party.id),
    )
    .slice(0, limit);
}

export type MeasureResult = Result<{ changed: boolean; measureId: string | null; endsAt: Date | null; zones: string[] }>;

const noParty = (ref: PartyRef) => notFound('id', `no ${ref.type === 'notifier' ? 'notifier (reporter principal)' : 'account'} ${ref.id}`);

/** Runs a measure: the party locked, its suspensions that ran out ended first (so "running" is true). */
async function withParty(
  deps: MisuseDeps,
  ref: PartyRef,
  reasonIn: unknown,
  run: (trx: Db, party: MisuseParty & { terminated: boolean }, reason: string, history: MeasureRecord[], now: Date) => Promise<MeasureResult>,
): Promise<MeasureResult> {
  const reason = checkReason(reasonIn);
  if (typeof reason !== 'string') return invalid([reason]);
  return deps.db.transaction().execute(async (trx) => {
    if (ref.type === 'customer') await sql`SELECT pg_advisory_xact_lock(${LOCKS.zoneChanges})`.execute(trx);
    const party = await loadParty(trx, ref, true);
    if (!party) return noParty(ref);
    const now = deps.now();
    await endDueIn(trx, deps, now, ref);
    const history = (await measureRows(trx, ref)).map(record);
    return run(trx, party, reason, history, now);
  });
}

const eventPrefix = (t: PartyType) => (t === 'notifier' ? 'notifier' : 'account');
const subjectType = (t: PartyType) => (t === 'notifier' ? ('principal' as const) : ('account' as const));

/** Warn (Art. 23(1), (2): the prior warning). Again in the same counting period: nothing changes. */
export async function warnParty(deps: MisuseDeps, actor: Actor, ref: PartyRef, reasonIn: unknown): Promise<MeasureResult> {
  return withParty(deps, ref, reasonIn, async (trx, party, reason, history, now) => {
    const policy = deps.policy[ref.type];
    if (party.terminated) return conflict([{ field: 'id', message: 'the account is terminated' }]);
    const running = activeSuspension(history, now);
    if (running) return conflict([{ field: 'id', message: `already suspended until ${running.endsAt!.toISOString()}` }]);
    if (currentWarning(policy, history, now)) return ok({ changed: false, measureId: null, endsAt: null, zones: [] });
    const since = countingSince(policy, history, now);
    const counts = await partyCounts(trx, ref, since);
    const row = await trx
      .insertInto('misuse_measures')
      .values({
        party_type: ref.type,
        [column(ref.type)]: ref.id,
        measure: 'warning',
        reason,
        counts: JSON.stringify(counts),
        starts_at: now,
        decided_by: actor,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      {
        actor,
        type: `${eventPrefix(ref.type)}.warned`,
        subjectType: subjectType(ref.type),
        subjectId: ref.id,
        after: { warned: true },
        data: { measure_id: row.id, reason, counts, since: since.toISOString() },
        at: now,
      },
    ]);
    await enqueueMessages(trx, null, [
      warningMessage({ provider: deps.provider, party: partyOnly(party), measureId: row.id, reason, counts, since, policyUrl: deps.policyUrl }),
    ]);
    return ok({ changed: true, measureId: row.id, endsAt: null, zones: [] }, true);
  });
}

/** The kind of the flagged content most often found (the statement of reasons names one). */
async function flaggedKind(trx: Db, accountId: string, since: Date): Promise<ReportKind> {
  const r = (
    await sql<{ kind: string }>`
      SELECT n.kind FROM events e
        JOIN notice_items i ON i.notice_id = e.notice_id AND i.position = (e.data->>'position')::int
        JOIN notices n ON n.id = i.notice_id
       WHERE e.type = 'item.reviewed' AND e.at >= ${since.toISOString()}::timestamptz AND e.data->>'misuse' = 'manifestly_illegal' AND i.account_id = ${accountId}
       GROUP BY n.kind ORDER BY count(*) DESC, n.kind LIMIT 1`.execute(trx)
  ).rows[0];
  return r && isReportKind(r.kind) ? r.kind : 'general';
}

/**
 * Suspend for the policy's period, only after a warning in the current counting period (Art. 23:
 * "after having issued a prior warning"); staff weigh gravity and intention (Art. 23(3)), so the
 * thresholds propose and do not bind. Again while suspended: nothing changes.
 */
export async function suspendParty(deps: MisuseDeps, actor: Actor, ref: PartyRef, reasonIn: unknown): Promise<MeasureResult> {
  return withParty(deps, ref, reasonIn, async (trx, party, reason, history, now) => {
    const policy = deps.policy[ref.type];
    if (party.terminated) return conflict([{ field: 'id', message: 'the account is terminated' }]);
    const running = activeSuspension(history, now);
    if (running) return ok({ changed: false, measureId: null, endsAt: running.endsAt, zones: [] });
    if (!currentWarning(policy, history, now))
      return conflict([{ field: 'id', message: 'warn first: a suspension comes only after a prior warning (DSA Art. 23(1), (2))' }]);
    const since = countingSince(policy, history, now);
    const counts = await partyCounts(trx, ref, since);
    const endsAt = suspensionEnd(policy, now);
    const row = await trx
      .insertInto('misuse_measures')
      .values({
        party_type: ref.type,
        [column(ref.type)]: ref.id,
        measure: 'suspension',
        reason,
        counts: JSON.stringify(counts),
        starts_at: now,
        ends_at: endsAt,
        decided_by: actor,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const events: NewEvent[] = [
      {
        actor,
        type: `${eventPrefix(ref.type)}.suspended`,
        subjectType: subjectType(ref.type),
        subjectId: ref.id,
        before: { suspended: false },
        after: { suspended: true, ends_at: endsAt.toISOString() },
        data: { measure_id: row.id, reason, counts, since: since.toISOString(), step_id: row.id },
        at: now,
      },
    ];
    const facts = { provider: deps.provider, party: partyOnly(party), measureId: row.id, reason, counts, since, policyUrl: deps.policyUrl, endsAt };
    if (ref.type === 'notifier') {
      await appendEvents(trx, events);
      await enqueueMessages(trx, null, [suspensionMessage(facts)]);
      return ok({ changed: true, measureId: row.id, endsAt, zones: [] }, true);
    }
    const zones = (await moveAccountZones(trx, ref.id, 'active', 'suspended')).sort();
    events.push(
      ...zones.map((z): NewEvent => ({
        actor,
        type: 'zone.suspended',
        subjectType: 'zone',
        subjectId: z,
        before: { status: 'active' },
        after: { status: 'suspended' },
        data: { account_id: ref.id, measure_id: row.id, ends_at: endsAt.toISOString() },
        at: now,
      })),
    );
    await appendEvents(trx, events);
    // The step is the measure: retrying cannot issue a second statement (statementId derives from it).
    const [statement] = await issueStatements(trx, actor, row.id, [
      serviceDecision({
        stepId: row.id,
        accountId: ref.id,
        restriction: 'service_suspended',
        zones,
        explanation: reason,
        cause: 'under our policy on misuse: frequent provision of manifestly illegal content, after a prior warning (DSA Art. 23(1))',
        kind: await flaggedKind(trx, ref.id, since),
        at: now,
        endsAt,
      }),
    ]);
    const link = statement ? `${deps.publicUrl}/portal/statements/${statement.id}` : '';
    await enqueueMessages(trx, null, [suspensionMessage({ ...facts, zones, statement: statement ? statementText(statement, link) : null })]);
    return ok({ changed: true, measureId: row.id, endsAt, zones }, true);
  });
}

interface Ended {
  id: string;
  party_type: PartyType;
  principal_id: string | null;
  account_id: string | null;
}

/** Ends suspensions (one party's, or every due one): the row lifted, zones served again, events, mail. */
async function endIn(trx: Db, deps: MisuseDeps, ended: readonly Ended[], actor: Actor, at: Date, early: string | null): Promise<void> {
  for (const m of ended) {
    const ref: PartyRef = m.party_type === 'notifier' ? { type: 'notifier', id: m.principal_id! } : { type: 'customer', id: m.account_id! };
    const party = await loadParty(trx, ref);
    const events: NewEvent[] = [
      {
        actor,
        type: ref.type === 'notifier' ? 'notifier.reinstated' : 'account.suspension_lifted',
        subjectType: subjectType(ref.type),
        subjectId: ref.id,
        before: { suspended: true },
        after: { suspended: false },
        data: { measure_id: m.id, early: early !== null, ...(early ? { reason: early } : {}) },
        at,
      },
    ];
    if (ref.type === 'customer') {
      const zones = await moveAccountZones(trx, ref.id, 'suspended', 'active');
      events.push(
        ...zones.map((z): NewEvent => ({
          actor,
          type: 'zone.suspension_lifted',
          subjectType: 'zone',
          subjectId: z,
          before: { status: 'suspended' },
          after: { status: 'active' },
          data: { account_id: ref.id, measure_id: m.id },
          at,
        })),
      );
    }
    await appendEvents(trx, events);
    if (party)
      await enqueueMessages(trx, null, [
        suspensionEndedMessage({
          provider: deps.provider,
          party: partyOnly(party),
          measureId: m.id,
          reason: early ?? '',
          policyUrl: deps.policyUrl,
          early: early !== null,
        }),
      ]);
  }
}

async function endDueIn(trx: Db, deps: MisuseDeps, now: Date, only?: PartyRef): Promise<number> {
  const ended = (
    await sql<Ended>`
      UPDATE misuse_measures SET lifted_at = ends_at, lifted_by = 'system', lift_reason = 'the suspension''s period ended'
       WHERE measure = 'suspension' AND lifted_at IS NULL AND ends_at <= ${now.toISOString()}::timestamptz
         ${only ? sql`AND ${sql.ref(column(only.type))} = ${only.id}` : sql``}
      RETURNING id, party_type, principal_id::text AS principal_id, account_id`.execute(trx)
  ).rows;
  await endIn(trx, deps, ended, 'system', now, null);
  return ended.length;
}

/**
 * Ends every suspension whose period has passed. Cheap when none has (a partial index, one row
 * read): the daemon's loop runs it, and so does every read of the edge blocklist, so a suspended
 * customer's sites are served again from the first poll after the end even between loop runs.
 */
export async function endDueSuspensions(deps: MisuseDeps, now: Date = deps.now()): Promise<number> {
  const due = (
    await sql<{
      id: string;
    }>`SELECT id FROM misuse_measures WHERE measure = 'suspension' AND lifted_at IS NULL AND ends_at <= ${now.toISOString()}::timestamptz LIMIT 1`.execute(
      deps.db,
    )
  ).rows;
  if (!due.length) return 0;
  return deps.db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${LOCKS.zoneChanges})`.execute(trx);
    return endDueIn(trx, deps, now);
  });
}

/** Lift a running suspension early (a 'lift' measure recorded). Nothing running: nothing changes. */
export async function liftSuspension(deps: MisuseDeps, actor: Actor, ref: PartyRef, reasonIn: unknown): Promise<MeasureResult> {
  return withParty(deps, ref, reasonIn, async (trx, _party, reason, history, now) => {
    if (!activeSuspension(history, now)) return ok({ changed: false, measureId: null, endsAt: null, zones: [] });
    const lifted = (
      await sql<Ended>`
        UPDATE misuse_measures SET lifted_at = ${now.toISOString()}::timestamptz, lifted_by = ${actor}, lift_reason = ${reason}
         WHERE measure = 'suspension' AND lifted_at IS NULL AND ${sql.ref(column(ref.type))} = ${ref.id}
        RETURNING id, party_type, principal_id::text AS principal_id, account_id`.execute(trx)
    ).rows;
    const row = await trx
      .insertInto('misuse_measures')
      .values({ party_type: ref.type, [column(ref.type)]: ref.id, measure: 'lift', reason, starts_at: now, decided_by: actor })
      .returning('id')
      .executeTakeFirstOrThrow();
    await endIn(trx, deps, lifted, actor, now, reason);
    const zones =
      ref.type === 'customer'
        ? (await trx.selectFrom('zones').select('name').where('account_id', '=', ref.id).orderBy('name').execute()).map((z) => z.name)
        : [];
    return ok({ changed: true, measureId: row.id, endsAt: null, zones });
  });
}

/**
 * The running suspension that bars this notifier from filing, by its principal or, for the
 * shared web-form and mail principals, by the claimant's e-mail address (the suspended
 * principal's): a suspended notifier cannot file through another channel instead. Compared with
 * `now`, so the bar ends at ends_at whether or not endDueSuspensions has run.
 */
export async function notifierSuspension(
  db: Db,
  who: { principalId: string; email: string | null },
  now: Date,
): Promise<{ principalId: string; reason: string; endsAt: Date } | null> {
  const email = who.email?.trim().toLowerCase() || null;
  const r = await sql<{ principal_id: string; reason: string; ends_at: Date }>`
    SELECT m.principal_id::text AS principal_id, m.reason, m.ends_at FROM misuse_measures m JOIN principals p ON p.id = m.principal_id
     WHERE m.measure = 'suspension' AND m.lifted_at IS NULL AND m.starts_at <= ${now.toISOString()}::timestamptz AND m.ends_at > ${now.toISOString()}::timestamptz
       AND (m.principal_id = ${who.principalId}::uuid ${email ? sql`OR lower(p.email) = ${email}` : sql``})
     ORDER BY m.ends_at DESC LIMIT 1`.execute(db);
  const row = r.rows[0];
  return row ? { principalId: row.principal_id, reason: row.reason, endsAt: new Date(row.ends_at) } : null;
}
