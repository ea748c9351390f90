// Legal requests in the store: recording one with its targets resolved to what we hold, the
// customer notice per policy (src/legal/domain/legal-request.ts), productions, state changes; court
// orders' block rules, the zones they catch (when the order arrives and whenever an import adds a
// zone or moves it to another account), lifting them, and what the edge feed and the staff queue
// read. Every change is an event; every write one transaction.
import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import { appendEvents, type Actor, type NewEvent } from '../../storage/events.ts';
import { enqueueMessages } from '../../storage/outbox.ts';
import {
  changeLegalState,
  customerNoticeDecision,
  isOpenLegalState,
  productionAllowed,
  productionGate,
  type CustomerNoticePolicy,
  type LegalRequestInput,
  type LegalRequestState,
  type LegalRequestType,
  type ProductionField,
  type ProductionInput,
} from '../domain/legal-request.ts';
import { directEdgeDomain, matchesBlockRule, type BlockRule } from '../domain/block-rules.ts';
import { legalRequestNoticeMessage, productionNoticeMessage, type CustomerFacts, type LegalRequestFacts } from '../domain/legal-messages.ts';
import type { FieldError } from '../../domain/notice.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface LegalDeps {
  db: Kysely<Database>;
  provider: string;
  policy: CustomerNoticePolicy;
}

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

interface RequestRow {
  id: string;
  type: LegalRequestType;
  state: LegalRequestState;
  authority: string;
  case_number: string;
  requesting_party: string;
  received_at: Date;
  deadline: Date | null;
  notes: string | null;
  document_ref: string | null;
  non_disclosure_order: boolean;
  non_disclosure_until: Date | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

const facts = (r: RequestRow): LegalRequestFacts => ({
  id: r.id,
  type: r.type,
  authority: r.authority,
  caseNumber: r.case_number,
  requestingParty: r.requesting_party,
  deadline: r.deadline ? new Date(r.deadline) : null,
});

/** The request's customer notice decision, from the stored row. */
const decisionFor = (r: RequestRow, policy: CustomerNoticePolicy, now: Date) =>
  customerNoticeDecision(
    {
      receivedAt: new Date(r.received_at),
      recordedAt: new Date(r.created_at),
      nonDisclosureOrder: r.non_disclosure_order,
      nonDisclosureUntil: r.non_disclosure_until ? new Date(r.non_disclosure_until) : null,
    },
    policy,
    now,
  );

// ---------------------------------------------------------------------------------------------
// Recording

export type CreateResult = { ok: true; id: string; replayed: boolean; messagesQueued: number } | { ok: false; status: 422; errors: FieldError[] };

/** The hash of what was asked, so a retry with the same Idempotency-Key and other content is refused. */
export function legalRequestHash(body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(body ?? null))
    .digest('hex');
}

export async function createLegalRequest(
  deps: LegalDeps,
  principalId: string,
  input: LegalRequestInput,
  opts: { idempotencyKey: string | null; requestHash: string; now: Date },
): Promise<CreateResult> {
  const actor: Actor = `principal:${principalId}`;
  return deps.db.transaction().execute(async (trx) => {
    if (opts.idempotencyKey) {
      const had = (
        await sql<{ id: string; request_hash: string }>`
          SELECT id, request_hash FROM legal_requests WHERE created_by = ${principalId}::uuid AND idempotency_key = ${opts.idempotencyKey}`.execute(trx)
      ).rows[0];
      if (had) {
        if (had.request_hash !== opts.requestHash) {
          return {
            ok: false as const,
            status: 422 as const,
            errors: [{ field: 'Idempotency-Key', message: 'this key was used for a different request; use a new key for a new request' }],
          };
        }
        return { ok: true as const, id: had.id, replayed: true, messagesQueued: 0 };
      }
    }
    const row = (
      await sql<RequestRow>`
        INSERT INTO legal_requests (type, authority, case_number, requesting_party, received_at, deadline, notes, document_ref,
                                    non_disclosure_order, non_disclosure_until, created_by, idempotency_key, request_hash, created_at, updated_at)
        VALUES (${input.type}, ${input.authority}, ${input.caseNumber}, ${input.requestingParty}, ${input.receivedAt}, ${input.deadline},
                ${input.notes}, ${input.documentRef}, ${input.nonDisclosureOrder}, ${input.nonDisclosureUntil}, ${principalId}::uuid,
                ${opts.idempotencyKey}, ${opts.requestHash}, ${opts.now}, ${opts.now})
        ON CONFLICT (created_by, idempotency_key) DO NOTHING
        RETURNING *`.execute(trx)
    ).rows[0];
    if (!row) throw new Error('concurrent request with the same Idempotency-Key');

    const targets = await resolveTargets(trx, input.targets);
    if (targets.length) {
      await sql`
        INSERT INTO legal_request_targets (request_id, kind, value, zone_id, zone_name, account_id, account_name, account_email)
        SELECT ${row.id}::uuid, k, v, z, zn, a, an, ae FROM unnest(
          ${targets.map((t) => t.kind)}::text[], ${targets.map((t) => t.value)}::text[], ${targets.map((t) => t.zoneId)}::bigint[],
          ${targets.map((t) => t.zoneName)}::text[], ${targets.map((t) => t.accountId)}::text[], ${targets.map((t) => t.accountName)}::text[],
          ${targets.map((t) => t.accountEmail)}::text[]) AS t(k, v, z, zn, a, an, ae)`.execute(trx);
    }
    const events: NewEvent[] = [
      {
        actor,
        type: 'legal_request.recorded',
        subjectType: 'legal_request',
        subjectId: row.id,
        after: { state: row.state },
        data: {
          type: row.type,
          authority: row.authority,
          case_number: row.case_number,
          requesting_party: row.requesting_party,
          deadline: iso(row.deadline),
          non_disclosure_order: row.non_disclosure_order,
          targets: targets.map((t) => ({ kind: t.kind, value: t.value, zone: t.zoneName, account_id: t.accountId })),
        },
        at: opts.now,
      },
    ];
    await appendEvents(trx, events);

    if (input.blockRules.length) await addBlockRules(trx, actor, row.id, input.blockRules, input.blockEndsAt, opts.now);
    const messagesQueued = await sendDueNotices(trx, deps, row, opts.now);
    return { ok: true as const, id: row.id, replayed: false, messagesQueued };
  });
}

interface ResolvedTarget {
  kind: 'domain' | 'account';
  value: string;
  zoneId: number | null;
  zoneName: string | null;
  accountId: string | null;
  accountName: string | null;
  accountEmail: string | null;
}

/** A domain resolves to the zone it is or falls under (longest match), an account id to the account. */
async function resolveTargets(db: Db, t: { domains: string[]; accounts: string[] }): Promise<ResolvedTarget[]> {
  const out: ResolvedTarget[] = [];
  if (t.domains.length) {
    const candidates = [...new Set(t.domains.flatMap(parentNames))];
    const zones = (
      await sql<{ id: number; name: string; account_id: string; account_name: string; account_email: string }>`
        SELECT z.id, z.name, z.account_id, a.name AS account_name, a.email AS account_email
          FROM zones z JOIN accounts a ON a.id = z.account_id WHERE z.name = ANY(${candidates}::text[])`.execute(db)
    ).rows;
    const byName = new Map(zones.map((z) => [z.name, z]));
    for (const d of t.domains) {
      const z = parentNames(d)
        .map((n) => byName.get(n))
        .find(Boolean);
      out.push({
        kind: 'domain',
        value: d,
        zoneId: z ? Number(z.id) : null,
        zoneName: z?.name ?? null,
        accountId: z?.account_id ?? null,
        accountName: z?.account_name ?? null,
        accountEmail: z?.account_email ?? null,
      });
    }
  }
  if (t.accounts.length) {
    const accounts = (
      await sql<{ id: string; name: string; email: string }>`SELECT id, name, email FROM accounts WHERE id = ANY(${t.accounts}::text[])`.execute(db)
    ).rows;
    const byId = new Map(accounts.map((a) => [a.id, a]));
    for (const id of t.accounts) {
      const a = byId.get(id);
      out.push({
        kind: 'account',
        value: id,
        zoneId: null,
        zoneName: null,
        accountId: a?.id ?? null,
        accountName: a?.name ?? null,
        accountEmail: a?.email ?? null,
      });
    }
  }
  return out;
}

/** The name itself and every parent with at least two labels: a.b.example.com → b.example.com, example.com. */
function parentNames(host: string): string[] {
  const labels = host.split('.');
  return labels.slice(0, -1).map((_, i) => labels.slice(i).join('.'));
}

// ---------------------------------------------------------------------------------------------
// Telling the customer

/** The accounts a request concerns, with what it names of each. */
async function targetCustomers(db: Db, requestId: string): Promise<CustomerFacts[]> {
  const rows = (
    await sql<{ account_id: string; account_name: string; account_email: string; names: (string | null)[] }>`
      SELECT t.account_id, max(a.name) AS account_name, max(a.email) AS account_email,
             array_agg(DISTINCT CASE WHEN t.kind = 'domain' THEN t.value END) AS names
        FROM legal_request_targets t JOIN accounts a ON a.id = t.account_id
       WHERE t.request_id = ${requestId}::uuid AND t.account_id IS NOT NULL
       GROUP BY t.account_id ORDER BY t.account_id`.execute(db)
  ).rows;
  return rows.map((r) => ({
    accountId: r.account_id,
    accountName: r.account_name,
    email: r.account_email,
    names: r.names.filter((n): n is string => !!n).sort(),
  }));
}

/** Sends the request's customer notices that are due and not yet sent. Returns how many were queued. */
async function sendDueNotices(db: Db, deps: LegalDeps, row: RequestRow, now: Date): Promise<number> {
  const decision = decisionFor(row, deps.policy, now);
  if (decision.kind !== 'notify' || decision.at.getTime() > now.getTime()) return 0;
  const customers = await targetCustomers(db, row.id);
  const sent = new Set(
    (
      await sql<{ account_id: string }>`SELECT account_id FROM legal_request_notices WHERE request_id = ${row.id}::uuid AND kind = 'request'`.execute(db)
    ).rows.map((r) => r.account_id),
  );
  const due = customers.filter((c) => !sent.has(c.accountId));
  if (!due.length) return 0;
  await sql`
    INSERT INTO legal_request_notices (request_id, account_id, kind, sent_at)
    SELECT ${row.id}::uuid, a, 'request', ${now} FROM unnest(${due.map((c) => c.accountId)}::text[]) AS a
    ON CONFLICT DO NOTHING`.execute(db);
  const n = await enqueueMessages(
    db as Kysely<Database>,
    null,
    due.map((c) => legalRequestNoticeMessage(deps.provider, facts(row), c)),
  );
  await appendEvents(
    db,
    due.map((c) => ({
      actor: 'system' as const,
      type: 'legal_request.customer_notified',
      subjectType: 'legal_request' as const,
      subjectId: row.id,
      data: { account_id: c.accountId, to: c.email, what: 'request' },
      at: now,
    })),
  );
  return n;
}

/**
 * For a background loop: every request whose customer notice has come due and was not sent —
 * after the configured delay, or when a non-disclosure order ran out (then whatever the request's
 * state: the customer learns of it late, but learns of it). The SQL only narrows the candidates;
 * `customerNoticeDecision` decides.
 */
export async function sendDueLegalNotices(deps: LegalDeps, now: Date): Promise<number> {
  const rows = (
    await sql<RequestRow>`
      SELECT r.* FROM legal_requests r
       WHERE r.state <> 'withdrawn'
         AND r.created_at <= ${new Date(now.getTime() - deps.policy.delayHours * 3600_000)}
         AND (NOT r.non_disclosure_order OR r.non_disclosure_until <= ${now})
         AND EXISTS (SELECT 1 FROM legal_request_targets t WHERE t.request_id = r.id AND t.account_id IS NOT NULL
                       AND NOT EXISTS (SELECT 1 FROM legal_request_notices n WHERE n.request_id = r.id AND n.account_id = t.account_id AND n.kind = 'request'))
       LIMIT 500`.execute(deps.db)
  ).rows;
  let n = 0;
  for (const r of rows) n += await deps.db.transaction().execute((trx) => sendDueNotices(trx, deps, r, now));
  return n;
}

// ---------------------------------------------------------------------------------------------
// Productions and states

export type ChangeResult =
  { ok: true; state: LegalRequestState; changed: boolean; messagesQueued: number } | { ok: false; status: 404 | 409 | 422; errors: FieldError[] };

async function lockRequest(trx: Transaction<Database>, id: string): Promise<RequestRow | undefined> {
  if (!UUID.test(id)) return undefined;
  return (await sql<RequestRow>`SELECT * FROM legal_requests WHERE id = ${id}::uuid FOR UPDATE`.execute(trx)).rows[0];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function recordProduction(
  deps: LegalDeps,
  principalId: string,
  id: string,
  p: ProductionInput,
  now: Date,
): Promise<ChangeResult & { productionId?: number }> {
  const actor: Actor = `principal:${principalId}`;
  return deps.db.transaction().execute(async (trx) => {
    const row = await lockRequest(trx, id);
    if (!row) return { ok: false as const, status: 404 as const, errors: [{ field: 'id', message: 'no such legal request' }] };
    const dedupeKey = createHash('sha256')
      .update(
        JSON.stringify([id, [...p.fields].sort(), p.producedAt.toISOString(), [...p.accounts].sort(), p.paymentReference, [...p.ipAddresses].sort(), p.note]),
      )
      .digest('hex');
    const had = (await sql<{ id: number }>`SELECT id FROM legal_productions WHERE dedupe_key = ${dedupeKey}`.execute(trx)).rows[0];
    if (had) return { ok: true as const, state: row.state, changed: false, messagesQueued: 0, productionId: Number(had.id) };
    const allowed = productionAllowed(row.state);
    if (!allowed.ok) return { ok: false as const, status: 409 as const, errors: [allowed.error] };
    const customers = await targetCustomers(trx, id);
    const known = new Set(customers.map((c) => c.accountId));
    const unknown = p.accounts.filter((a) => !known.has(a));
    if (unknown.length) {
      return {
        ok: false as const,
        status: 422 as const,
        errors: [{ field: 'accounts', message: `not among the request's resolved targets: ${unknown.join(', ')}` }],
      };
    }
    const about = p.accounts.length ? customers.filter((c) => p.accounts.includes(c.accountId)) : customers;
    // Tell the customer first where that is due, then check that it was done.
    let queued = await sendDueNotices(trx, deps, row, now);
    const decision = decisionFor(row, deps.policy, now);
    const told = new Map(
      (
        await sql<{
          account_id: string;
          sent_at: Date;
        }>`SELECT account_id, sent_at FROM legal_request_notices WHERE request_id = ${id}::uuid AND kind = 'request'`.execute(trx)
      ).rows.map((r) => [r.account_id, new Date(r.sent_at)]),
    );
    for (const c of about) {
      const gate = productionGate(decision, told.get(c.accountId) ?? null);
      if (!gate.ok) return { ok: false as const, status: 409 as const, errors: [gate.error] };
    }
    const prod = (
      await sql<{ id: number }>`
        INSERT INTO legal_productions (request_id, fields, accounts, produced_at, payment_reference, ip_addresses, note, recorded_by, recorded_at, dedupe_key)
        VALUES (${id}::uuid, ${p.fields}::text[], ${about.map((c) => c.accountId)}::text[], ${p.producedAt}, ${p.paymentReference},
                ${p.ipAddresses}::text[], ${p.note}, ${principalId}::uuid, ${now}, ${dedupeKey})
        RETURNING id`.execute(trx)
    ).rows[0]!;
    const productionId = Number(prod.id);
    const events: NewEvent[] = [
      {
        actor,
        type: 'legal_request.produced',
        subjectType: 'legal_request',
        subjectId: id,
        before: { state: row.state },
        after: { state: allowed.to },
        data: {
          production_id: productionId,
          fields: p.fields,
          accounts: about.map((c) => c.accountId),
          produced_at: p.producedAt.toISOString(),
          payment_reference: p.paymentReference,
          ip_addresses: p.ipAddresses,
          note: p.note,
        },
        at: now,
      },
    ];
    if (row.state !== allowed.to) await sql`UPDATE legal_requests SET state = ${allowed.to}, updated_at = ${now} WHERE id = ${id}::uuid`.execute(trx);
    if (decision.kind === 'notify' && about.length) {
      const msgs = about.map((c) =>
        productionNoticeMessage(deps.provider, facts(row), c, {
          id: productionId,
          fields: p.fields as ProductionField[],
          producedAt: p.producedAt,
          ipAddresses: p.ipAddresses,
        }),
      );
      await sql`
        INSERT INTO legal_request_notices (request_id, account_id, kind, ref, sent_at)
        SELECT ${id}::uuid, a, 'production', ${String(productionId)}, ${now} FROM unnest(${about.map((c) => c.accountId)}::text[]) AS a
        ON CONFLICT DO NOTHING`.execute(trx);
      queued += await enqueueMessages(trx, null, msgs);
      for (const c of about)
        events.push({
          actor: 'system',
          type: 'legal_request.customer_notified',
          subjectType: 'legal_request',
          subjectId: id,
          data: { account_id: c.accountId, to: c.email, what: 'production', production_id: productionId },
          at: now,
        });
    } else if (decision.kind === 'withhold') {
      events.push({
        actor: 'system',
        type: 'legal_request.customer_notice_withheld',
        subjectType: 'legal_request',
        subjectId: id,
        data: { reason: decision.reason, until: iso(decision.until), production_id: productionId },
        at: now,
      });
    }
    await appendEvents(trx, events);
    return { ok: true as const, state: allowed.to, changed: true, messagesQueued: queued, productionId };
  });
}

export async function changeLegalRequestState(
  deps: LegalDeps,
  principalId: string,
  id: string,
  to: unknown,
  note: string | null,
  now: Date,
): Promise<ChangeResult> {
  return deps.db.transaction().execute(async (trx) => {
    const row = await lockRequest(trx, id);
    if (!row) return { ok: false as const, status: 404 as const, errors: [{ field: 'id', message: 'no such legal request' }] };
    const c = changeLegalState(row.state, to);
    if (!c.ok) return { ok: false as const, status: 409 as const, errors: [c.error] };
    if (!c.changed) return { ok: true as const, state: row.state, changed: false, messagesQueued: 0 };
    await sql`UPDATE legal_requests SET state = ${c.to}, updated_at = ${now} WHERE id = ${id}::uuid`.execute(trx);
    await appendEvents(trx, [
      {
        actor: `principal:${principalId}`,
        type: 'legal_request.state_changed',
        subjectType: 'legal_request',
        subjectId: id,
        before: { state: c.from },
        after: { state: c.to },
        data: note ? { note } : null,
        at: now,
      },
    ]);
    const queued = isOpenLegalState(c.to) ? await sendDueNotices(trx, deps, { ...row, state: c.to }, now) : 0;
    return { ok: true as const, state: c.to, changed: true, messagesQueued: queued };
  });
}

// ---------------------------------------------------------------------------------------------
// Court orders: block rules and the zones they catch

interface RuleRow {
  id: string;
  request_id: string;
  text: string;
  kind: BlockRule['kind'];
  value: string;
}

const toRule = (r: { kind: BlockRule['kind']; value: string }): BlockRule =>
  r.kind === 'any_tld' ? { kind: 'any_tld', label: r.value } : { kind: r.kind, name: r.value };

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

async function addBlockRules(
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

export type LiftResult = { ok: true; changed: boolean } | { ok: false; status: 404 | 422; errors: FieldError[] };

export async function liftBlockRule(
  db: Kysely<Database>,
  principalId: string,
  requestId: string,
  ruleId: string,
  reason: string,
  now: Date,
): Promise<LiftResult> {
  if (!UUID.test(requestId) || !UUID.test(ruleId)) return { ok: false, status: 404, errors: [{ field: 'id', message: 'no such block rule' }] };
  const why = reason.trim();
  if (!why) return { ok: false, status: 422, errors: [{ field: 'reason', message: 'say why the rule is lifted (e.g. the order was vacated on appeal)' }] };
  if (why.length > 2000) return { ok: false, status: 422, errors: [{ field: 'reason', message: 'is longer than 2000 characters' }] };
  return db.transaction().execute(async (trx) => {
    const r = (
      await sql<{
        id: string;
        text: string;
        lifted_at: Date | null;
      }>`SELECT id, text, lifted_at FROM court_order_rules WHERE id = ${ruleId}::uuid AND request_id = ${requestId}::uuid FOR UPDATE`.execute(trx)
    ).rows[0];
    if (!r) return { ok: false as const, status: 404 as const, errors: [{ field: 'id', message: 'no such block rule' }] };
    if (r.lifted_at) return { ok: true as const, changed: false };
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
    return { ok: true as const, changed: true };
  });
}

/** Lifts the rules whose end date has passed. Cheap when none has (a partial index); run before reading the feed. */
export async function liftEndedRules(db: Kysely<Database>, now: Date): Promise<number> {
  const due = (
    await sql<{ id: string }>`SELECT id FROM court_order_rules WHERE lifted_at IS NULL AND ends_at IS NOT NULL AND ends_at <= ${now} LIMIT 1`.execute(db)
  ).rows;
  if (!due.length) return 0;
  return db.transaction().execute(async (trx) => {
    const lifted = (
      await sql<{ id: string; request_id: string; text: string; ends_at: Date }>`
        UPDATE court_order_rules SET lifted_at = ends_at, lifted_by = 'system', lift_reason = 'the order''s end date passed'
         WHERE lifted_at IS NULL AND ends_at IS NOT NULL AND ends_at <= ${now}
        RETURNING id, request_id, text, ends_at`.execute(trx)
    ).rows;
    await appendEvents(
      trx,
      lifted.map((r) => ({
        actor: 'system' as const,
        type: 'court_order.rule_lifted',
        subjectType: 'court_order_rule' as const,
        subjectId: r.id,
        before: { active: true },
        after: { active: false },
        data: { legal_request_id: r.request_id, text: r.text, reason: 'end date', ends_at: iso(r.ends_at) },
        at: now,
      })),
    );
    return lifted.length;
  });
}

/** The edge feed's court-ordered domains: rule names that stand on their own, and every zone an active rule caught. */
export async function courtOrderedDomains(db: Db): Promise<{ domain: string; orderId: string }[]> {
  const rows = (
    await sql<{ domain: string; order_id: string }>`
      SELECT edge_domain AS domain, request_id::text AS order_id FROM court_order_rules WHERE lifted_at IS NULL AND edge_domain IS NOT NULL
      UNION
      SELECT z.name, r.request_id::text FROM court_order_matches m
        JOIN court_order_rules r ON r.id = m.rule_id AND r.lifted_at IS NULL
        JOIN zones z ON z.id = m.zone_id AND z.account_id = m.account_id`.execute(db)
  ).rows;
  return rows.map((r) => ({ domain: r.domain, orderId: r.order_id }));
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface LegalRequestSummary {
  id: string;
  type: LegalRequestType;
  state: LegalRequestState;
  authority: string;
  case_number: string;
  requesting_party: string;
  received_at: string;
  deadline: string | null;
  overdue: boolean;
  non_disclosure_order: boolean;
  targets: number;
  created_at: string;
}

const summary = (r: RequestRow & { targets: number }, now: Date): LegalRequestSummary => ({
  id: r.id,
  type: r.type,
  state: r.state,
  authority: r.authority,
  case_number: r.case_number,
  requesting_party: r.requesting_party,
  received_at: iso(r.received_at)!,
  deadline: iso(r.deadline),
  overdue: !!r.deadline && isOpenLegalState(r.state) && new Date(r.deadline).getTime() < now.getTime(),
  non_disclosure_order: r.non_disclosure_order,
  targets: r.targets,
  created_at: iso(r.created_at)!,
});

/** Deadlines first (the nearest at the top; none last), then the oldest received. */
export async function listLegalRequests(
  db: Kysely<Database>,
  f: { states?: LegalRequestState[]; limit?: number; offset?: number },
  now: Date,
): Promise<{ rows: LegalRequestSummary[]; total: number }> {
  const limit = Math.min(Math.max(f.limit ?? 100, 1), 500);
  const where = f.states?.length ? sql`WHERE r.state = ANY(${f.states}::text[])` : sql``;
  const rows = (
    await sql<RequestRow & { targets: number }>`
      SELECT r.*, (SELECT count(*)::int FROM legal_request_targets t WHERE t.request_id = r.id) AS targets
        FROM legal_requests r ${where}
       ORDER BY r.deadline ASC NULLS LAST, r.received_at, r.id
       LIMIT ${limit} OFFSET ${f.offset ?? 0}`.execute(db)
  ).rows;
  const total = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM legal_requests r ${where}`.execute(db)).rows[0]!.n;
  return { rows: rows.map((r) => summary(r, now)), total };
}

export interface LegalRequestView extends LegalRequestSummary {
  notes: string | null;
  document_ref: string | null;
  non_disclosure_until: string | null;
  next_states: LegalRequestState[];
  customer_notice: { decision: 'notify' | 'withhold'; at: string | null; reason: string | null };
  target_list: {
    kind: 'domain' | 'account';
    value: string;
    zone: string | null;
    account_id: string | null;
    account_name: string | null;
    account_email: string | null;
    resolved: boolean;
  }[];
  productions: {
    id: number;
    fields: string[];
    accounts: string[];
    produced_at: string;
    payment_reference: string | null;
    ip_addresses: string[];
    note: string | null;
    recorded_by: string;
    recorded_at: string;
  }[];
  notices_sent: { account_id: string; kind: string; sent_at: string }[];
  block_rules: {
    id: string;
    text: string;
    kind: string;
    active: boolean;
    ends_at: string | null;
    lifted_at: string | null;
    lift_reason: string | null;
    zones: { zone: string; account_id: string; found_by: string; found_at: string }[];
  }[];
  events: { at: string; actor: string; type: string; before: unknown; after: unknown; data: unknown }[];
}

export async function getLegalRequest(deps: LegalDeps, id: string, now: Date): Promise<LegalRequestView | null> {
  if (!UUID.test(id)) return null;
  const db = deps.db;
  const row = (
    await sql<
      RequestRow & { targets: number }
    >`SELECT r.*, (SELECT count(*)::int FROM legal_request_targets t WHERE t.request_id = r.id) AS targets FROM legal_requests r WHERE r.id = ${id}::uuid`.execute(
      db,
    )
  ).rows[0];
  if (!row) return null;
  const [targets, productions, notices, rules, matches, events] = await Promise.all([
    sql<{
      kind: 'domain' | 'account';
      value: string;
      zone_name: string | null;
      account_id: string | null;
      account_name: string | null;
      account_email: string | null;
    }>`
      SELECT kind, value, zone_name, account_id, account_name, account_email FROM legal_request_targets WHERE request_id = ${id}::uuid ORDER BY id`.execute(db),
    sql<{
      id: number;
      fields: string[];
      accounts: string[];
      produced_at: Date;
      payment_reference: string | null;
      ip_addresses: string[];
      note: string | null;
      recorded_by: string;
      recorded_at: Date;
      email: string;
    }>`
      SELECT p.*, pr.email FROM legal_productions p JOIN principals pr ON pr.id = p.recorded_by WHERE p.request_id = ${id}::uuid ORDER BY p.id`.execute(db),
    sql<{
      account_id: string;
      kind: string;
      sent_at: Date;
    }>`SELECT account_id, kind, sent_at FROM legal_request_notices WHERE request_id = ${id}::uuid ORDER BY sent_at, account_id`.execute(db),
    sql<{ id: string; text: string; kind: string; ends_at: Date | null; lifted_at: Date | null; lift_reason: string | null }>`
      SELECT id, text, kind, ends_at, lifted_at, lift_reason FROM court_order_rules WHERE request_id = ${id}::uuid ORDER BY created_at, text`.execute(db),
    sql<{ rule_id: string; zone_name: string; account_id: string; found_by: string; found_at: Date }>`
      SELECT m.rule_id, m.zone_name, m.account_id, m.found_by, m.found_at FROM court_order_matches m JOIN court_order_rules r ON r.id = m.rule_id
       WHERE r.request_id = ${id}::uuid ORDER BY m.found_at, m.zone_name`.execute(db),
    sql<{ at: Date; actor: string; type: string; before: unknown; after: unknown; data: unknown }>`
      SELECT at, actor, type, before, after, data FROM events
       WHERE (subject_type = 'legal_request' AND subject_id = ${id})
          OR (subject_type = 'court_order_rule' AND subject_id IN (SELECT id::text FROM court_order_rules WHERE request_id = ${id}::uuid))
       ORDER BY id LIMIT 1000`.execute(db),
  ]);
  const decision = decisionFor(row, deps.policy, now);
  return {
    ...summary(row, now),
    notes: row.notes,
    document_ref: row.document_ref,
    non_disclosure_until: iso(row.non_disclosure_until),
    next_states: changeableStates(row.state),
    customer_notice:
      decision.kind === 'notify'
        ? { decision: 'notify', at: iso(decision.at), reason: null }
        : { decision: 'withhold', at: iso(decision.until), reason: decision.reason },
    target_list: targets.rows.map((t) => ({
      kind: t.kind,
      value: t.value,
      zone: t.zone_name,
      account_id: t.account_id,
      account_name: t.account_name,
      account_email: t.account_email,
      resolved: t.account_id !== null,
    })),
    productions: productions.rows.map((p) => ({
      id: Number(p.id),
      fields: p.fields,
      accounts: p.accounts,
      produced_at: iso(p.produced_at)!,
      payment_reference: p.payment_reference,
      ip_addresses: p.ip_addresses,
      note: p.note,
      recorded_by: p.email,
      recorded_at: iso(p.recorded_at)!,
    })),
    notices_sent: notices.rows.map((n) => ({ account_id: n.account_id, kind: n.kind, sent_at: iso(n.sent_at)! })),
    block_rules: rules.rows.map((r) => ({
      id: r.id,
      text: r.text,
      kind: r.kind,
      active: r.lifted_at === null,
      ends_at: iso(r.ends_at),
      lifted_at: iso(r.lifted_at),
      lift_reason: r.lift_reason,
      zones: matches.rows
        .filter((m) => m.rule_id === r.id)
        .map((m) => ({ zone: m.zone_name, account_id: m.account_id, found_by: m.found_by, found_at: iso(m.found_at)! })),
    })),
    events: events.rows.map((e) => ({ at: iso(e.at)!, actor: e.actor, type: e.type, before: parse(e.before), after: parse(e.after), data: parse(e.data) })),
  };
}

const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

function changeableStates(s: LegalRequestState): LegalRequestState[] {
  return (['in_progress', 'objected', 'withdrawn', 'closed'] as const).filter((t) => changeLegalState(s, t).ok && t !== s);
}

// ---------------------------------------------------------------------------------------------
// The staff queue

export interface LegalQueue {
  requests: LegalRequestSummary[];
  /** Zones a court order caught when an import brought them (back) under an account. */
  returned: {
    id: number;
    zone: string;
    account_id: string;
    account_name: string | null;
    rule: string;
    legal_request_id: string;
    case_number: string;
    found_at: string;
  }[];
}

export async function legalQueue(db: Kysely<Database>, now: Date): Promise<LegalQueue> {
  const [requests, returned] = await Promise.all([
    listLegalRequests(db, { states: ['received', 'in_progress', 'objected'], limit: 100 }, now),
    sql<{
      id: number;
      zone_name: string;
      account_id: string;
      account_name: string | null;
      text: string;
      request_id: string;
      case_number: string;
      found_at: Date;
    }>`
      SELECT m.id, m.zone_name, m.account_id, a.name AS account_name, r.text, r.request_id, q.case_number, m.found_at
        FROM court_order_matches m JOIN court_order_rules r ON r.id = m.rule_id JOIN legal_requests q ON q.id = r.request_id
        LEFT JOIN accounts a ON a.id = m.account_id
       WHERE m.found_by = 'zone_import' AND m.acknowledged_at IS NULL
       ORDER BY m.found_at, m.id LIMIT 100`.execute(db),
  ]);
  return {
    requests: requests.rows,
    returned: returned.rows.map((m) => ({
      id: Number(m.id),
      zone: m.zone_name,
      account_id: m.account_id,
      account_name: m.account_name,
      rule: m.text,
      legal_request_id: m.request_id,
      case_number: m.case_number,
      found_at: iso(m.found_at)!,
    })),
  };
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

/** The public page of a court order whose rules block (or blocked) something at the edge. */
export async function publicCourtOrder(db: Kysely<Database>, id: string) {
  if (!UUID.test(id)) return null;
  const r = (
    await sql<{ id: string; authority: string; case_number: string; received_at: Date }>`
      SELECT id, authority, case_number, received_at FROM legal_requests WHERE id = ${id}::uuid AND type = 'court_order'`.execute(db)
  ).rows[0];
  if (!r) return null;
  const rules = (
    await sql<{
      text: string;
      kind: BlockRule['kind'];
      value: string;
      lifted_at: Date | null;
    }>`SELECT text, kind, value, lifted_at FROM court_order_rules WHERE request_id = ${id}::uuid ORDER BY text`.execute(db)
  ).rows;
  if (!rules.length) return null;
  return {
    id: r.id,
    authority: r.authority,
    caseNumber: r.case_number,
    receivedAt: new Date(r.received_at),
    rules: rules.map((x) => ({ text: x.text, rule: toRule(x), active: x.lifted_at === null })),
  };
}
