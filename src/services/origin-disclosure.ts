// Origin disclosure: the policy decides (decideOriginDisclosure, with the requester loaded fresh),
// every disclosure is written to origin_disclosures and the event log in one transaction, and the
// zone's customer is told through the outbox when the policy says so (dueCustomerNotices).
import { sql, type Kysely } from 'kysely';
import type { Database, OriginKind } from '../storage/schema.ts';
import { appendEvents, type Actor } from '../storage/events.ts';
import { enqueueMessages } from '../storage/outbox.ts';
import type { Principal } from './principals.ts';
import { requesterFor, type PolicyRequester } from './trusted-reporters.ts';
import {
  decideOriginDisclosure,
  dueCustomerNotices,
  type DenyReason,
  type DisclosureDecision,
  type OriginDisclosurePolicy,
} from '../domain/origin-disclosure-policy.ts';
import { customerDisclosureMessage } from '../domain/trusted-reporter.ts';
import { forbidden, notFound, ok, type Result } from './result.ts';

export interface DisclosureDeps {
  db: Kysely<Database>;
  policy: OriginDisclosurePolicy;
  provider: string;
  now: () => Date;
}

export interface OriginValue {
  origin: string;
  origin_kind: OriginKind;
  /** The addresses the origin resolved to (a hostname origin); the IP itself for an IP origin. */
  ips: string[];
  /** Since when this origin is in force (current origin only). */
  since?: string;
}

export interface ItemOriginAnswer {
  notice_id: string;
  position: number;
  url: string | null;
  zone: string;
  at_report: OriginValue;
  current: OriginValue | null;
  /** Why the current origin was not given, when it was not. */
  current_refused: { reason: DenyReason; message: string } | null;
  disclosure_ids: string[];
}

/** A refusal is `forbidden` with the policy's DenyReason and field `origin`. */
export type DiscloseResult = Result<ItemOriginAnswer>;

const refused = (reason: DenyReason, message: string) => forbidden(reason, message, 'origin');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A requester's view of one item's origins, decided and logged. */
export async function discloseItemOrigin(
  deps: DisclosureDeps,
  principal: Principal,
  noticeId: string,
  position: number,
  purpose: string | null,
): Promise<DiscloseResult> {
  const noNotice = notFound('id', `no notice ${noticeId} that you can see`);
  if (!UUID.test(noticeId) || !Number.isInteger(position) || position < 0 || position > 2 ** 31) return noNotice;
  const now = deps.now();
  return deps.db.transaction().execute(async (trx): Promise<DiscloseResult> => {
    const notice = await trx.selectFrom('notices').select(['id', 'reporter_id', 'created_at']).where('id', '=', noticeId).executeTakeFirst();
    // Other people's notices do not exist for the requester, whatever their trust.
    if (!notice || (principal.role !== 'staff' && notice.reporter_id !== principal.id)) return noNotice;
    const requester = await requesterFor(trx, principal, principal.scopes ?? []);
    const item = await trx
      .selectFrom('notice_items as i')
      .leftJoin('zones as z', 'z.id', 'i.zone_id')
      .select([
        'i.id',
        'i.url',
        'i.state',
        'i.mode',
        'i.zone_id',
        'i.zone',
        'i.origin',
        'i.origin_kind',
        'i.origin_ips',
        'z.mode as zone_mode',
        'z.origin as zone_origin',
        'z.origin_kind as zone_origin_kind',
      ])
      .where('i.notice_id', '=', noticeId)
      .where('i.position', '=', position)
      .executeTakeFirst();
    const target = {
      noticeOwnerId: notice.reporter_id,
      noticeFiledAt: new Date(notice.created_at),
      itemState: item?.state ?? 'invalid',
      zoneMode: (item?.mode ?? null) as 'proxied' | 'hosted' | null,
    };
    const atReport = decideOriginDisclosure(requester, { ...target, which: 'at_report' }, deps.policy, now);
    // A refusal on the requester's status says nothing about the item (not even whether it exists).
    // It is recorded for staff (attempts after a revocation matter), off the notice's timeline.
    if (!atReport.allow) {
      await appendEvents(trx, [
        {
          actor: `principal:${principal.id}`,
          type: 'origin.disclosure_refused',
          subjectType: 'principal',
          subjectId: principal.id,
          data: { notice_id: noticeId, position, reason: atReport.reason },
          at: now,
        },
      ]);
      return refused(atReport.reason, atReport.message);
    }
    if (!item) return notFound('item', `the notice has no item at position ${position}`);
    if (!item.zone_id || !item.origin || !item.origin_kind) return refused('not_on_network', 'The URL is not on our network: there is no origin to disclose.');
    const current = decideOriginDisclosure(
      requester,
      { ...target, zoneMode: (item.zone_mode ?? null) as 'proxied' | 'hosted' | null, which: 'current' },
      deps.policy,
      now,
    );
    const since = current.allow
      ? (await trx.selectFrom('zone_origins').select('valid_from').where('zone_id', '=', item.zone_id).where('valid_to', 'is', null).executeTakeFirst())
          ?.valid_from
      : undefined;
    const answer: ItemOriginAnswer = {
      notice_id: noticeId,
      position,
      url: item.url,
      zone: item.zone!,
      at_report: { origin: item.origin, origin_kind: item.origin_kind, ips: item.origin_ips ?? (item.origin_kind === 'ip' ? [item.origin] : []) },
      current: current.allow
        ? {
            origin: item.zone_origin!,
            origin_kind: item.zone_origin_kind!,
            ips: item.zone_origin_kind === 'ip' ? [item.zone_origin!] : [],
            ...(since ? { since: new Date(since).toISOString() } : {}),
          }
        : null,
      current_refused: current.allow ? null : { reason: current.reason, message: current.message },
      disclosure_ids: [],
    };
    const logged: Pick<NewDisclosure, 'which' | 'value' | 'decision'>[] = [{ which: 'at_report', value: answer.at_report, decision: atReport }];
    if (answer.current && current.allow) logged.push({ which: 'current', value: answer.current, decision: current });
    answer.disclosure_ids = await logDisclosures(
      trx,
      `principal:${principal.id}`,
      requester,
      logged.map((l) => ({
        ...l,
        channel: 'api' as const,
        noticeId,
        itemId: item.id,
        zoneId: item.zone_id!,
        zone: item.zone!,
        purpose: purpose ?? requester.purpose,
      })),
      now,
    );
    await queueDueCustomerNotices(trx, deps, now);
    return ok(answer);
  });
}

export interface NewDisclosure {
  which: 'at_report' | 'current';
  value: { origin: string; origin_kind: OriginKind; ips: string[] };
  decision: Extract<DisclosureDecision, { allow: true }>;
  channel: 'api' | 'webhook';
  noticeId: string | null;
  itemId: number | null;
  zoneId: number;
  zone: string;
  purpose: string | null;
}

/** Write disclosures to the log and the event log. The events carry no address: the notice's timeline is the reporter's to read. */
export async function logDisclosures(
  trx: Kysely<Database>,
  actor: Actor,
  requester: PolicyRequester,
  ds: readonly NewDisclosure[],
  now: Date,
): Promise<string[]> {
  if (!ds.length) return [];
  const rows = await trx
    .insertInto('origin_disclosures')
    .values(
      ds.map((d) => ({
        disclosed_at: now,
        principal_id: requester.principalId,
        basis: d.decision.basis,
        channel: d.channel,
        terms_version: d.decision.termsVersion,
        purpose: d.purpose,
        notice_id: d.noticeId,
        item_id: d.itemId,
        zone_id: d.zoneId,
        zone: d.zone,
        which: d.which,
        origin: d.value.origin,
        origin_kind: d.value.origin_kind,
        origin_ips: d.value.ips,
      })),
    )
    .returning(['id'])
    .execute();
  await appendEvents(
    trx,
    ds.map((d, i) => ({
      actor,
      type: 'origin.disclosed',
      subjectType: d.itemId !== null ? ('item' as const) : ('zone' as const),
      subjectId: d.itemId !== null ? String(d.itemId) : d.zone,
      noticeId: d.noticeId,
      data: { disclosure_id: rows[i]!.id, which: d.which, zone: d.zone, channel: d.channel, basis: d.decision.basis, terms_version: d.decision.termsVersion },
      at: now,
    })),
  );
  return rows.map((r) => r.id);
}

/**
 * Queue the customer messages that are due: one per zone for all its disclosures not yet told.
 * Staff looking at origins is internal and not announced. Rows are locked so two runs never
 * tell the same disclosure twice.
 */
export async function queueDueCustomerNotices(trx: Kysely<Database>, deps: Pick<DisclosureDeps, 'policy' | 'provider'>, now: Date): Promise<number> {
  if (deps.policy.customerNotice.when === 'never') return 0;
  const rows = (
    await sql<{
      id: string;
      zone_id: number;
      zone: string;
      disclosed_at: Date;
      which: 'at_report' | 'current';
      principal_id: string;
      account_id: string;
      account_name: string;
      account_email: string;
    }>`
      SELECT d.id, d.zone_id, d.zone, d.disclosed_at, d.which, d.principal_id, a.id AS account_id, a.name AS account_name, a.email AS account_email
      FROM origin_disclosures d JOIN zones z ON z.id = d.zone_id JOIN accounts a ON a.id = z.account_id
      WHERE d.customer_notified_at IS NULL AND d.basis = 'trusted_reporter'
      ORDER BY d.disclosed_at LIMIT 1000
      FOR UPDATE OF d SKIP LOCKED`.execute(trx)
  ).rows;
  if (!rows.length) return 0;
  const due = dueCustomerNotices(
    rows.map((r) => ({ ...r, disclosedAt: new Date(r.disclosed_at), zoneId: r.zone_id, customerNotifiedAt: null })),
    deps.policy,
    now,
  );
  if (!due.length) return 0;
  const orgs = new Map(
    (
      await trx
        .selectFrom('trusted_reporters')
        .select(['principal_id', 'organisation', 'applied_at'])
        .where('principal_id', 'in', [...new Set(rows.map((r) => r.principal_id))])
        .orderBy('applied_at')
        .execute()
    ).map((o) => [o.principal_id, o.organisation]),
  );
  const messages = due.map((g) => {
    const first = g.disclosures[0]!;
    return customerDisclosureMessage(
      deps.provider,
      { id: first.account_id, name: first.account_name, email: first.account_email },
      first.zone,
      g.disclosures.map((d) => ({ zone: d.zone, disclosedAt: d.disclosedAt, which: d.which, organisation: orgs.get(d.principal_id) ?? 'a trusted reporter' })),
      `origin-disclosure:${g.zoneId}:${first.id}`,
    );
  });
  await enqueueMessages(trx, null, messages);
  const ids = due.flatMap((g) => g.disclosures.map((d) => d.id));
  await trx.updateTable('origin_disclosures').set({ customer_notified_at: now }).where('id', 'in', ids).execute();
  await appendEvents(
    trx,
    due.map((g) => ({
      actor: 'system' as const,
      type: 'disclosure.customer_notified',
      subjectType: 'zone' as const,
      subjectId: g.disclosures[0]!.zone,
      data: { disclosure_ids: g.disclosures.map((d) => d.id), account_id: g.disclosures[0]!.account_id },
      at: now,
    })),
  );
  return messages.length;
}

export interface DisclosureView {
  id: string;
  disclosed_at: string;
  principal_id: string;
  email: string;
  organisation: string | null;
  basis: string;
  channel: string;
  purpose: string | null;
  terms_version: string | null;
  notice_id: string | null;
  item_id: number | null;
  zone: string;
  which: string;
  origin: string;
  origin_kind: string;
  origin_ips: string[];
  customer_notified_at: string | null;
}

/** The disclosure log for staff, newest first. */
export async function listDisclosures(db: Kysely<Database>, q: { principalId?: string; zone?: string; limit?: number } = {}): Promise<DisclosureView[]> {
  let query = db
    .selectFrom('origin_disclosures as d')
    .innerJoin('principals as p', 'p.id', 'd.principal_id')
    .select([
      'd.id',
      'd.disclosed_at',
      'd.principal_id',
      'p.email',
      'd.basis',
      'd.channel',
      'd.purpose',
      'd.terms_version',
      'd.notice_id',
      'd.item_id',
      'd.zone',
      'd.which',
      'd.origin',
      'd.origin_kind',
      'd.origin_ips',
      'd.customer_notified_at',
      (eb) =>
        eb
          .selectFrom('trusted_reporters as tr')
          .select('tr.organisation')
          .whereRef('tr.principal_id', '=', 'd.principal_id')
          .orderBy('tr.applied_at', 'desc')
          .limit(1)
          .as('organisation'),
    ])
    .orderBy('d.disclosed_at', 'desc')
    .orderBy('d.id')
    .limit(Math.min(Math.max(q.limit ?? 200, 1), 5000));
  if (q.principalId) query = query.where('d.principal_id', '=', q.principalId);
  if (q.zone) query = query.where('d.zone', '=', q.zone.toLowerCase());
  return (await query.execute()).map((r) => ({
    ...r,
    item_id: r.item_id === null ? null : Number(r.item_id),
    organisation: r.organisation ?? null,
    disclosed_at: new Date(r.disclosed_at).toISOString(),
    customer_notified_at: r.customer_notified_at ? new Date(r.customer_notified_at).toISOString() : null,
  }));
}
