// Legal requests recorded and changed: a request with its targets resolved to what we hold (and a
// court order's block rules), productions, state changes. Every change is an event; every write one
// transaction. Reads are in views.ts, court orders' rules in court-orders.ts, timed work in jobs.ts.
import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import { appendEvents, type Actor, type NewEvent } from '../../storage/events.ts';
import { enqueueMessages } from '../../storage/outbox.ts';
import {
  changeLegalState,
  isOpenLegalState,
  productionAllowed,
  productionGate,
  type LegalRequestInput,
  type LegalRequestState,
  type ProductionField,
  type ProductionInput,
} from '../domain/legal-request.ts';
import { productionNoticeMessage } from '../domain/legal-messages.ts';
import { decisionFor, facts, iso, UUID, type Db, type LegalDeps, type RequestRow } from './rows.ts';
import { sendDueNotices, targetCustomers } from './customer-notices.ts';
import { addBlockRules } from './court-orders.ts';
import { conflict, invalid, notFound, ok, type Result } from '../../services/result.ts';

// ---------------------------------------------------------------------------------------------
// Recording

/** `created` unless an Idempotency-Key replayed an earlier request. */
export type CreateResult = Result<{ id: string; replayed: boolean; messagesQueued: number }>;

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
          return invalid([{ field: 'Idempotency-Key', message: 'this key was used for a different request; use a new key for a new request' }]);
        }
        return ok({ id: had.id, replayed: true, messagesQueued: 0 });
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
    return ok({ id: row.id, replayed: false, messagesQueued }, true);
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
// Productions and states

/** `created` when a production was recorded. */
export type ChangeResult = Result<{ state: LegalRequestState; changed: boolean; messagesQueued: number; productionId?: number }>;

const noRequest = () => notFound('id', 'no such legal request');

async function lockRequest(trx: Transaction<Database>, id: string): Promise<RequestRow | undefined> {
  if (!UUID.test(id)) return undefined;
  return (await sql<RequestRow>`SELECT * FROM legal_requests WHERE id = ${id}::uuid FOR UPDATE`.execute(trx)).rows[0];
}

export async function recordProduction(deps: LegalDeps, principalId: string, id: string, p: ProductionInput, now: Date): Promise<ChangeResult> {
  const actor: Actor = `principal:${principalId}`;
  return deps.db.transaction().execute(async (trx) => {
    const row = await lockRequest(trx, id);
    if (!row) return noRequest();
    const dedupeKey = createHash('sha256')
      .update(
        JSON.stringify([id, [...p.fields].sort(), p.producedAt.toISOString(), [...p.accounts].sort(), p.paymentReference, [...p.ipAddresses].sort(), p.note]),
      )
      .digest('hex');
    const had = (await sql<{ id: number }>`SELECT id FROM legal_productions WHERE dedupe_key = ${dedupeKey}`.execute(trx)).rows[0];
    if (had) return ok({ state: row.state, changed: false, messagesQueued: 0, productionId: Number(had.id) });
    const allowed = productionAllowed(row.state);
    if (!allowed.ok) return conflict([allowed.error]);
    const customers = await targetCustomers(trx, id);
    const known = new Set(customers.map((c) => c.accountId));
    const unknown = p.accounts.filter((a) => !known.has(a));
    if (unknown.length) {
      return invalid([{ field: 'accounts', message: `not among the request's resolved targets: ${unknown.join(', ')}` }]);
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
      if (!gate.ok) return conflict([gate.error]);
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
    return ok({ state: allowed.to, changed: true, messagesQueued: queued, productionId }, true);
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
    if (!row) return noRequest();
    const c = changeLegalState(row.state, to);
    if (!c.ok) return conflict([c.error]);
    if (!c.changed) return ok({ state: row.state, changed: false, messagesQueued: 0 });
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
    return ok({ state: c.to, changed: true, messagesQueued: queued });
  });
}
