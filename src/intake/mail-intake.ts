// Reading stored mail: each message is claimed with a lease, parsed (mailparser), and then either
// attached to the case its reply address names, or read by the notice reader and filed as a
// notice through the same validation, resolution and actions as an API notice — or answered
// with exactly which legal elements are missing. Every step is recorded on the message and in
// the event log; a message can be read again (status back to received) when the reader improves.
import { simpleParser, type ParsedMail } from 'mailparser';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { appendEvents } from '../storage/events.ts';
import { refusedByMailMessage } from '../dsa/domain/misuse-messages.ts';
import { enqueueMessages } from '../storage/outbox.ts';
import { wakeOnCommit } from '../storage/wake.ts';
import { fileNotice } from '../services/notice-filing.ts';
import { failureErrors } from '../services/result.ts';
import type { FieldError } from '../domain/notice.ts';
import type { StatusLinks } from '../services/status-links.ts';
import type { Config } from '../config.ts';
import { tokenFromAddress, type ReplyTokens } from './reply-tokens.ts';
import { readsAsReport, reportFromReading, type NoticeReading } from './reading-to-notice.ts';
import { mailPartsFromParsed, readMail } from '../reader/index.ts';
import { incompleteNoticeReply, replyReceivedMessage, shouldAutoReply } from './intake-messages.ts';
import { retractionFromMail } from './reading-to-retraction.ts';
import { counterNoticeFromMail } from './reading-to-counter-notice.ts';
import type { LifecycleDeps } from '../services/takedown-lifecycle.ts';
import { routeNetworkReport, type NetworkReportOutcome } from './network-report-intake.ts';

export type MailReader = (mail: ParsedMail) => NoticeReading;

/** The notice reader over a parsed message. */
export const readParsedMail: MailReader = (mail) => readMail(mailPartsFromParsed(mail));

export interface IntakeDeps {
  db: Kysely<Database>;
  config: Config;
  links: StatusLinks;
  replyTokens: ReplyTokens;
  read: MailReader;
  /** The principal that notices read from mail belong to. */
  reporterId: string;
  processIfSmall(noticeId: string, itemCount: number): Promise<void>;
  /** Counter notices replied to the site owner's copy are filed through the takedown lifecycle. */
  lifecycle?: LifecycleDeps;
}

export type IntakeOutcome = 'notice_filed' | 'reply_attached' | 'incomplete' | 'no_notice' | 'needs_staff' | 'unreadable' | 'duplicate' | NetworkReportOutcome;

const LEASE_SECONDS = 300;

interface Claimed {
  id: number;
  raw: Buffer;
  rcpt_to: string[];
  mail_from: string | null;
  sha256: string;
}

async function claim(db: Kysely<Database>, onlyId?: number): Promise<Claimed | null> {
  const row = (
    await sql<Claimed>`
      UPDATE inbound_messages m SET attempts = attempts + 1, lease_until = now() + make_interval(secs => ${LEASE_SECONDS})
      FROM (
        SELECT id FROM inbound_messages
        WHERE status = 'received' AND (lease_until IS NULL OR lease_until < now()) ${onlyId !== undefined ? sql`AND id = ${onlyId}` : sql``}
        ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
      ) c
      WHERE m.id = c.id
      RETURNING m.id, m.raw, m.rcpt_to, m.mail_from, m.sha256`.execute(db)
  ).rows[0];
  return row ? { ...row, id: Number(row.id) } : null;
}

/** Reads the next stored message; returns false when there was none. */
export async function processNextInbound(deps: IntakeDeps, onlyId?: number): Promise<boolean> {
  const m = await claim(deps.db, onlyId);
  if (!m) return false;
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(Buffer.from(m.raw), { skipImageLinks: true, maxHtmlLengthToParse: 5 * 1024 * 1024 });
  } catch (err) {
    await finish(deps.db, m.id, 'unreadable', null, { error: `the message could not be parsed as MIME: ${(err as Error).message}` }, null, 'failed');
    return true;
  }
  const headerFacts = {
    message_id: parsed.messageId ?? null,
    subject: parsed.subject ?? null,
    from_address: parsed.from?.value[0]?.address?.toLowerCase() ?? null,
  };
  if (!parsed.text && !parsed.html && !parsed.attachments.length && !parsed.headers.size) {
    await finish(deps.db, m.id, 'unreadable', null, { error: 'no headers and no body could be read from the message' }, headerFacts, 'failed');
    return true;
  }
  const dup = await deps.db
    .selectFrom('inbound_messages')
    .select(['id', 'notice_id'])
    // The same bytes again, or the same message resent (same Message-ID from the same sender).
    .where((eb) =>
      headerFacts.message_id
        ? eb.or([
            eb('sha256', '=', m.sha256),
            eb.and([eb('message_id', '=', headerFacts.message_id), eb('from_address', 'is not distinct from', headerFacts.from_address)]),
          ])
        : eb('sha256', '=', m.sha256),
    )
    .where('id', '<', m.id)
    .where('status', '=', 'processed')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (dup) {
    await finish(deps.db, m.id, 'duplicate', dup.notice_id, { same_as: Number(dup.id) }, headerFacts);
    return true;
  }

  let reading: NoticeReading;
  try {
    reading = deps.read(parsed);
  } catch (err) {
    await finish(deps.db, m.id, 'unreadable', null, { error: `the reader failed: ${(err as Error).message}` }, headerFacts, 'failed');
    return true;
  }
  const sender = parsed.replyTo?.value[0]?.address ?? headerFacts.from_address ?? m.mail_from;
  const autoReply = shouldAutoReply(parsed, m.mail_from);

  // A reply to mail we sent names its case in the address it was sent to.
  const caseRef = m.rcpt_to
    .map((a) => tokenFromAddress(a, deps.config.mailDomain))
    .map((t) => (t ? deps.replyTokens.verify(t) : null))
    .find((r) => r !== null);
  if (caseRef) {
    const exists = await deps.db.selectFrom('notices').select('id').where('id', '=', caseRef.noticeId).executeTakeFirst();
    if (exists) {
      await deps.db.transaction().execute(async (trx) => {
        await appendEvents(trx, [
          {
            actor: 'system',
            type: 'notice.reply_received',
            subjectType: 'notice',
            subjectId: caseRef.noticeId,
            noticeId: caseRef.noticeId,
            data: { inbound_message_id: m.id, from: sender, subject: headerFacts.subject, replying_party: caseRef.role, reads_as: reading.kind },
          },
        ]);
        if (autoReply && sender)
          await enqueueMessages(trx, caseRef.noticeId, [replyReceivedMessage(deps.config.providerName, caseRef.noticeId, m.id, sender, reading.kind)]);
        await finishIn(trx, m.id, 'reply_attached', caseRef.noticeId, { replying_party: caseRef.role, reading }, headerFacts);
      });
      // The site owner's reply that reads as a counter notice goes through the same service as the API.
      if (reading.kind === 'counter_notice' && caseRef.role === 'owner' && deps.lifecycle) {
        await counterNoticeFromMail(deps.lifecycle, caseRef.noticeId, m.id, sender, reading);
      }
      // The complainant's reply that reads as a retraction: the same service as the API.
      if (reading.kind === 'retraction' && caseRef.role === 'reporter' && deps.lifecycle) {
        await retractionFromMail(deps.lifecycle, caseRef.noticeId, m.id, sender, reading);
      }
      return true;
    }
  }

  // Reports naming an IP address and time instead of URLs (ACNS, X-ARF/XARF) go to whoever held the address then.
  const network = await routeNetworkReport(deps, { id: m.id, sender, autoReply }, reading, (trx, outcome, detail) =>
    finishIn(trx, m.id, outcome, null, detail, headerFacts),
  );
  if (network.handled) return true;

  if (!readsAsReport(reading)) {
    // Counter notices, retractions and the like without a case token need a person to match them.
    const outcome: IntakeOutcome = reading.kind === 'other' ? 'no_notice' : 'needs_staff';
    await finish(deps.db, m.id, outcome, null, { reading }, headerFacts);
    return true;
  }

  // A report of any kind goes through the same filing as the API's: its kind's receipt policy (child sexual
  // abuse material disabled at once), its notification rules (CSAM never forwarded), its own receipt.
  const built = reportFromReading(reading, { subject: headerFacts.subject, sender });
  const filed = built.missing.length
    ? null
    : await fileNotice(deps.db, {
        reporterId: deps.reporterId,
        channel: 'email',
        idempotencyKey: headerFacts.message_id ? `email:${headerFacts.from_address}:${headerFacts.message_id}`.slice(0, 255) : `email:${m.sha256}`,
        body: built.body,
        maxUrls: deps.config.maxUrlsPerNotice,
        receipt: { provider: deps.config.providerName, statusUrl: deps.links.url },
        now: deps.lifecycle?.now(),
      });
  if (filed && !filed.ok && filed.error === 'forbidden') {
    // A suspended notifier (DSA Art. 23(2)): told why and until when, not asked to complete the notice.
    await deps.db.transaction().execute(async (trx) => {
      if (autoReply && sender)
        await enqueueMessages(trx, null, [refusedByMailMessage(deps.config.providerName, m.id, sender, headerFacts.subject, filed.message)]);
      await finishIn(
        trx,
        m.id,
        'incomplete',
        null,
        { reading, kind: built.kind, regime: built.regime, refused: filed.reason, errors: failureErrors(filed) },
        headerFacts,
      );
    });
    return true;
  }
  if (!filed || !filed.ok) {
    const errors: FieldError[] = filed && !filed.ok ? failureErrors(filed) : [];
    await deps.db.transaction().execute(async (trx) => {
      if (autoReply && sender)
        await enqueueMessages(trx, null, [
          incompleteNoticeReply(deps.config.providerName, m.id, sender, headerFacts.subject, built.missing, errors, deps.links, built),
        ]);
      await finishIn(trx, m.id, 'incomplete', null, { reading, kind: built.kind, regime: built.regime, missing: built.missing, errors }, headerFacts);
    });
    return true;
  }
  const id = filed.value.id;
  await finish(deps.db, m.id, 'notice_filed', id, { reading, kind: built.kind, regime: built.regime }, headerFacts);
  await deps.processIfSmall(id, filed.value.itemCount);
  return true;
}

async function finish(
  db: Kysely<Database>,
  id: number,
  outcome: IntakeOutcome,
  noticeId: string | null,
  detail: unknown,
  facts: { message_id: string | null; subject: string | null; from_address: string | null } | null,
  status: 'processed' | 'failed' = 'processed',
) {
  await db.transaction().execute((trx) => finishIn(trx, id, outcome, noticeId, detail, facts, status));
}

async function finishIn(
  trx: Kysely<Database>,
  id: number,
  outcome: IntakeOutcome,
  noticeId: string | null,
  detail: unknown,
  facts: { message_id: string | null; subject: string | null; from_address: string | null } | null,
  status: 'processed' | 'failed' = 'processed',
) {
  await trx
    .updateTable('inbound_messages')
    .set({
      status,
      outcome,
      notice_id: noticeId,
      detail: JSON.stringify(detail),
      lease_until: null,
      processed_at: new Date(),
      ...(facts
        ? { message_id: facts.message_id?.slice(0, 998) ?? null, subject: facts.subject?.slice(0, 998) ?? null, from_address: facts.from_address }
        : {}),
    })
    .where('id', '=', id)
    .execute();
  await appendEvents(trx, [
    {
      actor: 'system',
      type: 'mail.read',
      subjectType: 'inbound_message',
      subjectId: String(id),
      noticeId,
      before: { status: 'received' },
      after: { status, outcome },
    },
  ]);
}

/** Put a message back to be read again (after a reader fix). */
export async function reprocessInbound(db: Kysely<Database>, id: number, actor: `principal:${string}`): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('inbound_messages')
      .set({ status: 'received', lease_until: null })
      .where('id', '=', id)
      .returning(['status'])
      .executeTakeFirst();
    if (r) {
      await appendEvents(trx, [
        { actor, type: 'mail.reprocess_requested', subjectType: 'inbound_message', subjectId: String(id), after: { status: 'received' } },
      ]);
      await wakeOnCommit(trx, 'inbound');
    }
    return !!r;
  });
}
