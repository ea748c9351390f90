/**
 * Legal process addressed to the provider: §512(h) subpoenas, court orders and injunctions,
 * requests from law enforcement, anything else with a case number. What staff records, how a
 * request moves from received to closed, and when the customer it concerns is told.
 *
 * Pure: the current time and the policy are parameters; validation reports every problem at once
 * as `{field, message}` (like notice.ts).
 *
 * The lifecycle:
 *
 *   received ──► in_progress ──► produced ──► closed
 *      │             │   ▲
 *      │             ▼   │ (objection overruled)
 *      ├────────► objected ──► closed
 *      └──► withdrawn ◄──┘ (from received, in_progress or objected) ──► closed
 *
 * A request is *open* (it has a deadline to meet) while received, in progress or objected.
 * Productions are recorded while in progress, and again (supplements) once produced.
 */
import { parseBlockRule, blockRuleText, type BlockRule } from './block-rules.ts';
import { normaliseHost } from '../../domain/url.ts';
import type { FieldError } from '../../domain/notice.ts';

export const LEGAL_REQUEST_TYPES = ['subpoena', 'court_order', 'law_enforcement', 'other'] as const;
export type LegalRequestType = (typeof LEGAL_REQUEST_TYPES)[number];

export const LEGAL_REQUEST_TYPE_LABELS: Record<LegalRequestType, string> = {
  subpoena: 'Subpoena (§512(h) or other)',
  court_order: 'Court order or injunction',
  law_enforcement: 'Law-enforcement request',
  other: 'Other legal process',
};

export const LEGAL_REQUEST_STATES = ['received', 'in_progress', 'produced', 'objected', 'withdrawn', 'closed'] as const;
export type LegalRequestState = (typeof LEGAL_REQUEST_STATES)[number];

export const LEGAL_REQUEST_STATE_LABELS: Record<LegalRequestState, string> = {
  received: 'Received',
  in_progress: 'In progress',
  produced: 'Produced',
  objected: 'Objected to',
  withdrawn: 'Withdrawn',
  closed: 'Closed',
};

const NEXT: Record<LegalRequestState, readonly LegalRequestState[]> = {
  received: ['in_progress', 'objected', 'withdrawn'],
  in_progress: ['produced', 'objected', 'withdrawn'],
  produced: ['closed'],
  objected: ['in_progress', 'withdrawn', 'closed'],
  withdrawn: ['closed'],
  closed: [],
};

/** States a staff member may move a request to from `from` (production moves to `produced` itself). */
export function nextLegalStates(from: LegalRequestState): readonly LegalRequestState[] {
  return NEXT[from];
}

export const OPEN_LEGAL_STATES: readonly LegalRequestState[] = ['received', 'in_progress', 'objected'];
export const isOpenLegalState = (s: LegalRequestState) => OPEN_LEGAL_STATES.includes(s);

export type StateChange = { ok: true; from: LegalRequestState; to: LegalRequestState; changed: boolean } | { ok: false; error: FieldError };

/** A staff move; asking for the state the request is already in is a no-op (idempotent retries). */
export function changeLegalState(from: LegalRequestState, to: unknown): StateChange {
  if (!(LEGAL_REQUEST_STATES as readonly unknown[]).includes(to)) {
    return { ok: false, error: { field: 'state', message: `must be one of ${LEGAL_REQUEST_STATES.join(', ')}` } };
  }
  const target = to as LegalRequestState;
  if (target === from) return { ok: true, from, to: target, changed: false };
  if (target === 'produced') {
    return {
      ok: false,
      error: { field: 'state', message: 'a request becomes "produced" when a production is recorded (POST …/productions), not by changing its state' },
    };
  }
  if (!NEXT[from].includes(target)) {
    const allowed = NEXT[from].filter((s) => s !== 'produced');
    return {
      ok: false,
      error: {
        field: 'state',
        message: `a request that is ${LEGAL_REQUEST_STATE_LABELS[from].toLowerCase()} cannot become ${target}; ${allowed.length ? `it can become ${allowed.join(' or ')}` : 'it is closed'}`,
      },
    };
  }
  return { ok: true, from, to: target, changed: true };
}

/** Whether a production may be recorded now, and the state the request is in afterwards. */
export function productionAllowed(state: LegalRequestState): { ok: true; to: 'produced' } | { ok: false; error: FieldError } {
  if (state === 'in_progress' || state === 'produced') return { ok: true, to: 'produced' };
  return {
    ok: false,
    error: {
      field: 'state',
      message:
        state === 'received' || state === 'objected'
          ? `the request is ${LEGAL_REQUEST_STATE_LABELS[state].toLowerCase()}: move it to in_progress before recording a production`
          : `the request is ${state}: nothing more is produced for it`,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// What is produced

export const PRODUCTION_FIELDS = ['account_name', 'account_email', 'payment_details', 'ip_addresses', 'zone_names', 'other'] as const;
export type ProductionField = (typeof PRODUCTION_FIELDS)[number];

export const PRODUCTION_FIELD_LABELS: Record<ProductionField, string> = {
  account_name: 'Account holder’s name',
  account_email: 'Account e-mail address',
  payment_details: 'Payment details (reference to the billing record)',
  ip_addresses: 'IP addresses (origin or sign-in)',
  zone_names: 'Zone names held by the account',
  other: 'Other (see the note)',
};

export interface ProductionInput {
  fields: ProductionField[];
  /** When the information was handed over. */
  producedAt: Date;
  /** Where the billing record is, when payment details were produced (never the card number). */
  paymentReference: string | null;
  /** Which IP addresses were disclosed, when IP addresses were produced. */
  ipAddresses: string[];
  /** How it was handed over, to whom; anything else staff wants on record. */
  note: string | null;
  /** Account ids among the request's targets the production is about (all of them when empty). */
  accounts: string[];
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-f:.]+$/i;
const isIp = (s: string) => IPV4.test(s) || (s.includes(':') && IPV6.test(s) && s.length <= 45);

export function validateProduction(body: unknown, now: Date): { ok: true; value: ProductionInput } | { ok: false; errors: FieldError[] } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  const fields: ProductionField[] = [];
  if (!Array.isArray(b.fields) || b.fields.length === 0) {
    errors.push({ field: 'fields', message: `list what was produced: one or more of ${PRODUCTION_FIELDS.join(', ')}` });
  } else {
    b.fields.forEach((f, i) => {
      if (!(PRODUCTION_FIELDS as readonly unknown[]).includes(f))
        errors.push({ field: `fields[${i}]`, message: `must be one of ${PRODUCTION_FIELDS.join(', ')}` });
      else if (!fields.includes(f as ProductionField)) fields.push(f as ProductionField);
    });
  }
  let producedAt = now;
  if (b.produced_at !== undefined && b.produced_at !== null && b.produced_at !== '') {
    const d = parseInstant(b.produced_at, 'start');
    if (!d) errors.push({ field: 'produced_at', message: 'must be a date (YYYY-MM-DD) or date and time (ISO 8601)' });
    else if (d.getTime() > now.getTime() + 60_000)
      errors.push({ field: 'produced_at', message: 'cannot be in the future: record a production once it has happened' });
    else producedAt = d;
  }
  const paymentReference = optionalText(b.payment_reference, 'payment_reference', 500, errors);
  if (fields.includes('payment_details') && !paymentReference) {
    errors.push({
      field: 'payment_reference',
      message: 'say where the produced payment details are on record (e.g. the billing system’s reference); never the card number itself',
    });
  }
  if (paymentReference && /\b(?:\d[ -]?){13,19}\b/.test(paymentReference)) {
    errors.push({ field: 'payment_reference', message: 'looks like a card number: record a reference to the billing record, not the number' });
  }
  const ipAddresses: string[] = [];
  if (b.ip_addresses !== undefined) {
    if (!Array.isArray(b.ip_addresses)) errors.push({ field: 'ip_addresses', message: 'must be a list of IP addresses' });
    else
      b.ip_addresses.forEach((ip, i) => {
        if (typeof ip !== 'string' || !isIp(ip.trim())) errors.push({ field: `ip_addresses[${i}]`, message: 'must be an IPv4 or IPv6 address' });
        else ipAddresses.push(ip.trim().toLowerCase());
      });
  }
  if (fields.includes('ip_addresses') && ipAddresses.length === 0 && Array.isArray(b.ip_addresses)) {
    errors.push({ field: 'ip_addresses', message: 'list the IP addresses that were produced' });
  } else if (fields.includes('ip_addresses') && b.ip_addresses === undefined) {
    errors.push({ field: 'ip_addresses', message: 'list the IP addresses that were produced' });
  }
  const note = optionalText(b.note, 'note', 4000, errors);
  if (fields.includes('other') && !note) errors.push({ field: 'note', message: 'say what else was produced' });
  const accounts: string[] = [];
  if (b.accounts !== undefined) {
    if (!Array.isArray(b.accounts) || !b.accounts.every((a) => typeof a === 'string' && a.trim()))
      errors.push({ field: 'accounts', message: 'must be a list of account ids among the request’s targets' });
    else accounts.push(...new Set((b.accounts as string[]).map((a) => a.trim())));
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { fields, producedAt, paymentReference, ipAddresses, note, accounts } };
}

// ---------------------------------------------------------------------------------------------
// The request

export interface LegalRequestInput {
  type: LegalRequestType;
  authority: string;
  caseNumber: string;
  requestingParty: string;
  receivedAt: Date;
  deadline: Date | null;
  /** Normalised domain names and account ids, de-duplicated, in the order given. */
  targets: { domains: string[]; accounts: string[] };
  notes: string | null;
  documentRef: string | null;
  /** The request forbids telling the customer (e.g. 18 U.S.C. §2705(b)), until `nonDisclosureUntil` if given. */
  nonDisclosureOrder: boolean;
  nonDisclosureUntil: Date | null;
  /** Court orders only: the domain block rules, canonical and de-duplicated. */
  blockRules: { text: string; rule: BlockRule }[];
  /** Court orders only: when the block rules end (lifted automatically), if the order says so. */
  blockEndsAt: Date | null;
}

export const MAX_TARGETS = 500;
export const MAX_BLOCK_RULES = 200;

export function validateLegalRequest(body: unknown, now: Date): { ok: true; value: LegalRequestInput } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, errors: [{ field: '(body)', message: 'send a JSON object' }] };
  const b = body as Record<string, unknown>;
  const type = b.type;
  if (!(LEGAL_REQUEST_TYPES as readonly unknown[]).includes(type)) errors.push({ field: 'type', message: `must be one of ${LEGAL_REQUEST_TYPES.join(', ')}` });
  const authority = requiredText(b.authority, 'authority', 300, 'name the issuing court or authority', errors);
  const caseNumber = requiredText(b.case_number, 'case_number', 200, 'give the case or reference number on the document', errors);
  const requestingParty = requiredText(b.requesting_party, 'requesting_party', 300, 'name the party that asks (the rights holder, the agency…)', errors);

  let receivedAt: Date | null = null;
  if (b.received_at === undefined || b.received_at === null || b.received_at === '') receivedAt = now;
  else {
    receivedAt = parseInstant(b.received_at, 'start');
    if (!receivedAt) errors.push({ field: 'received_at', message: 'must be a date (YYYY-MM-DD) or date and time (ISO 8601)' });
    else if (receivedAt.getTime() > now.getTime() + 24 * 3600_000) errors.push({ field: 'received_at', message: 'cannot be in the future' });
  }
  let deadline: Date | null = null;
  if (b.deadline !== undefined && b.deadline !== null && b.deadline !== '') {
    deadline = parseInstant(b.deadline, 'end');
    if (!deadline) errors.push({ field: 'deadline', message: 'must be a date (YYYY-MM-DD, meaning the end of that day, UTC) or date and time (ISO 8601)' });
    else if (receivedAt && deadline.getTime() < receivedAt.getTime())
      errors.push({ field: 'deadline', message: 'is before the date the request was received' });
  } else if (type === 'subpoena' || type === 'law_enforcement') {
    errors.push({ field: 'deadline', message: 'give the date by which the request must be answered (the return date)' });
  }

  const domains: string[] = [];
  const accounts: string[] = [];
  const t = b.targets;
  if (t !== undefined && (t === null || typeof t !== 'object' || Array.isArray(t))) {
    errors.push({ field: 'targets', message: 'must be an object: {"domains": [...], "accounts": [...]}' });
  } else if (t) {
    const tt = t as Record<string, unknown>;
    for (const [key, out] of [
      ['domains', domains],
      ['accounts', accounts],
    ] as const) {
      const v = tt[key];
      if (v === undefined) continue;
      if (!Array.isArray(v)) {
        errors.push({ field: `targets.${key}`, message: `must be a list of ${key === 'domains' ? 'domain names' : 'account ids'}` });
        continue;
      }
      v.forEach((x, i) => {
        if (typeof x !== 'string' || !x.trim())
          return errors.push({ field: `targets.${key}[${i}]`, message: key === 'domains' ? 'must be a domain name' : 'must be an account id' });
        if (key === 'domains') {
          const h = normaliseHost(
            x
              .trim()
              .replace(/^https?:\/\//i, '')
              .replace(/[/?#].*$/, ''),
          );
          if (!h || !h.includes('.')) return errors.push({ field: `targets.domains[${i}]`, message: `${JSON.stringify(x)} is not a domain name` });
          if (!out.includes(h)) out.push(h);
        } else {
          const a = x.trim();
          if (a.length > 200) return errors.push({ field: `targets.accounts[${i}]`, message: 'is longer than 200 characters' });
          if (!out.includes(a)) out.push(a);
        }
      });
    }
    if (domains.length + accounts.length > MAX_TARGETS) errors.push({ field: 'targets', message: `at most ${MAX_TARGETS} targets per request` });
  }

  const blockRules: { text: string; rule: BlockRule }[] = [];
  if (b.block_rules !== undefined) {
    if (type !== 'court_order') errors.push({ field: 'block_rules', message: 'only a court order (type court_order) carries domain block rules' });
    else if (!Array.isArray(b.block_rules))
      errors.push({
        field: 'block_rules',
        message: 'must be a list of rules such as "thepiratesite.com", "=exact.example", "*.example.com", "thepiratesite.*"',
      });
    else {
      if (b.block_rules.length > MAX_BLOCK_RULES) errors.push({ field: 'block_rules', message: `at most ${MAX_BLOCK_RULES} rules per order` });
      b.block_rules.slice(0, MAX_BLOCK_RULES).forEach((r, i) => {
        const p = parseBlockRule(r as string);
        if (!p.ok) return errors.push({ field: `block_rules[${i}]`, message: p.reason });
        const text = blockRuleText(p.rule);
        if (!blockRules.some((x) => x.text === text)) blockRules.push({ text, rule: p.rule });
      });
    }
  }
  let blockEndsAt: Date | null = null;
  if (b.block_ends_at !== undefined && b.block_ends_at !== null && b.block_ends_at !== '') {
    blockEndsAt = parseInstant(b.block_ends_at, 'end');
    if (!blockEndsAt) errors.push({ field: 'block_ends_at', message: 'must be a date (YYYY-MM-DD) or date and time (ISO 8601)' });
    else if (type === 'court_order' && blockRules.length === 0 && !errors.some((e) => e.field.startsWith('block_rules')))
      errors.push({ field: 'block_ends_at', message: 'there are no block rules for it to end' });
  }

  if (
    type !== undefined &&
    domains.length + accounts.length === 0 &&
    blockRules.length === 0 &&
    !errors.some((e) => e.field.startsWith('targets') || e.field.startsWith('block_rules'))
  ) {
    errors.push({
      field: 'targets',
      message:
        type === 'court_order'
          ? 'name the domains or accounts the order concerns, or give its block rules'
          : 'name the domains or accounts the request concerns',
    });
  }

  const notes = optionalText(b.notes, 'notes', 10_000, errors);
  const documentRef = optionalText(b.document_ref, 'document_ref', 500, errors);
  let nonDisclosureOrder = false;
  if (b.non_disclosure_order !== undefined && typeof b.non_disclosure_order !== 'boolean')
    errors.push({ field: 'non_disclosure_order', message: 'must be true or false' });
  else nonDisclosureOrder = b.non_disclosure_order === true;
  let nonDisclosureUntil: Date | null = null;
  if (b.non_disclosure_until !== undefined && b.non_disclosure_until !== null && b.non_disclosure_until !== '') {
    nonDisclosureUntil = parseInstant(b.non_disclosure_until, 'end');
    if (!nonDisclosureUntil) errors.push({ field: 'non_disclosure_until', message: 'must be a date (YYYY-MM-DD) or date and time (ISO 8601)' });
    else if (!nonDisclosureOrder) errors.push({ field: 'non_disclosure_until', message: 'only with "non_disclosure_order": true' });
  }

  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      type: type as LegalRequestType,
      authority: authority!,
      caseNumber: caseNumber!,
      requestingParty: requestingParty!,
      receivedAt: receivedAt!,
      deadline,
      targets: { domains, accounts },
      notes,
      documentRef,
      nonDisclosureOrder,
      nonDisclosureUntil,
      blockRules,
      blockEndsAt,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Telling the customer

export interface CustomerNoticePolicy {
  /**
   * How long after a request is recorded the customer is told (staff may first check that the
   * request is valid at all). Production waits until the customer has been told, so that they can
   * object or move to quash first; with a non-disclosure order nothing is sent while it lasts.
   */
  delayHours: number;
}

export const DEFAULT_CUSTOMER_NOTICE_POLICY: CustomerNoticePolicy = { delayHours: 0 };

export type CustomerNoticeDecision =
  /** Tell the customer at `at` (now or later), and before anything is produced. */
  | { kind: 'notify'; at: Date }
  /** A non-disclosure order forbids it; `until` is when it ends, if the order says. */
  | { kind: 'withhold'; reason: 'non_disclosure_order'; until: Date | null };

/** When the customer a request concerns is told about it (and whether at all, for now). */
export function customerNoticeDecision(
  req: { receivedAt: Date; recordedAt: Date; nonDisclosureOrder: boolean; nonDisclosureUntil: Date | null },
  policy: CustomerNoticePolicy,
  now: Date,
): CustomerNoticeDecision {
  const delayed = new Date(req.recordedAt.getTime() + policy.delayHours * 3600_000);
  if (req.nonDisclosureOrder) {
    if (req.nonDisclosureUntil && req.nonDisclosureUntil.getTime() <= now.getTime()) {
      return { kind: 'notify', at: new Date(Math.max(delayed.getTime(), req.nonDisclosureUntil.getTime())) };
    }
    return { kind: 'withhold', reason: 'non_disclosure_order', until: req.nonDisclosureUntil };
  }
  return { kind: 'notify', at: delayed };
}

/**
 * May information about the customer be produced now? Only once they were told (unless a
 * non-disclosure order forbids telling them): the point of the notice is a chance to object.
 */
export function productionGate(decision: CustomerNoticeDecision, customerToldAt: Date | null): { ok: true } | { ok: false; error: FieldError } {
  if (decision.kind === 'withhold') return { ok: true };
  if (customerToldAt) return { ok: true };
  return {
    ok: false,
    error: {
      field: 'produced_at',
      message: `the customer must be told about the request before anything is produced; the notice goes out at ${decision.at.toISOString()} (no non-disclosure order was recorded)`,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Dates and text

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** An ISO date (the start or the end of that day, UTC) or an ISO date-time with its offset. */
export function parseInstant(v: unknown, dateMeans: 'start' | 'end'): Date | null {
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (DATE_RE.test(s)) {
    const d = new Date(`${s}T00:00:00.000Z`);
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s) return null;
    return dateMeans === 'start' ? d : new Date(d.getTime() + 24 * 3600_000 - 1);
  }
  if (!DATETIME_RE.test(s)) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

// Text that PostgreSQL cannot store (NUL) or that hides what it says (other controls).
const BAD_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

function requiredText(v: unknown, field: string, max: number, missing: string, errors: FieldError[]): string | null {
  if (typeof v !== 'string' || !v.trim()) {
    errors.push({ field, message: missing });
    return null;
  }
  return checkText(v, field, max, errors);
}

function optionalText(v: unknown, field: string, max: number, errors: FieldError[]): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') {
    errors.push({ field, message: 'must be text' });
    return null;
  }
  return checkText(v, field, max, errors) || null;
}

function checkText(v: string, field: string, max: number, errors: FieldError[]): string | null {
  const s = v.trim();
  if (s.length > max) {
    errors.push({ field, message: `is longer than ${max} characters` });
    return null;
  }
  if (BAD_CHARS.test(s)) {
    errors.push({ field, message: 'contains control characters' });
    return null;
  }
  return s;
}
