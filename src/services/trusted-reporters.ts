// Applications to become a trusted reporter, staff vetting, scoped tokens, and the requester as
// the disclosure policy sees it — loaded fresh on every call, never cached, so a revocation
// takes effect on the very next request.
import { sql, type Kysely } from 'kysely';
import type { Database, TrustedRowStatus } from '../storage/schema.ts';
import { appendEvents, type Actor } from '../storage/events.ts';
import { hashToken, newToken, type Principal } from './principals.ts';
import type { Requester } from '../domain/origin-disclosure-policy.ts';
import { decisionAllowed, trustedStatusOf, type Scope, type TrustDecision, type TrustedApplication } from '../domain/trusted-reporter.ts';
import { conflict, notFound, ok, type Result } from './result.ts';
import { announcePrincipalChange, principalsChangedHere } from './principal-changes.ts';

export interface TrustedReporterView {
  id: string;
  principal_id: string;
  email: string;
  status: TrustedRowStatus;
  organisation: string;
  purpose: string;
  contact: string;
  terms_version: string;
  terms_accepted_at: string;
  applied_at: string;
  scopes: string[];
  approved_at: string | null;
  expires_at: string | null;
  decision_reason: string | null;
  ended_at: string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

const COLUMNS = [
  'tr.id',
  'tr.principal_id',
  'p.email',
  'tr.status',
  'tr.organisation',
  'tr.purpose',
  'tr.contact',
  'tr.terms_version',
  'tr.terms_accepted_at',
  'tr.applied_at',
  'tr.scopes',
  'tr.approved_at',
  'tr.expires_at',
  'tr.decision_reason',
  'tr.ended_at',
] as const;

type Row = {
  id: string;
  principal_id: string;
  email: string;
  status: TrustedRowStatus;
  organisation: string;
  purpose: string;
  contact: string;
  terms_version: string;
  terms_accepted_at: Date;
  applied_at: Date;
  scopes: string[];
  approved_at: Date | null;
  expires_at: Date | null;
  decision_reason: string | null;
  ended_at: Date | null;
};

function view(r: Row): TrustedReporterView {
  return {
    id: r.id,
    principal_id: r.principal_id,
    email: r.email,
    status: r.status,
    organisation: r.organisation,
    purpose: r.purpose,
    contact: r.contact,
    terms_version: r.terms_version,
    terms_accepted_at: iso(r.terms_accepted_at)!,
    applied_at: iso(r.applied_at)!,
    scopes: r.scopes,
    approved_at: iso(r.approved_at),
    expires_at: iso(r.expires_at),
    decision_reason: r.decision_reason,
    ended_at: iso(r.ended_at),
  };
}

function base(db: Kysely<Database>) {
  return db.selectFrom('trusted_reporters as tr').innerJoin('principals as p', 'p.id', 'tr.principal_id').select(COLUMNS);
}

/** The reporter's latest application (live or not). */
export async function latestApplication(db: Kysely<Database>, principalId: string): Promise<TrustedReporterView | null> {
  const r = await base(db).where('tr.principal_id', '=', principalId).orderBy('tr.applied_at', 'desc').orderBy('tr.id').limit(1).executeTakeFirst();
  return r ? view(r as Row) : null;
}

export type ApplyResult = Result<TrustedReporterView>;

/** Apply; a second application while one is live answers 409 with the live one's status. */
export async function applyAsTrusted(db: Kysely<Database>, reporter: Principal, input: TrustedApplication, now: Date): Promise<ApplyResult> {
  return db.transaction().execute(async (trx) => {
    const live = await trx
      .selectFrom('trusted_reporters')
      .select(['id', 'status'])
      .where('principal_id', '=', reporter.id)
      .where('status', 'in', ['applied', 'active', 'suspended'])
      .forUpdate()
      .executeTakeFirst();
    if (live) return conflict([{ field: '(application)', message: `you already have an application in status "${live.status}"` }]);
    const row = await trx
      .insertInto('trusted_reporters')
      .values({
        principal_id: reporter.id,
        status: 'applied',
        organisation: input.organisation,
        purpose: input.purpose,
        contact: input.contact,
        terms_version: input.terms_version,
        terms_accepted_at: now,
        applied_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      {
        actor: `principal:${reporter.id}`,
        type: 'trusted_reporter.applied',
        subjectType: 'trusted_reporter',
        subjectId: row.id,
        after: { status: 'applied' },
        data: { organisation: input.organisation, terms_version: input.terms_version, terms_accepted_at: now.toISOString() },
        at: now,
      },
    ]);
    return ok((await latestApplication(trx, reporter.id))!, true);
  });
}

/** A newer version of the terms, accepted by an active reporter. */
export async function acceptTerms(db: Kysely<Database>, reporter: Principal, version: string, now: Date): Promise<TrustedReporterView | null> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('trusted_reporters')
      .set({ terms_version: version, terms_accepted_at: now, updated_at: now })
      .where('principal_id', '=', reporter.id)
      .where('status', 'in', ['applied', 'active', 'suspended'])
      .returning(['id', 'terms_version'])
      .executeTakeFirst();
    if (!row) return null;
    await appendEvents(trx, [
      {
        actor: `principal:${reporter.id}`,
        type: 'trusted_reporter.terms_accepted',
        subjectType: 'trusted_reporter',
        subjectId: row.id,
        data: { terms_version: version, at: now.toISOString() },
        at: now,
      },
    ]);
    return latestApplication(trx, reporter.id);
  });
}

export async function listTrustedReporters(db: Kysely<Database>, q: { status?: TrustedRowStatus; limit?: number } = {}): Promise<TrustedReporterView[]> {
  let query = base(db)
    .orderBy('tr.applied_at', 'desc')
    .limit(Math.min(Math.max(q.limit ?? 200, 1), 1000));
  if (q.status) query = query.where('tr.status', '=', q.status);
  return (await query.execute()).map((r) => view(r as Row));
}

export type DecideResult = Result<{ application: TrustedReporterView; changed: boolean }>;

const AFTER: Record<TrustDecision, TrustedRowStatus> = { approve: 'active', reject: 'rejected', suspend: 'suspended', revoke: 'revoked' };

/**
 * A staff decision on an application, in one transaction with its event. Repeating the decision
 * that brought the application to its state changes nothing (idempotent); others are refused.
 */
export async function decideTrusted(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  decision: TrustDecision,
  args: { reason: string | null; scopes?: Scope[]; expiresAt?: Date | null },
  now: Date,
): Promise<DecideResult> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return notFound('id', 'no such application');
  const result = await db.transaction().execute(async (trx): Promise<DecideResult> => {
    const cur = await trx.selectFrom('trusted_reporters').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!cur) return notFound('id', 'no such application');
    const to = AFTER[decision];
    if (cur.status === to && decision !== 'approve') return ok({ application: (await one(trx, id))!, changed: false });
    if (!decisionAllowed(cur.status, decision)) {
      return conflict([
        { field: 'status', message: `an application in status "${cur.status}" cannot be ${decision === 'approve' ? 'approved' : decision + 'd'}` },
      ]);
    }
    const before = { status: cur.status, scopes: cur.scopes, expires_at: iso(cur.expires_at) };
    const set =
      decision === 'approve'
        ? {
            status: to,
            scopes: args.scopes ?? [],
            expires_at: args.expiresAt ?? null,
            approved_at: now,
            ended_at: null,
            decision_reason: args.reason,
            updated_at: now,
          }
        : { status: to, ended_at: now, decision_reason: args.reason, updated_at: now };
    await trx
      .updateTable('trusted_reporters')
      .set({ ...set, decided_by: actor.startsWith('principal:') ? actor.slice('principal:'.length) : null })
      .where('id', '=', id)
      .execute();
    const after = decision === 'approve' ? { status: to, scopes: args.scopes ?? [], expires_at: iso(args.expiresAt ?? null) } : { status: to };
    await appendEvents(trx, [
      {
        actor,
        type: `trusted_reporter.${decision === 'approve' ? 'approved' : decision === 'reject' ? 'rejected' : decision === 'suspend' ? 'suspended' : 'revoked'}`,
        subjectType: 'trusted_reporter',
        subjectId: id,
        before,
        after,
        data: { reason: args.reason, principal_id: cur.principal_id },
        at: now,
      },
    ]);
    if (decision === 'revoke') {
      // Scoped tokens go too: a revoked reporter keeps only the ordinary reporter rights.
      const revoked = await trx
        .updateTable('api_tokens')
        .set({ revoked_at: now })
        .where('principal_id', '=', cur.principal_id)
        .where('revoked_at', 'is', null)
        .where(sql<boolean>`cardinality(scopes) > 0`)
        .returning('id')
        .execute();
      if (revoked.length) {
        await appendEvents(
          trx,
          revoked.map((t) => ({
            actor,
            type: 'token.revoked',
            subjectType: 'principal' as const,
            subjectId: cur.principal_id,
            data: { token_id: t.id, reason: 'trusted status revoked' },
            at: now,
          })),
        );
      }
    }
    // Trust sets the rate limit and a revocation ends scoped tokens: cached principals go.
    await announcePrincipalChange(trx);
    return ok({ application: (await one(trx, id))!, changed: true });
  });
  principalsChangedHere(db);
  return result;
}

async function one(db: Kysely<Database>, id: string): Promise<TrustedReporterView | null> {
  const r = await base(db).where('tr.id', '=', id).executeTakeFirst();
  return r ? view(r as Row) : null;
}

/** A token carrying scopes the reporter was granted (shown once). Null: no active grant covers them. */
export async function createScopedToken(
  db: Kysely<Database>,
  reporter: Principal,
  scopes: string[],
  label: string | null,
  now: Date,
): Promise<{ token: string; id: string; scopes: string[] } | { error: string }> {
  return db.transaction().execute(async (trx) => {
    const grant = await trx
      .selectFrom('trusted_reporters')
      .select(['scopes', 'expires_at'])
      .where('principal_id', '=', reporter.id)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (!grant || (grant.expires_at && new Date(grant.expires_at) <= now)) return { error: 'only an active trusted reporter may create scoped tokens' };
    const missing = scopes.filter((s) => !grant.scopes.includes(s));
    if (missing.length) return { error: `not granted to you: ${missing.join(', ')}` };
    const token = newToken();
    const t = await trx
      .insertInto('api_tokens')
      .values({ principal_id: reporter.id, token_hash: hashToken(token), label, revoked_at: null, scopes })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      {
        actor: `principal:${reporter.id}`,
        type: 'token.created',
        subjectType: 'principal',
        subjectId: reporter.id,
        data: { token_id: t.id, label, scopes },
        at: now,
      },
    ]);
    return { token, id: t.id, scopes };
  });
}

export type PolicyRequester = Requester & { organisation: string | null; purpose: string | null };

/**
 * The requester for the disclosure policy, from the reporter's latest application. Scopes: those
 * of the token used that are still granted; for deliveries queued without a request ('grant'),
 * the granted scopes themselves.
 */
export async function requesterFor(
  db: Kysely<Database>,
  who: { id: string; role: Principal['role'] },
  scopes: readonly string[] | 'grant',
): Promise<PolicyRequester> {
  if (who.role !== 'reporter')
    return { principalId: who.id, role: who.role, trust: null, scopes: scopes === 'grant' ? [] : scopes, organisation: null, purpose: null };
  const row = await db.selectFrom('trusted_reporters').selectAll().where('principal_id', '=', who.id).orderBy('applied_at', 'desc').limit(1).executeTakeFirst();
  const granted = row?.status === 'active' ? row.scopes : [];
  return {
    principalId: who.id,
    role: 'reporter',
    trust: trustedStatusOf(row ?? null),
    scopes: scopes === 'grant' ? granted : scopes.filter((s) => granted.includes(s)),
    organisation: row?.organisation ?? null,
    purpose: row?.purpose ?? null,
  };
}
