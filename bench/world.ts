// A generated provider's world for the benches: zones (the realistic names of
// bench/zone-index.ts, ~10% of them subzones), accounts with one to a hundred zones each,
// proxied and hosted zones, origins that are IPv4 (mostly in hosting providers' ranges),
// IPv6 or hostnames; operator network overrides with abuse contacts for some of those
// providers; and the URLs reporters send, hits at every depth, misses and junk.
// Everything is deterministic, so runs compare.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { domainToASCII } from 'node:url';
import { prng, zoneNames } from './zone-index.ts';

const NAME_SEED = 20240611;

/** 32-bit hash of (i, salt): per-zone random facts that do not depend on generation order. */
function h32(i: number, salt: number): number {
  let x = (Math.imul(i, 0x9e3779b1) ^ salt) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
const unit = (i: number, salt: number) => h32(i, salt) / 4294967296;

/** Hosting providers' IPv4 /16s and IPv6 /32s (first groups), as origins are spread in practice. */
const HOSTING_V4 = [
  '5.9',
  '88.198',
  '136.243',
  '95.216', // Hetzner
  '51.38',
  '54.36',
  '149.202',
  '188.165', // OVH
  '3.120',
  '52.18',
  '18.184', // AWS
  '34.102',
  '35.186', // Google Cloud
  '104.131',
  '159.89',
  '139.59', // DigitalOcean
  '45.33',
  '172.104', // Linode
  '20.50',
  '40.112', // Azure
  '163.172',
  '62.210', // Scaleway
];
const HOSTING_V6 = ['2a01:4f8', '2001:41d0', '2600:1f18', '2a05:d018', '2604:a880', '2a03:b0c0', '2600:3c00', '2001:19f0', '2a02:c207', '2001:bc8'];
const PLATFORMS = ['herokuapp.com', 'azurewebsites.net', 'eu-west-1.elb.amazonaws.com', 'netlify.app', 'myshopify.com', 'wpengine.com', 'pages.dev'];

/** Operator overrides: abuse contacts for some providers (the others are left to the ASN data). */
export function networksCsv(): string {
  return (
    [
      'cidr,asn,name,abuse_email',
      '5.9.0.0/16,24940,Hetzner Online GmbH,abuse@hetzner.example',
      '88.198.0.0/16,24940,Hetzner Online GmbH,abuse@hetzner.example',
      '136.243.0.0/16,24940,Hetzner Online GmbH,abuse@hetzner.example',
      '95.216.0.0/16,24940,Hetzner Online GmbH,abuse@hetzner.example',
      '2a01:4f8::/32,24940,Hetzner Online GmbH,abuse@hetzner.example',
      '51.38.0.0/16,16276,OVH SAS,abuse@ovh.example',
      '54.36.0.0/16,16276,OVH SAS,abuse@ovh.example',
      '149.202.0.0/16,16276,OVH SAS,abuse@ovh.example',
      '188.165.0.0/16,16276,OVH SAS,abuse@ovh.example',
      '2001:41d0::/32,16276,OVH SAS,abuse@ovh.example',
      '104.131.0.0/16,14061,DigitalOcean LLC,abuse@digitalocean.example',
      '159.89.0.0/16,14061,DigitalOcean LLC,abuse@digitalocean.example',
      '139.59.0.0/16,14061,DigitalOcean LLC,abuse@digitalocean.example',
      '2604:a880::/32,14061,DigitalOcean LLC,abuse@digitalocean.example',
      '163.172.0.0/16,12876,Scaleway SAS,abuse@scaleway.example',
    ].join('\n') + '\n'
  );
}

/** The origin of zone i; `salt` picks the generation (another salt gives another origin). */
function originFor(i: number, name: string, salt: number): string {
  const r = unit(i, salt);
  const a = h32(i, salt ^ 0x51ed);
  if (r < 0.5) return `${HOSTING_V4[a % HOSTING_V4.length]}.${(a >>> 8) & 255}.${1 + ((a >>> 16) % 254)}`;
  if (r < 0.65) {
    // Anywhere in public IPv4 space (first octets of unicast, non-private blocks).
    let first = 1 + (a % 223);
    if (first === 10 || first === 127 || first === 100 || first === 169 || first === 172 || first === 192 || first === 198 || first === 203) first = 81;
    return `${first}.${(a >>> 8) & 255}.${(a >>> 16) & 255}.${1 + ((a >>> 24) % 254)}`;
  }
  if (r < 0.8) {
    const b = h32(i, salt ^ 0x6e6);
    return `${HOSTING_V6[a % HOSTING_V6.length]}:${((a >>> 8) & 0xffff).toString(16)}:${(b & 0xffff).toString(16)}::${(b >>> 16 || 1).toString(16)}`;
  }
  const label = name.slice(0, name.indexOf('.')).replace(/^xn--/, 'x');
  return r < 0.88 ? `origin.${name}` : `${label}-${(a % 10_000).toString(36)}.${PLATFORMS[a % PLATFORMS.length]}`;
}

export interface ZoneWorld {
  names: string[];
  accounts: number;
  hosted: number;
  origins: { ipv4: number; ipv6: number; hostname: number };
}

/**
 * The zone names of a world of n zones. bench/zone-index.ts glues the punycode of its IDN words
 * to other text ("xn--caf-dmatech82"), which is not valid punycode and which the import rightly
 * refuses; such names are re-encoded from their Unicode form ("cafétech82" → "xn--caftech82-…").
 */
export function worldZoneNames(n: number): string[] {
  const names = zoneNames(n, NAME_SEED);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const name of names) {
    const fixed = name.includes('xn--') ? domainToASCII(name.replaceAll('xn--bcher-kva', 'bücher').replaceAll('xn--caf-dma', 'café')) : name;
    if (fixed && !seen.has(fixed)) {
      seen.add(fixed);
      out.push(fixed);
    }
  }
  for (let i = 0; out.length < n; i++) if (!seen.has(`filler-${i}.com`)) out.push(`filler-${i}.com`);
  return out;
}

/**
 * Writes the import CSV of a world to `path`. With `changedPercent`, that share of zones
 * (chosen by hash, the same ones every run) get a different origin: the re-import file.
 */
export async function writeZoneCsv(path: string, names: readonly string[], opts: { changedPercent?: number } = {}): Promise<ZoneWorld> {
  const out = createWriteStream(path);
  const random = prng(0xacc7);
  const world: ZoneWorld = { names: names as string[], accounts: 0, hosted: 0, origins: { ipv4: 0, ipv6: 0, hostname: 0 } };
  let account = 0;
  let left = 0;
  let lines: string[] = ['account_id,account_name,account_email,zone,mode,origin'];
  for (let i = 0; i < names.length; i++) {
    if (left === 0) {
      // Zones per account: 40% one, 30% 2-5, 25% 6-20, 5% 21-100 (about 7.7 on average).
      const r = random();
      left = r < 0.4 ? 1 : r < 0.7 ? 2 + Math.floor(random() * 4) : r < 0.95 ? 6 + Math.floor(random() * 15) : 21 + Math.floor(random() * 80);
      account++;
    }
    left--;
    const name = names[i]!;
    const changed = opts.changedPercent !== undefined && unit(i, 0xc4a9) < opts.changedPercent / 100;
    const origin = originFor(i, name, changed ? 0x2222 : 0x1111);
    const hosted = unit(i, 0x4057) < 0.2;
    if (hosted) world.hosted++;
    if (origin.includes(':')) world.origins.ipv6++;
    else if (/^[\d.]+$/.test(origin)) world.origins.ipv4++;
    else world.origins.hostname++;
    const accountName = account % 20 === 0 ? `"Customer ${account}, Inc."` : `Customer ${account} Ltd`;
    lines.push(`acct-${account},${accountName},ops+${account}@customer${account % 5000}.example,${name},${hosted ? 'hosted' : 'proxied'},${origin}`);
    if (lines.length >= 20_000) {
      if (!out.write(lines.join('\n') + '\n')) await once(out, 'drain');
      lines = [];
    }
  }
  out.end(lines.length ? lines.join('\n') + '\n' : '');
  await once(out, 'finish');
  world.accounts = account;
  return world;
}

const EXTRA = ['www', 'cdn', 'img', 'static', 'media', 'files', 'dl', 'eu', 'm', 'v2'];

/**
 * n URLs as reporters send them, over the given zones:
 *   57% on the network: 12% the zone apex, 25% www., 15% two or three labels deeper,
 *       5% in odd but valid spellings (upper case, explicit port, trailing dot, <…>, %-escapes);
 *   33% not on the network: unknown domains, near misses (not on a label boundary), IP literals;
 *   10% not URLs we can act on: no scheme, other schemes, local hosts, spaces, prose.
 * Paths carry the index, so there are few duplicates (a few constant junk lines fold).
 */
export function urlMix(names: readonly string[], n: number, seed = 7): string[] {
  const random = prng(seed);
  const out = new Array<string>(n);
  const zone = () => names[Math.floor(random() * names.length)]!;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  for (let i = 0; i < n; i++) {
    const r = random() * 100;
    const path = `/${pick(['watch', 'films', 'video', 'download', 'files', 'p'])}/${i.toString(36)}${pick(['.mp4', '.html', '', '?id=' + i, '.zip'])}`;
    if (r < 12) out[i] = `https://${zone()}${path}`;
    else if (r < 37) out[i] = `https://www.${zone()}${path}`;
    else if (r < 52) out[i] = `https://${pick(EXTRA)}.${random() < 0.5 ? `${pick(EXTRA)}.` : ''}${pick(EXTRA)}.${zone()}${path}`;
    else if (r < 57) {
      const z = zone();
      const k = i % 5;
      out[i] =
        k === 0
          ? `HTTPS://WWW.${z.toUpperCase()}${path}`
          : k === 1
            ? `http://${z}:8080${path}`
            : k === 2
              ? `https://cdn.${z}.${path}`
              : k === 3
                ? `<https://${z}${path}>`
                : `https://${z}/t%C3%A9l%C3%A9chargement${path}`;
    } else if (r < 76) out[i] = `https://${pick(['pirate', 'free', 'stream', 'watch'])}-${i}.${pick(['com', 'net', 'to', 'co.uk', 'ru'])}${path}`;
    else if (r < 84)
      out[i] = `https://www.x${zone()}${path}`; // near miss
    else if (r < 90) out[i] = `http://${1 + (i % 222)}.${(i >>> 8) & 255}.${i & 255}.${1 + (i % 250)}${path}`;
    else {
      const k = i % 8;
      out[i] =
        k === 0
          ? `www.${zone()}${path}` // no scheme
          : k === 1
            ? `ftp://${zone()}${path}`
            : k === 2
              ? `http://localhost:3000${path}`
              : k === 3
                ? `https://exa mple-${i}.com${path}`
                : k === 4
                  ? `see the attached spreadsheet, row ${i}`
                  : k === 5
                    ? 'javascript:void(0)'
                    : k === 6
                      ? `https://${'a'.repeat(64)}-${i}.com/`
                      : `https://co.uk${path}`;
    }
  }
  return out;
}
