// Submission of statements of reasons to the DSA Transparency Database: a background loop sends
// the oldest unsubmitted statements in batches (POST {base}/api/v1/statements), sets submitted_at
// for a stored batch, confirms a puid the database says it has already (an earlier answer lost)
// before counting it as submitted, records a statement refused as invalid and does not send it
// again, and backs off exponentially while the database fails or cannot be reached. Every call is
// a row of statement_submission_attempts; every statement's fate an event. The pure parts —
// batching, what an answer means, the backoff — are dsa/domain/transparency-submission.ts.
//
// The token goes in the Authorization header and nowhere else: errors and log lines are built
// from status codes and messages, never from the request.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type UpdateObject } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { TransparencyDbConfig } from '../config.ts';
import { appendEvents, type NewEvent } from '../storage/events.ts';
import { PollingLoop } from '../services/polling-loop.ts';
import { backoffMs, interpretBatchAnswer, interpretExistingPuid, nextBatch, type Answer, type BatchOutcome } from './domain/transparency-submission.ts';

export interface TransparencyDbDeps {
  db: Kysely<Database>;
  config: TransparencyDbConfig;
  now: () => Date;
  log: (msg: string, err?: unknown) => void;
}

/** How long a claimed batch is kept from other processes while its call is under way. */
const CLAIM_MS = 5 * 60_000;

function reason(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'no answer in time';
  return String(e?.cause?.code ?? e?.cause?.message ?? e?.message ?? err).slice(0, 300);
}

async function call(cfg: TransparencyDbConfig, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
  try {
    const res = await fetch(`${cfg.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${cfg.token.reveal()}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      // A redirect is an answer, not something to follow with the token.
      redirect: 'manual',
      signal: AbortSignal.timeout(cfg.timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: kept as text */
    }
    return { status: res.status, body: parsed };
  } catch (err) {
    return { status: null, body: null, error: reason(err) };
  }
}

interface Claimed {
  id: string;
  puid: string;
  statement: unknown;
  attempts: number;
  sendAlone: boolean;
}

/** Takes the next batch of due statements, keeping it from other processes for CLAIM_MS. */
async function claimBatch(deps: TransparencyDbDeps, now: Date): Promise<Claimed[]> {
  return deps.db.transaction().execute(async (trx) => {
    const due = (
      await sql<{ id: string; puid: string; statement: unknown; attempts: number; send_alone: boolean }>`
        SELECT s.id, s.puid, s.statement, COALESCE(t.attempts, 0) AS attempts, COALESCE(t.send_alone, false) AS send_alone
        FROM statements_of_reasons s
        LEFT JOIN statement_submissions t ON t.statement_id = s.id
        WHERE s.submitted_at IS NULL
          AND (t.statement_id IS NULL OR (t.status = 'pending' AND t.next_attempt_at <= ${now}))
        ORDER BY s.issued_at, s.id
        LIMIT ${deps.config.batchSize}
        FOR UPDATE OF s SKIP LOCKED`.execute(trx)
    ).rows;
    const batch = nextBatch(
      due.map((d) => ({ ...d, sendAlone: d.send_alone })),
      deps.config.batchSize,
    );
    if (!batch.length) return [];
    await trx
      .insertInto('statement_submissions')
      .values(
        batch.map((b) => ({
          statement_id: b.id,
          status: 'pending' as const,
          attempts: 1,
          next_attempt_at: new Date(now.getTime() + CLAIM_MS),
          updated_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.column('statement_id').doUpdateSet({
          attempts: sql`statement_submissions.attempts + 1`,
          next_attempt_at: sql`excluded.next_attempt_at`,
          updated_at: sql`excluded.updated_at`,
        }),
      )
      .execute();
    return batch.map((b) => ({ id: b.id, puid: b.puid, statement: b.statement, attempts: Number(b.attempts) + 1, sendAlone: b.sendAlone }));
  });
}

async function recordAttempt(
  trx: Kysely<Database>,
  a: {
    batchId: string;
    kind: 'submit' | 'lookup';
    puids: string[];
    status: number | null;
    outcome: Database['statement_submission_attempts']['outcome'];
    error: string | null;
    at: Date;
  },
) {
  await trx
    .insertInto('statement_submission_attempts')
    .values({ batch_id: a.batchId, kind: a.kind, puids: a.puids, status_code: a.status, outcome: a.outcome, error: a.error, attempted_at: a.at })
    .execute();
}

async function markSubmitted(trx: Kysely<Database>, rows: readonly Claimed[], batchId: string, via: 'stored' | 'already_stored', at: Date) {
  if (!rows.length) return;
  const ids = rows.map((r) => r.id);
  await trx.updateTable('statements_of_reasons').set({ submitted_at: at }).where('id', 'in', ids).where('submitted_at', 'is', null).execute();
  await trx.updateTable('statement_submissions').set({ status: 'submitted', last_error: null, updated_at: at }).where('statement_id', 'in', ids).execute();
  await appendEvents(
    trx,
    rows.map((r): NewEvent => ({
      actor: 'system',
      type: 'statement.submitted',
      subjectType: 'statement',
      subjectId: r.id,
      before: { submitted_at: null },
      after: { submitted_at: at.toISOString() },
      data: { puid: r.puid, batch_id: batchId, via },
      at,
    })),
  );
}

/** The batch waits: its rows get `set`, and one deferred event says why and what comes next. */
async function putOff(
  trx: Kysely<Database>,
  batch: readonly Claimed[],
  batchId: string,
  set: UpdateObject<Database, 'statement_submissions'>,
  data: Record<string, unknown>,
  at: Date,
) {
  await trx
    .updateTable('statement_submissions')
    .set({ ...set, updated_at: at })
    .where(
      'statement_id',
      'in',
      batch.map((c) => c.id),
    )
    .execute();
  await appendEvents(trx, [
    {
      actor: 'system',
      type: 'statement.submission_deferred',
      subjectType: 'statement_submission',
      subjectId: batchId,
      data: { statements: batch.length, ...data },
      at,
    },
  ]);
}

/**
 * One round: claim a batch, send it, act on the answer. Returns whether there may be more to do
 * now (false when nothing was due, or the database failed and the loop should wait).
 */
export class TransparencyDbSubmitter {
  /** Failures in a row: while the database is down, no batch is sent before pausedUntil. */
  private failures = 0;
  private pausedUntil = 0;

  constructor(private readonly deps: TransparencyDbDeps) {}

  async step(): Promise<boolean> {
    const { deps } = this;
    const now = deps.now();
    if (now.getTime() < this.pausedUntil) return false;
    const batch = await claimBatch(deps, now);
    if (!batch.length) return false;
    const batchId = randomUUID();
    const puids = batch.map((b) => b.puid);
    const answer = await call(deps.config, 'POST', '/api/v1/statements', { statements: batch.map((b) => b.statement) });
    const result = interpretBatchAnswer(puids, answer);
    const at = deps.now();
    if (result.outcome === 'retry') return this.deferred(batch, batchId, answer.status, result.error, at);
    if (result.outcome === 'stored') {
      await deps.db.transaction().execute(async (trx) => {
        await recordAttempt(trx, { batchId, kind: 'submit', puids, status: answer.status, outcome: 'stored', error: null, at });
        await markSubmitted(trx, batch, batchId, 'stored', at);
      });
      this.failures = 0;
      return true;
    }
    if (result.outcome === 'isolate') {
      await deps.db.transaction().execute(async (trx) => {
        await recordAttempt(trx, { batchId, kind: 'submit', puids, status: answer.status, outcome: 'isolate', error: result.error, at });
        await putOff(
          trx,
          batch,
          batchId,
          { send_alone: true, next_attempt_at: at, last_error: result.error, attempts: sql`attempts - 1` },
          { status_code: answer.status, error: result.error, next: 'each statement alone' },
          at,
        );
      });
      this.failures = 0;
      return true;
    }
    this.failures = 0;
    return this.refused(batch, batchId, answer.status, result, at);
  }

  /** Nothing stored: every statement of the batch waits its backoff, and so does the whole client. */
  private async deferred(batch: readonly Claimed[], batchId: string, status: number | null, error: string, at: Date): Promise<false> {
    const { deps } = this;
    const b = { baseMs: deps.config.retryBaseMs, maxMs: deps.config.retryMaxMs };
    this.failures++;
    this.pausedUntil = at.getTime() + backoffMs(this.failures, b);
    const retryAt = new Date(at.getTime() + backoffMs(Math.max(...batch.map((c) => c.attempts)), b));
    await deps.db.transaction().execute(async (trx) => {
      await recordAttempt(trx, {
        batchId,
        kind: 'submit',
        puids: batch.map((c) => c.puid),
        status,
        outcome: 'retry',
        error,
        at,
      });
      await putOff(trx, batch, batchId, { next_attempt_at: retryAt, last_error: error }, { status_code: status, error, retry_at: retryAt.toISOString() }, at);
    });
    deps.log(
      `DSA Transparency Database: ${batch.length} statements not stored (${error}); next try in ${Math.round((this.pausedUntil - at.getTime()) / 1000)} s`,
    );
    return false;
  }

  /** A 422 naming statements: duplicates confirmed and counted as submitted, invalid ones recorded, the rest sent again now. */
  private async refused(
    batch: readonly Claimed[],
    batchId: string,
    status: number | null,
    r: Extract<BatchOutcome, { outcome: 'refused' }>,
    at: Date,
  ): Promise<boolean> {
    const { deps } = this;
    const byPuid = new Map(batch.map((b) => [b.puid, b]));
    const lookups: { row: Claimed; answer: Answer; seen: ReturnType<typeof interpretExistingPuid> }[] = [];
    for (const puid of r.duplicates) {
      const answer = await call(deps.config, 'GET', `/api/v1/statement/existing-puid/${encodeURIComponent(puid)}`);
      lookups.push({ row: byPuid.get(puid)!, answer, seen: interpretExistingPuid(answer.status) });
    }
    const b = { baseMs: deps.config.retryBaseMs, maxMs: deps.config.retryMaxMs };
    await deps.db.transaction().execute(async (trx) => {
      await recordAttempt(trx, { batchId, kind: 'submit', puids: batch.map((x) => x.puid), status, outcome: 'refused', error: r.error, at });
      for (const l of lookups) {
        await recordAttempt(trx, {
          batchId,
          kind: 'lookup',
          puids: [l.row.puid],
          status: l.answer.status,
          outcome: l.seen === 'unknown' ? 'retry' : l.seen,
          error: l.seen === 'unknown' ? (l.answer.error ?? `HTTP ${l.answer.status}`) : null,
          at,
        });
      }
      await markSubmitted(
        trx,
        lookups.filter((l) => l.seen === 'exists').map((l) => l.row),
        batchId,
        'already_stored',
        at,
      );
      // Not at fault: straight back in the queue, the attempt not counted against them.
      const again = [...r.resend.map((p) => byPuid.get(p)!), ...lookups.filter((l) => l.seen === 'absent').map((l) => l.row)];
      if (again.length) {
        await trx
          .updateTable('statement_submissions')
          .set({ next_attempt_at: at, attempts: sql`attempts - 1`, updated_at: at })
          .where(
            'statement_id',
            'in',
            again.map((x) => x.id),
          )
          .execute();
      }
      for (const l of lookups.filter((x) => x.seen === 'unknown')) {
        await trx
          .updateTable('statement_submissions')
          .set({ next_attempt_at: new Date(at.getTime() + backoffMs(l.row.attempts, b)), last_error: 'duplicate puid not yet confirmed', updated_at: at })
          .where('statement_id', '=', l.row.id)
          .execute();
      }
      for (const inv of r.invalid) {
        const row = byPuid.get(inv.puid)!;
        await trx
          .updateTable('statement_submissions')
          .set({ status: 'rejected', last_error: inv.error, updated_at: at })
          .where('statement_id', '=', row.id)
          .execute();
      }
      await appendEvents(
        trx,
        r.invalid.map((inv): NewEvent => ({
          actor: 'system',
          type: 'statement.submission_rejected',
          subjectType: 'statement',
          subjectId: byPuid.get(inv.puid)!.id,
          data: { puid: inv.puid, batch_id: batchId, error: inv.error },
          at,
        })),
      );
    });
    if (r.invalid.length) deps.log(`DSA Transparency Database refused ${r.invalid.length} statements as invalid (see GET /v1/statements/submissions)`);
    return true;
  }
}

export function transparencyDbLoop(deps: TransparencyDbDeps, pollMs: number): PollingLoop {
  const submitter = new TransparencyDbSubmitter(deps);
  return new PollingLoop(
    () => submitter.step(),
    pollMs,
    (err) => deps.log('DSA Transparency Database submission run failed', err),
  );
}

export interface SubmissionOverview {
  enabled: boolean;
  counts: { pending: number; submitted: number; failed: number };
  failed: { statement_id: string; puid: string; error: string | null; at: string }[];
  attempts: { id: number; batch_id: string; kind: string; puids: string[]; status_code: number | null; outcome: string; error: string | null; at: string }[];
}

/** What staff see: how many statements wait, are in, were refused; those refused with the reason; the latest calls. */
export async function submissionOverview(db: Kysely<Database>, enabled: boolean, limit: number): Promise<SubmissionOverview> {
  const counts = (
    await sql<{ pending: number; submitted: number; failed: number }>`
      SELECT
        count(*) FILTER (WHERE s.submitted_at IS NULL AND (t.status IS NULL OR t.status <> 'rejected'))::int AS pending,
        count(*) FILTER (WHERE s.submitted_at IS NOT NULL)::int AS submitted,
        count(*) FILTER (WHERE s.submitted_at IS NULL AND t.status = 'rejected')::int AS failed
      FROM statements_of_reasons s LEFT JOIN statement_submissions t ON t.statement_id = s.id`.execute(db)
  ).rows[0]!;
  const failed = await db
    .selectFrom('statement_submissions as t')
    .innerJoin('statements_of_reasons as s', 's.id', 't.statement_id')
    .select(['t.statement_id', 's.puid', 't.last_error', 't.updated_at'])
    .where('t.status', '=', 'rejected')
    .orderBy('t.updated_at', 'desc')
    .limit(limit)
    .execute();
  const attempts = await db
    .selectFrom('statement_submission_attempts')
    .selectAll()
    .orderBy('attempted_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return {
    enabled,
    counts,
    failed: failed.map((f) => ({ statement_id: f.statement_id, puid: f.puid, error: f.last_error, at: new Date(f.updated_at).toISOString() })),
    attempts: attempts.map((a) => ({
      id: Number(a.id),
      batch_id: a.batch_id,
      kind: a.kind,
      puids: a.puids,
      status_code: a.status_code,
      outcome: a.outcome,
      error: a.error,
      at: new Date(a.attempted_at).toISOString(),
    })),
  };
}
