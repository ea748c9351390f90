// Kysely's view of the tables in migrations/. Keep in step with the SQL.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface AccountsTable {
  id: string;
  name: string;
  email: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type ZoneMode = 'proxied' | 'hosted';
export type OriginKind = 'ip' | 'hostname';

export interface ZonesTable {
  id: Generated<number>;
  name: string;
  account_id: string;
  mode: ZoneMode;
  origin: string;
  origin_kind: OriginKind;
  status: Generated<'active' | 'terminated'>;
  change_seq: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ZoneOriginsTable {
  id: Generated<number>;
  zone_id: number;
  origin: string;
  origin_kind: OriginKind;
  valid_from: Timestamp;
  valid_to: Timestamp | null;
}

export interface NetworksTable {
  id: Generated<number>;
  cidr: string;
  asn: number | null;
  name: string;
  abuse_email: string | null;
  updated_at: Generated<Date>;
}

export type Role = 'staff' | 'reporter' | 'customer';

export interface PrincipalsTable {
  id: Generated<string>;
  role: Role;
  email: string;
  name: string | null;
  account_id: string | null;
  created_at: Generated<Date>;
}

export interface ApiTokensTable {
  id: Generated<string>;
  principal_id: string;
  token_hash: string;
  label: string | null;
  created_at: Generated<Date>;
  revoked_at: Date | null;
}

export type NoticeStatus = 'received' | 'processing' | 'processed';

export interface NoticesTable {
  id: Generated<string>;
  kind: string;
  channel: string;
  reporter_id: string;
  idempotency_key: string | null;
  request_hash: string;
  status: NoticeStatus;
  submission: Json<unknown>;
  item_count: number;
  items_resolved: Generated<number>;
  lease_until: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  processed_at: Date | null;
  item_counts: Json<Record<string, number>> | null;
}

export interface NoticeItemsTable {
  id: Generated<number>;
  notice_id: string;
  position: number;
  submitted_url: string;
  url: string | null;
  host: string | null;
  state: string;
  reason: string | null;
  zone_id: number | null;
  zone: string | null;
  account_id: string | null;
  mode: ZoneMode | null;
  origin: string | null;
  origin_kind: OriginKind | null;
  origin_ips: string[] | null;
  origin_resolution: string | null;
  host_asn: number | null;
  host_name: string | null;
  host_abuse_email: string | null;
  updated_at: Generated<Date>;
}

export interface EventsTable {
  id: Generated<number>;
  at: Generated<Date>;
  actor: string;
  type: string;
  subject_type: string;
  subject_id: string;
  notice_id: string | null;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
  data: Json<unknown> | null;
}

export interface OutboxTable {
  id: Generated<number>;
  dedupe_key: string;
  notice_id: string | null;
  recipient_role: string;
  to_address: string;
  subject: string;
  body: string;
  attachments: Json<unknown>;
  status: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: Generated<Date>;
  created_at: Generated<Date>;
  sent_at: Date | null;
}

export interface SessionsTable {
  id_hash: string;
  principal_id: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  ended_at: Timestamp | null;
}

export interface LoginLinksTable {
  token_hash: string;
  principal_id: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface InboundMessagesTable {
  id: Generated<number>;
  received_at: Generated<Date>;
  mail_from: string | null;
  rcpt_to: string[];
  remote_address: string | null;
  size: number;
  sha256: string;
  raw: Buffer;
  status: Generated<'received' | 'processed' | 'failed'>;
  outcome: string | null;
  notice_id: string | null;
  message_id: string | null;
  subject: string | null;
  from_address: string | null;
  detail: Json<unknown> | null;
  attempts: Generated<number>;
  lease_until: Timestamp | null;
  processed_at: Timestamp | null;
}

export interface Database {
  accounts: AccountsTable;
  zones: ZonesTable;
  zone_origins: ZoneOriginsTable;
  networks: NetworksTable;
  principals: PrincipalsTable;
  api_tokens: ApiTokensTable;
  notices: NoticesTable;
  notice_items: NoticeItemsTable;
  events: EventsTable;
  outbox: OutboxTable;
  sessions: SessionsTable;
  login_links: LoginLinksTable;
  inbound_messages: InboundMessagesTable;
}
