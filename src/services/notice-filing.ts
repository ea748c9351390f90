// Filing a notice of any kind: validate everything at once (report-submission.ts), fold the URL
// list, and store the notice with one item per URL in a single transaction. An Idempotency-Key makes a retry return the first
// notice instead of filing a second one.
import { filedItemState } from './item-steps.ts';
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { appendEvents } from '../storage/events.ts';
import { enqueueMessages } from '../storage/outbox.ts';
import { wakeOnCommit } from '../storage/wake.ts';
import { receiptMessage, receiptWanted } from '../domain/messages.ts';
import { conflict, forbidden, invalid, ok, type Result } from './result.ts';
import { notifierSuspension } from './misuse-measures.ts';
import { refusalText } from '../dsa/domain/misuse-messages.ts';
import type { Channel, FieldError, NoticeSubmission } from '../domain/notice.ts';
import { parseReport } from '../domain/report-submission.ts';
import { KIND_RULES } from '../domain/report-kinds.ts';
import { foldUrlList, type ListedUrl } from '../domain/url-list.ts';
import { filedByTrustedFlagger } from './trusted-flaggers.ts';

export interface FiledNotice {
  id: string;
  itemCount: number;
  replayed: boolean;
}

/** `created` unless an Idempotency-Key replayed an earlier filing. */
export type FileResult = Result<FiledNotice>;

export interface FileArgs {
  reporterId: string;
  channel: Channel;
  idempotencyKey: string | null;
  body: unknown;
  maxUrls: number;
  /** How to word the claimant's receipt, mailed in the filing's transaction when `receiptWanted` says so. */
  receipt?: { provider: string; statusUrl: (noticeId: string) => string };
  /** The server's clock: whether a notifier's suspension (DSA Art. 23(2)) still runs. */
  now?: Date;
}

const MAX_URL_ERRORS_LISTED = 100;
const INSERT_CHUNK = 10_000;

/** JSON with sorted keys, so equal requests hash equally whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export type ValidatedReport = { ok: true; submission: NoticeSubmission; urls: ReturnType<typeof foldUrlList> } | { ok: false; errors: FieldError[] };

/** Every problem of a report body of any kind, or the submission and its folded URL list. */
export function validateReportBody(body: unknown, maxUrls: number): ValidatedReport {
  const urlsRaw = (body as { urls?: unknown } | null)?.urls;
  if (Array.isArray(urlsRaw) && urlsRaw.length > maxUrls) {
    return {
      ok: false,
      errors: [
        { field: 'urls', message: `this notice lists ${urlsRaw.length} URLs; one notice can list at most ${maxUrls} — split the list into several notices` },
      ],
    };
  }
  const parsed = parseReport(body);
  const errors: FieldError[] = parsed.ok ? [] : [...parsed.errors];
  let urls: ReturnType<typeof foldUrlList> | null = null;
  if (Array.isArray(urlsRaw) && urlsRaw.every((u) => typeof u === 'string')) {
    urls = foldUrlList(urlsRaw as string[]);
    const valid = urls.items.filter((i) => i.ok).length;
    if (urls.items.length > 0 && valid === 0) {
      errors.push({ field: 'urls', message: `none of the ${urls.items.length} URLs can be acted on; each needs to be a full http:// or https:// address` });
      const reasons = new Map(urls.items.map((i) => [i.submitted, i.ok ? null : i.reason]));
      for (let idx = 0, listed = 0; idx < urlsRaw.length && listed < MAX_URL_ERRORS_LISTED; idx++) {
        const reason = reasons.get((urlsRaw[idx] as string).trim());
        if (reason) {
          errors.push({ field: `urls[${idx}]`, message: reason });
          listed++;
        }
      }
    } else if (urls.items.length === 0 && !errors.some((e) => e.field === 'urls')) {
      errors.push({ field: 'urls', message: 'urls must list at least one URL of the reported material (all entries were blank)' });
    }
  }
  if (!parsed.ok || errors.length) return { ok: false, errors };
  return { ok: true, submission: parsed.submission, urls: urls! };
}

export async function fileNotice(db: Kysely<Database>, args: FileArgs): Promise<FileResult> {
  const v = validateReportBody(args.body, args.maxUrls);
  if (!v.ok) return invalid(v.errors);
  const requestHash = createHash('sha256').update(canonicalJson(args.body)).digest('hex');

  if (args.idempotencyKey) {
    const replay = await findByIdempotencyKey(db, args.reporterId, args.idempotencyKey, requestHash);
    if (replay) return replay;
  }
  // A notifier suspended under the misuse policy (DSA Art. 23(2)) files nothing until the end:
  // checked after the replay, so a retry of a notice filed before the suspension still answers.
  const now = args.now ?? new Date();
  const barred = await notifierSuspension(db, { principalId: args.reporterId, email: v.submission.claimant?.email ?? null }, now);
  if (barred) {
    await appendEvents(db, [
      {
        actor: `principal:${args.reporterId}`,
        type: 'notifier.notice_refused',
        // The suspended notifier's record, whichever principal the channel files as.
        subjectType: 'principal',
        subjectId: barred.principalId,
        data: { channel: args.channel, ends_at: barred.endsAt.toISOString(), claimant_email: v.submission.claimant?.email ?? null },
      },
    ]);
    return forbidden('notifier_suspended', refusalText(args.receipt?.provider ?? 'We', barred.reason, barred.endsAt), '(notifier)');
  }
  try {
    const id = await db.transaction().execute(async (trx) => {
      // DSA Art. 22: whether the reporter is a trusted flagger for this kind is settled as received.
      const trustedFlagger = await filedByTrustedFlagger(trx, args.reporterId, v.submission.kind);
      const notice = await trx
        .insertInto('notices')
        .values({
          kind: v.submission.kind,
          regime: v.submission.regime,
          priority: KIND_RULES[v.submission.kind].priority,
          trusted_flagger: trustedFlagger,
          channel: args.channel,
          reporter_id: args.reporterId,
          idempotency_key: args.idempotencyKey,
          request_hash: requestHash,
          status: 'received',
          submission: JSON.stringify(v.submission),
          item_count: v.urls.items.length,
        })
        .returning(['id', 'created_at'])
        .executeTakeFirstOrThrow();
      for (let i = 0; i < v.urls.items.length; i += INSERT_CHUNK) {
        await insertItems(trx, notice.id, v.urls.items.slice(i, i + INSERT_CHUNK), i);
      }
      const invalid = v.urls.items.filter((i) => !i.ok).length;
      await appendEvents(trx, [
        {
          actor: `principal:${args.reporterId}`,
          type: 'notice.received',
          subjectType: 'notice',
          subjectId: notice.id,
          noticeId: notice.id,
          before: null,
          after: { status: 'received' },
          data: {
            kind: v.submission.kind,
            regime: v.submission.regime,
            channel: args.channel,
            ...(trustedFlagger ? { trusted_flagger: true } : {}),
            items: v.urls.items.length,
            invalid,
            duplicates_folded: v.urls.duplicatesFolded,
            blanks_skipped: v.urls.blanksSkipped,
          },
          at: notice.created_at,
        },
      ]);
      if (args.receipt && receiptWanted(args.channel, v.submission.regime)) {
        const receipt = receiptMessage(args.receipt.provider, {
          id: notice.id,
          createdAt: notice.created_at,
          submission: v.submission,
          statusUrl: args.receipt.statusUrl(notice.id),
          trustedFlagger,
          itemCount: v.urls.items.length,
        });
        await enqueueMessages(trx, notice.id, [receipt]);
      }
      await wakeOnCommit(trx, 'notices');
      return notice.id;
    });
    return ok({ id, itemCount: v.urls.items.length, replayed: false }, true);
  } catch (err) {
    // Two retries racing with one key: the loser returns the winner's notice.
    if ((err as { code?: string }).code === '23505' && args.idempotencyKey) {
      const replay = await findByIdempotencyKey(db, args.reporterId, args.idempotencyKey, requestHash);
      if (replay) return replay;
    }
    throw err;
  }
}

async function findByIdempotencyKey(db: Kysely<Database>, reporterId: string, key: string, requestHash: string): Promise<FileResult | null> {
  const prior = await db
    .selectFrom('notices')
    .select(['id', 'item_count', 'request_hash'])
    .where('reporter_id', '=', reporterId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  if (!prior) return null;
  if (prior.request_hash !== requestHash) {
    return conflict([
      { field: 'Idempotency-Key', message: `this key was already used for notice ${prior.id} with a different request; use a new key for a new notice` },
    ]);
  }
  return ok({ id: prior.id, itemCount: prior.item_count, replayed: true });
}

async function insertItems(db: Kysely<Database>, noticeId: string, items: ListedUrl[], offset: number): Promise<void> {
  // An item's first state is the state machine's (received, or invalid); from there on only the writer changes it.
  const first = items.map((i) => filedItemState(i.ok ? null : i.reason));
  await sql`
    INSERT INTO notice_items (notice_id, position, submitted_url, url, host, state, reason)
    SELECT ${noticeId}::uuid, * FROM unnest(
      ${items.map((_, i) => offset + i)}::int[],
      ${items.map((i) => i.submitted)}::text[],
      ${items.map((i) => (i.ok ? i.url : null))}::text[],
      ${items.map((i) => (i.ok ? i.host : null))}::text[],
      ${first.map((f) => f.state)}::text[],
      ${first.map((f) => f.reason)}::text[]
    )`.execute(db);
}
