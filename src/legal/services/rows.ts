// What the legal services share: their dependencies, the stored request row and what the domain
// rules read of it.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import { customerNoticeDecision, type CustomerNoticePolicy, type LegalRequestState, type LegalRequestType } from '../domain/legal-request.ts';
import type { BlockRule } from '../domain/block-rules.ts';
import type { LegalRequestFacts } from '../domain/legal-messages.ts';

export type Db = Kysely<Database> | Transaction<Database>;

export interface LegalDeps {
  db: Kysely<Database>;
  provider: string;
  policy: CustomerNoticePolicy;
}

export const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

export interface RequestRow {
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

export const facts = (r: RequestRow): LegalRequestFacts => ({
  id: r.id,
  type: r.type,
  authority: r.authority,
  caseNumber: r.case_number,
  requestingParty: r.requesting_party,
  deadline: r.deadline ? new Date(r.deadline) : null,
});

/** The request's customer notice decision, from the stored row. */
export const decisionFor = (r: RequestRow, policy: CustomerNoticePolicy, now: Date) =>
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

/** Ids are uuids; anything else cannot name a row, so it is not found without asking the store. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const toRule = (r: { kind: BlockRule['kind']; value: string }): BlockRule =>
  r.kind === 'any_tld' ? { kind: 'any_tld', label: r.value } : { kind: r.kind, name: r.value };
