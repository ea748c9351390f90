// Where one resolved URL goes: pure, so every outcome is a unit test away.
import type { ItemState } from './item-state.ts';
import type { HostingProvider } from './hosting-provider.ts';
import type { Resolution } from './takedown-lifecycle.ts';

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

export function routeItem(res: ItemResolution, providerName: string): RoutedItem {
  if (!res.onNetwork) {
    return {
      state: 'not_on_network',
      reason: `${res.host} is not a site on ${providerName}'s network, so ${providerName} cannot act on it; send your notice to the site's own host or registrar.`,
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
