// What the staff console shows of network reports (ACNS, X-ARF/XARF reports that name an IP
// address, port and time): a page of them newest first, filtered by state, category and account,
// and one report with the account and netblock it was routed by, the message it came in (and the
// machine-readable file inside it), the mail it caused and its events.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { parseMime } from '../reader/mime.ts';
import { findAcnsXml } from '../reader/acns.ts';
import { looksLikeXarfJson, looksLikeXarfPlain } from '../reader/xarf.ts';

export const NETWORK_REPORT_STATES = ['forwarded', 'not_on_network', 'kept_for_staff'] as const;
export type NetworkReportState = (typeof NETWORK_REPORT_STATES)[number];

export const NETWORK_REPORT_STATE_LABELS: Record<NetworkReportState, string> = {
  forwarded: 'Forwarded to the account',
  not_on_network: 'Not on our network',
  kept_for_staff: 'Kept for the abuse team',
};

export const NETWORK_REPORT_FORMAT_LABELS: Record<string, string> = { acns: 'ACNS 2.0', 'x-arf': 'X-ARF v0.2', xarf: 'XARF v4' };

export interface NetworkReportFilter {
  state?: NetworkReportState;
  category?: string;
  accountId?: string;
  /** The id of the last report of the previous page: the page starts below it. */
  before?: number;
  limit: number;
}

export interface NetworkReportRow {
  id: number;
  format: string;
  category: string;
  case_id: string | null;
  ip: string;
  port: number | null;
  observed_at: string;
  protocol: string | null;
  state: NetworkReportState;
  reason: string | null;
  account_id: string | null;
  account_name: string | null;
  complainant_email: string | null;
  /** The first work the report names: a title or a file name. */
  work: string | null;
  created_at: string;
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
type Work = { title: string | null; file_name: string | null; hash: string | null };

const worksOf = (v: unknown) => (parse(v) ?? []) as Work[];

/** A report's columns as the list and the detail page show them. */
function reportRow(
  r: Omit<NetworkReportRow, 'id' | 'observed_at' | 'created_at' | 'work'> & { id: number | string; observed_at: Date | string; created_at: Date | string },
  works: Work[],
): NetworkReportRow {
  return {
    id: Number(r.id),
    format: r.format,
    category: r.category,
    case_id: r.case_id,
    ip: r.ip,
    port: r.port,
    observed_at: iso(r.observed_at)!,
    protocol: r.protocol,
    state: r.state,
    reason: r.reason,
    account_id: r.account_id,
    account_name: r.account_name,
    complainant_email: r.complainant_email,
    work: works[0] ? (works[0].title ?? works[0].file_name) : null,
    created_at: iso(r.created_at)!,
  };
}

/** Newest first (by arrival); `next_before` continues the list when there is more. */
export async function networkReportPage(db: Kysely<Database>, f: NetworkReportFilter): Promise<{ rows: NetworkReportRow[]; next_before: number | null }> {
  let q = db
    .selectFrom('network_reports as r')
    .leftJoin('accounts as a', 'a.id', 'r.account_id')
    .select([
      'r.id',
      'r.format',
      'r.category',
      'r.case_id',
      'r.ip',
      'r.port',
      'r.observed_at',
      'r.protocol',
      'r.state',
      'r.reason',
      'r.account_id',
      'a.name as account_name',
      'r.complainant_email',
      'r.works',
      'r.created_at',
    ])
    .orderBy('r.id', 'desc')
    .limit(f.limit + 1);
  if (f.state) q = q.where('r.state', '=', f.state);
  if (f.category) q = q.where('r.category', '=', f.category);
  if (f.accountId) q = q.where('r.account_id', '=', f.accountId);
  if (f.before !== undefined) q = q.where('r.id', '<', f.before);
  const rows = await q.execute();
  const page = rows.slice(0, f.limit).map((r) => reportRow(r, worksOf(r.works)));
  return { rows: page, next_before: rows.length > f.limit ? page[page.length - 1]!.id : null };
}

/** The categories on record, for the filter (a skip scan over the category index: one probe per category). */
export async function networkReportCategories(db: Kysely<Database>): Promise<string[]> {
  const rows = (
    await sql<{ category: string | null }>`
      WITH RECURSIVE c(category) AS (
        SELECT min(category) FROM network_reports
        UNION ALL
        SELECT (SELECT min(category) FROM network_reports WHERE category > c.category) FROM c WHERE c.category IS NOT NULL
      )
      SELECT category FROM c WHERE category IS NOT NULL LIMIT 200`.execute(db)
  ).rows;
  return rows.map((r) => r.category!);
}

/** How many reports were routed to an account (for its page). */
export async function networkReportCount(db: Kysely<Database>, accountId: string): Promise<number> {
  return (await sql<{ n: number }>`SELECT count(*)::int AS n FROM network_reports WHERE account_id = ${accountId}`.execute(db)).rows[0]!.n;
}

/** The largest part of a message the page shows inline; the whole message is a download. */
export const RAW_SHOWN_BYTES = 256 * 1024;

export interface NetworkReportDetail extends NetworkReportRow {
  works: Work[];
  account_email: string | null;
  netblock: { cidr: string; account_id: string; assigned_from: string; assigned_to: string | null } | null;
  message: {
    id: number;
    received_at: string;
    mail_from: string | null;
    rcpt_to: string[];
    from_address: string | null;
    subject: string | null;
    remote_address: string | null;
    size: number;
    sha256: string;
    status: string;
    outcome: string | null;
  };
  /** The machine-readable report inside the message (the ACNS XML, report.txt or XARF JSON), when found. */
  file: { name: string; content_type: string; content: string; truncated: boolean } | null;
  /** The message as received, up to RAW_SHOWN_BYTES. */
  raw: { text: string; truncated: boolean };
  mails: { role: string; to: string; subject: string; status: string; created_at: string; sent_at: string | null }[];
  events: { id: number; at: string; actor: string; type: string; before: unknown; after: unknown; data: unknown }[];
}

export async function networkReportDetail(db: Kysely<Database>, id: number): Promise<NetworkReportDetail | null> {
  const r = await db
    .selectFrom('network_reports as r')
    .leftJoin('accounts as a', 'a.id', 'r.account_id')
    .leftJoin('netblocks as b', 'b.id', 'r.netblock_id')
    .innerJoin('inbound_messages as m', 'm.id', 'r.inbound_message_id')
    .select([
      'r.id',
      'r.format',
      'r.category',
      'r.case_id',
      'r.ip',
      'r.port',
      'r.observed_at',
      'r.protocol',
      'r.state',
      'r.reason',
      'r.account_id',
      'a.name as account_name',
      'a.email as account_email',
      'r.complainant_email',
      'r.works',
      'r.created_at',
      sql<string | null>`b.cidr::text`.as('cidr'),
      'b.account_id as netblock_account_id',
      'b.assigned_from',
      'b.assigned_to',
      'm.id as message_id',
      'm.received_at',
      'm.mail_from',
      'm.rcpt_to',
      'm.from_address',
      'm.subject',
      'm.remote_address',
      'm.size',
      'm.sha256',
      'm.status',
      'm.outcome',
      'm.raw',
    ])
    .where('r.id', '=', id)
    .executeTakeFirst();
  if (!r) return null;
  const works = worksOf(r.works);
  const raw = Buffer.from(r.raw);
  const [mails, events] = await Promise.all([
    db
      .selectFrom('outbox')
      .select(['recipient_role', 'to_address', 'subject', 'status', 'created_at', 'sent_at'])
      .where('dedupe_key', 'in', [`network-report:${id}:owner`, `network-report:${id}:reporter`])
      .orderBy('id')
      .execute(),
    db
      .selectFrom('events')
      .select(['id', 'at', 'actor', 'type', 'before', 'after', 'data'])
      .where((eb) =>
        eb.or([
          eb.and([eb('subject_type', '=', 'network_report'), eb('subject_id', '=', String(id))]),
          eb.and([eb('subject_type', '=', 'inbound_message'), eb('subject_id', '=', String(r.message_id))]),
        ]),
      )
      .orderBy('id')
      .limit(500)
      .execute(),
  ]);
  return {
    ...reportRow(r, works),
    account_email: r.account_email,
    works,
    netblock: r.cidr ? { cidr: r.cidr, account_id: r.netblock_account_id!, assigned_from: iso(r.assigned_from)!, assigned_to: iso(r.assigned_to) } : null,
    message: {
      id: Number(r.message_id),
      received_at: iso(r.received_at)!,
      mail_from: r.mail_from,
      rcpt_to: r.rcpt_to,
      from_address: r.from_address,
      subject: r.subject,
      remote_address: r.remote_address,
      size: r.size,
      sha256: r.sha256,
      status: r.status,
      outcome: r.outcome,
    },
    file: reportFile(raw, r.format),
    raw: { text: raw.subarray(0, RAW_SHOWN_BYTES).toString('utf8'), truncated: raw.length > RAW_SHOWN_BYTES },
    mails: mails.map((m) => ({
      role: m.recipient_role,
      to: m.to_address,
      subject: m.subject,
      status: m.status,
      created_at: iso(m.created_at)!,
      sent_at: iso(m.sent_at),
    })),
    events: events.map((e) => ({
      id: Number(e.id),
      at: iso(e.at)!,
      actor: e.actor,
      type: e.type,
      before: parse(e.before),
      after: parse(e.after),
      data: parse(e.data),
    })),
  };
}

/** The raw message of a report, for download. */
export async function networkReportRaw(db: Kysely<Database>, id: number): Promise<{ raw: Buffer; messageId: number } | null> {
  const r = await db
    .selectFrom('network_reports as r')
    .innerJoin('inbound_messages as m', 'm.id', 'r.inbound_message_id')
    .select(['m.id', 'm.raw'])
    .where('r.id', '=', id)
    .executeTakeFirst();
  return r ? { raw: Buffer.from(r.raw), messageId: Number(r.id) } : null;
}

/** The part of the message the reader took the report from: the same tests it uses (src/reader/read.ts). */
function reportFile(raw: Buffer, format: string): NetworkReportDetail['file'] {
  const mail = parseMime(raw);
  const parts = [
    ...mail.attachments.map((a) => ({ name: a.filename ?? '(unnamed attachment)', content_type: a.contentType, content: a.content })),
    { name: '(message body)', content_type: 'text/plain', content: mail.text ?? '' },
  ];
  const bound = (p: { name: string; content_type: string; content: string }, content = p.content) => ({
    name: p.name,
    content_type: p.content_type,
    content: content.slice(0, RAW_SHOWN_BYTES),
    truncated: content.length > RAW_SHOWN_BYTES,
  });
  for (const p of parts) {
    if (format === 'acns') {
      const xml = findAcnsXml(p.content);
      if (xml) return bound(p, xml);
    } else if (format === 'x-arf' && looksLikeXarfPlain(p.content)) return bound(p);
    else if (format === 'xarf' && looksLikeXarfJson(p.content)) return bound(p);
  }
  return null;
}
