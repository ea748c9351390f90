// Issuing and reading statements of reasons (DSA Art. 17). `issueStatements` runs inside the
// transaction that restricts (the item writer, terminations, suspensions), so a restriction never
// exists without its statement; the derived ids make a retried step issue nothing new.
import { sql, type Kysely } from 'kysely';
import { exactTime, type KeysetCursor } from '../storage/exact-time.ts';
import type { Database } from '../storage/schema.ts';
import { appendEvents, type Actor } from '../storage/events.ts';
import { statementOfReasons, type RestrictionDecision } from './domain/statement-of-reasons.ts';
import type { IssuedStatement } from './domain/statement-messages.ts';
import { notFound, ok, type Result } from '../services/result.ts';

export type Issued = IssuedStatement & { accountId: string | null };

/** Stores the statements of a step's decisions; returns those newly issued (none on a retry). */
export async function issueStatements(
  trx: Kysely<Database>,
  actor: Actor,
  stepId: string,
  decisions: readonly (RestrictionDecision & { accountId: string | null })[],
): Promise<Issued[]> {
  if (!decisions.length) return [];
  const built = decisions.map((d) => ({ d, sor: statementOfReasons(d) }));
  const stored = await trx
    .insertInto('statements_of_reasons')
    .values(
      built.map(({ d, sor }) => ({
        id: d.id,
        puid: sor.statement.puid,
        notice_id: d.noticeId,
        account_id: d.accountId,
        step_id: stepId,
        restriction: d.restriction,
        kind: d.kind,
        regime: d.regime,
        urls: [...d.urls],
        statement: JSON.stringify(sor.statement),
        plain: JSON.stringify(sor.plain),
        actor,
        issued_at: d.appliedAt,
      })),
    )
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  const fresh = new Set(stored.map((r) => r.id));
  const kept = built.filter(({ d }) => fresh.has(d.id));
  await appendEvents(
    trx,
    kept.map(({ d, sor }) => ({
      actor,
      type: 'statement.issued' as const,
      subjectType: 'statement' as const,
      subjectId: d.id,
      noticeId: d.noticeId,
      after: { restriction: d.restriction, puid: sor.statement.puid },
      data: { step_id: stepId, account_id: d.accountId, urls: d.urls.length },
    })),
  );
  return kept.map(({ d, sor }): Issued => ({ id: d.id, noticeId: d.noticeId, restriction: d.restriction, sor, accountId: d.accountId }));
}

/** A stored statement as the API and the portal show it. */
export interface StatementView {
  id: string;
  puid: string;
  notice_id: string | null;
  account_id: string | null;
  restriction: string;
  kind: string;
  regime: string;
  urls: string[];
  issued_at: string;
  submitted_at: string | null;
  /** The Transparency Database's submission fields. */
  statement: unknown;
  /** The customer's reading: facts, ground, redress. */
  plain: unknown;
}

/** Who may read: staff read every statement, a customer only those addressed to its account. */
export type StatementReader = { role: 'staff' } | { role: 'customer'; accountId: string };

const COLUMNS = ['id', 'puid', 'notice_id', 'account_id', 'restriction', 'kind', 'regime', 'urls', 'issued_at', 'submitted_at', 'statement', 'plain'] as const;

/** A row as stored: the view with its dates as the driver returns them. */
type StatementRow = Omit<StatementView, 'issued_at' | 'submitted_at'> & { issued_at: Date; submitted_at: Date | null };

function view(r: StatementRow): StatementView {
  return {
    ...r,
    issued_at: new Date(r.issued_at).toISOString(),
    submitted_at: r.submitted_at ? new Date(r.submitted_at).toISOString() : null,
  };
}

export async function statementOf(db: Kysely<Database>, reader: StatementReader, id: string): Promise<Result<StatementView>> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return notFound('id', 'no such statement of reasons');
  let q = db.selectFrom('statements_of_reasons').select(COLUMNS).where('id', '=', id);
  // Another customer's statement is "not found", not "forbidden": its existence is not theirs to learn.
  if (reader.role === 'customer') q = q.where('account_id', '=', reader.accountId);
  const r = await q.executeTakeFirst();
  return r ? ok(view(r)) : notFound('id', 'no such statement of reasons');
}

export interface StatementFilter {
  noticeId?: string;
  accountId?: string;
  since?: Date;
  until?: Date;
  /** Statements after this one in issue order. */
  after?: KeysetCursor;
  limit: number;
}

/** Statements in issue order, for the reader; keyset-paged so an export of millions streams in pages. */
export async function listStatements(
  db: Kysely<Database>,
  reader: StatementReader,
  f: StatementFilter,
): Promise<{ statements: StatementView[]; next: KeysetCursor | null }> {
  let q = db
    .selectFrom('statements_of_reasons')
    .select([...COLUMNS, exactTime('issued_at').as('issued_exact')])
    .orderBy('issued_at')
    .orderBy('id')
    .limit(f.limit + 1);
  if (reader.role === 'customer') q = q.where('account_id', '=', reader.accountId);
  if (f.accountId) q = q.where('account_id', '=', f.accountId);
  if (f.noticeId) q = q.where('notice_id', '=', f.noticeId);
  if (f.since) q = q.where('issued_at', '>=', f.since);
  if (f.until) q = q.where('issued_at', '<', f.until);
  if (f.after) q = q.where(sql<boolean>`(issued_at, id) > (${f.after.at}::timestamptz, ${f.after.id}::uuid)`);
  const rows = await q.execute();
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    statements: page.map(({ issued_exact: _, ...r }) => view(r)),
    next: rows.length > f.limit && last ? { at: last.issued_exact, id: last.id } : null,
  };
}
