// What staff and the public read of legal requests: the list, one request, the staff queue, the
// public page of a court order.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import { changeLegalState, isOpenLegalState, type LegalRequestState, type LegalRequestType } from '../domain/legal-request.ts';
import type { BlockRule } from '../domain/block-rules.ts';
import { decisionFor, iso, toRule, UUID, type LegalDeps, type RequestRow } from './rows.ts';

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
