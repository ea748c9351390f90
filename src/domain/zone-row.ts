// One line of a zone import (`account_id,account_name,account_email,zone,mode,origin`), checked.
import ipaddr from 'ipaddr.js';
import { getDomain } from 'tldts';
import { z } from 'zod';
import { normaliseHost } from './url.ts';
import type { OriginKind, ZoneMode } from './routing.ts';

export const ZONE_CSV_COLUMNS = ['account_id', 'account_name', 'account_email', 'zone', 'mode', 'origin'] as const;

export interface ZoneRow {
  accountId: string;
  accountName: string;
  accountEmail: string;
  zone: string;
  mode: ZoneMode;
  origin: string;
  originKind: OriginKind;
}

const emailSchema = z.email();

// A file lists an account's zones one after the other, each line repeating the account's e-mail
// address: the verdict on the last address is kept, so an import checks each account's once.
let lastEmail: string | undefined;
let lastEmailValid = false;
function validEmail(email: string): boolean {
  if (email !== lastEmail) {
    lastEmailValid = emailSchema.safeParse(email).success;
    lastEmail = email;
  }
  return lastEmailValid;
}

// The zone is already a checked, normalised host name (normaliseHost): tldts is told so, and skips
// its own extraction, validation and IP detection, which would find nothing more.
const DOMAIN_OF_HOSTNAME = { allowPrivateDomains: false, extractHostname: false, validateHostname: false, detectIp: false, mixedInputs: false };

const DOTTED_QUAD = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

/** An origin is an IP address (v4 or v6, stored in canonical form) or a hostname. */
export function parseOrigin(raw: string): { origin: string; kind: OriginKind } | null {
  const s = raw.trim().replace(/^\[|\]$/g, '');
  // Most origins are dotted-quad IPv4: checked here without the general parser (a 1M-zone import does this a million times).
  const quad = DOTTED_QUAD.exec(s);
  if (quad) {
    const parts = quad.slice(1, 5).map(Number);
    return parts.every((n) => n <= 255) ? { origin: parts.join('.'), kind: 'ip' } : null;
  }
  // Only an IPv6 address has a colon, and only hex digits, x and dots can spell another IPv4
  // notation ("10", "0x7f.1", "010.0.0.1": not origins, nor hostnames): a hostname is not put to
  // ipaddr.js, which tries every IPv4 notation first.
  if (s.includes(':')) return ipaddr.IPv6.isValid(s) ? { origin: ipaddr.IPv6.parse(s).toString(), kind: 'ip' } : null;
  if (/^[0-9a-fx.]+$/i.test(s) && ipaddr.IPv4.isValid(s)) return null;
  const host = normaliseHost(s);
  return host && host.includes('.') ? { origin: host, kind: 'hostname' } : null;
}

/** A value from the file, quoted and escaped (a line break or escape sequence cannot forge report lines) and cut short. */
function quote(s: string): string {
  const max = 100;
  return JSON.stringify(s.length > max ? s.slice(0, max) + '…' : s);
}

export function validateZoneRow(rec: Record<string, string | undefined>): { ok: true; row: ZoneRow } | { ok: false; message: string } {
  const problems: string[] = [];
  const accountId = (rec.account_id ?? '').trim();
  const accountName = (rec.account_name ?? '').trim();
  const accountEmail = (rec.account_email ?? '').trim();
  if (!accountId) problems.push('account_id is empty');
  else if (accountId.length > 200) problems.push('account_id is longer than 200 characters');
  if (!accountName) problems.push('account_name is empty');
  if (!validEmail(accountEmail)) problems.push(`account_email ${quote(accountEmail)} is not a valid e-mail address`);
  const zone = normaliseHost((rec.zone ?? '').trim());
  if (!zone || !zone.includes('.')) problems.push(`zone ${quote(rec.zone ?? '')} is not a valid domain name`);
  // A zone matches its whole subtree: "co.uk" would take every *.co.uk site's notices.
  else if (getDomain(zone, DOMAIN_OF_HOSTNAME) === null)
    problems.push(`zone ${quote(zone)} is a public suffix (like "co.uk"), not a domain a customer can hold`);
  const mode = (rec.mode ?? '').trim().toLowerCase();
  if (mode !== 'proxied' && mode !== 'hosted') problems.push(`mode ${quote(rec.mode ?? '')} must be "proxied" or "hosted"`);
  const origin = parseOrigin(rec.origin ?? '');
  if (!origin) problems.push(`origin ${quote(rec.origin ?? '')} is neither an IP address nor a hostname`);
  if (problems.length) return { ok: false, message: problems.join('; ') };
  return {
    ok: true,
    row: { accountId, accountName, accountEmail, zone: zone!, mode: mode as ZoneMode, origin: origin!.origin, originKind: origin!.kind },
  };
}
