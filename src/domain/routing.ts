// Where one resolved URL goes: pure, so every outcome is a unit test away.
import type { ItemState } from './item-state.ts';
import type { HostingProvider } from './hosting-provider.ts';
import type { Resolution } from './takedown-lifecycle.ts';
import { KIND_RULES, type ReportKind } from './report-kinds.ts';

export type ZoneMode = 'proxied' | 'hosted';
export type OriginKind = 'ip' | 'hostname';

export interface ZoneFacts {
  id: number;
  name: string;
  accountId: string;
  accountName: string;
  accountEmail: string;
  mode: ZoneMode;
  /** The origin in force when the notice was filed. */
  origin: string;
  originKind: OriginKind;
}

export type OriginResolution = 'ip' | 'dns' | 'dns_failed';

export interface OriginFacts {
  ips: string[];
  resolution: OriginResolution;
  hosting: HostingProvider | null;
  /** Why a hostname origin could not be resolved. */
  error?: string;
}

export type ItemResolution = { onNetwork: false; host: string } | { onNetwork: true; zone: ZoneFacts; origin: OriginFacts | null };

export interface RoutedItem {
  state: Extract<ItemState, 'not_on_network' | 'forwarded' | 'pending_review'>;
  reason: string | null;
}

/**
 * Where a URL of a report of `kind` goes. A kind whose report is never passed on
 * (`forwardsReport: false`) stays with the provider's staff whether the zone is proxied or
 * hosted: child sexual abuse material is taken down at receipt from there (receiptPolicy in
 * kind-actions.ts) rather than sent to anyone with the URLs, and a WHOIS request is the
 * provider's own to answer (disclose the registrant data or not), so it waits for staff review.
 */
export function routeItem(res: ItemResolution, providerName: string, kind: ReportKind = 'copyright'): RoutedItem {
  const rules = KIND_RULES[kind];
  if (!res.onNetwork) {
    // Material of child abuse elsewhere goes to the hotline, which reaches the right host and the police.
    const where = rules.hotlineReport ? "NCMEC's CyberTipline or your national hotline (inhope.org)" : "the site's own host or registrar";
    return {
      state: 'not_on_network',
      reason: `${res.host} is not a site on ${providerName}'s network, so ${providerName} cannot act on it; send your ${kind === 'copyright' ? 'notice' : 'report'} to ${where}.`,
    };
  }
  if (!rules.forwardsReport) {
    return {
      state: 'pending_review',
      reason:
        rules.onReceipt === 'disable'
          ? `${providerName} disabled this content on receipt of a ${rules.noun}; it is not passed on to anyone.`
          : `${providerName}'s abuse team reviews this ${rules.noun} itself; it is not forwarded to the site's host.`,
    };
  }
  if (res.zone.mode === 'hosted') {
    return { state: 'pending_review', reason: `${providerName} stores this content itself; its abuse team reviews the notice before disabling it.` };
  }
  return { state: 'forwarded', reason: null };
}

/** Where routing sent a URL, as the item's state machine takes it (the `resolve` event). */
export function resolutionOf(r: RoutedItem): Resolution {
  switch (r.state) {
    case 'not_on_network':
      return { to: 'not_on_network', reason: r.reason ?? 'not on this network' };
    case 'forwarded':
      return { to: 'forwarded' };
    case 'pending_review':
      return { to: 'hosted', reason: r.reason };
  }
}
