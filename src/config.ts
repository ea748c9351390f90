// Settings from the environment, read once at start and passed down as plain data.
import { DEFAULT_MAX_URLS_PER_NOTICE } from './domain/notice.ts';

export interface Config {
  /** The provider's name as reporters and customers see it. */
  providerName: string;
  /** Base URL of this server as others reach it (links in e-mails). */
  publicUrl: string | null;
  maxUrlsPerNotice: number;
  /** Notices with at most this many URLs are processed before the POST answers. */
  inlineProcessingLimit: number;
  smtpUrl: string | null;
  mailFrom: string;
  /** Resolve hostname origins through DNS (off: recorded as dns_failed "disabled"). */
  dnsLookups: boolean;
  /** Requests per minute per caller on the API. */
  rateLimitPerMinute: number;
  /** The domain of the desk's mail addresses (intake, and Reply-To addresses with case tokens). */
  mailDomain: string;
  /** Local parts the SMTP listener accepts mail for, e.g. abuse, dmca, copyright. */
  intakeAddresses: string[];
  /** Largest message the SMTP listener accepts, in bytes. */
  maxInboundBytes: number;
}

function int(v: string | undefined, fallback: number, name: string): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${v}"`);
  return n;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    providerName: env.SAFEHARBOR_PROVIDER_NAME || 'Safeharbor',
    publicUrl: env.SAFEHARBOR_PUBLIC_URL || null,
    maxUrlsPerNotice: int(env.SAFEHARBOR_MAX_URLS_PER_NOTICE, DEFAULT_MAX_URLS_PER_NOTICE, 'SAFEHARBOR_MAX_URLS_PER_NOTICE'),
    inlineProcessingLimit: int(env.SAFEHARBOR_INLINE_PROCESSING_LIMIT, 1000, 'SAFEHARBOR_INLINE_PROCESSING_LIMIT'),
    smtpUrl: env.SMTP_URL || null,
    mailFrom: env.SAFEHARBOR_MAIL_FROM || 'Safeharbor <abuse@safeharbor.invalid>',
    dnsLookups: env.SAFEHARBOR_DNS !== 'off',
    rateLimitPerMinute: int(env.SAFEHARBOR_RATE_LIMIT_PER_MINUTE, 600, 'SAFEHARBOR_RATE_LIMIT_PER_MINUTE'),
    mailDomain: (env.SAFEHARBOR_MAIL_DOMAIN || 'localhost').toLowerCase(),
    intakeAddresses: (env.SAFEHARBOR_INTAKE_ADDRESSES || 'dmca,abuse,copyright')
      .split(',')
      .map((a) => a.trim().toLowerCase())
      .filter(Boolean),
    maxInboundBytes: int(env.SAFEHARBOR_MAX_INBOUND_BYTES, 30 * 1024 * 1024, 'SAFEHARBOR_MAX_INBOUND_BYTES'),
  };
}
