// Who may call the API. Tokens are random, shown once, and stored only as SHA-256 hashes.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, Role } from '../storage/schema.ts';
import { appendEvents, type Actor } from '../storage/events.ts';
import { announcePrincipalChange, principalsChangedHere } from './principal-changes.ts';

export interface Principal {
  id: string;
  role: Role;
  email: string;
  name: string | null;
  accountId: string | null;
  /** Scopes of the API token used (a trusted reporter's token may carry origin:read); none for sessions. */
  scopes?: readonly string[];
  /** The token belongs to an active trusted reporter (a higher rate limit). */
  trusted?: boolean;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
  return `sh_${randomBytes(24).toString('base64url')}`;
}

export async function createPrincipal(
  db: Kysely<Database>,
  args: { role: Role; email: string; name?: string | null; accountId?: string | null; token?: string; actor: Actor },
): Promise<{ principal: Principal; token: string }> {
  const token = args.token ?? newToken();
  return db.transaction().execute(async (trx) => {
    const p = await trx
      .insertInto('principals')
      .values({ role: args.role, email: args.email, name: args.name ?? null, account_id: args.accountId ?? null })
      .returning(['id', 'role', 'email', 'name', 'account_id'])
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('api_tokens')
      .values({ principal_id: p.id, token_hash: hashToken(token), label: 'initial', revoked_at: null })
      .execute();
    await appendEvents(trx, [
      { actor: args.actor, type: 'principal.created', subjectType: 'principal', subjectId: p.id, after: { role: p.role, email: p.email } },
    ]);
    return { principal: { id: p.id, role: p.role, email: p.email, name: p.name, accountId: p.account_id }, token };
  });
}

export async function principalForToken(db: Kysely<Database>, token: string): Promise<Principal | null> {
  return (await principalForTokenHash(db, hashToken(token)))?.principal ?? null;
}

/**
 * The principal of a live token, by the token's hash, and until when that answer holds at most
 * without a change announced (services/principal-changes.ts): a trust grant's expiry.
 */
export async function principalForTokenHash(db: Kysely<Database>, tokenHash: string): Promise<{ principal: Principal; until: Date | null } | null> {
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('principals as p', 'p.id', 't.principal_id')
    .leftJoin('trusted_reporters as tr', (j) =>
      j
        .onRef('tr.principal_id', '=', 'p.id')
        .on('tr.status', '=', 'active')
        .on((eb) => eb.or([eb('tr.expires_at', 'is', null), eb('tr.expires_at', '>', new Date())])),
    )
    .select(['p.id', 'p.role', 'p.email', 'p.name', 'p.account_id', 't.scopes', 'tr.id as trusted_id', 'tr.expires_at as trusted_until'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  return {
    principal: {
      id: row.id,
      role: row.role,
      email: row.email,
      name: row.name,
      accountId: row.account_id,
      scopes: row.scopes ?? [],
      trusted: row.trusted_id !== null,
    },
    until: row.trusted_until ? new Date(row.trusted_until) : null,
  };
}

/** First start on an empty store: a staff admin, with SAFEHARBOR_ADMIN_TOKEN or a new token. */
export async function ensureAdmin(db: Kysely<Database>, presetToken?: string): Promise<{ created: boolean; token?: string }> {
  const staff = await db.selectFrom('principals').select('id').where('role', '=', 'staff').limit(1).executeTakeFirst();
  if (staff) {
    if (presetToken && !(await principalForToken(db, presetToken))) {
      await db
        .insertInto('api_tokens')
        .values({ principal_id: staff.id, token_hash: hashToken(presetToken), label: 'SAFEHARBOR_ADMIN_TOKEN', revoked_at: null })
        .execute();
    }
    return { created: false };
  }
  const { token } = await createPrincipal(db, { role: 'staff', email: 'admin@localhost', name: 'Administrator', token: presetToken, actor: 'system' });
  return { created: true, token };
}

/** A staff token for commands run on this machine while the server holds the embedded store. */
export async function createLocalCliToken(db: Kysely<Database>): Promise<string> {
  const staff = await db.selectFrom('principals').select('id').where('role', '=', 'staff').orderBy('created_at').limit(1).executeTakeFirstOrThrow();
  const token = newToken();
  await db.transaction().execute(async (trx) => {
    const t = await trx
      .insertInto('api_tokens')
      .values({ principal_id: staff.id, token_hash: hashToken(token), label: 'local-cli', revoked_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      { actor: 'system', type: 'token.created', subjectType: 'principal', subjectId: staff.id, data: { token_id: t.id, label: 'local-cli' } },
    ]);
  });
  return token;
}

export async function revokeToken(db: Kysely<Database>, token: string, actor: Actor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const t = await trx
      .updateTable('api_tokens')
      .set({ revoked_at: new Date() })
      .where('token_hash', '=', hashToken(token))
      .where('revoked_at', 'is', null)
      .returning(['id', 'principal_id', 'label'])
      .executeTakeFirst();
    if (t) {
      await appendEvents(trx, [
        { actor, type: 'token.revoked', subjectType: 'principal', subjectId: t.principal_id, data: { token_id: t.id, label: t.label } },
      ]);
      await announcePrincipalChange(trx);
    }
  });
  principalsChangedHere(db);
}

/**
 * Notices filed through the public web form belong to this principal. It has no token: such a
 * notice is reached only through its private status link, never through an account.
 */
export async function webFormPrincipal(db: Kysely<Database>): Promise<string> {
  return channelPrincipal(db, 'web-form@safeharbor.invalid', 'Public web form');
}

/** Notices read from mail sent to the desk belong to this principal (the sender is the claimant). */
export async function mailIntakePrincipal(db: Kysely<Database>): Promise<string> {
  return channelPrincipal(db, 'mail-intake@safeharbor.invalid', 'Mail intake');
}

async function channelPrincipal(db: Kysely<Database>, email: string, name: string): Promise<string> {
  const found = await db.selectFrom('principals').select('id').where('role', '=', 'reporter').where('email', '=', email).executeTakeFirst();
  if (found) return found.id;
  const p = await db.insertInto('principals').values({ role: 'reporter', email, name, account_id: null }).returning('id').executeTakeFirstOrThrow();
  await appendEvents(db, [{ actor: 'system', type: 'principal.created', subjectType: 'principal', subjectId: p.id, after: { role: 'reporter', email } }]);
  return p.id;
}
