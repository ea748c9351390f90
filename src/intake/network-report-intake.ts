// Mail that names an IP address, port and time instead of URLs (ACNS, X-ARF/XARF): looked up in
// the netblock history (who held the address then, not now), recorded as a network report,
// forwarded to that account through the outbox and acknowledged to the complainant — all in one
// transaction with the message's own outcome. Non-copyright abuse reports are kept for staff.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { appendEvents } from '../storage/events.ts';
import { enqueueMessages } from '../storage/outbox.ts';
import { accountHoldingIp } from '../services/netblocks.ts';
import { networkReportMessages, routeSighting, sightingFromReading, type NetworkRouting } from '../domain/network-report.ts';
import type { ReadResult } from '../reader/types.ts';
import { reportUrls } from './reading-to-notice.ts';

export type NetworkReportOutcome = 'routed_by_ip' | 'not_on_network' | 'kept_for_staff';

const OUTCOME: Record<NetworkRouting['state'], NetworkReportOutcome> = {
  forwarded: 'routed_by_ip',
  not_on_network: 'not_on_network',
  kept_for_staff: 'kept_for_staff',
};

export interface NetworkReportDeps {
  db: Kysely<Database>;
  config: { providerName: string };
}

/**
 * Handles the message when it is such a report; false leaves it to the notice path (it has URLs,
 * or its address or time is unusable, which the notice path answers as missing elements).
 * `finish` records the message's outcome inside the same transaction.
 */
export async function routeNetworkReport(
  deps: NetworkReportDeps,
  message: { id: number; sender: string | null; autoReply: boolean },
  reading: ReadResult,
  finish: (trx: Kysely<Database>, outcome: NetworkReportOutcome, detail: unknown) => Promise<void>,
): Promise<{ handled: false } | { handled: true; messagesQueued: number }> {
  // An abuse report that names the URL it is about (a phishing page, say) is filed as a report of its kind
  // about that URL, like any other; only one naming an address and a time alone is routed by the address.
  if (reading.xarf && reading.xarf.category !== 'copyright' && reportUrls(reading).length) return { handled: false };
  const read = sightingFromReading(reading);
  if (!read || !read.ok) {
    if (read && !read.ok && reading.xarf && reading.xarf.category !== 'copyright') {
      // An abuse report without a usable address is still kept for staff, with why it was not routed.
      await deps.db
        .transaction()
        .execute((trx) => finish(trx, 'kept_for_staff', { reading, network_report: { state: 'kept_for_staff', reason: read.reason } }));
      return { handled: true, messagesQueued: 0 };
    }
    return { handled: false };
  }
  const s = read.sighting;
  const holder = await accountHoldingIp(deps.db, s.ip, s.observedAt);
  const routing = routeSighting(
    s,
    holder ? { accountId: holder.accountId, accountName: holder.accountName, accountEmail: holder.accountEmail, cidr: holder.cidr } : null,
    deps.config.providerName,
  );
  let queued = 0;
  await deps.db.transaction().execute(async (trx) => {
    const prior = await trx
      .selectFrom('network_reports')
      .select(['id', 'state', 'account_id'])
      .where('inbound_message_id', '=', message.id)
      .forUpdate()
      .executeTakeFirst();
    const values = {
      format: s.format,
      category: s.category,
      case_id: s.caseId?.slice(0, 500) ?? null,
      ip: s.ip,
      port: s.port,
      observed_at: s.observedAt,
      protocol: s.protocol?.slice(0, 200) ?? null,
      works: JSON.stringify(s.works),
      complainant_email: s.complainant.email,
      state: routing.state,
      reason: routing.reason,
      account_id: routing.holder?.accountId ?? null,
      netblock_id: holder?.netblockId ?? null,
    };
    // Read again (after a reader fix or a netblock correction), the message re-routes its one report.
    const id = prior
      ? (await trx.updateTable('network_reports').set(values).where('id', '=', prior.id).returning('id').executeTakeFirstOrThrow()).id
      : (
          await trx
            .insertInto('network_reports')
            .values({ inbound_message_id: message.id, ...values })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
    const reportId = Number(id);
    await appendEvents(trx, [
      {
        actor: 'system',
        type: prior ? 'network_report.rerouted' : 'network_report.routed',
        subjectType: 'network_report',
        subjectId: String(reportId),
        before: prior ? { state: prior.state, account_id: prior.account_id } : null,
        after: { state: routing.state, account_id: values.account_id },
        data: {
          inbound_message_id: message.id,
          format: s.format,
          category: s.category,
          ip: s.ip,
          port: s.port,
          observed_at: s.observedAt.toISOString(),
          netblock: holder?.cidr ?? null,
          reason: routing.reason,
        },
      },
      ...(routing.holder
        ? [
            {
              actor: 'system' as const,
              type: 'account.network_report_received' as const,
              subjectType: 'account' as const,
              subjectId: routing.holder.accountId,
              data: { network_report_id: reportId, category: s.category, state: routing.state },
            },
          ]
        : []),
    ]);
    const to = message.autoReply ? (s.complainant.email ?? message.sender) : null;
    queued = await enqueueMessages(trx, null, networkReportMessages(deps.config.providerName, reportId, s, routing, to));
    await finish(trx, OUTCOME[routing.state], {
      reading,
      network_report: { id: reportId, state: routing.state, account_id: values.account_id, netblock: holder?.cidr ?? null, reason: routing.reason },
    });
  });
  return { handled: true, messagesQueued: queued };
}
