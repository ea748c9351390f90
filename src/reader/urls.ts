// Finding URLs in free text: where they start and end, and what of the surrounding punctuation
// (sentence ends, brackets, markdown, CJK commas) belongs to the sentence rather than the URL.

export interface UrlHit {
  url: string;
  /** Offset of the first character of the URL in the text. */
  start: number;
  end: number;
}

// A URL runs to the first character that cannot be in one. Ideographic punctuation and
// full-width brackets end it too: a Chinese or Japanese letter lists URLs separated by them.
const URL_RE = /\b(?:https?|hxxps?):\/\/[^\s<>"'`[\]{}|\\^\u3000-\u303f\uff01\uff08\uff09\uff0c\uff1a\uff1b\uff1f\u201c\u201d\u2018\u2019\u00ab\u00bb]+/gi;
const TRAILING = /[.,;:!?*'")\]}>]+$/;

function trimUrl(raw: string): string {
  let u = raw;
  for (;;) {
    const before = u;
    u = u.replace(TRAILING, (m) => {
      // Keep a closing parenthesis that closes one opened inside the URL (Wikipedia-style paths).
      let keep = '';
      if (m.startsWith(')')) {
        const opens = (u.match(/\(/g) ?? []).length;
        const closes = (u.slice(0, u.length - m.length).match(/\)/g) ?? []).length;
        if (opens > closes) keep = ')';
      }
      return keep;
    });
    if (u === before) break;
  }
  return u;
}

/** Every http(s) URL in the text, in order, with its offsets; defanged hxxp:// is read as http://. */
export function findUrls(text: string): UrlHit[] {
  const out: UrlHit[] = [];
  URL_RE.lastIndex = 0;
  for (let m = URL_RE.exec(text); m; m = URL_RE.exec(text)) {
    let url = trimUrl(m[0]);
    if (url.length < 10) continue;
    if (/^hxxp/i.test(url)) url = `http${url.slice(4)}`;
    // The host must look like a host (a dot, or localhost-free IPv6 brackets are not handled here).
    const host = /^https?:\/\/([^/?#]+)/i.exec(url)?.[1] ?? '';
    if (!/[a-z0-9]\.[a-z0-9]/i.test(host)) continue;
    out.push({ url, start: m.index, end: m.index + url.length });
  }
  return out;
}

/** A form for comparing two URLs: scheme and host lower-cased, no trailing slash, no fragment-less '#'. */
export function urlKey(url: string): string {
  const m = /^(https?):\/\/([^/?#]+)(.*)$/i.exec(url.trim());
  if (!m) return url.trim();
  let rest = m[3] ?? '';
  while (rest.endsWith('/')) rest = rest.slice(0, -1);
  return `${m[1]!.toLowerCase()}://${m[2]!.toLowerCase().replace(/^www\./, '')}${rest}`;
}

/** Keeps the first of each URL (by urlKey), in order. */
export function uniqueUrls(urls: Iterable<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const u of urls) {
    const k = urlKey(u);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(u);
  }
  return out;
}
