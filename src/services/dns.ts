// Hostname origins → IP addresses. A failed lookup is an answer to record, not an error to throw.
import { Resolver } from 'node:dns/promises';

export type DnsAnswer = { ok: true; ips: string[] } | { ok: false; error: string };

export interface HostResolver {
  resolve(host: string): Promise<DnsAnswer>;
}

export function systemResolver(opts: { enabled: boolean; timeoutMs?: number; cacheMs?: number }): HostResolver {
  const resolver = new Resolver({ timeout: opts.timeoutMs ?? 2000, tries: 1 });
  const cache = new Map<string, { at: number; answer: Promise<DnsAnswer> }>();
  const ttl = opts.cacheMs ?? 5 * 60_000;
  return {
    resolve(host) {
      if (!opts.enabled) return Promise.resolve({ ok: false, error: 'DNS lookups are disabled on this server (SAFEHARBOR_DNS=off)' });
      const hit = cache.get(host);
      if (hit && Date.now() - hit.at < ttl) return hit.answer;
      const answer = Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]).then(([v4, v6]): DnsAnswer => {
        const ips = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
        if (ips.length) return { ok: true, ips };
        const err = (v4.status === 'rejected' ? v4.reason : v6.status === 'rejected' ? v6.reason : null) as NodeJS.ErrnoException | null;
        return { ok: false, error: `DNS lookup of ${host} failed: ${err?.code ?? 'no A or AAAA records'}` };
      });
      cache.set(host, { at: Date.now(), answer });
      return answer;
    },
  };
}
