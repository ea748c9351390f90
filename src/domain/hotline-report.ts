// The report a provider makes to the national hotline (NCMEC's CyberTipline in the US, an INHOPE
// hotline in the EU) about child sexual abuse material it was told of: who reported it (as the
// reporter chose), where it was, whose service it was on and where it was served from, and when it
// was taken down. Prepared here as plain data; staff send it, nothing here talks to a network.
import { KIND_RULES, type ReportKind } from './report-kinds.ts';
import type { NoticeSubmission } from './notice.ts';

export interface HotlineUrl {
  url: string;
  state: string;
  zone: string | null;
  account: { id: string; name: string | null } | null;
  originIps: string[];
  hostingProvider: { name: string; asn: number | null } | null;
  disabledAt: string | null;
}

export interface HotlineReport {
  format: 'safeharbor.hotline-report.v1';
  notice_id: string;
  kind: ReportKind;
  incident_type: string;
  /** The reporter's identity, only when they chose `notify.hotline: 'send'`. */
  reporter: { name: string | null; email: string | null; company: string | null; country: string | null } | { withheld: true };
  received_at: string;
  prepared_at: string;
  retain_until: string;
  explanation: string | null;
  urls: HotlineUrl[];
}

export interface HotlineItem {
  url: string;
  state: string;
  zone: string | null;
  accountId: string | null;
  accountName: string | null;
  originIps: string[] | null;
  hostName: string | null;
  hostAsn: number | null;
  disabledAt: Date | null;
}

/** When a notice's evidence may first be deleted: its kind's retention after receipt, or null for the ordinary retention. */
export function retainUntil(kind: ReportKind, createdAt: Date): Date | null {
  const days = KIND_RULES[kind].evidenceRetentionDays;
  return days === null ? null : new Date(createdAt.getTime() + days * 86_400_000);
}

/** The hotline report of a processed notice, or null when its kind has none (hotlineReport: false). */
export function hotlineReport(
  notice: { id: string; createdAt: Date; submission: NoticeSubmission },
  items: readonly HotlineItem[],
  preparedAt: Date,
): HotlineReport | null {
  const s = notice.submission;
  const rules = KIND_RULES[s.kind];
  if (!rules.hotlineReport) return null;
  const hotline = s.kind === 'csam' ? s.notify.hotline : 'send';
  const c = s.claimant;
  return {
    format: 'safeharbor.hotline-report.v1',
    notice_id: notice.id,
    kind: s.kind,
    incident_type: rules.label,
    reporter:
      hotline === 'send-anon'
        ? { withheld: true }
        : { name: c?.name ?? null, email: c?.email ?? null, company: c?.company ?? null, country: c?.country ?? null },
    received_at: notice.createdAt.toISOString(),
    prepared_at: preparedAt.toISOString(),
    retain_until: retainUntil(s.kind, notice.createdAt)!.toISOString(),
    explanation: s.explanation ?? null,
    urls: items.map((i) => ({
      url: i.url,
      state: i.state,
      zone: i.zone,
      account: i.accountId ? { id: i.accountId, name: i.accountName } : null,
      originIps: i.originIps ?? [],
      hostingProvider: i.hostName ? { name: i.hostName, asn: i.hostAsn } : null,
      disabledAt: i.disabledAt?.toISOString() ?? null,
    })),
  };
}
