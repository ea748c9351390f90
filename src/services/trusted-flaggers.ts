// Trusted flaggers (DSA Art. 22): staff record and revoke the grants Digital Services Coordinators
// award, each write in one transaction with its event; filing asks whether a reporter's notice is
// a trusted flagger's; and the decision-speed figures read the first decision of every notice
// from the event log. The rules are in dsa/domain/trusted-flagger*.ts.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { appendEvents, type Actor } from '../storage/events.ts';
import { isTrustedFlaggerFor, type TrustedFlaggerGrantInput } from '../dsa/domain/trusted-flagger.ts';
import { decisionSpeed, type KindSpeed } from '../dsa/domain/trusted-flagger-stats.ts';
import type { ReportKind } from '../domain/report-kinds.ts';
import { conflict, invalidField, notFound, ok, type Result } from './result.ts';

export interface TrustedFlaggerView {
  id: string;
  principal_id: string;
  email: string;
  organisation: string;
  dsc_country: string;
  dsc_reference: string | null;
  kinds: string[];
  granted_by: string | null;
  granted_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  in_force: boolean;
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
const principalOf = (actor: Actor) => (actor.startsWith('principal:') ? actor.slice('principal:'.length) : null);

const base = (db: Kysely<Database>) =>
  db
    .selectFrom('trusted_flaggers as tf')
    .innerJoin('principals as p', 'p.id', 'tf.principal_id')
    .select([
      'tf.id',
      'tf.principal_id',
      'p.email',
      'tf.organisation',
      'tf.dsc_country',
      'tf.dsc_reference',
      'tf.kinds',
      'tf.granted_by',
      'tf.granted_at',
      'tf.revoked_at',
      'tf.revoked_by',
      'tf.revoke_reason',
    ]);

type Row = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>;

function view(r: Row): TrustedFlaggerView {
  return {
    id: r.id,
    principal_id: r.principal_id,
    email: r.email,
    organisation: r.organisation,
    dsc_country: r.dsc_country,
    dsc_reference: r.dsc_reference,
    kinds: r.kinds,
    granted_by: r.granted_by,
    granted_at: iso(r.granted_at)!,
    revoked_at: iso(r.revoked_at),
    revoked_by: r.revoked_by,
    revoke_reason: r.revoke_reason,
    in_force: r.revoked_at === null,
  };
}

async function one(db: Kysely<Database>, id: string): Promise<TrustedFlaggerView> {
  return view(await base(db).where('tf.id', '=', id).executeTakeFirstOrThrow());
}

/** Grants, newest first; `inForce` keeps only those not revoked, `principalId` one reporter's. */
export async function listTrustedFlaggers(
  db: Kysely<Database>,
  q: { inForce?: boolean; principalId?: string; limit?: number } = {},
): Promise<TrustedFlaggerView[]> {
  let query = base(db)
    .orderBy('tf.granted_at', 'desc')
    .orderBy('tf.id')
    .limit(Math.min(Math.max(q.limit ?? 500, 1), 1000));
  if (q.inForce) query = query.where('tf.revoked_at', 'is', null);
  if (q.principalId) query = query.where('tf.principal_id', '=', q.principalId);
  return (await query.execute()).map(view);
}

const sameGrant = (cur: TrustedFlaggerView, g: TrustedFlaggerGrantInput) =>
  cur.organisation === g.organisation &&
  cur.dsc_country === g.dsc_country &&
  cur.dsc_reference === g.dsc_reference &&
  cur.kinds.length === g.kinds.length &&
  cur.kinds.every((k, i) => k === g.kinds[i]);

/**
 * Records a grant for a reporter, with its event, in one transaction. Recording the grant in force
 * again changes nothing (a retry); a different one while a grant is in force is refused: revoke
 * it first, so that the log says when the old areas of expertise ended.
 */
export async function grantTrustedFlagger(
  db: Kysely<Database>,
  actor: Actor,
  g: TrustedFlaggerGrantInput,
  now: Date,
): Promise<Result<{ grant: TrustedFlaggerView; changed: boolean }>> {
  return db.transaction().execute(async (trx) => {
    // The reporter's row is locked, so two grants for one reporter are decided one after the other.
    const who = await trx.selectFrom('principals').select(['id', 'role']).where('id', '=', g.principal_id).forUpdate().executeTakeFirst();
    if (!who) return invalidField('principal_id', 'no principal has this id');
    if (who.role !== 'reporter') return invalidField('principal_id', `trusted flagger status is for reporters; this principal has the ${who.role} role`);
    const current = await base(trx).where('tf.principal_id', '=', g.principal_id).where('tf.revoked_at', 'is', null).executeTakeFirst();
    if (current) {
      const cur = view(current);
      if (sameGrant(cur, g)) return ok({ grant: cur, changed: false });
      return conflict([
        { field: 'principal_id', message: `this reporter already holds grant ${cur.id} (${cur.kinds.join(', ')}); revoke it before recording another` },
      ]);
    }
    const row = await trx
      .insertInto('trusted_flaggers')
      .values({
        principal_id: g.principal_id,
        organisation: g.organisation,
        dsc_country: g.dsc_country,
        dsc_reference: g.dsc_reference,
        kinds: g.kinds,
        granted_by: principalOf(actor),
        granted_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      {
        actor,
        type: 'trusted_flagger.granted',
        subjectType: 'trusted_flagger',
        subjectId: row.id,
        before: null,
        after: { in_force: true, kinds: g.kinds },
        data: { principal_id: g.principal_id, organisation: g.organisation, dsc_country: g.dsc_country, dsc_reference: g.dsc_reference },
        at: now,
      },
    ]);
    return ok({ grant: await one(trx, row.id), changed: true }, true);
  });
}

/** Revokes a grant with its reason and event; revoking a revoked grant again changes nothing. */
export async function revokeTrustedFlagger(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  reason: string,
  now: Date,
): Promise<Result<{ grant: TrustedFlaggerView; changed: boolean }>> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return notFound('id', 'no such trusted flagger grant');
  return db.transaction().execute(async (trx) => {
    const cur = await trx
      .selectFrom('trusted_flaggers')
      .select(['id', 'principal_id', 'kinds', 'revoked_at'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!cur) return notFound('id', 'no such trusted flagger grant');
    if (cur.revoked_at !== null) return ok({ grant: await one(trx, id), changed: false });
    await trx
      .updateTable('trusted_flaggers')
      .set({ revoked_at: now, revoked_by: principalOf(actor), revoke_reason: reason })
      .where('id', '=', id)
      .execute();
    await appendEvents(trx, [
      {
        actor,
        type: 'trusted_flagger.revoked',
        subjectType: 'trusted_flagger',
        subjectId: id,
        before: { in_force: true, kinds: cur.kinds },
        after: { in_force: false },
        data: { principal_id: cur.principal_id, reason },
        at: now,
      },
    ]);
    return ok({ grant: await one(trx, id), changed: true });
  });
}

/**
 * Whether a notice of `kind` that `reporterId` files now, in `trx`, is a trusted flagger's. "Now"
 * is the transaction's time, which the notice's created_at defaults to, so the answer holds for
 * the moment the notice is received.
 */
export async function filedByTrustedFlagger(trx: Kysely<Database>, reporterId: string, kind: ReportKind): Promise<boolean> {
  const rows = (
    await sql<{ kinds: string[]; granted_at: Date; revoked_at: Date | null; now: Date }>`
      SELECT tf.kinds, tf.granted_at, tf.revoked_at, now() AS now FROM trusted_flaggers tf
      WHERE tf.principal_id = ${reporterId}::uuid`.execute(trx)
  ).rows;
  if (rows.length === 0) return false;
  // Every grant the reporter ever held (a handful): which is in force is the domain's to say.
  const grants = rows.map((r) => ({
    principalId: reporterId,
    kinds: r.kinds,
    grantedAt: new Date(r.granted_at),
    revokedAt: r.revoked_at && new Date(r.revoked_at),
  }));
  return isTrustedFlaggerFor(grants, reporterId, kind, new Date(rows[0]!.now));
}

/** How far back the figures look unless asked: a quarter, as transparency reports are often made. */
export const STATS_DEFAULT_DAYS = 90;

/**
 * Decision speed of notices received in [since, until): one set-based query finds each notice's
 * first decision (its first notice.reviewed or notice.takedown_started event); the figures are
 * computed by the domain.
 */
export async function decisionSpeedFigures(db: Kysely<Database>, q: { since: Date; until: Date }): Promise<KindSpeed[]> {
  const rows = (
    await sql<{ kind: ReportKind; trusted_flagger: boolean; created_at: Date; first_decision_at: Date }>`
      SELECT n.kind, n.trusted_flagger, n.created_at, d.first_decision_at
      FROM notices n
      JOIN (
        SELECT notice_id, min(at) AS first_decision_at FROM events
        WHERE type IN ('notice.reviewed', 'notice.takedown_started') AND notice_id IS NOT NULL
        GROUP BY notice_id
      ) d ON d.notice_id = n.id
      WHERE n.created_at >= ${q.since} AND n.created_at < ${q.until}`.execute(db)
  ).rows;
  return decisionSpeed(
    rows.map((r) => ({ kind: r.kind, trustedFlagger: r.trusted_flagger, receivedAt: new Date(r.created_at), firstDecisionAt: new Date(r.first_decision_at) })),
  );
}
