// A small, pure reader of MIME messages (RFC 5322/2045/2047) for .eml documents: headers,
// multipart bodies, base64 and quoted-printable, charsets. Enough to find a notice's text and
// its XML or text attachments; the SMTP intake uses mailparser for the general case.
import type { MailParts } from './types.ts';

const MAX_DEPTH = 8;
const MAX_PARTS = 200;

interface Part {
  headers: Map<string, string>;
  body: string; // raw (still transfer-encoded), as latin1 code units
}

function splitHeaders(raw: string): Part {
  const sep = raw.search(/\r?\n\r?\n/);
  const head = sep < 0 ? raw : raw.slice(0, sep);
  const body = sep < 0 ? '' : raw.slice(sep).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const c = line.indexOf(':');
    if (c <= 0) continue;
    const name = line.slice(0, c).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(c + 1).trim());
  }
  return { headers, body };
}

function param(header: string | undefined, name: string): string | null {
  if (!header) return null;
  const m = new RegExp(String.raw`(?:^|;)\s*${name}\*?\s*=\s*(?:"([^"]*)"|([^;\s]+))`, 'i').exec(header);
  if (!m) return null;
  const v = m[1] ?? m[2] ?? '';
  const ext = /^([\w-]+)'[\w-]*'(.*)$/.exec(v); // RFC 2231: charset''percent-encoded
  if (ext) {
    try {
      return decodeCharset(Buffer.from(decodeURIComponent(ext[2]!.replace(/%(?![0-9a-f]{2})/gi, '%25')), 'utf8'), 'utf-8');
    } catch {
      return ext[2]!;
    }
  }
  return decodeWords(v);
}

function decodeCharset(bytes: Buffer, charset: string | null): string {
  const cs = (charset ?? 'utf-8').toLowerCase().replace(/^(?:x-|cp-?)/, (m) => (m.startsWith('cp') ? 'windows-' : ''));
  try {
    return new TextDecoder(cs === 'us-ascii' ? 'utf-8' : cs).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

function decodeQp(s: string): Buffer {
  const bytes: number[] = [];
  const src = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(src.slice(i + 1, i + 3))) {
      bytes.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(src.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded words (=?charset?B|Q?…?=) in a header value. */
export function decodeWords(v: string): string {
  return v.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=(\s+(?==\?))?/g, (_m, cs: string, enc: string, data: string) => {
    const bytes = enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : decodeQp(data.replace(/_/g, ' '));
    return decodeCharset(bytes, cs);
  });
}

function bodyBytes(p: Part): Buffer {
  const cte = (p.headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (cte === 'base64') return Buffer.from(p.body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (cte === 'quoted-printable') return decodeQp(p.body);
  return Buffer.from(p.body, 'latin1');
}

function walk(p: Part, out: MailParts, depth: number, count: { n: number }): void {
  if (++count.n > MAX_PARTS || depth > MAX_DEPTH) return;
  const ct = p.headers.get('content-type') ?? 'text/plain';
  const type = ct.split(';')[0]!.trim().toLowerCase();
  const boundary = param(ct, 'boundary');
  if (type.startsWith('multipart/') && boundary) {
    const delim = `--${boundary}`;
    const chunks = p.body.split(new RegExp(String.raw`(?:^|\r?\n)${delim.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \t]*(?:\r?\n|$)`));
    for (const chunk of chunks.slice(1)) {
      if (!chunk.trim()) continue;
      walk(splitHeaders(chunk), out, depth + 1, count);
    }
    return;
  }
  if (type === 'message/rfc822') {
    walk(splitHeaders(bodyBytes(p).toString('latin1')), out, depth + 1, count);
    return;
  }
  const disp = p.headers.get('content-disposition') ?? '';
  const filename = param(disp, 'filename') ?? param(ct, 'name');
  const text = decodeCharset(bodyBytes(p), param(ct, 'charset'));
  const attached = /^\s*attachment/i.test(disp) || (filename !== null && !/^\s*inline/i.test(disp));
  if (!attached && type === 'text/plain' && out.text === null) out.text = text;
  else if (!attached && type === 'text/html' && out.html === null) out.html = text;
  else if (/^text\/|xml|json|yaml/.test(type) || /\.(?:xml|txt|json|ya?ml|csv|md)$/i.test(filename ?? ''))
    out.attachments.push({ filename, contentType: type, content: text });
}

function address(v: string | undefined): { name: string | null; address: string | null } | null {
  if (!v) return null;
  const d = decodeWords(v);
  const angle = /^(.*?)<([^>]+)>/.exec(d);
  if (angle) return { name: angle[1]!.replace(/^["'\s]+|["'\s]+$/g, '') || null, address: angle[2]!.trim().toLowerCase() };
  const bare = /[^\s<>"]+@[^\s<>"]+/.exec(d);
  return bare ? { name: null, address: bare[0].toLowerCase() } : null;
}

/** The parts of a raw message a notice reader needs. Pure; never throws on malformed input. */
export function parseMime(raw: string | Buffer): MailParts {
  const src = (typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw).toString('latin1');
  const top = splitHeaders(src);
  const out: MailParts = { subject: null, from: null, text: null, html: null, attachments: [] };
  const subject = top.headers.get('subject');
  out.subject = subject ? decodeWords(subject) : null;
  out.from = address(top.headers.get('from')) ?? address(top.headers.get('reply-to'));
  walk(top, out, 0, { n: 0 });
  return out;
}
