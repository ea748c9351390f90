// Reports that name an IP address, port and time instead of a URL (ACNS 2.0 infringement
// notices, X-ARF/XARF reports with a source address): what they say, where they go, and the
// mail they cause. Pure: the reader's result and the netblock lookup's answer in, plain data out.
import type { ReadResult } from '../reader/types.ts';
import type { OutgoingMessage } from './messages.ts';
import { ipKey } from './netblocks.ts';

export type NetworkReportFormat = 'acns' | 'x-arf' | 'xarf';

export interface Sighting {
  format: NetworkReportFormat;
  /** copyright, or the abuse report's own type (spam, phishing…). */
  category: string;
  caseId: string | null;
  ip: string;
  port: number | null;
  /** When the sender saw the address in use: the moment whose holder the report is about. */
  observedAt: Date;
  protocol: string | null;
  works: { title: string | null; file_name: string | null; hash: string | null }[];
  complainant: { name: string | null; company: string | null; email: string | null };
}

export type SightingRead = { ok: true; sighting: Sighting } | { ok: false; reason: string } | null;

function at(s: string | null | undefined): Date | null {
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * The address, port and time a reading names, when that (not a URL) is what it is about.
 * null: not such a report (it has URLs, or names no address). ok:false: it is one, but its
 * address or time cannot be used, and why.
 */
export function sightingFromReading(r: ReadResult): SightingRead {
  const complainant = { name: r.claimant.name, company: r.claimant.company, email: r.claimant.email };
  let s: Omit<Sighting, 'observedAt' | 'ip'> & { ip: string | null; observedAt: Date | null };
  if (r.acns && r.acns.root === 'Infringement' && r.kind === 'takedown' && r.infringing_urls.length === 0) {
    const a = r.acns;
    s = {
      format: 'acns',
      category: 'copyright',
      caseId: a.case_id,
      ip: a.ip,
      port: a.port,
      observedAt: at(a.timestamp) ?? at(a.items.find((i) => i.timestamp)?.timestamp),
      protocol: a.protocol,
      works: a.items.slice(0, 100).map((i) => ({ title: i.title, file_name: i.file_name, hash: i.hash })),
      complainant,
    };
  } else if (r.xarf && (r.xarf.category !== 'copyright' || (r.kind === 'takedown' && r.infringing_urls.length === 0))) {
    const x = r.xarf;
    if (!x.source_ip) return x.category === 'copyright' ? null : { ok: false, reason: `the ${x.category} report names no source address` };
    s = {
      format: x.format,
      category: x.category,
      caseId: x.report_id,
      ip: x.source_ip,
      port: x.source_port,
      observedAt: at(x.date),
      protocol: x.service,
      works: x.infringed_material ? [{ title: x.infringed_material, file_name: null, hash: null }] : [],
      complainant,
    };
  } else return null;
  if (!s.ip) return { ok: false, reason: 'the report names no IP address' };
  if (!ipKey(s.ip)) return { ok: false, reason: `"${s.ip.slice(0, 80)}" is not an IP address` };
  if (!s.observedAt) return { ok: false, reason: 'the report does not say when the address was seen' };
  return { ok: true, sighting: { ...s, ip: s.ip, observedAt: s.observedAt } };
}

export interface HolderFacts {
  accountId: string;
  accountName: string;
  accountEmail: string;
  cidr: string;
}

export type NetworkRouting =
  | { state: 'forwarded'; holder: HolderFacts; reason: null }
  | { state: 'not_on_network'; holder: null; reason: string }
  | { state: 'kept_for_staff'; holder: HolderFacts | null; reason: string };

/** Where a sighting goes, given who held the address then. */
export function routeSighting(s: Sighting, holder: HolderFacts | null, provider: string): NetworkRouting {
  if (s.category !== 'copyright') {
    return {
      state: 'kept_for_staff',
      holder,
      reason: `a ${s.category} report, not a copyright notice: kept for the abuse team${holder ? ` (the address was held by account ${holder.accountId})` : ''}`,
    };
  }
  if (!holder) {
    return {
      state: 'not_on_network',
      holder: null,
      reason: `${s.ip} was not assigned to any customer of ${provider} at ${s.observedAt.toISOString()}, so ${provider} cannot act on it; send the notice to the network that announced the address then.`,
    };
  }
  return { state: 'forwarded', holder, reason: null };
}

function worksBlock(s: Sighting): string {
  if (!s.works.length) return '  (the notice does not name the work)';
  return s.works
    .map((w) =>
      [w.title ? `  Title:     ${w.title}` : null, w.file_name ? `  File name: ${w.file_name}` : null, w.hash ? `  Hash:      ${w.hash}` : null]
        .filter(Boolean)
        .join('\n'),
    )
    .join('\n\n');
}

function sightingBlock(s: Sighting): string {
  return [
    `  IP address: ${s.ip}`,
    `  Port:       ${s.port ?? '(not given)'}`,
    `  Time (UTC): ${s.observedAt.toISOString()}`,
    `  Protocol:   ${s.protocol ?? '(not given)'}`,
    s.caseId ? `  Reference:  ${s.caseId}` : null,
  ]
    .filter(Boolean)
    .join('\n');
}

const FORMAT_NAMES: Record<NetworkReportFormat, string> = { acns: 'ACNS', 'x-arf': 'X-ARF', xarf: 'XARF' };

/**
 * The mail a routed report causes: the customer that held the address is told what was seen
 * (address, port, time, file) and by whom, so it can act or answer with a counter notice; the
 * complainant gets the usual acknowledgement. Reports kept for staff cause no mail.
 */
export function networkReportMessages(
  provider: string,
  reportId: number,
  s: Sighting,
  routing: NetworkRouting,
  complainantAddress: string | null,
): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  if (routing.state === 'kept_for_staff') return out;
  const who =
    [s.complainant.name, s.complainant.company && s.complainant.company !== s.complainant.name ? s.complainant.company : null].filter(Boolean).join(', ') ||
    'the rights holder';
  if (routing.state === 'forwarded') {
    const h = routing.holder;
    out.push({
      dedupeKey: `network-report:${reportId}:owner`,
      recipientRole: 'owner',
      to: h.accountEmail,
      subject: `[${provider}] Copyright infringement notice about ${s.ip} (port ${s.port ?? '?'}) at ${s.observedAt.toISOString()}`,
      body: `Dear ${h.accountName},

${provider} received a copyright infringement notice (${FORMAT_NAMES[s.format]}, 17 U.S.C. §512) about an IP address that was assigned to your account (${h.cidr}) at the time the activity was seen. Please identify the device or user behind this address at that time and stop the infringement if the complaint is valid.

What was seen:
${sightingBlock(s)}

The work:
${worksBlock(s)}

Sent by: ${who}${s.complainant.email ? ` <${s.complainant.email}>` : ''}

If you believe the notice is mistaken, you may answer with a counter notice (17 U.S.C. §512(g)(3)).

Report ${reportId}
-- 
${provider} abuse desk
`,
      attachments: [],
    });
  }
  if (complainantAddress) {
    const outcome =
      routing.state === 'forwarded'
        ? `The address was assigned to one of ${provider}'s customers at that time; your notice has been forwarded to that customer.`
        : routing.reason;
    out.push({
      dedupeKey: `network-report:${reportId}:reporter`,
      recipientRole: 'reporter',
      to: complainantAddress,
      subject: `[${provider}] Your notice about ${s.ip} at ${s.observedAt.toISOString()}${s.caseId ? ` (${s.caseId})` : ''}: ${routing.state === 'forwarded' ? 'forwarded' : 'not on our network'}`,
      body: `${provider} received your ${FORMAT_NAMES[s.format]} notice.

${sightingBlock(s)}

Outcome: ${outcome}

Report ${reportId}
-- 
${provider} abuse desk
`,
      attachments: [],
    });
  }
  return out;
}
