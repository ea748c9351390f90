// Turning a document's bytes into plain text the other modules can read: decoding, line ends,
// PGP clear-signing, HTML, and separating what the sender wrote from what they quote.

export function decodeContent(content: string | Buffer): string {
  let s = typeof content === 'string' ? content : content.toString('utf8');
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  return s.replace(/\r\n?/g, '\n');
}

export interface PgpUnwrapped {
  text: string;
  /** The text was clear-signed (a signature block followed it). */
  signed: boolean;
}

/**
 * Removes OpenPGP clear-signing armour (RFC 4880 §7): the header block, the dash-escaping of
 * lines that begin with '-', and the signature block. Text without armour comes back unchanged.
 */
export function unwrapPgp(text: string): PgpUnwrapped {
  const begin = text.indexOf('-----BEGIN PGP SIGNED MESSAGE-----');
  if (begin < 0) return { text, signed: false };
  const afterHeader = text.indexOf('\n\n', begin);
  if (afterHeader < 0) return { text, signed: false };
  const sigAt = text.indexOf('-----BEGIN PGP SIGNATURE-----', afterHeader);
  const endAt = sigAt >= 0 ? text.indexOf('-----END PGP SIGNATURE-----', sigAt) : -1;
  const body = text
    .slice(afterHeader + 2, sigAt >= 0 ? sigAt : undefined)
    .split('\n')
    .map((l) => (l.startsWith('- ') ? l.slice(2) : l))
    .join('\n');
  const tail = endAt >= 0 ? text.slice(endAt + '-----END PGP SIGNATURE-----'.length) : '';
  return { text: `${text.slice(0, begin)}${body}${tail}`, signed: sigAt >= 0 };
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  rsquo: '\u2019',
  lsquo: '\u2018',
  rdquo: '\u201d',
  ldquo: '\u201c',
  ndash: '\u2013',
  mdash: '\u2014',
  sect: '\u00a7',
  copy: '\u00a9',
};

/** Decodes the predefined and numeric character references, and a few common HTML ones. Never expands anything else. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** HTML to plain text, keeping link targets (as "text (url)") and block structure as line breaks. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<(script|style|head)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<a\b[^>]*?\bhref\s*=\s*["']?([^"'\s>]+)["']?[^>]*>([\s\S]*?)<\/a\s*>/gi, (_m, href: string, inner: string) => {
        const label = inner.replace(/<[^>]*>/g, '').trim();
        return label && label !== href && !label.includes(href) ? `${label} (${href})` : label || href;
      })
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|div|li|tr|h[1-6]|blockquote|pre|table)\s*>/gi, '\n')
      .replace(/<(p|div|li|tr|h[1-6]|blockquote|pre|table)\b[^>]*>/gi, '\n')
      .replace(/<[^>]+>/g, ''),
  )
    .replace(/[ \t\u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n');
}

const REPLY_HEADER =
  /^(?:On .{4,200}(?:wrote|schrieb|a écrit|escribió):\s*$|-{2,}\s*(?:Original Message|Forwarded message|Ursprüngliche Nachricht|Message d'origine)\s*-{2,}|From: .+\n(?:Sent|Date): .+)/im;

/**
 * The part of a message its sender wrote: lines quoted with '>' are dropped, and so is everything
 * after a reply header ("On … wrote:", "-----Original Message-----", an Outlook From:/Sent: block)
 * when there is own text before it.
 */
export function ownText(text: string): string {
  const m = REPLY_HEADER.exec(text);
  let own = m && m.index > 40 ? text.slice(0, m.index) : text;
  if (own.includes('\n>') || own.startsWith('>'))
    own = own
      .split('\n')
      .filter((l) => !/^\s*>/.test(l))
      .join('\n');
  return own;
}

/** Markdown emphasis and escapes removed, so that "**Name:** Jane" reads as "Name: Jane". */
export function stripMarkdown(s: string): string {
  return s.replace(/\\([\\`*_{}[\]()#+\-.!])/g, '$1').replace(/\*\*|__/g, '');
}

const HTML_STRUCTURE = /<\/?(?:h[1-6]|p|li|ul|ol|strong|b|br|div|a|table|tr|td|th|dl|dt|dd|span|em|i|html|body)\b[^>]*>/i;

/**
 * A document with HTML markup as the Markdown the reader segments: headings as '###', bold as '**',
 * paragraphs and list items as lines, links as "text (url)" so that a link inside a question stays
 * inside it. Text without HTML tags comes back unchanged (Markdown autolinks like <https://…> are not tags).
 */
export function markupToText(s: string): string {
  if (!HTML_STRUCTURE.test(s)) return s;
  return decodeEntities(
    s
      .replace(/<(script|style|head)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<a\b[^>]*?\bhref\s*=\s*["']?([^"'\s>]+)["']?[^>]*>([\s\S]*?)<\/a\s*>/gi, (_m, href: string, inner: string) => {
        const label = inner.replace(/<[^>]*>/g, '').trim();
        return label && label !== href && !label.includes(href) ? `${label} (${href})` : label || href;
      })
      .replace(
        /<h[1-6]\b[^>]*>([\s\S]*?)<\/h[1-6]\s*>/gi,
        (_m, inner: string) =>
          `\n\n### ${inner
            .replace(/<[^>]*>/g, '')
            .replace(/\s+/g, ' ')
            .trim()}\n\n`,
      )
      .replace(/<(strong|b|dt)\b[^>]*>([\s\S]*?)<\/\1\s*>/gi, (_m, _t: string, inner: string) => {
        const t = inner
          .replace(/<[^>]*>/g, '')
          .replace(/\s+/g, ' ')
          .trim();
        return t ? `**${t}**` : '';
      })
      // A line break in the source after <br> is the same break, not a second one.
      .replace(/<br\s*\/?>[ \t]*(?:\r?\n)?/gi, '\n')
      .replace(/<li\b[^>]*>/gi, '\n- ')
      .replace(/<\/(?:p|div|li|tr|table|ul|ol|dd|dl|body|html)\s*>/gi, '\n\n')
      .replace(/<(?:p|div|tr|table|ul|ol|dd|dl|body|html)\b[^>]*>/gi, '\n\n')
      .replace(/<\/?(?:td|th|span|em|i|strong|b|a)\b[^>]*>/gi, ' '),
  )
    .replace(/[ \t\u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n');
}
