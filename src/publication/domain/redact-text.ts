/**
 * Free text made fit to publish: the personal data of private individuals in a notice's own
 * words (its explanation, the work's description) replaced by `[private]`, the URLs of items found
 * not actionable by `[invalid]`, everything else — other URLs, company names, the argument — kept.
 *
 * Pattern rules catch what has a shape: e-mail addresses, phone numbers, street addresses and
 * postcodes, "/s/ Name" signatures, names after a label ("Name:", "my name is") or under a
 * closing ("Sincerely,"). What has no shape — a private person's name in running text — is caught
 * only when the notice names that person in its structured fields (the claimant), which is what
 * `known` carries. Companies named in `keep`, and anything shaped like an organisation's name,
 * are never redacted, nor are URLs: a redaction that would cross one stops at its edge.
 *
 * Pure and deterministic: the same text and context give the same output and the same spans.
 */

export const PRIVATE = '[private]';
export const INVALID = '[invalid]';

export type RedactionCategory = 'name' | 'email' | 'phone' | 'address' | 'signature' | 'invalid_url';

/** One replacement, at its place in the output text (so a reviewer's page can highlight it). */
export interface TextRedaction {
  category: RedactionCategory;
  /** What was there. For staff only: never part of the public record. */
  original: string;
  at: number;
  length: number;
}

export interface TextContext {
  /** Exact strings of this notice's private individuals (the claimant's name, e-mail, phone, address parts), each with its category. */
  known: readonly { text: string; category: RedactionCategory }[];
  /** Names that stay wherever they appear: the claimant's company, the rights holder, the filing agent. */
  keep: readonly string[];
  /** URLs found not actionable, as urlKey gives them: shown as [invalid]. */
  invalidUrls: ReadonlySet<string>;
}

export const NO_CONTEXT: TextContext = { known: [], keep: [], invalidUrls: new Set() };

/** A URL's identity for matching the same URL written slightly differently (scheme, www., case, trailing slash). */
export function urlKey(url: string): string {
  return url
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/^www\./i, '')
    .replace(/#.*$/, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

// Company forms and words that name organisations rather than people; a name with one of them is kept.
const ORG_FORM =
  /(?:^|[\s,(])(?:inc|incorporated|llc|l\.l\.c|llp|ltd|limited|plc|gmbh|ag|kg|s\.?a|s\.?r\.?l|s\.?r\.?o|s\.?p\.?a|sas|sarl|b\.?v|n\.?v|pty|pte|corp|corporation|company|co|oy|ab|as|a\/s|k\.?k|lda|ltda|sdn bhd|bhd|e\.?v|ug)\.?(?=$|[\s,.)])/i;
// Only words no one is surnamed: "Brand", "Law", "Bank" or "Church" would keep a person's name public.
const ORG_WORD =
  /\b(?:pictures|records|recordings|studios?|media|entertainment|group|association|foundation|university|college|school|institute|software|technolog(?:y|ies)|labs?|systems|solutions|games|gaming|publishing|publishers|films|music|networks|holdings|team|department|agency|services|legal|partners|associates|industries|interactive|productions?|broadcasting|council|ministry|government|organi[sz]ation|alliance|federation|enterprises?|ventures|consulting|committee|commission|authority|academy)\b/i;

/** Whether a name is an organisation's (kept) rather than a private person's. */
export function looksLikeOrganisation(name: string): boolean {
  const s = name.trim();
  if (!s) return false;
  if (ORG_FORM.test(s) || ORG_WORD.test(s)) return true;
  // An acronym alone (BREIN, MPA, RIAA) is an organisation; a person is not written so.
  return /^[A-Z0-9&.-]{2,12}$/.test(s) && /[A-Z]{2}/.test(s);
}

const FREE_MAIL =
  /@(?:gmail|googlemail|yahoo|ymail|hotmail|outlook|live|msn|aol|icloud|me|mac|protonmail|proton|gmx|web|mail|yandex|qq|163|126|sina|naver|zoho|tutanota|fastmail)\./i;
const ROLE_LOCAL =
  /^(?:legal|dmca|copyright|abuse|notices?|ip|counsel|contact|info|support|help|admin|webmaster|privacy|compliance|enforcement|antipiracy|anti-piracy|piracy|trademarks?|brand|brandprotection|security|noreply|no-reply|press|office|hello|team)([._-]?[a-z0-9]+)?@/i;

/** A company's role address (legal@studio.example) names no person and stays; any other address is private. */
export function isRoleAddress(email: string): boolean {
  return ROLE_LOCAL.test(email) && !FREE_MAIL.test(email);
}

/** A word list as written in prose: lower case, capitalised, upper case (regexps with \p{Lu} cannot use the i flag, which would make it match any letter). */
const spelled = (words: string) =>
  words
    .split('|')
    .flatMap((w) => [w, w[0]!.toUpperCase() + w.slice(1), w.toUpperCase()])
    .join('|');

const URL_RE = /(?:\b[a-z][a-z0-9+.-]*:\/\/|\bwww\.)[^\s<>"“”‘’`]+|\b(?:[a-z0-9-]+\.)+[a-z]{2,24}\/[^\s<>"“”‘’`]*/gi;
const EMAIL_RE = /[\p{L}\p{N}._%+'-]+@(?:[\p{L}\p{N}-]+\.)+\p{L}{2,24}/gu;
const PHONE_LABEL_RE =
  /\b(?:phone|telephone|tel|mobile|cell(?:phone)?|fax|whatsapp|telefon|téléphone|tél|handy)\b\.?(?:\s*(?:number|no\.?|nr\.?|#))?(?:\s*is)?\s*[:：]?\s*(\+?[\d(][\d ()./-]{4,}\d)/giu;
const PHONE_RE = /(?<![\p{L}\p{N}/._-])(?:\+\s?\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{2,5}(?:[ .-]\d{2,8}){1,4}(?![\p{L}\p{N}/_-]|[.-]\d)/gu;
const STREET_SUFFIX =
  'street|st|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|way|court|ct|place|pl|terrace|ter|parkway|pkwy|highway|hwy|square|sq|circle|cir|trail|trl|row|close|crescent|cres|gardens|grove|mews|walk|alley|plaza|pike|expressway';
// "742 Evergreen Terrace", "161 N. Clark Street", "221B Baker Street", "10 Downing St."
const STREET_RE = new RegExp(
  `\\b\\d{1,6}[A-Za-z]?(?:[-/]\\d{1,5})?,?[ \\t]+(?:[\\p{Lu}][\\p{L}'’.-]*[ \\t]+){0,4}(?:${spelled(STREET_SUFFIX)})(?![\\p{L}])\\.?`,
  'gu',
);
// "Hauptstraße 12", "Kerkstraat 5a", "rue de Rivoli 10", "Calle Mayor 3", "12 rue de la Paix"
const STREET_EU_RE = new RegExp(
  String.raw`(?:\b[\p{Lu}][\p{L}-]*(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|straat|gracht|laan|plein|vej|gatan|gata|väg|veien)|\b(?:${spelled('rue|avenue|boulevard|chemin|calle|avenida|via|viale|piazza|rua|ulica')})(?:[ \t]+[\p{L}'’.-]+){1,4})[ \t]+\d{1,5}[a-z]?\b|\b\d{1,5}[a-z]?,?[ \t]+(?:${spelled('rue|avenue|boulevard|chemin|allée|place|impasse|quai')})(?:[ \t]+[\p{L}'’.-]+){1,4}`,
  'gu',
);
const PO_BOX_RE = /\b(?:P\.?\s?O\.?\s?Box|Post(?:al)? Office Box|Postfach|BP)\s*\d+\b/gi;
// "Springfield, IL 62704", "Austin, TX 78701-1234"
const CITY_STATE_ZIP_RE = /\b[\p{Lu}][\p{L}.'’-]+(?: [\p{Lu}][\p{L}.'’-]+){0,2}, ?[A-Z]{2}\.? +\d{5}(?:-\d{4})?\b/gu;
// "London NW1 6XE", "10115 Berlin", "75002 Paris", "1011 AB Amsterdam"
const POSTCODE_RE =
  /\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b|\b\d{4,5}(?: [A-Z]{2})?[ \t]+[\p{Lu}][\p{Ll}]+(?:[ -][\p{Lu}][\p{Ll}]+)?(?![\p{L}\p{N}])|\b\d{3} ?\d{2}[ \t]+[\p{Lu}][\p{Ll}]+(?![\p{L}\p{N}])/gmu;
const ADDRESS_LABEL_RE =
  /(?<!(?:e-?mail|ip|web|url|internet|mac|website|wallet|bitcoin)\s?)\b(?:(?:mailing|postal|physical|street|home|business|company|office)\s+)?(?:address|addr\.|located at|domicile|adresse|anschrift)\b(?:\s+is)?\s*[:：]?\s*/giu;
const NAME_PART = String.raw`[\p{Lu}][\p{L}'’-]+|[\p{Lu}]\.`;
const PERSON = String.raw`(?:${NAME_PART})(?:[ \t]+(?:(?:de|da|del|der|den|van|von|di|du|la|le|bin|al|dos|das)[ \t]+)?(?:${NAME_PART})){1,3}`;
const PERSON_RE = new RegExp(`^${PERSON}`, 'u');
const NAME_LABEL_RE =
  /\b(?:my name is|i am|name\s*[:：]|full(?: legal)? name\s*[:：]|legal name\s*[:：]|signature\s*[:：]|signed\s*[:：]?|signed by|electronic signature\s*[:：]|contact person(?: is)?\s*[:：]?|attn\.?\s*[:：]?|attention\s*[:：])[ \t]*(?:\*\*)?[ \t]*/giu;
const SLASH_S_RE = /\/s\/[ \t]*([^\n\r,;()<>]{1,80}?)[ \t]*(?=$|[\n\r,;()<>])/gimu;
const CLOSING_RE =
  /^[ \t>*_]*(?:(?:best|kind|warm|warmest|with best)?\s*regards|sincerely(?: yours)?|yours (?:truly|sincerely|faithfully)|respectfully(?: submitted)?|cordially|thanks?(?: you)?(?: very much)?(?: in advance)?|many thanks|cheers|best|signed|signature)[ \t]*[,.!:]?[ \t]*$/gimu;

interface Span {
  start: number;
  end: number;
  category: RedactionCategory;
  /** From the notice's own structured data: wins over an organisation's name guessed from its shape. */
  known?: boolean;
}

function matches(re: RegExp, text: string, group = 0): { start: number; end: number; text: string }[] {
  const out: { start: number; end: number; text: string }[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const g = m[group];
    if (g === undefined) continue;
    const start = m.index + (group === 0 ? 0 : m[0].lastIndexOf(g));
    out.push({ start, end: start + g.length, text: g });
  }
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Occurrences of a literal, as a whole word where it begins and ends with a letter or digit. */
function literal(text: string, needle: string, caseSensitive = false): { start: number; end: number }[] {
  const n = needle.trim();
  if (n.length < 2) return [];
  const pre = /^[\p{L}\p{N}]/u.test(n) ? '(?<![\\p{L}\\p{N}])' : '';
  const post = /[\p{L}\p{N}]$/u.test(n) ? '(?![\\p{L}\\p{N}])' : '';
  const body = escapeRe(n).replace(/\s+/g, '\\s+');
  return matches(new RegExp(`${pre}${body}${post}`, caseSensitive ? 'gu' : 'giu'), text);
}

/** The URL a match found, without the punctuation that ends the sentence around it. */
function trimUrl(u: string): string {
  let s = u.replace(/[.,;:!?'"*]+$/, '');
  // A closing bracket belongs to the URL only if it opened one.
  const count = (c: string) => s.split(c).length - 1;
  for (const [open, close] of [
    ['(', ')'],
    ['[', ']'],
    ['{', '}'],
  ] as const) {
    while (s.endsWith(close) && count(open) < count(close)) s = s.slice(0, -1).replace(/[.,;:!?'"*]+$/, '');
  }
  return s;
}

function digits(s: string): number {
  return s.replace(/\D/g, '').length;
}

function looksLikePhone(s: string): boolean {
  const d = digits(s);
  if (d < 9 || d > 15) return false;
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(s)) return false; // an IPv4 address
  if (/^\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}\b/.test(s) || /^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/.test(s)) return false; // a date
  if (/^\d+(?:\.\d+){2,}$/.test(s) && !/^\d{3}\.\d{3}\.\d{4}$/.test(s)) return false; // a version number
  return /[\s().+-]/.test(s);
}

/** After a street, the parts of the same address: "Suite 2300", "Chicago", "IL 60601", "10115 Berlin". */
function extendAddress(text: string, end: number): number {
  let at = end;
  for (let parts = 0; parts < 4; parts++) {
    const m = /^(,?[ \t]*|[ \t]*\r?\n[ \t]*)([^,\n\r;]{1,60})/.exec(text.slice(at));
    if (!m) break;
    const part = m[2]!.replace(/[.\s]+$/, '');
    const unit = /^(?:suite|ste|apt|apartment|unit|floor|fl|room|rm|building|bldg|#|no\.?|box)\b\.?\s*[\w-]+$/i.test(part) || /^#\s*\d+/.test(part);
    const postal =
      /^[A-Z]{2}\.?\s+\d{5}(?:-\d{4})?$/.test(part) ||
      /\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}$/.test(part) ||
      /^\d{3,5}(?:[ -]\d{2,4})?(?: [A-Z]{2})?[ \t]+[\p{Lu}][\p{L}-]+(?:[ -][\p{Lu}][\p{L}-]+)?$/u.test(part);
    // A town only counts when its postcode follows in the next part ("Chicago, IL 60601").
    const next = text.slice(at + m[0].length);
    const town = /^[\p{Lu}][\p{L}.'’ -]{1,40}$/u.test(part) && /^,?[ \t]*(?:[A-Z]{2}\.?\s+\d{5}|[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}|\d{4,5}\b)/.test(next);
    if (!(unit || postal || town)) break;
    at += m[0].length - (m[2]!.length - part.length);
    if (m[1]!.includes('\n') && !(postal || town)) break;
  }
  return at;
}

/** The text with every redaction made, and where each one is in the output. */
export function redactText(text: string, ctx: TextContext = NO_CONTEXT): { text: string; redactions: TextRedaction[] } {
  if (!text) return { text, redactions: [] };
  const spans: Span[] = [];
  // URLs and the names the notice gives as companies are kept whatever else matches them;
  // names shaped like a company's only against the pattern rules (the claimant's own name stays
  // private even where the text runs it into a company's: "Jane Doe Harbor Pictures LLC").
  const kept: { start: number; end: number }[] = [];
  const guessed: { start: number; end: number }[] = [];

  for (const m of matches(URL_RE, text)) {
    const url = trimUrl(m.text);
    const span = { start: m.start, end: m.start + url.length };
    if (ctx.invalidUrls.size && ctx.invalidUrls.has(urlKey(url))) spans.push({ ...span, category: 'invalid_url' });
    else kept.push(span);
  }
  for (const name of ctx.keep) for (const m of literal(text, name)) kept.push(m);
  // Organisation names as written: "Harbor Pictures LLC", "JetBrains s.r.o.", "Accenture Global Solutions Ltd."
  const orgRe =
    /(?:[\p{Lu}\p{N}][\p{L}\p{N}&'’.-]*[ \t]+){0,3}[\p{Lu}\p{N}][\p{L}\p{N}&'’.-]*,?[ \t]+(?:Inc|LLC|LLP|Ltd|Limited|PLC|GmbH|AG|S\.A\.|S\.r\.l\.|s\.r\.o\.|B\.V\.|N\.V\.|Pty(?: Ltd)?|Corp|Corporation|SAS|SARL|S\.p\.A\.|K\.K\.)\.?(?![\p{L}])/gu;
  for (const m of matches(orgRe, text)) if (/^[\p{Lu}\p{N}]/u.test(m.text)) guessed.push(m);

  for (const m of matches(EMAIL_RE, text)) if (!isRoleAddress(m.text)) spans.push({ ...m, category: 'email' });
  for (const m of matches(PHONE_LABEL_RE, text, 1)) spans.push({ ...m, category: 'phone' });
  for (const m of matches(PHONE_RE, text)) if (looksLikePhone(m.text)) spans.push({ ...m, category: 'phone' });

  for (const re of [STREET_RE, STREET_EU_RE, PO_BOX_RE]) {
    for (const m of matches(re, text)) spans.push({ start: m.start, end: extendAddress(text, m.end), category: 'address' });
  }
  for (const re of [CITY_STATE_ZIP_RE, POSTCODE_RE]) for (const m of matches(re, text)) spans.push({ ...m, category: 'address' });
  const shaped = spans.filter((s) => s.category === 'address');
  for (const m of matches(ADDRESS_LABEL_RE, text)) {
    // The rest of the line after "Address:", up to another label (phone, e-mail) or the line's end,
    // when no street or postcode was found there: an address in a shape the patterns do not know.
    const rest = /^[^\n\r]*?(?=\s*(?:[,;.]?\s*(?:phone|tel|telephone|fax|mobile|e-?mail)\b)|[ \t]*(?:\r?\n|$))/i.exec(text.slice(m.end));
    if (!rest || rest[0].trim().length < 4) continue;
    const end = m.end + rest[0].length;
    if (!shaped.some((a) => a.start < end && a.end > m.end)) spans.push({ start: m.end, end, category: 'address' });
  }

  for (const m of matches(SLASH_S_RE, text, 1)) if (m.text.trim()) spans.push({ ...m, category: 'signature' });
  for (const m of matches(NAME_LABEL_RE, text)) {
    const person = PERSON_RE.exec(text.slice(m.end));
    if (person && !looksLikeOrganisation(person[0])) spans.push({ start: m.end, end: m.end + person[0].length, category: 'name' });
  }
  for (const m of matches(CLOSING_RE, text)) {
    // The line under a closing is the sender's name when it is shaped like one.
    const next = /^\s*?\r?\n[ \t>*_]*([^\n\r]+)/.exec(text.slice(m.end));
    if (!next) continue;
    const start = m.end + next[0].length - next[1]!.length;
    const person = PERSON_RE.exec(next[1]!);
    if (person && !looksLikeOrganisation(person[0]) && !/^(?:The|Our|This|Your|Please|We|I)\b/.test(person[0])) {
      spans.push({ start, end: start + person[0].length, category: 'name' });
    }
  }

  for (const k of ctx.known) {
    for (const m of literal(text, k.text)) spans.push({ ...m, category: k.category, known: true });
    if (k.category === 'name' || k.category === 'signature') {
      // The claimant's surname or given name alone ("Ms. Doe"), written with its capital.
      const parts = k.text.trim().split(/\s+/);
      if (parts.length > 1)
        for (const p of parts)
          if (p.length >= 3 && /^[\p{Lu}]/u.test(p)) for (const m of literal(text, p, true)) spans.push({ ...m, category: 'name', known: true });
    }
  }

  // Kept spans win: a redaction is cut around them. Then overlapping redactions merge.
  const mask: (RedactionCategory | null)[] = new Array(text.length).fill(null);
  const rank: Record<RedactionCategory, number> = { invalid_url: 6, email: 5, phone: 4, signature: 3, address: 2, name: 1 };
  const keptMask = new Uint8Array(text.length);
  for (const g of guessed) keptMask.fill(1, g.start, g.end);
  for (const k of kept) keptMask.fill(2, k.start, k.end);
  for (const s of spans) {
    const beats = s.category === 'invalid_url' ? 3 : s.known ? 2 : 1;
    for (let i = s.start; i < s.end; i++) {
      if (keptMask[i]! >= beats) continue;
      const cur = mask[i];
      if (!cur || rank[s.category] > rank[cur]) mask[i] = s.category;
    }
  }
  let out = '';
  const redactions: TextRedaction[] = [];
  let i = 0;
  while (i < text.length) {
    const cat = mask[i];
    if (!cat) {
      out += text[i];
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && (mask[j] === cat || (mask[j] === null && /\s/.test(text[j]!) && mask[j + 1] === cat && text[j] !== '\n'))) j++;
    // Leading and trailing blanks stay outside the marker.
    let a = i;
    let b = j;
    while (a < b && /\s/.test(text[a]!)) out += text[a++];
    let tail = '';
    while (b > a && /\s/.test(text[b - 1]!)) tail = text[--b] + tail;
    if (b > a) {
      const marker = cat === 'invalid_url' ? INVALID : PRIVATE;
      redactions.push({ category: cat, original: text.slice(a, b), at: out.length, length: marker.length });
      out += marker;
    }
    out += tail;
    i = j;
  }
  return { text: out, redactions };
}
