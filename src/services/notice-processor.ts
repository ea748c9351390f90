// Turning a filed notice into outcomes. A worker claims a notice with a lease (so several
// stateless processes can share the work, and a crashed one's notice is picked up again),
// resolves its items in batches — each batch one transaction through the one writer of item
// state (item-steps.ts), so progress survives a restart and is visible to the reporter — then
// queues one message per recipient in the outbox.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { appendEvents, type NewEvent } from '../storage/events.ts';
import { resolutionOf, routeItem, type ItemResolution } from '../domain/routing.ts';
import { applyResolutions, type ItemStepDeps, type ResolvedItem } from './item-steps.ts';
import { hostMessage, ownerMessage, reporterAcknowledgement, type MessageItem, type NoticeFacts, type OutgoingMessage } from '../domain/messages.ts';
import type { NoticeSubmission } from '../domain/notice.ts';
import { KIND_RULES } from '../domain/report-kinds.ts';
import { receiptPolicy } from '../domain/kind-actions.ts';
import { hotlineReport, retainUntil } from '../domain/hotline-report.ts';
import { refreshDirectories, resolveHosts, type ResolverDeps } from './resolver.ts';
import type { Config } from '../config.ts';
import { PollingLoop } from './polling-loop.ts';
import { enqueueMessages } from '../storage/outbox.ts';
import { refreshItemCounts } from '../storage/item-counts.ts';
import type { StatusLinks } from './status-links.ts';
import { queueIfPublished } from '../publication/services/publications.ts';
import { holdLease } from './lease.ts';
import { databaseUnreachable } from '../storage/store.ts';
import { randomUUID } from 'node:crypto';

export interface ProcessorDeps extends ResolverDeps {
  config: Config;
  /** Private status links for the reporter's messages. */
  links: StatusLinks;
  /** The one writer of item state (clock, calendar, policy: automatic takedown happens at receipt). */
  lifecycle: ItemStepDeps;
}

const BATCH = 5_000;

interface ClaimedNotice {
  id: string;
  /** This claim's lease_token (027_notice_lease_tokens.sql). */
  token: string;
  created_at: Date;
  submission: NoticeSubmission;
  trusted_flagger: boolean;
}

/** Claim one notice that needs work (a given one, or the oldest). */
export async function claimNotice(db: Kysely<Database>, onlyId?: string, inlineLimit = 0, leaseSeconds = 120): Promise<ClaimedNotice | null> {
  const row = (
    await sql<ClaimedNotice & { old_status: string }>`
      UPDATE notices n SET status = 'processing', lease_until = now() + make_interval(secs => ${leaseSeconds}), lease_token = ${randomUUID()}::uuid, updated_at = now()
      FROM (
        SELECT id, status AS old_status FROM notices
        WHERE status <> 'processed' AND (lease_until IS NULL OR lease_until < now())
          ${onlyId ? sql`AND id = ${onlyId}::uuid` : sql``}
          -- A small notice is processed by the request that filed it; the worker leaves it alone
          -- for a grace period and takes it over only if that request died.
          ${onlyId ? sql`` : sql`AND NOT (item_count <= ${inlineLimit} AND created_at > now() - interval '30 seconds')`}
        ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED
      ) c
      WHERE n.id = c.id
      RETURNING n.id, n.lease_token AS token, n.created_at, n.submission, n.trusted_flagger, c.old_status`.execute(db)
  ).rows[0];
  if (!row) return null;
  if (row.old_status === 'received') {
    await appendEvents(db, [
      {
        actor: 'system',
        type: 'notice.status_changed',
        subjectType: 'notice',
        subjectId: row.id,
        noticeId: row.id,
        before: { status: 'received' },
        after: { status: 'processing' },
      },
    ]);
  }
  return row;
}

/**
 * Per processor: the claims whose processing the database cut short, by notice id, with their
 * tokens. The step that failed has ended, so its notice is nobody's work until the lease runs out;
 * the same processor takes it up again as soon as the database answers.
 */
const interrupted = new WeakMap<ProcessorDeps, Map<string, string>>();

/** An interrupted claim of this processor renewed, if its token still holds the notice (nobody took it over meanwhile). */
async function resumeInterrupted(deps: ProcessorDeps, leaseSeconds: number): Promise<ClaimedNotice | null> {
  const mine = interrupted.get(deps);
  for (const [id, token] of mine ?? []) {
    // Taken out before the await, since the other lanes of this processor look at the same
    // claims; put back when the database is still away, to be tried on the next round.
    mine!.delete(id);
    let row: ClaimedNotice | undefined;
    try {
      row = (
        await sql<ClaimedNotice>`
          UPDATE notices SET lease_until = now() + make_interval(secs => ${leaseSeconds}), updated_at = now()
          WHERE id = ${id}::uuid AND lease_token = ${token}::uuid AND status = 'processing'
          RETURNING id, lease_token AS token, created_at, submission, trusted_flagger`.execute(deps.db)
      ).rows[0];
    } catch (err) {
      mine!.set(id, token);
      throw err;
    }
    if (row) return row;
  }
  return null;
}

/**
 * Claim and process one notice; false when there was nothing to claim. When `stopping` is
 * aborted (the worker shuts down) the notice is given back after the batch in hand, its progress
 * kept, for another worker to go on with at once.
 */
export async function processNextNotice(deps: ProcessorDeps, onlyId?: string, stopping?: AbortSignal): Promise<boolean> {
  if (stopping?.aborted) return false;
  const lease = deps.config.workerLeaseSeconds;
  const notice = (onlyId ? null : await resumeInterrupted(deps, lease)) ?? (await claimNotice(deps.db, onlyId, deps.config.inlineProcessingLimit, lease));
  if (!notice) return false;
  const held = holdLease(
    () =>
      // Only while the claim is still this one's: a worker that lost its lease (it stalled past it
      // and another took over) must not extend, or below end, the other's.
      sql`UPDATE notices SET lease_until = now() + make_interval(secs => ${lease}) WHERE id = ${notice.id}::uuid AND status = 'processing' AND lease_token = ${notice.token}::uuid`.execute(
        deps.db,
      ),
    lease,
    () => {},
  );
  try {
    if (await processClaimed(deps, notice, stopping)) return true;
    await sql`UPDATE notices SET lease_until = NULL WHERE id = ${notice.id}::uuid AND status = 'processing' AND lease_token = ${notice.token}::uuid`.execute(
      deps.db,
    );
    return false;
  } catch (err) {
    // A notice filed inline is left to the workers; other failures (a bug, bad data) wait for the lease, not retried at once.
    if (!onlyId && databaseUnreachable(err)) {
      const mine = interrupted.get(deps) ?? new Map<string, string>();
      interrupted.set(deps, mine.set(notice.id, notice.token));
    }
    throw err;
  } finally {
    held.release();
  }
}

/** False when it stopped before the end (the worker is shutting down). */
async function processClaimed(deps: ProcessorDeps, notice: ClaimedNotice, stopping?: AbortSignal): Promise<boolean> {
  const facts: NoticeFacts = {
    id: notice.id,
    createdAt: notice.created_at,
    submission: notice.submission,
    statusUrl: deps.links.url(notice.id),
    trustedFlagger: notice.trusted_flagger,
  };
  // Two batches in flight: while one batch's transaction runs in PostgreSQL, the next is read and
  // resolved here, so the server's CPU and the database's work overlap instead of taking turns.
  // Batches still commit one after another, in order; each takes only items still `received`.
  let after = -1;
  let writing: Promise<void> | null = null;
  try {
    for (;;) {
      if (stopping?.aborted) return false;
      const next = await prepareBatch(deps, notice, after);
      if (writing) await writing;
      writing = null;
      if (!next) break;
      after = next.lastPosition;
      writing = writeBatch(deps, notice, facts, next.batch, next.resolutions);
      // Awaited below; until then its failure must not count as unhandled.
      writing.catch(() => {});
    }
  } finally {
    // Whatever ends the loop (shutdown, an error), the batch in hand is written or fails before it returns.
    if (writing) await writing;
  }
  await finish(deps, notice);
  return true;
}

type Batch = { id: number; host: string; url: string }[];

/** The next batch after position `after`, resolved; null when none is left. */
async function prepareBatch(
  deps: ProcessorDeps,
  notice: ClaimedNotice,
  after: number,
): Promise<{ batch: Batch; resolutions: ItemResolution[]; lastPosition: number } | null> {
  await refreshDirectories(deps);
  const rows = await deps.db
    .selectFrom('notice_items')
    .select(['id', 'position', 'host', 'url', 'submitted_url'])
    .where('notice_id', '=', notice.id)
    .where('state', '=', 'received')
    .where('position', '>', after)
    .orderBy('position')
    .limit(BATCH)
    .execute();
  if (rows.length === 0) return null;
  const batch = rows.map((b) => ({ id: Number(b.id), host: b.host!, url: b.url ?? b.submitted_url }));
  const resolutions = await resolveHosts(
    deps,
    batch.map((b) => b.host),
    notice.created_at,
  );
  return { batch, resolutions, lastPosition: rows[rows.length - 1]!.position };
}

/** One batch in one transaction: its items, and the notice's progress and lease. */
async function writeBatch(deps: ProcessorDeps, notice: ClaimedNotice, facts: NoticeFacts, batch: Batch, resolutions: ItemResolution[]): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const updated = await saveResolutions(trx, deps, facts, batch, resolutions);
    // The items this batch took count whoever holds the lease now; the lease is extended only for its own claim.
    await sql`UPDATE notices SET items_resolved = items_resolved + ${updated},
        lease_until = CASE WHEN lease_token = ${notice.token}::uuid THEN now() + make_interval(secs => ${deps.config.workerLeaseSeconds}) ELSE lease_until END,
        updated_at = now() WHERE id = ${notice.id}::uuid`.execute(trx);
  });
}

/** One batch's resolutions, written by the one writer's batch path (item-steps.ts). */
async function saveResolutions(
  trx: Kysely<Database>,
  deps: ProcessorDeps,
  notice: NoticeFacts,
  batch: { id: number; url: string }[],
  res: ItemResolution[],
): Promise<number> {
  const kind = notice.submission.kind;
  const items: ResolvedItem[] = res.map((r, i) => {
    const on = r.onNetwork ? r : null;
    const hosting = on?.origin?.hosting ?? null;
    return {
      id: batch[i]!.id,
      url: batch[i]!.url,
      resolution: resolutionOf(routeItem(r, deps.config.providerName, kind)),
      account: on ? { id: on.zone.accountId, name: on.zone.accountName, email: on.zone.accountEmail } : null,
      columns: {
        zone_id: on?.zone.id ?? null,
        zone: on?.zone.name ?? null,
        account_id: on?.zone.accountId ?? null,
        mode: on?.zone.mode ?? null,
        origin: on?.zone.origin ?? null,
        origin_kind: on?.zone.originKind ?? null,
        origin_ips: on?.origin ? on.origin.ips : null,
        origin_resolution: on?.origin?.resolution ?? null,
        host_asn: hosting?.asn ?? null,
        host_name: hosting?.name ?? null,
        host_abuse_email: hosting?.abuseEmail ?? null,
        dns_error: on?.origin?.error ?? null,
      },
    };
  });
  // A kind disabled on receipt (child sexual abuse material) is taken down here, before review.
  return applyResolutions(trx, { ...deps.lifecycle, policy: receiptPolicy(kind, deps.lifecycle.policy) }, notice, items);
}

function toMessageItem(r: {
  position: number;
  submitted_url: string;
  url: string | null;
  state: string;
  reason: string | null;
  zone: string | null;
  host_name: string | null;
  host_asn: number | null;
  host_abuse_email: string | null;
  origin_ips: string[] | null;
}): MessageItem {
  return {
    position: r.position,
    submittedUrl: r.submitted_url,
    url: r.url,
    state: r.state,
    reason: r.reason,
    zone: r.zone,
    hostName: r.host_name,
    hostAsn: r.host_asn === null ? null : Number(r.host_asn),
    hostAbuseEmail: r.host_abuse_email,
    originIps: r.origin_ips,
  };
}

/** The messages a fully resolved notice causes (pure apart from its inputs). */
export function composeMessages(
  provider: string,
  facts: NoticeFacts,
  items: (MessageItem & { accountId: string | null })[],
  accounts: Map<string, { id: string; name: string; email: string }>,
): { messages: OutgoingMessage[]; hostsWithoutContact: { name: string; asn: number | null; urls: number }[] } {
  const messages: OutgoingMessage[] = [];
  // A kind that is never passed on (CSAM, WHOIS requests) sends neither the report nor its URLs
  // to the site owner or the host; routing keeps its items with staff, this makes sure of it.
  const forwarded = KIND_RULES[facts.submission.kind].forwardsReport ? items.filter((i) => i.state === 'forwarded') : [];
  const byAccount = new Map<string, MessageItem[]>();
  for (const i of forwarded) {
    if (!i.accountId) continue;
    const list = byAccount.get(i.accountId);
    if (list) list.push(i);
    else byAccount.set(i.accountId, [i]);
  }
  for (const [accountId, list] of byAccount) {
    const account = accounts.get(accountId);
    if (account && facts.submission.notify.owner !== 'none') messages.push(ownerMessage(provider, facts, account, list));
  }
  const hostsWithoutContact = new Map<string, { name: string; asn: number | null; urls: number }>();
  if (facts.submission.notify.host !== 'none') {
    const byHost = new Map<string, { name: string; items: MessageItem[] }>();
    for (const i of forwarded) {
      if (i.hostAbuseEmail) {
        const key = i.hostAbuseEmail.toLowerCase();
        const entry = byHost.get(key) ?? { name: i.hostName ?? i.hostAbuseEmail, items: [] };
        entry.items.push(i);
        byHost.set(key, entry);
      } else if (i.hostName) {
        const h = hostsWithoutContact.get(i.hostName) ?? { name: i.hostName, asn: i.hostAsn, urls: 0 };
        h.urls++;
        hostsWithoutContact.set(i.hostName, h);
      }
    }
    for (const [email, h] of byHost) {
      messages.push(hostMessage(provider, facts, { name: h.name, abuseEmail: email }, h.items, facts.submission.notify.host === 'send-anon'));
    }
  }
  const ack = reporterAcknowledgement(provider, facts, items);
  if (ack) messages.push(ack);
  return { messages, hostsWithoutContact: [...hostsWithoutContact.values()] };
}

async function finish(deps: ProcessorDeps, notice: ClaimedNotice): Promise<void> {
  const items = (
    await deps.db
      .selectFrom('notice_items')
      .select([
        'position',
        'submitted_url',
        'url',
        'state',
        'reason',
        'zone',
        'account_id',
        'host_name',
        'host_asn',
        'host_abuse_email',
        'origin_ips',
        'updated_at',
      ])
      .where('notice_id', '=', notice.id)
      .orderBy('position')
      .execute()
  ).map((r) => ({ ...toMessageItem(r), accountId: r.account_id, updatedAt: new Date(r.updated_at) }));
  const accountIds = [...new Set(items.map((i) => i.accountId).filter((a): a is string => a !== null))];
  const accounts = new Map(
    (accountIds.length ? await deps.db.selectFrom('accounts').select(['id', 'name', 'email']).where('id', 'in', accountIds).execute() : []).map((a) => [
      a.id,
      a,
    ]),
  );
  const facts: NoticeFacts = {
    id: notice.id,
    createdAt: notice.created_at,
    submission: notice.submission,
    statusUrl: deps.links.url(notice.id),
    trustedFlagger: notice.trusted_flagger,
  };
  const { messages, hostsWithoutContact } = composeMessages(deps.config.providerName, facts, items, accounts);
  const retain = retainUntil(notice.submission.kind, notice.created_at);
  const hotline = hotlineReport(
    facts,
    items.map((i) => ({
      url: i.url ?? i.submittedUrl,
      state: i.state,
      zone: i.zone,
      accountId: i.accountId,
      accountName: i.accountId ? (accounts.get(i.accountId)?.name ?? null) : null,
      originIps: i.originIps,
      hostName: i.hostName,
      hostAsn: i.hostAsn,
      disabledAt: i.state === 'content_disabled' ? i.updatedAt : null,
    })),
    deps.lifecycle.now(),
  );

  await deps.db.transaction().execute(async (trx) => {
    await enqueueMessages(trx, notice.id, messages);
    if (retain) await trx.updateTable('notices').set({ retain_until: retain }).where('id', '=', notice.id).execute();
    const prepared = hotline
      ? await trx
          .insertInto('hotline_reports')
          .values({ notice_id: notice.id, payload: JSON.stringify(hotline), retain_until: retain ?? new Date(hotline.retain_until) })
          .onConflict((oc) => oc.column('notice_id').doNothing())
          .returning('notice_id')
          .executeTakeFirst()
      : undefined;
    const finished = await sql<{ id: string }>`
      UPDATE notices SET status = 'processed', processed_at = now(), lease_until = NULL, updated_at = now()
      WHERE id = ${notice.id}::uuid AND status = 'processing' RETURNING id`.execute(trx);
    await refreshItemCounts(trx, notice.id);
    // In the same transaction: a notice the publication policy publishes is queued as it completes.
    if (finished.rows.length) await queueIfPublished(trx, deps.config.publicationPolicy, notice.id, notice.submission.kind);
    await appendEvents(trx, [
      ...(prepared
        ? [
            {
              actor: 'system',
              type: 'notice.hotline_report_prepared',
              subjectType: 'notice',
              subjectId: notice.id,
              noticeId: notice.id,
              data: { urls: hotline!.urls.length, reporter_withheld: 'withheld' in hotline!.reporter, retain_until: hotline!.retain_until },
            } satisfies NewEvent,
          ]
        : []),
      // Only the worker that moved the notice to processed records these: a worker whose lease ran
      // out while it was still finishing must not log them a second time.
      ...(finished.rows.length ? hostsWithoutContact : []).map((h): NewEvent => ({
        actor: 'system',
        type: 'notice.host_contact_unknown',
        subjectType: 'notice',
        subjectId: notice.id,
        noticeId: notice.id,
        data: { hosting_provider: h.name, asn: h.asn, urls: h.urls },
      })),
      ...(finished.rows.length
        ? [
            {
              actor: 'system',
              type: 'notice.status_changed',
              subjectType: 'notice',
              subjectId: notice.id,
              noticeId: notice.id,
              before: { status: 'processing' },
              after: { status: 'processed' },
            } satisfies NewEvent,
          ]
        : []),
    ]);
  });
}

/** Notices one process works on at once (see noticeWorker). */
export const NOTICE_WORKER_LANES = 2;

/**
 * Runs in every server process: processes notices as they arrive (kick) and polls for work
 * left by other processes or by a crash (expired leases). Two lanes, each claiming a notice of
 * its own as two processes would: one notice's work alternates between this process's CPU and
 * the database's, and a second notice fills the other's waits (filing after filing, the next
 * notice is resolved while the last one's messages are written).
 */
export function noticeWorker(
  deps: ProcessorDeps,
  pollMs = 1000,
  log: (msg: string, err?: unknown) => void = () => {},
  lanes = NOTICE_WORKER_LANES,
): { start(): void; kick(): void; stop(): Promise<void> } {
  const loops = Array.from(
    { length: lanes },
    () =>
      new PollingLoop(
        (stopping) => processNextNotice(deps, undefined, stopping),
        pollMs,
        (err) =>
          log(
            databaseUnreachable(err)
              ? 'notice processing was interrupted by the database; it goes on once the database answers'
              : 'notice processing failed; will retry after the lease expires',
            err,
          ),
      ),
  );
  return {
    start: () => loops.forEach((l) => l.start()),
    kick: () => loops.forEach((l) => l.kick()),
    stop: async () => {
      await Promise.all(loops.map((l) => l.stop()));
    },
  };
}
