// Browser sessions and one-time sign-in links. Both are random secrets handed to the browser or
// mailed once; only their SHA-256 is stored, so a copy of the database signs nobody in.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { appendEvents } from '../storage/events.ts';
import { hashToken, principalForToken, type Principal } from './principals.ts';

export const SESSION_HOURS = 12;
export const LOGIN_LINK_MINUTES = 30;

const secret = () => randomBytes(32).toString('base64url');

const toPrincipal = (r: { id: string; role: Principal['role']; email: string; name: string | null; account_id: string | null }): Principal => ({
  id: r.id,
  role: r.role,
  email: r.email,
  name: r.name,
  accountId: r.account_id,
});

export async function startSession(
  db: Kysely<Database>,
  principalId: string,
  how: 'token' | 'email_link',
  now = new Date(),
): Promise<{ cookie: string; expiresAt: Date }> {
  const cookie = secret();
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({ id_hash: hashToken(cookie), principal_id: principalId, expires_at: expiresAt, ended_at: null })
      .execute();
    await appendEvents(trx, [{ actor: `principal:${principalId}`, type: 'session.started', subjectType: 'principal', subjectId: principalId, data: { how } }]);
  });
  return { cookie, expiresAt };
}

export async function principalForSession(db: Kysely<Database>, cookie: string, now = new Date()): Promise<Principal | null> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('principals as p', 'p.id', 's.principal_id')
    .select(['p.id', 'p.role', 'p.email', 'p.name', 'p.account_id'])
    .where('s.id_hash', '=', hashToken(cookie))
    .where('s.ended_at', 'is', null)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
  return row ? toPrincipal(row) : null;
}

export async function endSession(db: Kysely<Database>, cookie: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const s = await trx
      .updateTable('sessions')
      .set({ ended_at: new Date() })
      .where('id_hash', '=', hashToken(cookie))
      .where('ended_at', 'is', null)
      .returning('principal_id')
      .executeTakeFirst();
    if (s) await appendEvents(trx, [{ actor: `principal:${s.principal_id}`, type: 'session.ended', subjectType: 'principal', subjectId: s.principal_id }]);
  });
}

/** Sign-in with an API token typed into the form (how the first admin gets in). */
export async function principalForTypedToken(db: Kysely<Database>, token: string): Promise<Principal | null> {
  const t = token.trim();
  return t.length >= 16 && t.length <= 200 ? principalForToken(db, t) : null;
}

export interface LoginLinkGrant {
  principal: Principal;
  /** What the link signs in as, for the e-mail: "staff", "reporter", or the account's name. */
  label: string;
  token: string;
}

/**
 * Sign-in links for everyone an address may sign in as: its principals, and the customer of
 * every account registered with that address (created on first use). The caller mails them;
 * the page answers the same whether or not the address is known.
 */
export async function createLoginLinks(db: Kysely<Database>, email: string, now = new Date()): Promise<LoginLinkGrant[]> {
  const address = email.trim().toLowerCase();
  if (!address.includes('@') || address.length > 320) return [];
  return db.transaction().execute(async (trx) => {
    const accounts = await trx
      .selectFrom('accounts')
      .select(['id', 'name', 'email'])
      .where(sql`lower(email)`, '=', address)
      .orderBy('id')
      .limit(50)
      .execute();
    for (const a of accounts) {
      const inserted = await sql<{ id: string }>`
        INSERT INTO principals (role, email, name, account_id) VALUES ('customer', ${a.email}, ${a.name}, ${a.id})
        ON CONFLICT (account_id) WHERE role = 'customer' DO NOTHING RETURNING id`.execute(trx);
      const id = inserted.rows[0]?.id;
      if (id)
        await appendEvents(trx, [
          { actor: 'system', type: 'principal.created', subjectType: 'principal', subjectId: id, after: { role: 'customer', account_id: a.id } },
        ]);
    }
    const accountIds = accounts.map((a) => a.id);
    const rows = await trx
      .selectFrom('principals as p')
      .leftJoin('accounts as a', 'a.id', 'p.account_id')
      .select(['p.id', 'p.role', 'p.email', 'p.name', 'p.account_id', 'a.name as account_name'])
      .where((eb) => {
        // A customer signs in through the account's current address, never an old one.
        const byAccount = accountIds.length ? [eb.and([eb('p.role', '=', 'customer'), eb('p.account_id', 'in', accountIds)])] : [];
        return eb.or([eb.and([eb('p.role', '!=', 'customer'), eb(sql`lower(p.email)`, '=', address)]), ...byAccount]);
      })
      .orderBy('p.role')
      .orderBy('p.account_id')
      .execute();
    const grants: LoginLinkGrant[] = [];
    for (const r of rows) {
      const token = secret();
      await trx
        .insertInto('login_links')
        .values({ token_hash: hashToken(token), principal_id: r.id, expires_at: new Date(now.getTime() + LOGIN_LINK_MINUTES * 60_000), used_at: null })
        .execute();
      grants.push({ principal: toPrincipal(r), label: r.role === 'customer' ? `customer of ${r.account_name ?? r.account_id}` : r.role, token });
    }
    if (grants.length) {
      await appendEvents(
        trx,
        grants.map((g) => ({ actor: 'system' as const, type: 'login_link.created', subjectType: 'principal' as const, subjectId: g.principal.id })),
      );
    }
    return grants;
  });
}

/** Uses a sign-in link: once, before it expires. */
export async function redeemLoginLink(db: Kysely<Database>, token: string, now = new Date()): Promise<Principal | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  return db.transaction().execute(async (trx) => {
    const link = await trx
      .updateTable('login_links')
      .set({ used_at: now })
      .where('token_hash', '=', hashToken(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('principal_id')
      .executeTakeFirst();
    if (!link) return null;
    const p = await trx
      .selectFrom('principals')
      .select(['id', 'role', 'email', 'name', 'account_id'])
      .where('id', '=', link.principal_id)
      .executeTakeFirstOrThrow();
    return toPrincipal(p);
  });
}
