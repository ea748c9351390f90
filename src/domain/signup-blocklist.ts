// The sign-up blocklist of the repeat-infringer policy (17 U.S.C. §512(i)): a terminated
// customer "may not open a new account", so the e-mail address and zone names of a terminated
// account are refused when they come back under another account. The account itself may stay
// in the provider's files (its zones stay terminated); only a new account is refused.
import type { ZoneRow } from './zone-row.ts';

export interface SignupBlocklist {
  /** Lower-case e-mail address → the terminated account it belongs to. */
  emails: ReadonlyMap<string, string>;
  /** Zone name (normalised) → the terminated account. */
  zones: ReadonlyMap<string, string>;
}

export function signupBlocklist(rows: readonly { kind: 'email' | 'zone'; value: string; account_id: string }[]): SignupBlocklist {
  const emails = new Map<string, string>();
  const zones = new Map<string, string>();
  for (const r of rows) (r.kind === 'email' ? emails : zones).set(r.value.toLowerCase(), r.account_id);
  return { emails, zones };
}

/** Why this row is refused, or null. */
export function blockedZoneRow(row: Pick<ZoneRow, 'accountId' | 'accountEmail' | 'zone'>, list: SignupBlocklist): string | null {
  const byZone = list.zones.get(row.zone.toLowerCase());
  if (byZone !== undefined && byZone !== row.accountId) {
    return `zone ${row.zone} belonged to account ${byZone}, terminated under the repeat-infringer policy: it may not be added to another account`;
  }
  const byEmail = list.emails.get(row.accountEmail.trim().toLowerCase());
  if (byEmail !== undefined && byEmail !== row.accountId) {
    return `the e-mail address ${row.accountEmail} belongs to account ${byEmail}, terminated under the repeat-infringer policy: it may not open a new account`;
  }
  return null;
}
