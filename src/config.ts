// Settings from the environment, read once at start and passed down as plain data.
import { DEFAULT_MAX_URLS_PER_NOTICE } from './domain/notice.ts';
import { DEFAULT_CUSTOMER_NOTICE_POLICY, type CustomerNoticePolicy } from './legal/domain/legal-request.ts';
import { createCalendar, type BusinessCalendar } from './domain/business-days.ts';
import { parseLifecyclePolicy, type LifecyclePolicy } from './domain/takedown-lifecycle.ts';
import { parseStrikePolicy, type StrikePolicy } from './domain/strike-policy.ts';
import { parseMisusePolicy, type MisusePolicy } from './dsa/domain/misuse-policy.ts';
import { parseOriginDisclosurePolicy, type OriginDisclosurePolicy } from './domain/origin-disclosure-policy.ts';
import { inspect } from 'node:util';
import ipaddr from 'ipaddr.js';

/**
 * A credential that does not show itself: printed, logged or serialised (a config dumped while
 * debugging, an error that carries it) it reads [withheld]; only reveal() gives the value.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[withheld]';
  }
  toJSON(): string {
    return '[withheld]';
  }
  [inspect.custom](): string {
    return '[withheld]';
  }
}

/** Where statements of reasons are submitted (DSA Transparency Database); off without SAFEHARBOR_DSA_TDB_URL. */
export interface TransparencyDbConfig {
  /** The base URL, e.g. https://transparency.dsa.ec.europa.eu (the API is under /api/v1). */
  url: string;
  /** The platform's API token (Bearer). */
  token: Secret;
  /** Statements per call, 1–100. */
  batchSize: number;
  /** The wait after a failure, doubling from retryBaseMs up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long one call may take. */
  timeoutMs: number;
}
import { parsePublicationPolicy, type PublicationPolicy } from './publication/domain/publication-policy.ts';

export interface Config {
  /** The provider's name as reporters and customers see it. */
  providerName: string;
  /** Base URL of this server as others reach it (links in e-mails). */
  publicUrl: string | null;
  maxUrlsPerNotice: number;
  /** Notices with at most this many URLs are processed before the POST answers. */
  inlineProcessingLimit: number;
  smtpUrl: string | null;
  /**
   * How long a worker's claim on a notice or on outbox messages lasts without renewal: a live
   * worker renews it, so this is how soon the work of a crashed one is taken over.
   */
  workerLeaseSeconds: number;
  mailFrom: string;
  /** Resolve hostname origins through DNS (off: recorded as dns_failed "disabled"). */
  dnsLookups: boolean;
  /** Requests per minute per caller on the API. */
  rateLimitPerMinute: number;
  /** Requests per minute for a token of an active trusted reporter. */
  trustedRateLimitPerMinute: number;
  /**
   * The load balancers or reverse proxies in front of the API (addresses or CIDR blocks), whose
   * X-Forwarded-For names the caller: empty, the peer's address is the caller's.
   */
  trustedProxies: string[];
  /**
   * How long an API process may use a token's principal without reading it again (0: read it on
   * every request). Changes are announced and drop it sooner; this bounds a missed announcement.
   */
  authCacheMs: number;
  /**
   * How long an API process may answer GET /v1/notices/{id} from the view it cached without
   * reading the notice again (0: read it on every request). Every change to a notice is
   * announced and drops the view sooner; this bounds a missed announcement.
   */
  noticeViewCacheMs: number;
  /** Who may learn origin IPs, and when the zone's customer is told (SAFEHARBOR_ORIGIN_DISCLOSURE, JSON). */
  originDisclosure: OriginDisclosurePolicy;
  /** Webhooks may go to plain http on loopback and private addresses (tests, local development only). */
  webhookAllowLoopback: boolean;
  /** The domain of the desk's mail addresses (intake, and Reply-To addresses with case tokens). */
  mailDomain: string;
  /** Local parts the SMTP listener accepts mail for, e.g. abuse, dmca, copyright. */
  intakeAddresses: string[];
  /** Largest message the SMTP listener accepts, in bytes. */
  maxInboundBytes: number;
  /** Business days for the counter-notice restore window (SAFEHARBOR_CALENDAR_TIME_ZONE, SAFEHARBOR_HOLIDAYS, SAFEHARBOR_US_FEDERAL_HOLIDAYS). */
  calendar: BusinessCalendar;
  /** The takedown lifecycle's policy (SAFEHARBOR_LIFECYCLE_POLICY, JSON; defaults in takedown-lifecycle.ts). */
  lifecyclePolicy: LifecyclePolicy;
  /** The repeat-infringer policy (SAFEHARBOR_STRIKE_POLICY, JSON; defaults in strike-policy.ts). */
  strikePolicy: StrikePolicy;
  /** Measures against misuse, DSA Art. 23 (SAFEHARBOR_MISUSE_POLICY, JSON; defaults in dsa/domain/misuse-policy.ts). */
  misusePolicy: MisusePolicy;
  /** Which processed notices are published, per kind, and whether staff review each redaction (SAFEHARBOR_PUBLICATION_POLICY, JSON; defaults in publication/domain/publication-policy.ts). */
  publicationPolicy: PublicationPolicy;
  /** When customers hear of legal process about them (SAFEHARBOR_LEGAL_NOTICE_DELAY_HOURS; see legal-request.ts). */
  legalNoticePolicy: CustomerNoticePolicy;
  /** The transparency report's most-reported domains and accounts are public (SAFEHARBOR_TRANSPARENCY_PUBLIC_TOP=on); staff only by default. */
  transparencyPublicTop: boolean;
  /** Submission of statements of reasons to the DSA Transparency Database; null: not submitted. */
  transparencyDb: TransparencyDbConfig | null;
}

function int(v: string | undefined, fallback: number, name: string): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${v}"`);
  return n;
}

function onOff(v: string | undefined, fallback: boolean, name: string): boolean {
  if (v === undefined || v === '') return fallback;
  if (v === 'on') return true;
  if (v === 'off') return false;
  throw new Error(`${name} must be on or off, got "${v}"`);
}

/** Addresses or CIDR blocks, comma-separated; a mistyped one is refused at start, not ignored. */
function trustedProxies(v: string | undefined): string[] {
  const list = (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  for (const x of list) {
    const ok = x.includes('/') ? ipaddr.isValidCIDR(x) : ipaddr.isValid(x);
    if (!ok) throw new Error(`SAFEHARBOR_TRUSTED_PROXIES: ${JSON.stringify(x)} is neither an IP address nor a CIDR block (e.g. 10.0.0.0/8)`);
  }
  return list;
}

function leaseSeconds(v: string | undefined): number {
  const n = int(v, 120, 'SAFEHARBOR_WORKER_LEASE_SECONDS');
  // Renewal runs every third of the lease; below a few seconds one slow round trip would lose it.
  if (n < 3) throw new Error(`SAFEHARBOR_WORKER_LEASE_SECONDS must be at least 3, got "${v}"`);
  return n;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    providerName: env.SAFEHARBOR_PROVIDER_NAME || 'Safeharbor',
    publicUrl: env.SAFEHARBOR_PUBLIC_URL || null,
    maxUrlsPerNotice: int(env.SAFEHARBOR_MAX_URLS_PER_NOTICE, DEFAULT_MAX_URLS_PER_NOTICE, 'SAFEHARBOR_MAX_URLS_PER_NOTICE'),
    inlineProcessingLimit: int(env.SAFEHARBOR_INLINE_PROCESSING_LIMIT, 1000, 'SAFEHARBOR_INLINE_PROCESSING_LIMIT'),
    smtpUrl: env.SMTP_URL || null,
    workerLeaseSeconds: leaseSeconds(env.SAFEHARBOR_WORKER_LEASE_SECONDS),
    mailFrom: env.SAFEHARBOR_MAIL_FROM || 'Safeharbor <abuse@safeharbor.invalid>',
    dnsLookups: env.SAFEHARBOR_DNS !== 'off',
    rateLimitPerMinute: int(env.SAFEHARBOR_RATE_LIMIT_PER_MINUTE, 600, 'SAFEHARBOR_RATE_LIMIT_PER_MINUTE'),
    trustedRateLimitPerMinute: int(env.SAFEHARBOR_TRUSTED_RATE_LIMIT_PER_MINUTE, 6000, 'SAFEHARBOR_TRUSTED_RATE_LIMIT_PER_MINUTE'),
    trustedProxies: trustedProxies(env.SAFEHARBOR_TRUSTED_PROXIES),
    authCacheMs: int(env.SAFEHARBOR_AUTH_CACHE_MS, 5000, 'SAFEHARBOR_AUTH_CACHE_MS'),
    noticeViewCacheMs: int(env.SAFEHARBOR_NOTICE_VIEW_CACHE_MS, 2000, 'SAFEHARBOR_NOTICE_VIEW_CACHE_MS'),
    originDisclosure: originDisclosureFromEnv(env.SAFEHARBOR_ORIGIN_DISCLOSURE),
    webhookAllowLoopback: env.SAFEHARBOR_WEBHOOK_ALLOW_LOOPBACK === '1',
    mailDomain: (env.SAFEHARBOR_MAIL_DOMAIN || 'localhost').toLowerCase(),
    intakeAddresses: (env.SAFEHARBOR_INTAKE_ADDRESSES || 'dmca,abuse,copyright')
      .split(',')
      .map((a) => a.trim().toLowerCase())
      .filter(Boolean),
    maxInboundBytes: int(env.SAFEHARBOR_MAX_INBOUND_BYTES, 30 * 1024 * 1024, 'SAFEHARBOR_MAX_INBOUND_BYTES'),
    calendar: createCalendar({
      timeZone: env.SAFEHARBOR_CALENDAR_TIME_ZONE || undefined,
      holidays: (env.SAFEHARBOR_HOLIDAYS ?? '')
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean),
      usFederalHolidays: env.SAFEHARBOR_US_FEDERAL_HOLIDAYS !== 'off',
    }),
    lifecyclePolicy: jsonPolicy(env.SAFEHARBOR_LIFECYCLE_POLICY, 'SAFEHARBOR_LIFECYCLE_POLICY', parseLifecyclePolicy, (r) => r.policy),
    strikePolicy: jsonPolicy(env.SAFEHARBOR_STRIKE_POLICY, 'SAFEHARBOR_STRIKE_POLICY', parseStrikePolicy, (r) => r.policy),
    misusePolicy: jsonPolicy(env.SAFEHARBOR_MISUSE_POLICY, 'SAFEHARBOR_MISUSE_POLICY', parseMisusePolicy, (r) => r.policy),
    publicationPolicy: jsonPolicy(env.SAFEHARBOR_PUBLICATION_POLICY, 'SAFEHARBOR_PUBLICATION_POLICY', parsePublicationPolicy, (r) => r.policy),
    legalNoticePolicy: {
      delayHours: int(env.SAFEHARBOR_LEGAL_NOTICE_DELAY_HOURS, DEFAULT_CUSTOMER_NOTICE_POLICY.delayHours, 'SAFEHARBOR_LEGAL_NOTICE_DELAY_HOURS'),
    },
    transparencyPublicTop: onOff(env.SAFEHARBOR_TRANSPARENCY_PUBLIC_TOP, false, 'SAFEHARBOR_TRANSPARENCY_PUBLIC_TOP'),
    transparencyDb: transparencyDbFromEnv(env.SAFEHARBOR_DSA_TDB_URL, env.SAFEHARBOR_DSA_TDB_TOKEN),
  };
}

export function transparencyDbFromEnv(url: string | undefined, token: string | undefined): TransparencyDbConfig | null {
  if (!url) {
    if (token)
      throw new Error('SAFEHARBOR_DSA_TDB_TOKEN is set but SAFEHARBOR_DSA_TDB_URL is not: set the base URL, e.g. https://transparency.dsa.ec.europa.eu');
    return null;
  }
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new Error(`SAFEHARBOR_DSA_TDB_URL must be a URL such as https://transparency.dsa.ec.europa.eu, got "${url}"`);
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new Error('SAFEHARBOR_DSA_TDB_URL must be an http(s) URL');
  if (base.username || base.password || base.search || base.hash) {
    throw new Error('SAFEHARBOR_DSA_TDB_URL must be a plain base URL (no user, password, query or fragment); the token goes in SAFEHARBOR_DSA_TDB_TOKEN');
  }
  if (!token?.trim())
    throw new Error('SAFEHARBOR_DSA_TDB_TOKEN is required when SAFEHARBOR_DSA_TDB_URL is set: the API token the Transparency Database issued');
  return {
    url: base.toString().replace(/\/+$/, ''),
    token: new Secret(token.trim()),
    batchSize: 100,
    retryBaseMs: 10_000,
    retryMaxMs: 60 * 60_000,
    timeoutMs: 30_000,
  };
}

function originDisclosureFromEnv(v: string | undefined): OriginDisclosurePolicy {
  let input: unknown = {};
  if (v) {
    try {
      input = JSON.parse(v);
    } catch {
      throw new Error('SAFEHARBOR_ORIGIN_DISCLOSURE must be JSON, e.g. {"customerNotice":{"when":"delayed","delayHours":48}}');
    }
  }
  const r = parseOriginDisclosurePolicy(input);
  if (!r.ok) throw new Error(`SAFEHARBOR_ORIGIN_DISCLOSURE: ${r.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  return r.policy;
}

/** A policy given as JSON in the environment; a bad one stops the start, naming every field. */
function jsonPolicy<R extends { ok: true } | { ok: false; errors: { field: string; message: string }[] }, P>(
  v: string | undefined,
  name: string,
  parse: (input: unknown) => R,
  pick: (r: Extract<R, { ok: true }>) => P,
): P {
  let input: unknown = {};
  if (v) {
    try {
      input = JSON.parse(v);
    } catch {
      throw new Error(`${name} must be JSON, e.g. {"restoreAfterBusinessDays": 10}`);
    }
  }
  const r = parse(input);
  if (!r.ok) throw new Error(`${name}: ${(r as Extract<R, { ok: false }>).errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  return pick(r as Extract<R, { ok: true }>);
}
