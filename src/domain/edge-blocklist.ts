/**
 * The edge blocklist: what the provider's edge must refuse to serve, built from plain data
 * (disabled URLs with their notices, terminated zones, court-ordered domains), and its nginx
 * rendering. Pure: no I/O, no clock; the same input gives byte-for-byte the same output.
 *
 * ## The document
 *
 * `buildBlocklist` sorts and de-duplicates its input and names the result by a content hash
 * (`version`, SHA-256 hex of a canonical serialisation), so the version is independent of input
 * order, changes whenever the set changes, and two servers with the same data agree on it.
 *
 * ## The nginx rendering (`renderNginxMap`)
 *
 * Four `map` blocks, evaluated lazily by nginx and only on the first use per request:
 *
 *   map $host                $safeharbor_block_host { hostnames; ".zone.example" "terminated"; … }
 *   map "$host$uri"          $safeharbor_block_path { default $safeharbor_block_host; "host/path" "<notice id>"; … }
 *   map "$host$uri?$args"    $safeharbor_block      { default $safeharbor_block_path; "host/path?query" "<notice id>"; … }
 *   map $safeharbor_block    $safeharbor_blocked_by { ~^(<uuid>)$ "<https://desk/notices/$1/public>; rel=\"blocked-by\""; … }
 *
 * Court-ordered domains carry the value `court-order:<order uuid>`: their Link is the order's
 * public page (`publicCourtOrderPath`).
 *
 * A server block answers `if ($safeharbor_block) { return 451; }` and sends
 * `add_header Link $safeharbor_blocked_by always;` (RFC 7725); see `NGINX_SERVER_SNIPPET`.
 *
 * Matching rules — decided here, and what the tests pin down:
 *
 * - **Host**: nginx's `$host` (lower-case, no port, no trailing dot). The scheme and the port of
 *   the disabled URL are ignored: `http://` and `https://`, any port, are blocked alike.
 * - **Path**: matched against nginx's `$uri`, not `$request_uri`. `$uri` is the path as nginx
 *   itself resolves it: percent-escapes decoded (all of them, `%2F` included), `.`/`..` segments
 *   resolved and repeated slashes merged. Keys are computed the same way from the stored
 *   (normalised) URL, so `/a%2Emp4`, `/x/../a.mp4` and `//a.mp4` cannot slip past a block on
 *   `/a.mp4` — with `$request_uri` each of them would.
 * - **Query**: a disabled URL *without* a query (or with an empty one) blocks its path with any
 *   query string — cache-busters like `?v=2` must not bring the content back. A disabled URL
 *   *with* a query (`/watch?v=abc`) blocks that exact query only (compared with nginx's raw
 *   `$args`); blocking every query of `/watch` would take down far more than was noticed.
 * - **Case**: nginx compares `map` keys case-insensitively (ASCII), so `/A.mp4` and `/a.mp4`
 *   are one key. We lower-case keys ourselves and keep the first of such twins: nginx refuses a
 *   map with two equal keys, and an over-block on a case twin is the lesser evil.
 * - **Zones and court-ordered domains** block the name and every name under it (`.name` in a
 *   `hostnames` map).
 *
 * Safety: every value that reaches the file comes from the key computation below and is written
 * inside double quotes with `\` and `"` escaped; anything that is not printable ASCII or valid,
 * control-free UTF-8 (after percent-decoding) becomes a case-insensitive PCRE key in which every
 * byte other than `[a-z0-9/]` is `\xHH`. Map values are only notice ids (checked to be UUIDs),
 * fixed words, and the desk's base URL with every character outside a conservative URL set
 * percent-encoded — so no `$` (nginx variables), quote, brace or semicolon from data can reach
 * the configuration. Comments carry only numbers.
 *
 * Entries nginx cannot be made to match are left out of the map and reported as `skipped`: a
 * path that nginx itself answers with 400 (a decoded NUL byte, a `%` not followed by two hex
 * digits, `..` above the root) and keys longer than nginx's 4 KiB configuration token limit.
 */
import { createHash } from 'node:crypto';
import { normaliseHost } from './url.ts';

export const BLOCKLIST_FORMAT = 'safeharbor-edge-blocklist/1';

export interface BlocklistInput {
  /** Disabled content: normalised URLs (notice_items.url) and the notice each was disabled for. */
  urls: readonly { url: string; noticeId: string }[];
  /** Names of terminated zones. */
  terminatedZones: readonly string[];
  /** Domains a court ordered blocked (exact names; every subdomain is blocked too). */
  courtOrderedDomains?: readonly { domain: string; orderId?: string | null }[];
  /** Base URL of the desk's public pages, e.g. https://abuse.example: the targets of Link headers. */
  publicBaseUrl: string;
}

export interface BlocklistDocument {
  format: typeof BLOCKLIST_FORMAT;
  /** SHA-256 (hex) of the canonical content: equal documents, equal versions. */
  version: string;
  public_base_url: string;
  /** Where a blocked URL's notice is described publicly; `{notice_id}` is replaced. */
  notice_url_template: string;
  counts: { urls: number; zones: number; domains: number; skipped: number };
  /** One entry per URL, sorted; when several notices disabled a URL, the smallest notice id. */
  urls: { url: string; notice_id: string }[];
  zones: { zone: string }[];
  domains: { domain: string; order_id: string | null }[];
  /** Input that could not be used, and why (never rendered into nginx configuration). */
  skipped: { kind: 'url' | 'zone' | 'domain'; value: string; why: string }[];
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** The public page of a notice, relative to the desk's base URL. */
export const publicNoticePath = (noticeId: string) => `/notices/${noticeId}/public`;

/** The public page of a court order (legal request) whose rules block domains. */
export const publicCourtOrderPath = (orderId: string) => `/court-orders/${orderId}/public`;

/**
 * The desk's base URL, safe to write anywhere: http(s) only, no query or fragment, no trailing
 * slash, and every character outside unreserved / sub-delims-without-`$` / `:@/%[]` percent-encoded.
 */
export function safeBaseUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`the public base URL ${JSON.stringify(raw)} is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`the public base URL must be http or https, not ${u.protocol}`);
  u.search = '';
  u.hash = '';
  u.username = '';
  u.password = '';
  const s = u.href.replace(/\/+$/, '');
  // Keep %XX escapes; encode everything else that is not in the safe set, byte by byte.
  return s.replace(/%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~:/@!&'()*+,;=%[\]]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join(''),
  );
}

/** The shape of almost every normalised URL: lower-case DNS host, optional port, path, query. */
const PLAIN_URL_RE = /^https?:\/\/([a-z0-9][a-z0-9.\-_]*)(?::[0-9]{1,5})?(\/[^?#]*)?(?:\?([^#]*))?$/;

/** Parse a stored URL enough to block it: http(s), a host, a path, maybe a query. */
function splitUrl(url: string): { host: string; path: string; query: string } | null {
  const m = PLAIN_URL_RE.exec(url);
  if (m && !m[1]!.endsWith('.')) return { host: m[1]!, path: m[2] || '/', query: m[3] ?? '' };
  // Normalised URLs are `scheme://host[:port]/path[?query]`; parse with URL for safety, but take
  // path and query from the string so escapes stay exactly as stored.
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname) return null;
  const afterScheme = url.indexOf('//') + 2;
  const slash = url.indexOf('/', afterScheme);
  const q = url.indexOf('?', afterScheme);
  const pathStart = slash >= 0 && (q < 0 || slash < q) ? slash : q >= 0 ? q : url.length;
  const hash = url.indexOf('#');
  const end = hash >= 0 ? hash : url.length;
  const rest = url.slice(pathStart, end);
  const qi = rest.indexOf('?');
  const path = (qi >= 0 ? rest.slice(0, qi) : rest) || '/';
  const query = qi >= 0 ? rest.slice(qi + 1) : '';
  return { host: u.hostname.replace(/\.+$/, '').toLowerCase(), path, query };
}

export function buildBlocklist(input: BlocklistInput): BlocklistDocument {
  const base = safeBaseUrl(input.publicBaseUrl);
  const skipped: BlocklistDocument['skipped'] = [];

  const byUrl = new Map<string, string>();
  for (const { url, noticeId } of input.urls) {
    const id = typeof noticeId === 'string' ? noticeId.toLowerCase() : '';
    if (!UUID_RE.test(id)) {
      skipped.push({ kind: 'url', value: String(url), why: 'the notice id is not a UUID' });
      continue;
    }
    if (typeof url !== 'string' || !(PLAIN_URL_RE.test(url) || splitUrl(url))) {
      skipped.push({ kind: 'url', value: String(url), why: 'not an http(s) URL with a host' });
      continue;
    }
    const had = byUrl.get(url);
    if (had === undefined || id < had) byUrl.set(url, id);
  }
  const urls = [...byUrl.keys()].sort().map((url) => ({ url, notice_id: byUrl.get(url)! }));

  const zoneSet = new Set<string>();
  for (const z of input.terminatedZones) {
    const h = typeof z === 'string' ? normaliseHost(z) : null;
    if (!h) skipped.push({ kind: 'zone', value: String(z), why: 'not a valid DNS name' });
    else zoneSet.add(h);
  }
  const zones = [...zoneSet].sort().map((zone) => ({ zone }));

  const byDomain = new Map<string, string | null>();
  for (const d of input.courtOrderedDomains ?? []) {
    const h = typeof d?.domain === 'string' ? normaliseHost(d.domain) : null;
    if (!h) {
      skipped.push({ kind: 'domain', value: String(d?.domain), why: 'not a valid DNS name' });
      continue;
    }
    const order = d.orderId == null ? null : String(d.orderId);
    const had = byDomain.get(h);
    if (!byDomain.has(h) || (order !== null && (had === null || had === undefined || order < had))) byDomain.set(h, order);
  }
  const domains = [...byDomain].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([domain, order_id]) => ({ domain, order_id }));

  skipped.sort((a, b) => (a.kind + '\0' + a.value < b.kind + '\0' + b.value ? -1 : a.kind + '\0' + a.value > b.kind + '\0' + b.value ? 1 : 0));

  const h = createHash('sha256');
  // Lines in batches: one hash update per few thousand entries, not one per entry.
  let batch = `${BLOCKLIST_FORMAT}\nbase\t${base}\n`;
  const line = (l: string) => {
    batch += l;
    if (batch.length > 1 << 16) {
      h.update(batch);
      batch = '';
    }
  };
  for (const u of urls) line(`u\t${u.url}\t${u.notice_id}\n`);
  for (const z of zones) line(`z\t${z.zone}\n`);
  for (const d of domains) line(`d\t${d.domain}\t${d.order_id ?? ''}\n`);
  for (const s of skipped) line(`s\t${s.kind}\t${s.value.replace(/[\t\n\\]/g, (c) => '\\' + c.charCodeAt(0))}\t${s.why}\n`);
  h.update(batch);

  return {
    format: BLOCKLIST_FORMAT,
    version: h.digest('hex'),
    public_base_url: base,
    notice_url_template: `${base}${publicNoticePath('{notice_id}')}`,
    counts: { urls: urls.length, zones: zones.length, domains: domains.length, skipped: skipped.length },
    urls,
    zones,
    domains,
    skipped,
  };
}

// ---------------------------------------------------------------------------------------------
// nginx

/** nginx reads a configuration token into a 4 KiB buffer; longer keys make the file fail to load. */
export const NGINX_MAX_KEY_BYTES = 4000;

export type EdgeKey = { ok: true; key: string /** bytes as a latin1 string: one char per byte */ } | { ok: false; why: string };

/**
 * What nginx's `$uri` is for a request of this (normalised) path: percent-escapes decoded,
 * repeated slashes merged, `.` and `..` segments resolved — as ngx_http_parse_complex_uri does.
 * Returns bytes as a latin1 string, or why nginx would refuse the request (400).
 */
export function nginxUri(path: string): EdgeKey {
  // Fast path: nothing to decode and no segment nginx would rewrite.
  if (path.startsWith('/') && !/%|\/\/|\/\.(?:\/|\.?(?:\/|$)|$)|[^\x00-\x7f]/.test(path)) return { ok: true, key: path };
  let bytes = '';
  const raw = Buffer.from(path, 'utf8').toString('latin1');
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '%') {
      bytes += c;
      continue;
    }
    const hex = raw.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return { ok: false, why: 'nginx answers 400 to a "%" that is not followed by two hex digits' };
    const b = parseInt(hex, 16);
    if (b === 0) return { ok: false, why: 'nginx answers 400 to an encoded NUL byte (%00)' };
    bytes += String.fromCharCode(b);
    i += 2;
  }
  if (!bytes.startsWith('/')) bytes = '/' + bytes;
  const out: string[] = [];
  const segments = bytes.split('/').slice(1);
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const last = i === segments.length - 1;
    if (s === '' && !last) continue; // merge_slashes
    if (s === '.') {
      if (last) out.push('');
      continue;
    }
    if (s === '..') {
      if (out.length === 0) return { ok: false, why: 'nginx answers 400 to a path that goes above the root with ".."' };
      out.pop();
      if (last) out.push('');
      continue;
    }
    out.push(s);
  }
  return { ok: true, key: '/' + out.join('/') };
}

/** The map key for one URL: `host + $uri` (+ `?` + query when the URL has one). */
export function edgeKeyForUrl(url: string): EdgeKey & { query?: boolean } {
  const parts = splitUrl(url);
  if (!parts) return { ok: false, why: 'not an http(s) URL with a host' };
  const uri = nginxUri(parts.path);
  if (!uri.ok) return uri;
  const key = parts.host + uri.key + (parts.query ? '?' + parts.query : '');
  return { ok: true, key: asciiLower(key), query: parts.query !== '' };
}

/** nginx lower-cases map keys and lookups with an ASCII-only tolower. */
function asciiLower(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
// C0, DEL, C1, and the line/paragraph separators: never written raw into the file.
const UNPRINTABLE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\uFEFF]/;

/** A key as nginx configuration text: a quoted literal, or a case-insensitive byte regex. */
export function nginxMapKey(latin1Key: string): { text: string; regex: boolean } {
  if (/^[\x21\x23-\x5b\x5d-\x7d][\x20\x21\x23-\x5b\x5d-\x7e]*$/.test(latin1Key)) return { text: `"${latin1Key}"`, regex: false };
  const buf = Buffer.from(latin1Key, 'latin1');
  let text: string | null = null;
  try {
    text = UTF8.decode(buf);
  } catch {
    text = null;
  }
  if (text !== null && !UNPRINTABLE.test(text) && text !== '' && !/^[~\\]/.test(text)) {
    return { text: quote(text), regex: false };
  }
  let re = '~*^';
  for (const b of buf) {
    const c = String.fromCharCode(b);
    re += /[a-z0-9/]/.test(c) ? c : '\\x' + b.toString(16).padStart(2, '0');
  }
  return { text: `"${re}$"`, regex: true };
}

function quote(s: string): string {
  return '"' + s.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}

export interface NginxRendering {
  text: string;
  /** URLs of the document left out of the map, and why (nginx could never serve them anyway, or the key is too long). */
  skipped: { url: string; why: string }[];
  counts: { hosts: number; paths: number; queries: number; regex: number; case_twins: number };
}

const nextPow2 = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/** The nginx `map` file for a blocklist document. Deterministic for a given document. */
export function renderNginxMap(doc: BlocklistDocument): NginxRendering {
  const skipped: NginxRendering['skipped'] = [];
  const hostLines: string[] = [];
  const seenHosts = new Set<string>();
  for (const z of doc.zones) {
    if (seenHosts.has(z.zone)) continue;
    seenHosts.add(z.zone);
    hostLines.push(`    ${quote('.' + z.zone)} "terminated";`);
  }
  for (const d of doc.domains) {
    if (seenHosts.has(d.domain)) continue;
    seenHosts.add(d.domain);
    // The order's own page when the order id is a UUID (the value is then safe to write as is).
    const value = d.order_id !== null && UUID_RE.test(d.order_id) ? `court-order:${d.order_id}` : 'court-order';
    hostLines.push(`    ${quote('.' + d.domain)} "${value}";`);
  }

  const pathLines: string[] = [];
  const queryLines: string[] = [];
  const pathRegex: string[] = [];
  const queryRegex: string[] = [];
  const seen = new Set<string>();
  let caseTwins = 0;
  let longest = 0;
  for (const u of doc.urls) {
    if (!UUID_RE.test(u.notice_id)) {
      skipped.push({ url: u.url, why: 'the notice id is not a UUID' });
      continue;
    }
    const k = edgeKeyForUrl(u.url);
    if (!k.ok) {
      skipped.push({ url: u.url, why: k.why });
      continue;
    }
    const bucket = k.query ? 'q' : 'p';
    if (seen.has(bucket + k.key)) {
      caseTwins++;
      continue;
    }
    seen.add(bucket + k.key);
    const { text, regex } = nginxMapKey(k.key);
    if (Buffer.byteLength(text, 'utf8') > NGINX_MAX_KEY_BYTES) {
      skipped.push({ url: u.url, why: `the nginx key would be longer than ${NGINX_MAX_KEY_BYTES} bytes (nginx's configuration token limit)` });
      continue;
    }
    if (!regex) longest = Math.max(longest, Buffer.byteLength(k.key, 'latin1'));
    const line = `    ${text} "${u.notice_id}";`;
    (regex ? (k.query ? queryRegex : pathRegex) : k.query ? queryLines : pathLines).push(line);
  }

  // nginx must fit the longest key in one hash bucket (value pointer, length, name, NULL end) and
  // finds a hash size fastest with generous buckets and a max size above the key count.
  const bucketSize = Math.max(1024, nextPow2(longest + 32));
  const maxSize = Math.max(2048, 2 * nextPow2(Math.max(pathLines.length, queryLines.length, hostLines.length * 2)));

  const base = doc.public_base_url;
  const link = (target: string) => quote(`<${target}>; rel="blocked-by"`);
  const lines = [
    '# Safeharbor edge blocklist for nginx. Generated; do not edit (regenerate: safeharbor edge nginx).',
    `# ${doc.format} version ${doc.version}`,
    `# ${pathLines.length + pathRegex.length} paths, ${queryLines.length + queryRegex.length} path+query entries, ${hostLines.length} whole sites; ${skipped.length} URLs left out (see the JSON feed)`,
    '#',
    '# Include inside http { }, before the servers that use it; it sets map_hash_* itself, so do not',
    '# set those elsewhere. Then, in each server { }:',
    ...NGINX_SERVER_SNIPPET.split('\n').map((l) => `#     ${l}`.trimEnd()),
    '',
    `map_hash_max_size ${maxSize};`,
    `map_hash_bucket_size ${bucketSize};`,
    '',
    '# Whole sites: terminated zones and court-ordered domains, with every name under them.',
    'map $host $safeharbor_block_host {',
    '    hostnames;',
    '    default "";',
    ...hostLines,
    '}',
    '',
    '# Disabled URLs without a query string: the path (as nginx resolves it in $uri) with any query.',
    'map "$host$uri" $safeharbor_block_path {',
    '    default $safeharbor_block_host;',
    ...pathLines,
    ...pathRegex,
    '}',
    '',
    '# Disabled URLs with a query string: that path with exactly that query.',
    'map "$host$uri?$args" $safeharbor_block {',
    '    default $safeharbor_block_path;',
    ...queryLines,
    ...queryRegex,
    '}',
    '',
    '# RFC 7725: who blocks, and why (the public notice).',
    'map $safeharbor_block $safeharbor_blocked_by {',
    '    default "";',
    `    "~^(${UUID_PATTERN})$" ${link(`${base}${publicNoticePath('$1')}`)};`,
    `    "terminated" ${link(`${base}/`)};`,
    `    "court-order" ${link(`${base}/`)};`,
    `    "~^court-order:(${UUID_PATTERN})$" ${link(`${base}${publicCourtOrderPath('$1')}`)};`,
    '}',
    '',
  ];
  return {
    text: lines.join('\n'),
    skipped,
    counts: {
      hosts: hostLines.length,
      paths: pathLines.length + pathRegex.length,
      queries: queryLines.length + queryRegex.length,
      regex: pathRegex.length + queryRegex.length,
      case_twins: caseTwins,
    },
  };
}

/** How a server block uses the map (also printed at the top of every generated file). */
export const NGINX_SERVER_SNIPPET = `# 451 Unavailable For Legal Reasons, before any location is chosen:
if ($safeharbor_block) { return 451; }
# The Link header (sent only when blocked; locations with add_header of their own must repeat it):
add_header Link $safeharbor_blocked_by always;`;
