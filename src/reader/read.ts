// The notice reader: from a document (.txt, .md, .eml, .xml) to what it says — its kind, the
// URLs to act on and those of the original work, the claimant, and which legal elements are
// present. Pure: no I/O, no clock, no randomness; the same input always reads the same.
import { parseAcns, findAcnsXml, hasDtd, type AcnsParse } from './acns.ts';
import { extractClaimant } from './claimant.ts';
import { detectElements } from './elements.ts';
import { classifyKind, kindSignals, type KindSignals } from './kind.ts';
import { reportFacts } from './report-facts.ts';
import { classifySubject, isOtherKindReport } from './subject.ts';
import { CONFLICT_CONFIDENCE, locateUrls, sortUrls } from './locations.ts';
import { parseMime } from './mime.ts';
import { isInfringerCue } from './roles.ts';
import { segment, type Section } from './sections.ts';
import { decodeContent, htmlToText, markupToText, ownText, unwrapPgp } from './text.ts';
import type { MailParts, NoticeKind, ReadResult, XarfReport } from './types.ts';
import { uniqueUrls, urlKey } from './urls.ts';
import { looksLikeXarfJson, looksLikeXarfPlain, parseXarfJson, parseXarfPlain, type XarfParse } from './xarf.ts';

export interface ReadContext {
  subject?: string | null;
  from?: { name: string | null; address: string | null } | null;
  /** XML documents that came with the text (attachments), tried as ACNS. */
  xml?: string[];
  /** The whole document is XML (a .xml file). */
  xmlDocument?: boolean;
  /** X-ARF/XARF reports that came with the text (report.txt, xarf.json attachments). */
  xarf?: { format: 'plain' | 'json'; content: string }[];
}

/** Longest text the reader looks at (a notice with 250,000 URLs fits). */
export const MAX_TEXT = 32 * 1024 * 1024;

function extension(name: string): string {
  const m = /\.([a-z0-9]+)$/i.exec(name);
  return m ? m[1]!.toLowerCase() : '';
}

function looksLikeMime(s: string): boolean {
  const head = s.slice(0, 4096);
  return (
    /^(?:[\w-]+:[^\n]*\n(?:[ \t][^\n]*\n)*){2,}/.test(head) &&
    /^(?:from|subject|content-type|mime-version|received|message-id|date|to):/im.test(head) &&
    /^(?:subject|from):/im.test(head)
  );
}

/** Reads one document. `name` only matters for its extension (.eml, .xml, .txt, .md). */
export function readNotice(doc: { name: string; content: string | Buffer }): ReadResult {
  const ext = extension(doc.name);
  if (
    ext === 'eml' ||
    (ext !== 'xml' && typeof doc.content !== 'string' && looksLikeMime(doc.content.subarray(0, 4096).toString('latin1'))) ||
    (typeof doc.content === 'string' && ext !== 'xml' && looksLikeMime(doc.content))
  ) {
    return readMail(parseMime(doc.content));
  }
  const text = decodeContent(doc.content);
  return readText(text, { xmlDocument: ext === 'xml' || /^\s*<\?xml\b/.test(text) });
}

/** Reads a mail message: its text (or HTML) body, with XML attachments tried as ACNS and text attachments read along. */
export function readMail(mail: MailParts): ReadResult {
  let body = mail.text ?? (mail.html ? htmlToText(mail.html) : '');
  const xml: string[] = [];
  const xarf: NonNullable<ReadContext['xarf']> = [];
  for (const a of mail.attachments) {
    if (/xml/.test(a.contentType) || /\.xml$/i.test(a.filename ?? '')) xml.push(a.content);
    else if (/json/.test(a.contentType) || /\.json$/i.test(a.filename ?? '')) xarf.push({ format: 'json', content: a.content });
    else if (/^report\.txt$/i.test(a.filename ?? '') || /yaml/.test(a.contentType) || looksLikeXarfPlain(a.content))
      xarf.push({ format: 'plain', content: a.content });
    else if (/^text\/(?:plain|markdown)$/.test(a.contentType) || /\.(?:txt|md)$/i.test(a.filename ?? '')) body += `\n\n${a.content}`;
    else if (/^text\/html$/.test(a.contentType)) body += `\n\n${htmlToText(a.content)}`;
  }
  return readText(decodeContent(body), { subject: mail.subject, from: mail.from, xml, xarf });
}

function emptyClaimant(): ReadResult['claimant'] {
  return { name: null, email: null, company: null, address: null, phone: null, country: null };
}

/** Reads a notice's text. */
export function readText(input: string, ctx: ReadContext = {}): ReadResult {
  const warnings: string[] = [];
  let text = input.length > MAX_TEXT ? input.slice(0, MAX_TEXT) : input;
  if (input.length > MAX_TEXT) warnings.push(`only the first ${MAX_TEXT} characters were read`);
  const pgp = unwrapPgp(text);
  text = pgp.text;

  // Structured ACNS: an attachment, or XML inline in the text.
  let acns: AcnsParse | null = null;
  const candidates = [...(ctx.xml ?? [])];
  const inline = findAcnsXml(text);
  if (inline) {
    candidates.push(inline);
    text = text.replace(inline, '\n');
  } else if (ctx.xmlDocument) {
    candidates.push(text);
    text = '';
  }
  for (const x of candidates) {
    const p = parseAcns(x);
    if (p.ok) {
      acns = p;
      break;
    }
    warnings.push(p.reason);
  }
  if (ctx.xmlDocument && !inline && hasDtd(input)) text = '';

  // X-ARF/XARF: an attachment, or the whole document (a JSON body, a report.txt on its own).
  let xarf: XarfReport | null = null;
  const xarfCandidates = [...(ctx.xarf ?? [])];
  const whole = !xarfCandidates.length && !ctx.xmlDocument ? (looksLikeXarfJson(text) ? 'json' : looksLikeXarfPlain(text) ? 'plain' : null) : null;
  if (whole) xarfCandidates.push({ format: whole, content: text });
  for (const c of xarfCandidates) {
    const p: XarfParse = c.format === 'json' ? parseXarfJson(c.content) : parseXarfPlain(c.content);
    if (p.ok) {
      xarf = p.report;
      if (whole) text = '';
      break;
    }
    // A text attachment that merely looked like a report is read as text; say why it was not a report.
    if (c.format === 'plain' && !whole) text += `\n\n${c.content}`;
    if (whole !== 'plain') warnings.push(p.reason);
  }

  // HTML markup (a form sent as HTML, a pasted page) is read as the Markdown it stands for.
  text = markupToText(text);
  const own = ownText(text);
  const header = ctx.subject ? `${ctx.subject}\n\n` : '';
  // Statements are read with hard-wrapped lines joined (mail wraps at 72 characters), paragraphs kept.
  const prose = (header + own).replace(/[ \t]*\n(?![ \t]*\n)[ \t]*/g, ' ');
  const signals = kindSignals(prose);
  let kind: NoticeKind = classifyKind(signals);
  if (acns?.ok) {
    if (acns.facts.root === 'Infringement' && kind !== 'retraction') kind = 'takedown';
    else if (acns.facts.root === 'CounterNotice') kind = 'counter_notice';
  }
  // A copyright report is a takedown; spam, phishing and other abuse reports are not DMCA notices at all.
  if (xarf) kind = xarf.category === 'copyright' ? (kind === 'retraction' ? kind : 'takedown') : 'other';
  // What the report is about: copyright notices are read for their §512 elements below; a report
  // of another kind (phishing, a threat…) asks for action on its URLs just the same, with its own fields.
  const subject = classifySubject(prose, xarf);
  const asReport = isOtherKindReport(subject) && (kind === 'takedown' || kind === 'other');

  // URLs: the sender's own text first; a reply that names none is about those it quotes.
  let urlText = own;
  let sections: Section[] = segment(own);
  let located = locateUrls(own, sections);
  if (!located.length && own !== text && kind !== 'takedown') {
    urlText = text;
    sections = segment(text);
    located = locateUrls(text, sections);
  }
  const sorted = sortUrls(located, kind === 'other' && !asReport ? 'other' : 'infringing', kind === 'counter_notice' || kind === 'counter_notice_retraction');
  let infringing = sorted.infringing;
  let original = sorted.original;
  // The cues of an original work are copyright's ("we own", "registration", "official site"): a report of
  // another kind that names no URL to act on otherwise is about the URLs it names ("we own the registered
  // trademark X; the shop at <url> sells counterfeits").
  if (asReport && !infringing.length && original.length) [infringing, original] = [original, []];
  if (acns?.ok) infringing = uniqueUrls([...infringing, ...acns.facts.items.map((i) => i.url).filter((u): u is string => !!u && /^https?:\/\//i.test(u))]);
  if (xarf?.category === 'copyright' && xarf.url) infringing = uniqueUrls([...infringing, xarf.url]);
  // What a machine report adds to act on never overrides an original the text names (sortUrls).
  const originalKeys = new Set(original.map(urlKey));
  const conflicts = [...sorted.conflicts, ...infringing.filter((u) => originalKeys.has(urlKey(u)))];
  let urlConfidence = sorted.confidence;
  if (conflicts.length) {
    infringing = infringing.filter((u) => !originalKeys.has(urlKey(u)));
    urlConfidence = { infringing: Math.min(urlConfidence.infringing, CONFLICT_CONFIDENCE), original: Math.min(urlConfidence.original, CONFLICT_CONFIDENCE) };
    warnings.push(
      `${conflicts.length} URL${conflicts.length === 1 ? ' is' : 's are'} given both as the original work and as material to act on: ${conflicts.slice(0, 3).join(', ')}${conflicts.length > 3 ? ', …' : ''}`,
    );
  }

  // The claimant, outside the part about the infringer.
  const infringerSections = sections.filter((s) => s.role === 'infringer' || (s.heading !== null && isInfringerCue(s.heading)));
  const excluded = (at: number) => infringerSections.some((s) => at >= s.start && at < s.end);
  const cf = extractClaimant(urlText, sections, excluded, ctx.from ?? null);
  const claimant = cf.claimant;
  if (acns?.ok) {
    const c = acns.complainant;
    claimant.company ??= c.entity;
    claimant.name ??= c.contact ?? c.entity;
    claimant.email ??= c.email?.toLowerCase() ?? null;
    claimant.phone ??= c.phone;
    claimant.address ??= c.address;
    claimant.country ??= c.country;
  }
  if (xarf) {
    claimant.company ??= xarf.reporter.org;
    claimant.name ??= xarf.reporter.name ?? xarf.reporter.org;
    claimant.email ??= xarf.reporter.email;
    claimant.phone ??= xarf.reporter.phone;
  }

  const work =
    findWork(urlText, sections) ??
    (acns?.ok
      ? acns.facts.items
          .map((i) => i.title)
          .filter(Boolean)
          .slice(0, 5)
          .join('; ') || null
      : null) ??
    xarf?.infringed_material ??
    null;
  const el = asReport
    ? { elements: {}, missing: [] }
    : detectElements(kind, {
        text: prose,
        infringingUrls: infringing.length,
        originalUrls: original.length,
        workIdentified: work !== null,
        contact: {
          email: cf.present.email || !!claimant.email,
          phone: cf.present.phone || !!claimant.phone,
          address: cf.present.address || !!claimant.address,
          name: cf.present.name || !!claimant.name,
        },
        signed: cf.signed || pgp.signed,
        materialOtherwise: !!(acns?.ok && acns.facts.ip && acns.facts.timestamp) || !!(xarf?.source_ip && xarf.date),
      });

  return {
    kind,
    infringing_urls: infringing,
    original_urls: original,
    claimant: claimant.name || claimant.email || claimant.company ? claimant : { ...emptyClaimant(), ...claimant },
    elements: el.elements,
    missing: el.missing,
    work,
    other_urls: sorted.other,
    url_conflicts: conflicts,
    acns: acns?.ok ? acns.facts : null,
    xarf,
    warnings,
    subject,
    facts: asReport || subject.regime === 'dsa' ? reportFacts(own) : null,
    confidence: {
      kind: kindConfidence(kind, signals),
      infringing_urls: urlConfidence.infringing,
      original_urls: urlConfidence.original,
      claimant: cf.confidence,
    },
    questions: sections
      .filter((s) => s.heading !== null)
      .map((s) => ({ question: s.heading!, role: s.role ?? 'other', confidence: s.confidence, form_question: s.formQuestion })),
  };
}

/** How many of the kind's own signs the text carries: its statutory statements, or words that say what it does. */
function kindConfidence(kind: NoticeKind, s: KindSignals): number {
  switch (kind) {
    case 'takedown':
      return s.takedownCore >= 2 ? 0.97 : s.takedown >= 3 ? 0.9 : 0.7;
    case 'counter_notice':
      return s.counterStatutory >= 2 ? 0.97 : s.counterSelf ? 0.85 : 0.7;
    case 'retraction':
    case 'counter_notice_retraction':
      return s.retractsNotice || s.retractsCounter ? 0.9 : 0.7;
    case 'reversal':
    case 'counter_notice_reversal':
      return 0.85;
    default:
      return s.copyright ? 0.5 : 0.8;
  }
}

const WORK_LABEL =
  /^\s*(?:[-*•]\s*)?(?:\*\*)?(?:original |copyrighted )?(?:work|title of (?:the )?work|work title|title)(?:\*\*)?\s*:\s*(?:\*\*)?\s*(.{3,300})$/im;

/** How the notice identifies the work: a "Work:" label, or the answer under a heading about the original work. */
function findWork(text: string, sections: Section[]): string | null {
  const m = WORK_LABEL.exec(text);
  if (m && !/^\[?private\]?$/i.test(m[1]!.trim())) return m[1]!.replace(/\*\*/g, '').trim();
  for (let k = 0; k < sections.length; k++) {
    const s = sections[k]!;
    if (s.role !== 'original') continue;
    // A form question's answer runs to the next of the form's questions, over the labels and
    // sentences of its own that end in ':' ("The work is in a private repo…:").
    let end = s.end;
    if (s.formQuestion) for (let j = k + 1; j < sections.length && !sections[j]!.formQuestion; j++) end = sections[j]!.end;
    const body = text.slice(s.bodyStart, end).replace(/\s+/g, ' ').trim();
    if (body.length >= 3) return body.length > 300 ? `${body.slice(0, 297)}…` : body;
  }
  return null;
}
