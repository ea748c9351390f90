/**
 * Normalisation of URLs that reporters paste into copyright notices.
 *
 * The output of `normaliseUrl` is the canonical form we store, de-duplicate
 * on and act on. Parsing is done by the WHATWG `URL` class, i.e. exactly the
 * way a browser would interpret the same text, so the normalised URL names the
 * resource the reporter's browser would have fetched. On top of that we are
 * stricter than a browser wherever leniency would make us act on something the
 * reporter did not mean (control characters, whitespace in the host, hosts
 * that are not DNS names, bare public suffixes).
 *
 * Every rejection carries a human-readable reason that is shown to the
 * reporter, so reasons are specific and say what is wrong with *their* input.
 *
 * This module is pure: no I/O, no DNS, no clock.
 */
import { parse } from 'tldts';

export type UrlVerdict = { ok: true; url: string; host: string } | { ok: false; reason: string };

/** Longest URL we accept, before and after normalisation (characters). */
export const MAX_URL_LENGTH = 8192;

/** DNS limits (RFC 1035 §2.3.4), measured on the ASCII (punycode) form. */
const MAX_HOST_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

/** Pairs people wrap pasted URLs in: `<https://…>`, `"https://…"`, typographic quotes. */
const WRAPPERS: ReadonlyArray<readonly [string, string]> = [
  ['<', '>'],
  ['"', '"'],
  ["'", "'"],
  ['`', '`'],
  ['\u201C', '\u201D'], // “ ”
  ['\u2018', '\u2019'], // ‘ ’
  ['\u00AB', '\u00BB'], // « »
];

const SCHEME_RE = /^([A-Za-z][A-Za-z0-9+.-]*):/;
/** Tab, CR, LF and the Unicode line/paragraph separators. */
const LINE_BREAK_RE = /[\t\n\r\u2028\u2029]/;
/** C0 controls, DEL, C1 controls. */
const CONTROL_RE = /[\u0000-\u001F\u007F-\u009F]/;
const WHITESPACE_RE = /\s/;
const IPV4_RE = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const LABEL_CHARS_RE = /^[a-z0-9_-]+$/;
const PLAIN_HOST_RE = /^(?:[a-z0-9_-]+\.)*[a-z_][a-z0-9_-]*$/;
const PCT_ESCAPE_RE = /%([0-9A-Fa-f]{2})/g;
/** Characters that end the authority in a special (http/https) URL. */
const AUTHORITY_END = '/\\?#';

type Check<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Normalise a URL pasted by a reporter.
 *
 * On success `url` is the canonical absolute URL and `host` its hostname
 * (no port). `host` is exactly what `URL.hostname` gives after normalisation:
 * a lower-case punycode DNS name without trailing dot, a dotted-quad IPv4
 * address, or an IPv6 address *in square brackets* (e.g. `[2001:db8::1]`),
 * the brackets being how WHATWG URL serialises IPv6 hosts. Callers that need
 * the bare IPv6 address must strip the brackets themselves.
 */
export function normaliseUrl(raw: string): UrlVerdict {
  if (typeof raw !== 'string') return fail('no URL was given');

  const input = unwrap(raw);
  if (input === '') return fail('empty: no URL was given');
  if (input.length > MAX_URL_LENGTH) {
    return fail(`URL is too long (${input.length} characters; the limit is ${MAX_URL_LENGTH})`);
  }
  if (LINE_BREAK_RE.test(input)) {
    return fail('URL contains a line break or tab: paste it on a single line');
  }
  const control = CONTROL_RE.exec(input);
  if (control) return fail(`URL contains the control character ${codePointLabel(control[0])}`);

  // Scheme. `example.com:8080/x` and `localhost:8080` also match the scheme
  // syntax; a "scheme" containing a dot or followed by a port number is taken
  // to be a host.
  let candidate: string;
  let schemeLength: number;
  const scheme = SCHEME_RE.exec(input);
  if (scheme && !scheme[1]!.includes('.') && !/^\d+(?:[/\\?#]|$)/.test(input.slice(scheme[0].length))) {
    const name = scheme[1]!.toLowerCase();
    if (name !== 'http' && name !== 'https') {
      return fail(`unsupported scheme ${quote(name + ':')}: only http and https URLs can be acted on`);
    }
    candidate = input;
    schemeLength = scheme[1]!.length;
  } else if (input.startsWith('//') || input.startsWith('\\\\')) {
    candidate = 'http:' + input; // protocol-relative
    schemeLength = 4;
  } else if (/^[/\\?#]/.test(input)) {
    return fail(`no host: ${quote(input)} is a relative address; give the full URL including the domain name, e.g. https://example.com/page`);
  } else {
    if (rawAuthority(input, 0).includes('@')) {
      return fail(`${quote(input)} looks like an email address, not a web address`);
    }
    candidate = 'http://' + input;
    schemeLength = 4;
  }

  const rawHostPort = stripUserinfo(rawAuthority(candidate, schemeLength + 1));
  if (WHITESPACE_RE.test(rawHostPort)) {
    return fail(`host ${quote(splitPort(rawHostPort).host)} contains whitespace`);
  }

  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return fail(diagnose(rawHostPort));
  }

  // Defensive: the scheme check above should make this unreachable.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail(`unsupported scheme ${quote(url.protocol)}: only http and https URLs can be acted on`);
  }
  if (url.port === '0') return fail('invalid port "0": a port must be a number from 1 to 65535');

  const hostCheck = checkUrlHost(url.hostname);
  if (!hostCheck.ok) return hostCheck;
  const host = hostCheck.value;

  url.username = '';
  url.password = '';
  url.hash = '';
  if (host !== url.hostname) url.hostname = host;

  // `origin` is scheme://host[:port] with scheme and host lower-cased and a
  // default port dropped; the rest of `href` is path + query (an empty query
  // `?` is kept: RFC 3986 §6.2.3 does not license dropping it).
  const href = url.href;
  const origin = url.origin;
  if (!href.startsWith(origin)) return fail('not a valid URL'); // cannot happen for http(s)
  const normalised = origin + normalisePercentEncoding(href.slice(origin.length));

  if (normalised.length > MAX_URL_LENGTH) {
    return fail(`URL is too long after normalisation (${normalised.length} characters; the limit is ${MAX_URL_LENGTH})`);
  }
  return { ok: true, url: normalised, host };
}

/**
 * Normalise a DNS hostname: lower-case, IDN to punycode (UTS #46 via WHATWG
 * URL), trailing dot(s) stripped. Returns null when the input is not a valid
 * DNS hostname: empty, contains whitespace or URL syntax (`/ ? # @ : [ ] \ %`),
 * is an IP address literal, has an empty label, a label longer than 63 or a
 * name longer than 253 characters, a label beginning or ending with `-`, a
 * character other than letters, digits, `-` and `_`, or a numeric top-level
 * label. A bare public suffix such as `com` *is* a valid hostname here.
 */
export function normaliseHost(host: string): string | null {
  if (typeof host !== 'string' || host === '' || host.length > 4 * MAX_HOST_LENGTH) return null;
  if (/[\s/?#@:[\]\\%]/.test(host) || CONTROL_RE.test(host)) return null;
  let hostname = host;
  // A name already in lower-case ASCII letters, digits, `-` and `_`, without punycode and with a
  // top-level label that begins with a letter (so not a number: WHATWG URL would read it as IPv4),
  // is what URL would give back unchanged: the parser is skipped (a zone import normalises a
  // million such names).
  if (!PLAIN_HOST_RE.test(host) || host.includes('xn--')) {
    try {
      hostname = new URL(`http://${host}/`).hostname;
    } catch {
      return null;
    }
  }
  if (IPV4_RE.test(hostname) || hostname.startsWith('[')) return null;
  const checked = checkDnsName(hostname);
  return checked.ok ? checked.value : null;
}

// ---------------------------------------------------------------------------

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/** Trim whitespace and any number of matching wrapper pairs around the URL. */
function unwrap(raw: string): string {
  let s = raw.trim();
  for (;;) {
    const pair = WRAPPERS.find(([open, close]) => s.length >= 2 && s.startsWith(open) && s.endsWith(close));
    if (!pair) return s;
    s = s.slice(1, -1).trim();
  }
}

/** The authority as written: after `from` skip slashes, up to the first `/ \ ? #`. */
function rawAuthority(s: string, from: number): string {
  let i = from;
  while (i < s.length && (s[i] === '/' || s[i] === '\\')) i++;
  let j = i;
  while (j < s.length && !AUTHORITY_END.includes(s[j]!)) j++;
  return s.slice(i, j);
}

/** WHATWG URL splits userinfo from the host at the *last* `@`. */
function stripUserinfo(authority: string): string {
  return authority.slice(authority.lastIndexOf('@') + 1);
}

function splitPort(hostPort: string): { host: string; port: string | null } {
  const colon = hostPort.lastIndexOf(':');
  if (colon < 0 || (hostPort.startsWith('[') && colon < hostPort.lastIndexOf(']'))) {
    return { host: hostPort, port: null };
  }
  return { host: hostPort.slice(0, colon), port: hostPort.slice(colon + 1) };
}

/** Best specific reason for input the WHATWG parser refused. */
function diagnose(rawHostPort: string): string {
  const { host, port } = splitPort(rawHostPort);
  if (host === '') return 'no host: the URL has no domain name or IP address';
  if (port !== null && port !== '') {
    if (!/^\d+$/.test(port)) return `invalid port ${quote(port)}: a port must be a number from 1 to 65535`;
    if (Number(port) > 65535) return `invalid port ${quote(port)}: a port must be a number from 1 to 65535`;
  }
  if (host.startsWith('[')) return `invalid IPv6 address ${quote(host)}`;
  let decoded = host;
  if (host.includes('%')) {
    try {
      decoded = decodeURIComponent(host);
    } catch {
      return `host ${quote(host)} contains an invalid percent-encoded sequence`;
    }
    if (WHITESPACE_RE.test(decoded)) return `host ${quote(host)} contains whitespace`;
  }
  const forbidden = /[\u0000-\u0020#%/:<>?@[\\\]^|]/.exec(decoded);
  if (forbidden) {
    return `host ${quote(host)} contains ${quote(forbidden[0])}, which is not allowed in a domain name`;
  }
  // WHATWG treats a host whose last label is numeric as an IPv4 address.
  const labels = decoded.replace(/\.+$/, '').split('.');
  const numeric = /^(?:0x[0-9a-f]*|\d+)$/i;
  if (numeric.test(labels[labels.length - 1] ?? '')) {
    return labels.every((label) => numeric.test(label))
      ? `invalid IPv4 address ${quote(host)}`
      : `host ${quote(host)} ends in a numeric label, so it is read as an IPv4 address, and it is not a valid one`;
  }
  if (/(?:^|\.)xn--/i.test(decoded) || /[^\u0000-\u007F]/.test(decoded)) {
    return `host ${quote(host)} is not a valid internationalised domain name`;
  }
  return `host ${quote(host)} is not a valid domain name`;
}

/** Validate a parsed `URL.hostname`; returns the host to use (trailing dots stripped). */
function checkUrlHost(hostname: string): Check<string> {
  if (hostname === '') return { ok: false, reason: 'no host: the URL has no domain name or IP address' };
  if (hostname.startsWith('[')) return { ok: true, value: hostname }; // IPv6, validated by URL
  if (IPV4_RE.test(hostname)) return { ok: true, value: hostname }; // canonical IPv4 from URL
  const dns = checkDnsName(hostname);
  if (!dns.ok) return dns;
  const host = dns.value;
  if (!host.includes('.') && parse(host, { allowPrivateDomains: false }).isIcann !== true) {
    // `intranet`, `localhost`: not a delegated TLD, so not on the public internet.
    return {
      ok: false,
      reason: `host ${quote(host)} is a single label, not a public domain name such as example.com`,
    };
  }
  // ICANN section only: private-section entries (github.io, blogspot.com, …)
  // are real sites people link to and must stay acceptable.
  if (parse(host, { allowPrivateDomains: false }).domain === null) {
    return {
      ok: false,
      reason: `host ${quote(host)} is a public suffix (like "com" or "co.uk"), not a website: give the full domain name, e.g. example.${host}`,
    };
  }
  return { ok: true, value: host };
}

/** DNS-name syntax on an already lower-cased, punycoded name. Strips trailing dots. */
function checkDnsName(name: string): Check<string> {
  let end = name.length;
  while (end > 0 && name.charCodeAt(end - 1) === 46) end--;
  const host = end === name.length ? name : name.slice(0, end);
  if (host === '') return { ok: false, reason: 'no host: the URL has no domain name or IP address' };
  if (host.length > MAX_HOST_LENGTH) {
    return {
      ok: false,
      reason: `host name is too long (${host.length} characters; the DNS limit is ${MAX_HOST_LENGTH})`,
    };
  }
  const labels = host.split('.');
  for (const label of labels) {
    if (label === '') return { ok: false, reason: `host ${quote(host)} has an empty label (two dots in a row, or a leading dot)` };
    if (label.length > MAX_LABEL_LENGTH) {
      return {
        ok: false,
        reason: `host ${quote(host)} has a label of ${label.length} characters; the DNS limit is ${MAX_LABEL_LENGTH}`,
      };
    }
    if (!LABEL_CHARS_RE.test(label)) {
      const bad = /[^a-z0-9_-]/.exec(label)![0];
      return { ok: false, reason: `host ${quote(host)} contains ${quote(bad)}, which is not allowed in a domain name` };
    }
    if (label.startsWith('-') || label.endsWith('-')) {
      return { ok: false, reason: `host ${quote(host)} has a label that begins or ends with a hyphen: ${quote(label)}` };
    }
  }
  const tld = labels[labels.length - 1]!;
  if (/^\d+$/.test(tld) || tld.includes('_')) {
    return { ok: false, reason: `host ${quote(host)} has an invalid top-level label ${quote(tld)}` };
  }
  return { ok: true, value: host };
}

function isUnreserved(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x2d || // -
    c === 0x2e || // .
    c === 0x5f || // _
    c === 0x7e // ~
  );
}

/**
 * RFC 3986 §6.2.2: upper-case the hex digits of every escape and decode
 * escapes of unreserved characters. Everything else stays encoded, notably
 * `%2F` (an encoded slash is not a path separator) and `%25`. A `%` that does
 * not start a valid escape is left as is, as browsers send it.
 *
 * Decoding `%2E` cannot create a new `.`/`..` path segment: WHATWG URL has
 * already resolved `%2e`/`.%2e`/`%2e.`/`%2e%2e` segments as dot segments.
 */
function normalisePercentEncoding(s: string): string {
  if (!s.includes('%')) return s;
  return s.replace(PCT_ESCAPE_RE, (_escape, hex: string) => {
    const code = parseInt(hex, 16);
    return isUnreserved(code) ? String.fromCharCode(code) : '%' + hex.toUpperCase();
  });
}

/** Quote a piece of reporter input for a reason, truncated so reasons stay readable. */
function quote(s: string): string {
  const max = 100;
  return JSON.stringify(s.length > max ? s.slice(0, max) + '…' : s);
}

function codePointLabel(ch: string): string {
  return 'U+' + ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
}
