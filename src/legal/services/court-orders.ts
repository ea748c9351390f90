// Court orders' block rules and the zones they catch: when the order arrives and whenever an import
// adds a zone or moves it to another account; lifting a rule; staff acknowledging a returned zone.
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import { appendEvents, type Actor } from '../../storage/events.ts';
import { directEdgeDomain, matchesBlockRule, type BlockRule } from '../domain/block-rules.ts';
import { iso, toRule, UUID, type Db } from './rows.ts';
import { invalidField, notFound, ok, type Result } from '../../services/result.ts';

interface RuleRow {
  id: string;
  request_id: string;
  text: string;
  kind: BlockRule['kind'];
  value: string;
}

/**
 * Zone names that may match one of the rules, found by the database (a cheap superset: suffix and
 * label tests), then confirmed by the pure matcher. `zonesSql` selects (id, name, account_id).
 */
async function candidateMatches(db: Db, zonesSql: ReturnType<typeof sql>, ruleIds: string[] | null) {
  const rows = (
    await sql<{ zone_id: number; zone_name: string; account_id: string; rule_id: string; request_id: string; kind: BlockRule['kind']; value: string }>`
      SELECT z.id AS zone_id, z.name AS zone_name, z.account_id, r.id AS rule_id, r.request_id, r.kind, r.value
        FROM (${zonesSql}) z
        JOIN court_order_rules r ON r.lifted_at IS NULL ${ruleIds ? sql`AND r.id = ANY(${ruleIds}::uuid[])` : sql``}
         AND (   (r.kind IN ('domain', 'exact') AND z.name = r.value)
              OR (r.kind IN ('domain', 'subdomains') AND right(z.name, length(r.value) + 1) = '.' || r.value)
              OR (r.kind = 'any_tld' AND (left(z.name, length(r.value) + 1) = r.value || '.' OR strpos(z.name, '.' || r.value || '.') > 0)))`.execute(db)
  ).rows;
  if (!rows.length) return [];
  // The pure matcher decides (public suffixes, label boundaries).
  return rows.filter((r) => matchesBlockRule(r.zone_name, toRule(r)));
}

async function recordMatches(
  db: Db,
  actor: Actor,
  matches: { zone_id: number; zone_name: string; account_id: string; rule_id: string; request_id: string }[],
  foundBy: 'order' | 'zone_import',
  now: Date,
): Promise<number> {
  if (!matches.length) return 0;
  const inserted = (
    await sql<{ rule_id: string; zone_id: number; zone_name: string; account_id: string }>`
      INSERT INTO court_order_matches (rule_id, zone_id, zone_name, account_id, found_by, found_at)
      SELECT r, z, zn, a, ${foundBy}, ${now} FROM unnest(
        ${matches.map((m) => m.rule_id)}::uuid[], ${matches.map((m) => m.zone_id)}::bigint[], ${matches.map((m) => m.zone_name)}::text[], ${matches.map((m) => m.account_id)}::text[]
      ) AS m(r, z, zn, a)
      ON CONFLICT (rule_id, zone_id, account_id) DO NOTHING
      RETURNING rule_id, zone_id, zone_name, account_id`.execute(db)
  ).rows;
  const requestOf = new Map(matches.map((m) => [m.rule_id, m.request_id]));
  await appendEvents(
    db,
    inserted.map((m) => ({
      actor,
      type: foundBy === 'order' ? 'zone.court_order_matched' : 'zone.court_order_returned',
      subjectType: 'zone' as const,
      subjectId: m.zone_name,
      after: { blocked_by: 'court_order', rule_id: m.rule_id, legal_request_id: requestOf.get(m.rule_id) },
      data: { account_id: m.account_id, found_by: foundBy },
      at: now,
    })),
  );
  return inserted.length;
}

export async function addBlockRules(
  trx: Transaction<Database>,
  actor: Actor,
  requestId: string,
  rules: { text: string; rule: BlockRule }[],
  endsAt: Date | null,
  now: Date,
): Promise<void> {
  const inserted = (
    await sql<RuleRow>`
      INSERT INTO court_order_rules (request_id, text, kind, value, edge_domain, created_at, ends_at)
      SELECT ${requestId}::uuid, t, k, v, e, ${now}, ${endsAt} FROM unnest(
        ${rules.map((r) => r.text)}::text[], ${rules.map((r) => r.rule.kind)}::text[],
        ${rules.map((r) => (r.rule.kind === 'any_tld' ? r.rule.label : r.rule.name))}::text[], ${rules.map((r) => directEdgeDomain(r.rule))}::text[]
      ) AS r(t, k, v, e)
      ON CONFLICT (request_id, text) DO NOTHING
      RETURNING id, request_id, text, kind, value`.execute(trx)
  ).rows;
  await appendEvents(
    trx,
    inserted.map((r) => ({
      actor,
      type: 'court_order.rule_added',
      subjectType: 'court_order_rule' as const,
      subjectId: r.id,
      after: { text: r.text, active: true, ends_at: iso(endsAt) },
      data: { legal_request_id: requestId },
      at: now,
    })),
  );
  const matches = await candidateMatches(
    trx,
    sql`SELECT id, name, account_id FROM zones`,
    inserted.map((r) => r.id),
  );
  await recordMatches(trx, actor, matches, 'order', now);
}

/**
 * Called by the zone import inside its merge transaction, with `imported` selecting the merged
 * rows (a `zone` column): zones that are new, or now under an account no rule caught them under, are
 * checked against every active rule. They stay loaded; the match blocks them at the edge and
 * puts them in the staff queue. Returns how many were caught.
 */
export async function checkImportedZones(trx: Transaction<Database>, actor: Actor, now: Date, imported: RawBuilder<unknown>): Promise<number> {
  const active = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM court_order_rules WHERE lifted_at IS NULL`.execute(trx)).rows[0]!.n;
  if (!active) return 0;
  const matches = await candidateMatches(trx, sql`SELECT z.id, z.name, z.account_id FROM ${imported} s JOIN zones z ON z.name = s.zone`, null);
  const fresh = [];
  if (matches.length) {
    const seen = new Set(
      (
        await sql<{
          k: string;
        }>`SELECT rule_id::text || ' ' || zone_id || ' ' || account_id AS k FROM court_order_matches WHERE zone_id = ANY(${[...new Set(matches.map((m) => m.zone_id))]}::bigint[])`.execute(
          trx,
        )
      ).rows.map((r) => r.k),
    );
    for (const m of matches) if (!seen.has(`${m.rule_id} ${m.zone_id} ${m.account_id}`)) fresh.push(m);
  }
  return recordMatches(trx, actor, fresh, 'zone_import', now);
}

export type LiftResult = Result<{ changed: boolean }>;

const noRule = () => notFound('id', 'no such block rule');

export async function liftBlockRule(
  db: Kysely<Database>,
  principalId: string,
  requestId: string,
  ruleId: string,
  reason: string,
  now: Date,
): Promise<LiftResult> {
  if (!UUID.test(requestId) || !UUID.test(ruleId)) return noRule();
  const why = reason.trim();
  if (!why) return invalidField('reason', 'say why the rule is lifted (e.g. the order was vacated on appeal)');
  if (why.length > 2000) return invalidField('reason', 'is longer than 2000 characters');
  return db.transaction().execute(async (trx) => {
    const r = (
      await sql<{
        id: string;
        text: string;
        lifted_at: Date | null;
      }>`SELECT id, text, lifted_at FROM court_order_rules WHERE id = ${ruleId}::uuid AND request_id = ${requestId}::uuid FOR UPDATE`.execute(trx)
    ).rows[0];
    if (!r) return noRule();
    if (r.lifted_at) return ok({ changed: false });
    await sql`UPDATE court_order_rules SET lifted_at = ${now}, lifted_by = ${`principal:${principalId}`}, lift_reason = ${why} WHERE id = ${ruleId}::uuid`.execute(
      trx,
    );
    await appendEvents(trx, [
      {
        actor: `principal:${principalId}`,
        type: 'court_order.rule_lifted',
        subjectType: 'court_order_rule',
        subjectId: ruleId,
        before: { active: true },
        after: { active: false },
        data: { legal_request_id: requestId, text: r.text, reason: why },
        at: now,
      },
    ]);
    return ok({ changed: true });
  });
}

export async function acknowledgeMatch(db: Kysely<Database>, principalId: string, matchId: number, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const m = (
      await sql<{
        zone_name: string;
        account_id: string;
        acknowledged_at: Date | null;
      }>`SELECT zone_name, account_id, acknowledged_at FROM court_order_matches WHERE id = ${matchId} FOR UPDATE`.execute(trx)
    ).rows[0];
    if (!m) return false;
    if (m.acknowledged_at) return true;
    await sql`UPDATE court_order_matches SET acknowledged_at = ${now}, acknowledged_by = ${`principal:${principalId}`} WHERE id = ${matchId}`.execute(trx);
    await appendEvents(trx, [
      {
        actor: `principal:${principalId}`,
        type: 'zone.court_order_return_acknowledged',
        subjectType: 'zone',
        subjectId: m.zone_name,
        data: { match_id: matchId, account_id: m.account_id },
        at: now,
      },
    ]);
    return true;
  });
}
