// Delivers the outbox over SMTP. Each message is claimed with a short lease, sent, and marked
// sent in the log; a failure is retried with backoff and gives up (status failed, visible with
// `safeharbor outbox`) after MAX_ATTEMPTS. Without SMTP_URL nothing is sent and nothing is lost.
// Private links (sign-in and status links) go to the mail server only: once a message is sent or
// given up, its stored body keeps placeholders instead (withholdPrivateLinks).
// A mail server that cannot be reached (down, refusing connections, failing TLS or login) is
// no fault of the message: the claimed messages are put back untouched, without using up any of
// their attempts, and tried again shortly, so an outage of any length loses nothing and gives
// nothing up. The claim is a lease renewed while the batch is being sent (holdLease).
import nodemailer, { type Transporter } from 'nodemailer';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { exponentialBackoff } from '../domain/backoff.ts';
import { appendEvents } from '../storage/events.ts';
import { hasPrivateLinks, withholdPrivateLinks, type Attachment } from '../domain/messages.ts';
import { PollingLoop } from './polling-loop.ts';
import { holdLease } from './lease.ts';
import { databaseUnreachable } from '../storage/store.ts';

const MAX_ATTEMPTS = 8;
const CLAIM = 50;
/** How soon messages held back by an unreachable mail server are tried again. */
const SERVER_RETRY_SECONDS = 5;
/** How long a sent message's record is retried while the database is unreachable. */
const RECORD_SENT_FOR_MS = 300_000;

/** Whether a failed send says the mail server could not take any message (not this one). */
export function serverUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; responseCode?: unknown };
  return ['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'EAUTH', 'ETLS', 'EPROXY'].includes(String(e?.code)) || e?.responseCode === 421;
}

export function backoffSeconds(attempt: number): number {
  return exponentialBackoff(attempt, 30, 3600);
}

/** The SET clause that replaces a finished message's private links by placeholders; empty when it has none. */
function withheldBody(body: string) {
  return hasPrivateLinks(body) ? sql`, body = ${withholdPrivateLinks(body)}` : sql``;
}

interface Claimed {
  id: number;
  notice_id: string | null;
  recipient_role: string;
  to_address: string;
  subject: string;
  body: string;
  attachments: Attachment[];
  attempts: number;
}

export class Mailer {
  private transport: Transporter;
  private readonly loop: PollingLoop;

  constructor(
    private readonly db: Kysely<Database>,
    smtpUrl: string,
    private readonly from: string,
    pollMs = 2000,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
    /** The Reply-To for a message about a notice, so that answers find their case. */
    private readonly replyTo: (noticeId: string, recipientRole: string) => string | null = () => null,
    /** How long claimed messages stay claimed without renewal (a crashed mailer's are sent by another after it). */
    private readonly leaseSeconds = 120,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
    this.loop = new PollingLoop(
      async (stopping) => (await this.sendDue(stopping)) > 0,
      pollMs,
      (err) => log('outbox run failed', err),
    );
  }

  /** Send what is due; returns how many were sent. Once `stopping` is aborted, the rest of the claim is put back. */
  async sendDue(stopping?: AbortSignal): Promise<number> {
    if (stopping?.aborted) return 0;
    const due = (
      await sql<Claimed>`
        UPDATE outbox o SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => ${this.leaseSeconds})
        FROM (
          SELECT id FROM outbox m WHERE status = 'pending' AND next_attempt_at <= now()
            -- A recipient's mail goes out in the order it was queued: nothing overtakes an older
            -- message of theirs that has not been tried yet and waits (held back while the server
            -- was down). One that failed on its own (attempts > 0) holds nobody up.
            AND NOT EXISTS (
              SELECT 1 FROM outbox e WHERE e.status = 'pending' AND e.to_address = m.to_address AND e.id < m.id
                AND e.attempts = 0 AND e.next_attempt_at > now())
          ORDER BY id LIMIT ${CLAIM} FOR UPDATE SKIP LOCKED) c
        WHERE o.id = c.id
        RETURNING o.id, o.notice_id, o.recipient_role, o.to_address, o.subject, o.body, o.attachments, o.attempts`.execute(this.db)
    ).rows;
    let sent = 0;
    const unfinished = new Set(due.map((m) => m.id));
    const putBack = async (error: string | null) => {
      if (!unfinished.size) return;
      await sql`UPDATE outbox SET attempts = attempts - 1, next_attempt_at = now() + make_interval(secs => ${error ? SERVER_RETRY_SECONDS : 0})${error ? sql`, last_error = ${error}` : sql``}
        WHERE id = ANY(${[...unfinished]}::bigint[]) AND status = 'pending'`.execute(this.db);
      // Everything else that would be tried before then waits for the same moment: messages held
      // back at different times during an outage would otherwise come due at different times, and
      // a later one could go out first once the server is back. Due together, they are claimed in
      // the order they were queued.
      if (error)
        await sql`UPDATE outbox SET next_attempt_at = now() + make_interval(secs => ${SERVER_RETRY_SECONDS})
          WHERE status = 'pending' AND next_attempt_at < now() + make_interval(secs => ${SERVER_RETRY_SECONDS})`.execute(this.db);
    };
    const held = holdLease(
      () =>
        sql`UPDATE outbox SET next_attempt_at = now() + make_interval(secs => ${this.leaseSeconds}) WHERE id = ANY(${[...unfinished]}::bigint[]) AND status = 'pending'`.execute(
          this.db,
        ),
      this.leaseSeconds,
      this.log,
    );
    try {
      for (const m of due) {
        if (stopping?.aborted) break;
        if (await this.sendOne(m)) sent++;
        unfinished.delete(m.id);
      }
      await putBack(null);
    } catch (err) {
      if (!serverUnavailable(err)) throw err;
      const error = String((err as Error).message ?? err).slice(0, 500);
      await putBack(error);
      this.log(`the mail server cannot be reached; ${unfinished.size} messages wait and are tried again in ${SERVER_RETRY_SECONDS} s`, err);
    } finally {
      held.release();
    }
    return sent;
  }

  /**
   * One claimed message: sent and marked sent, or its failure recorded (retried with backoff,
   * given up after MAX_ATTEMPTS). False when it failed; throws, recording nothing, when the
   * server is unavailable.
   */
  private async sendOne(m: Claimed): Promise<boolean> {
    let info: { messageId: string };
    try {
      info = await this.transport.sendMail({
        from: this.from,
        to: m.to_address,
        subject: m.subject,
        text: m.body,
        attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
        replyTo: m.notice_id ? (this.replyTo(m.notice_id, m.recipient_role) ?? undefined) : undefined,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    } catch (err) {
      if (serverUnavailable(err)) throw err;
      await this.recordFailure(m, err);
      return false;
    }
    await this.recordSent(m, info.messageId);
    return true;
  }

  /**
   * The mail server has the message: it is recorded as sent even if the database is away for a
   * while (a restart), since a message left pending would be sent a second time. The claim's
   * lease is renewed meanwhile, so no other mailer takes it.
   */
  private async recordSent(m: Claimed, messageId: string): Promise<void> {
    const until = Date.now() + RECORD_SENT_FOR_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.markSent(m, messageId);
      } catch (err) {
        if (!databaseUnreachable(err) || Date.now() > until) throw err;
        this.log(`outbox message ${m.id} was sent but the database is unreachable; recording it again`, err);
        await new Promise((r) => setTimeout(r, exponentialBackoff(attempt, 250, 5000)));
      }
    }
  }

  private async markSent(m: Claimed, messageId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await sql`UPDATE outbox SET status = 'sent', sent_at = now(), last_error = NULL${withheldBody(m.body)} WHERE id = ${m.id}`.execute(trx);
      await appendEvents(trx, [
        {
          actor: 'system',
          type: 'message.sent',
          subjectType: 'message',
          subjectId: String(m.id),
          noticeId: m.notice_id,
          before: { status: 'pending' },
          after: { status: 'sent' },
          data: { message_id: messageId },
        },
      ]);
    });
  }

  private async recordFailure(m: Claimed, err: unknown): Promise<void> {
    const giveUp = m.attempts >= MAX_ATTEMPTS;
    const error = String((err as Error).message ?? err).slice(0, 500);
    await this.db.transaction().execute(async (trx) => {
      await sql`UPDATE outbox SET status = ${giveUp ? 'failed' : 'pending'}, last_error = ${error},
          next_attempt_at = now() + make_interval(secs => ${backoffSeconds(m.attempts)})${giveUp ? withheldBody(m.body) : sql``} WHERE id = ${m.id}`.execute(
        trx,
      );
      await appendEvents(trx, [
        {
          actor: 'system',
          type: giveUp ? 'message.failed' : 'message.send_failed',
          subjectType: 'message',
          subjectId: String(m.id),
          noticeId: m.notice_id,
          before: { status: 'pending' },
          after: { status: giveUp ? 'failed' : 'pending' },
          data: { attempt: m.attempts, error },
        },
      ]);
    });
    this.log(`sending outbox message ${m.id} failed (attempt ${m.attempts})`, err);
  }

  start(): void {
    this.loop.start();
  }

  kick(): void {
    this.loop.kick();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    this.transport.close();
  }
}
