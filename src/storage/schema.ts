// Kysely's view of the tables in migrations/. Keep in step with the SQL.
import type { ColumnType, Generated } from 'kysely';
import type { EventType, SubjectType } from '../domain/event-types.ts';
import type { Channel, NoticeKind, NoticeSubmission } from '../domain/notice.ts';
import type { LegalRegime, ReportKind } from '../domain/report-kinds.ts';
import type { PlainReasons, Restriction, TransparencyStatement } from '../dsa/domain/statement-of-reasons.ts';
import type { HotlineReport } from '../domain/hotline-report.ts';
import type { ItemState } from '../domain/item-state.ts';
import type { PublicRecord, Redaction } from '../publication/domain/public-record.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** Whether a zone is served: terminated and suspended zones are blocked at the edge (migrations 005, 021). */
export type ZoneStatus = 'active' | 'terminated' | 'suspended';

export interface AccountsTable {
  id: string;
  name: string;
  email: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** Set while the account is terminated under the repeat-infringer policy (migration 009). */
  terminated_at: Generated<Date | null>;
  termination_reason: Generated<string | null>;
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
  /** 'suspended': the account is suspended under the misuse policy (DSA Art. 23, migration 021). */
  status: Generated<ZoneStatus>;
  change_seq: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** Start of the current origin period, kept by the import (migration 033); null for zones loaded before it. */
  origin_since: Generated<Date | null>;
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

/** Netblock assignments with history (migration 013): [assigned_from, assigned_to). */
export interface NetblocksTable {
  id: Generated<number>;
  cidr: string;
  account_id: string;
  assigned_from: Timestamp;
  assigned_to: Timestamp | null;
  range_start: Buffer;
  range_end: Buffer;
  prefix_len: number;
  updated_at: Generated<Date>;
}

/** Reports that name an IP address, port and time instead of a URL (migration 013). */
export interface NetworkReportsTable {
  id: Generated<number>;
  inbound_message_id: number;
  format: 'acns' | 'x-arf' | 'xarf';
  category: string;
  case_id: string | null;
  ip: string;
  port: number | null;
  observed_at: Timestamp;
  protocol: string | null;
  works: Json<{ title: string | null; file_name: string | null; hash: string | null }[]>;
  complainant_email: string | null;
  state: 'forwarded' | 'not_on_network' | 'kept_for_staff';
  reason: string | null;
  account_id: string | null;
  netblock_id: number | null;
  created_at: Generated<Date>;
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
  /** Extra rights of this token, e.g. origin:read (trusted reporters). */
  scopes: Generated<string[]>;
}

export type NoticeStatus = 'received' | 'processing' | 'processed';

export interface NoticesTable {
  id: Generated<string>;
  kind: NoticeKind;
  regime: LegalRegime;
  /** The kind's priority (report-kinds.ts): 0 is decided first. */
  priority: 0 | 1 | 2 | 3;
  channel: Channel;
  reporter_id: string;
  idempotency_key: string | null;
  request_hash: string;
  status: NoticeStatus;
  submission: Json<NoticeSubmission>;
  item_count: number;
  items_resolved: Generated<number>;
  lease_until: Date | null;
  /** The claim holding the lease (026_notice_lease_tokens.sql). */
  lease_token: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  processed_at: Date | null;
  item_counts: Json<Record<string, number>> | null;
  /** Until when the notice is evidence that may not be deleted (report-kinds.ts evidenceRetentionDays); null: the ordinary retention. */
  retain_until: Date | null;
  /** Filed by a trusted flagger (DSA Art. 22) within its expertise, as it was at filing (migration 021). */
  trusted_flagger: Generated<boolean>;
}

/** The report prepared for the national hotline / NCMEC's CyberTipline (domain/hotline-report.ts). */
export interface HotlineReportsTable {
  notice_id: string;
  payload: Json<HotlineReport>;
  prepared_at: Generated<Date>;
  retain_until: Date;
}

/** Statements of reasons (DSA Art. 17), migration 019. */
export interface StatementsOfReasonsTable {
  id: string;
  puid: string;
  notice_id: string | null;
  account_id: string | null;
  step_id: string;
  restriction: Restriction;
  kind: ReportKind;
  regime: LegalRegime;
  urls: string[];
  statement: Json<TransparencyStatement>;
  plain: Json<PlainReasons>;
  actor: string;
  issued_at: Generated<Date>;
  submitted_at: Date | null;
}

/** Calls to the DSA Transparency Database (migration 024). */
export interface StatementSubmissionAttemptsTable {
  id: Generated<number>;
  batch_id: string;
  kind: 'submit' | 'lookup';
  puids: string[];
  status_code: number | null;
  outcome: 'stored' | 'refused' | 'isolate' | 'retry' | 'exists' | 'absent';
  error: string | null;
  attempted_at: Generated<Date>;
}

/** A statement's submission once tried (migration 024); its submitted_at stays the record of success. */
export interface StatementSubmissionsTable {
  statement_id: string;
  status: 'pending' | 'rejected' | 'submitted';
  attempts: Generated<number>;
  next_attempt_at: Date;
  send_alone: Generated<boolean>;
  last_error: string | null;
  updated_at: Generated<Date>;
}

export interface NoticeItemsTable {
  id: Generated<number>;
  notice_id: string;
  position: number;
  submitted_url: string;
  url: string | null;
  host: string | null;
  state: ItemState;
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
  type: EventType;
  subject_type: SubjectType;
  subject_id: string;
  notice_id: string | null;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
  data: Json<unknown> | null;
  /** The writing transaction's id (pg_current_xact_id(), as text): the log's commit-safe order (031_event_commit_order.sql). */
  xact: Generated<string>;
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

export type TrustedRowStatus = 'applied' | 'active' | 'rejected' | 'suspended' | 'revoked';

export interface TrustedReportersTable {
  id: Generated<string>;
  principal_id: string;
  status: TrustedRowStatus;
  organisation: string;
  purpose: string;
  contact: string;
  terms_version: string;
  terms_accepted_at: Timestamp;
  applied_at: Timestamp;
  scopes: Generated<string[]>;
  approved_at: Timestamp | null;
  expires_at: Timestamp | null;
  decided_by: string | null;
  decision_reason: string | null;
  ended_at: Timestamp | null;
  updated_at: Generated<Date>;
}

/** Trusted flagger grants (DSA Art. 22; migration 021): in force from granted_at until revoked_at. */
export interface TrustedFlaggersTable {
  id: Generated<string>;
  principal_id: string;
  organisation: string;
  dsc_country: string;
  dsc_reference: string | null;
  kinds: string[];
  granted_by: string | null;
  granted_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

export interface OriginDisclosuresTable {
  id: Generated<string>;
  disclosed_at: Timestamp;
  principal_id: string;
  basis: 'staff' | 'trusted_reporter';
  channel: 'api' | 'webhook';
  terms_version: string | null;
  purpose: string | null;
  notice_id: string | null;
  item_id: number | null;
  zone_id: number;
  zone: string;
  which: 'at_report' | 'current';
  origin: string;
  origin_kind: OriginKind;
  origin_ips: string[];
  customer_notified_at: Timestamp | null;
}

export interface WebhooksTable {
  id: Generated<string>;
  principal_id: string;
  url: string;
  secret: string;
  events: Generated<string[]>;
  created_at: Generated<Date>;
  deleted_at: Timestamp | null;
  /** The log's last event when it was made: it hears of later ones only. */
  from_event_id: Generated<number>;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  webhook_id: string;
  dedupe_key: string;
  event_type: string;
  payload: Json<unknown>;
  zone_id: number | null;
  status: Generated<'pending' | 'delivered' | 'failed' | 'cancelled'>;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: Timestamp;
  created_at: Generated<Date>;
  delivered_at: Timestamp | null;
  redelivered_at: Timestamp | null;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  attempted_at: Timestamp;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface EventCursorsTable {
  name: string;
  last_event_id: number;
  /** With last_event_id, the cursor's place in (xact, id) order. */
  last_xact: Generated<string>;
}

export interface ItemLifecyclesTable {
  item_id: number;
  notice_id: string;
  account_id: string | null;
  kind: string;
  state: Json<unknown>;
  strike_status: string | null;
  strike_at: Timestamp | null;
  next_wake_at: Timestamp | null;
  updated_at: Generated<Date>;
}

export interface LegalFilingsTable {
  id: Generated<string>;
  kind: 'counter_notice' | 'court_action' | 'retraction';
  notice_id: string;
  account_id: string | null;
  principal_id: string | null;
  channel: 'api' | 'portal' | 'email';
  inbound_message_id: number | null;
  urls: string[];
  body: Json<unknown>;
  request_hash: string;
  received_at: Timestamp;
}

export interface SignupBlocklistTable {
  kind: 'email' | 'zone';
  value: string;
  account_id: string;
  reason: string;
  created_at: Generated<Date>;
}

// Legal process (migration 011).
export interface LegalRequestsTable {
  id: Generated<string>;
  type: 'subpoena' | 'court_order' | 'law_enforcement' | 'other';
  state: Generated<'received' | 'in_progress' | 'produced' | 'objected' | 'withdrawn' | 'closed'>;
  authority: string;
  case_number: string;
  requesting_party: string;
  received_at: Timestamp;
  deadline: Timestamp | null;
  notes: string | null;
  document_ref: string | null;
  non_disclosure_order: Generated<boolean>;
  non_disclosure_until: Timestamp | null;
  created_by: string;
  idempotency_key: string | null;
  request_hash: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface LegalRequestTargetsTable {
  id: Generated<number>;
  request_id: string;
  kind: 'domain' | 'account';
  value: string;
  zone_id: number | null;
  zone_name: string | null;
  account_id: string | null;
  account_name: string | null;
  account_email: string | null;
}

export interface LegalRequestNoticesTable {
  request_id: string;
  account_id: string;
  kind: 'request' | 'production';
  ref: Generated<string>;
  sent_at: Timestamp;
}

export interface LegalProductionsTable {
  id: Generated<number>;
  request_id: string;
  fields: string[];
  accounts: string[];
  produced_at: Timestamp;
  payment_reference: string | null;
  ip_addresses: Generated<string[]>;
  note: string | null;
  recorded_by: string;
  recorded_at: Generated<Date>;
  dedupe_key: string;
}

export interface CourtOrderRulesTable {
  id: Generated<string>;
  request_id: string;
  text: string;
  kind: 'domain' | 'exact' | 'subdomains' | 'any_tld';
  value: string;
  edge_domain: string | null;
  created_at: Generated<Date>;
  ends_at: Timestamp | null;
  lifted_at: Timestamp | null;
  lifted_by: string | null;
  lift_reason: string | null;
}

export interface CourtOrderMatchesTable {
  id: Generated<number>;
  rule_id: string;
  zone_id: number;
  zone_name: string;
  account_id: string;
  found_by: 'order' | 'zone_import';
  found_at: Generated<Date>;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
}

/** One row: the edge feed's change counter, bumped by triggers (migration 005). */
export interface EdgeBlocklistStateTable {
  id: boolean;
  seq: number;
  last_xact: number | null;
  changed_at: Timestamp;
}

export interface SettingsTable {
  key: string;
  value: string;
  created_at: Generated<Date>;
}

/** Internal complaints against decisions, DSA Art. 20 (migration 020, dsa/domain/complaint.ts). */
export interface ComplaintsTable {
  id: Generated<string>;
  notice_id: string;
  decision_id: string;
  decision_kind: 'restriction' | 'rejection';
  decision_actor: string;
  decision_at: Timestamp;
  party: 'customer' | 'notifier';
  account_id: string | null;
  reporter_id: string | null;
  positions: number[];
  text: string;
  filed_by: string;
  channel: 'api' | 'portal' | 'status_page';
  state: Generated<'open' | 'upheld' | 'reversed' | 'partly_reversed'>;
  outcome_reason: string | null;
  reversed_positions: number[] | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  created_at: Generated<Date>;
}

export type PublicationStatus = 'pending_review' | 'published' | 'withheld';

/** Redacted public records of processed notices (migration 023, src/publication). */
export interface PublicationsTable {
  notice_id: string;
  status: PublicationStatus;
  record: Json<PublicRecord>;
  /** Staff only: what was replaced, with the original values. */
  redactions: Json<Redaction[]>;
  requested_by: 'policy' | 'reporter';
  queued_at: Generated<Date>;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
  published_at: Timestamp | null;
}

/** Warnings, suspensions and lifts under the misuse policy, DSA Art. 23 (migration 021, dsa/domain/misuse-policy.ts). */
export interface MisuseMeasuresTable {
  id: Generated<string>;
  party_type: 'notifier' | 'customer';
  principal_id: string | null;
  account_id: string | null;
  measure: 'warning' | 'suspension' | 'lift';
  reason: string;
  counts: unknown;
  starts_at: Timestamp;
  ends_at: Timestamp | null;
  decided_by: string;
  created_at: Generated<Date>;
  lifted_at: Timestamp | null;
  lifted_by: string | null;
  lift_reason: string | null;
}

export interface Database {
  trusted_reporters: TrustedReportersTable;
  trusted_flaggers: TrustedFlaggersTable;
  origin_disclosures: OriginDisclosuresTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  event_cursors: EventCursorsTable;
  accounts: AccountsTable;
  zones: ZonesTable;
  zone_origins: ZoneOriginsTable;
  networks: NetworksTable;
  netblocks: NetblocksTable;
  network_reports: NetworkReportsTable;
  principals: PrincipalsTable;
  api_tokens: ApiTokensTable;
  notices: NoticesTable;
  notice_items: NoticeItemsTable;
  events: EventsTable;
  outbox: OutboxTable;
  sessions: SessionsTable;
  login_links: LoginLinksTable;
  inbound_messages: InboundMessagesTable;
  item_lifecycles: ItemLifecyclesTable;
  legal_filings: LegalFilingsTable;
  signup_blocklist: SignupBlocklistTable;
  legal_requests: LegalRequestsTable;
  legal_request_targets: LegalRequestTargetsTable;
  legal_request_notices: LegalRequestNoticesTable;
  legal_productions: LegalProductionsTable;
  court_order_rules: CourtOrderRulesTable;
  court_order_matches: CourtOrderMatchesTable;
  edge_blocklist_state: EdgeBlocklistStateTable;
  settings: SettingsTable;
  hotline_reports: HotlineReportsTable;
  statements_of_reasons: StatementsOfReasonsTable;
  statement_submission_attempts: StatementSubmissionAttemptsTable;
  statement_submissions: StatementSubmissionsTable;
  complaints: ComplaintsTable;
  misuse_measures: MisuseMeasuresTable;
  publications: PublicationsTable;
}
