// `import netblocks` and "which account held this address at that time", over the stored
// assignments. Parsing and the import plan are pure (domain/netblocks.ts); this file only reads
// and writes, in one transaction per import, with an event per assignment added or changed.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { appendEvents, type Actor, type NewEvent } from '../storage/events.ts';
import { assignmentOf, ipKey, parseNetblocksCsv, planNetblockImport, type LineError, type StoredAssignment } from '../domain/netblocks.ts';

export interface NetblockImportResult {
  loaded: number;
  added: number;
  changed: number;
  unchanged: number;
  errors: LineError[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function importNetblocks(db: Kysely<Database>, csv: string, actor: Actor): Promise<NetblockImportResult> {
  const parsed = parseNetblocksCsv(csv);
  const errors = [...parsed.errors];
  if (!parsed.rows.length) return { loaded: 0, added: 0, changed: 0, unchanged: 0, errors };
  return db.transaction().execute(async (trx) => {
    const cidrs = [...new Set(parsed.rows.map((r) => r.cidr))];
    const accountIds = [...new Set(parsed.rows.map((r) => r.accountId))];
    const known = new Set((await trx.selectFrom('accounts').select('id').where('id', 'in', accountIds).execute()).map((a) => a.id));
    const rows = parsed.rows.filter((r) => {
      if (known.has(r.accountId)) return true;
      errors.push({ line: r.line, message: `account_id "${r.accountId}" is not a known account (import its zones first)` });
      return false;
    });
    // Lock the blocks' rows so two imports of the same file cannot interleave their plans.
    const stored: StoredAssignment[] = (
      await sql<{ cidr: string; account_id: string; assigned_from: Date; assigned_to: Date | null }>`
        SELECT cidr::text AS cidr, account_id, assigned_from, assigned_to FROM netblocks WHERE cidr = ANY(${cidrs}::cidr[]) FOR UPDATE`.execute(trx)
    ).rows.map((r) => ({
      cidr: r.cidr,
      accountId: r.account_id,
      assignedFrom: new Date(r.assigned_from),
      assignedTo: r.assigned_to ? new Date(r.assigned_to) : null,
    }));
    const plan = planNetblockImport(stored, rows);
    errors.push(...plan.errors);
    const changes = plan.changes;
    if (changes.length) {
      const full = changes.map((c) => ({ c, a: assignmentOf(c.row) }));
      const col = <T>(f: (x: (typeof full)[number]) => T) => full.map(f);
      await sql`
        INSERT INTO netblocks (cidr, account_id, assigned_from, assigned_to, range_start, range_end, prefix_len)
        SELECT c, a, f, t, decode(s, 'hex'), decode(e, 'hex'), p FROM unnest(${col((x) => x.a.cidr)}::cidr[], ${col((x) => x.a.accountId)}::text[], ${col((x) => iso(x.a.assignedFrom))}::timestamptz[],
                             ${col((x) => iso(x.a.assignedTo))}::timestamptz[], ${col((x) => x.a.start.toString('hex'))}::text[],
                             ${col((x) => x.a.end.toString('hex'))}::text[], ${col((x) => x.a.prefix)}::smallint[]) AS u(c, a, f, t, s, e, p)
        ON CONFLICT (cidr, assigned_from) DO UPDATE SET account_id = excluded.account_id, assigned_to = excluded.assigned_to, updated_at = now()`.execute(trx);
      const events: NewEvent[] = changes.map((c) => ({
        actor,
        type: c.kind === 'added' ? 'netblock.assigned' : 'netblock.changed',
        subjectType: 'netblock',
        subjectId: `${c.row.cidr}@${c.row.assignedFrom.toISOString()}`,
        before: c.kind === 'changed' ? { account_id: c.before.accountId, assigned_to: iso(c.before.assignedTo) } : null,
        after: { account_id: c.row.accountId, assigned_from: iso(c.row.assignedFrom), assigned_to: iso(c.row.assignedTo) },
      }));
      await appendEvents(trx, events);
    }
    const added = changes.filter((c) => c.kind === 'added').length;
    await appendEvents(trx, [
      {
        actor,
        type: 'netblocks.imported',
        subjectType: 'import',
        subjectId: new Date().toISOString(),
        data: { added, changed: changes.length - added, unchanged: plan.unchanged, rejected: errors.length },
      },
    ]);
    errors.sort((a, b) => a.line - b.line);
    return { loaded: changes.length + plan.unchanged, added, changed: changes.length - added, unchanged: plan.unchanged, errors };
  });
}

export interface IpHolder {
  netblockId: number;
  cidr: string;
  accountId: string;
  accountName: string;
  accountEmail: string;
  assignedFrom: Date;
  assignedTo: Date | null;
}

/** The account that held `ip` at `at`: the most specific block in force then (holderAt, in SQL). */
export async function accountHoldingIp(db: Kysely<Database>, ip: string, at: Date): Promise<IpHolder | null> {
  const key = ipKey(ip);
  if (!key) return null;
  const hex = key.toString('hex');
  const r = (
    await sql<{ id: string | number; cidr: string; account_id: string; name: string; email: string; assigned_from: Date; assigned_to: Date | null }>`
      SELECT n.id, n.cidr::text AS cidr, n.account_id, a.name, a.email, n.assigned_from, n.assigned_to
      FROM netblocks n JOIN accounts a ON a.id = n.account_id
      WHERE n.range_start <= decode(${hex}, 'hex') AND n.range_end >= decode(${hex}, 'hex')
        AND n.assigned_from <= ${at.toISOString()}::timestamptz AND (n.assigned_to IS NULL OR n.assigned_to > ${at.toISOString()}::timestamptz)
      ORDER BY n.prefix_len DESC, n.assigned_from DESC
      LIMIT 1`.execute(db)
  ).rows[0];
  if (!r) return null;
  return {
    netblockId: Number(r.id),
    cidr: r.cidr,
    accountId: r.account_id,
    accountName: r.name,
    accountEmail: r.email,
    assignedFrom: new Date(r.assigned_from),
    assignedTo: r.assigned_to ? new Date(r.assigned_to) : null,
  };
}

export interface NetworkReportView {
  id: number;
  inbound_message_id: number;
  format: string;
  category: string;
  case_id: string | null;
  ip: string;
  port: number | null;
  observed_at: string;
  protocol: string | null;
  works: unknown;
  complainant_email: string | null;
  state: string;
  reason: string | null;
  account_id: string | null;
  created_at: string;
}

/** Network reports for staff, newest first. */
export async function listNetworkReports(db: Kysely<Database>, q: { state?: string; accountId?: string; limit: number }): Promise<NetworkReportView[]> {
  let query = db
    .selectFrom('network_reports')
    .select([
      'id',
      'inbound_message_id',
      'format',
      'category',
      'case_id',
      'ip',
      'port',
      'observed_at',
      'protocol',
      'works',
      'complainant_email',
      'state',
      'reason',
      'account_id',
      'created_at',
    ])
    .orderBy('id', 'desc')
    .limit(q.limit);
  if (q.state) query = query.where('state', '=', q.state as 'forwarded');
  if (q.accountId) query = query.where('account_id', '=', q.accountId);
  return (await query.execute()).map((r) => ({
    ...r,
    id: Number(r.id),
    inbound_message_id: Number(r.inbound_message_id),
    observed_at: new Date(r.observed_at).toISOString(),
    created_at: new Date(r.created_at).toISOString(),
  }));
}
