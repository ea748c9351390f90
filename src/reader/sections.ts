// A document's structure: the questions of a form and their answers. A question is marked up as a
// Markdown heading of any level, a bold run opening a line ("**Q?**" alone, or "**Q:** answer"), an
// HTML heading or bold paragraph (turned into the Markdown ones by markupToText first), or a plain
// line ending in ':' or '?' (with the lines of its paragraph before it; numbered or not). The text
// of a question — help links inside it included — is never part of its answer: the answer runs from
// the end of the question to the next one. Each question is read for what it asks (questions.ts).
// Free-form letters come out as one section without a question, or a few when they introduce lists
// ("… can be found at:").
import { classifyQuestion, type QuestionRole } from './questions.ts';

export interface Section {
  /** The question text (markup removed), or null for text before the first question. */
  heading: string | null;
  /** Offset in the text where the question starts (or the body, with no question). */
  start: number;
  /** How the question was marked: markup (bold, heading, HTML), or a plain prompt line ending in ':' or '?'. */
  style: 'markdown' | 'prompt' | null;
  /** Offset where the answer starts (the question's text ends here) and ends. */
  bodyStart: number;
  end: number;
  /** What the question asks for ('other' when nothing in its words says; null without a question). */
  role: QuestionRole | null;
  /** 0–1, how sure that reading of the question is. */
  confidence: number;
  /** The question asks for a signature too ("type your name below to sign"). */
  signs: boolean;
  /**
   * One of the form's own questions, or a label inside an answer ("Original work:", "Below is a
   * note:"), which the question it stands in answers to governs.
   */
  formQuestion: boolean;
}

interface Line {
  start: number;
  end: number;
  text: string;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    lines.push({ start, end, text: text.slice(start, end) });
    if (nl < 0) break;
    start = nl + 1;
  }
  return lines;
}

const HAS_URL = /\b(?:https?|hxxps?):\/\//i;
// A URL a question may carry as help: in brackets or parentheses, or as a Markdown link's target.
// (A wrapped line may hold the URL and its closing bracket without the opening one.)
const BRACKETED_URL = /\]\(\s*(?:https?|hxxps?):\/\/[^)\s]*\)|(?:[([]\s*(?:see\s+|cf\.?\s+)?|^\s*)(?:https?|hxxps?):\/\/[^)\]\s]*\s*[)\]]/gi;
const MAX_HEADING = 700;
/** A document with this many questions is a form. */
const FORM_MIN_QUESTIONS = 3;
const MIN_QUESTION_CONFIDENCE = 0.3;

/** A plain line may ask a question with a help link in it, but a URL outside brackets makes it part of an answer. */
function urlFreeForQuestion(line: string): boolean {
  if (!HAS_URL.test(line)) return true;
  return !HAS_URL.test(line.replace(BRACKETED_URL, ' '));
}

// A help link that ends a line asking the sender something marks the line as the form's question,
// whatever address it quotes besides (GitHub's "Please confirm that you have read our Guide …:
// https://help.github.com/… [help]:"): a sender's answer does not end in the form's help link.
const ENDS_IN_HELP_LINK = /(?:\]\(\s*|[([]\s*(?:see\s+|cf\.?\s+)?)(?:https?|hxxps?):\/\/[^)\]\s]*\s*[)\]]\s*[:?]\s*$/i;

function helpMarkedQuestion(line: string): boolean {
  return ENDS_IN_HELP_LINK.test(line) && asks(line.replace(/\b(?:https?|hxxps?):\/\/\S+/gi, ' ')) && !speaksAsSender(line);
}

function cleanHeading(s: string): string {
  return s
    .replace(/\*\*|__/g, '')
    .replace(/^#+\s*/, '')
    .replace(/^\s*(?:\(?\d{1,2}[.)]|[-*•])\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Words outside URLs and markup: a bold URL is an answer emphasised, not a question. */
function hasWords(s: string): boolean {
  return (s.replace(/\b(?:https?|hxxps?):\/\/\S+/gi, ' ').match(/\p{L}{2,}/gu) ?? []).length >= 2;
}

// How a form asks: a question, the sender addressed ("you", "please"), a sentence that instructs, or
// a field marked as a form marks its fields ("(optional)", "(required)").
const ASKING =
  /\?(?:\s|$)|\((?:optional|required)\)|\b(?:you|your|yours|please)\b|(?:^|[.?!:]\s+)(?:\(?\d{1,2}[.)]\s*)?(?:provide|describe|list|identify|enter|type|give|tell|include|explain|confirm|state|specify|indicate|attach|select|choose|sign|write|add|insert|fill|copy|paste)\b/i;

/** The prompt asks the sender something, rather than being a label or a sentence of an answer. */
function asks(question: string): boolean {
  return ASKING.test(question);
}

// What a form asks for once, by group: contact details are one question however they are split.
const ASKED_ONCE: Partial<Record<QuestionRole, string>> = {
  infringing: 'infringing',
  forks: 'forks',
  original: 'original',
  infringer: 'infringer',
  name: 'name',
  signature: 'name',
  address: 'contact',
  phone: 'contact',
  email: 'contact',
};

// A line that points to the lines after it ("… are shown below:", "… the URLs are:", "Like:") leads
// into its own answer's text: a question ends on what it asks for.
const LEADS_IN = /\b(?:below|following|follows|here|is|are|was|were|at|like|include|includes|including)\s*[:?]?\s*$/i;

function leadsIn(question: string): boolean {
  return LEADS_IN.test(question);
}

// The sender speaks as "I" ("My whole book has been posted…", "My phone number is…"); a form asks
// them as "you", and speaks as "we" itself. The statements it quotes for typing do not count.
const FIRST_PERSON = /\b(?:I|I'm|I've|my|me|mine)\b/i;
const QUOTED = /"[^"]*"|“[^”]*”/g;

function speaksAsSender(question: string): boolean {
  return FIRST_PERSON.test(question.replace(QUOTED, ' ').replace(/[’‘]/g, "'"));
}

/** A short label for the sender's own details ("Full name (this signs the notice):") is a question wherever it stands. */
function asksForSender(s: Section): boolean {
  // Measured without its help link: the link is the form's, not part of what it asks.
  return (
    s.heading!.replace(BRACKETED_URL, ' ').replace(/\s+/g, ' ').trim().length <= 60 &&
    (s.role === 'name' || s.role === 'signature' || s.role === 'address' || s.role === 'phone' || s.role === 'email')
  );
}

/** The sections of a text, in order; together they cover it. */
export function segment(text: string): Section[] {
  const lines = splitLines(text);
  const heads: { start: number; bodyStart: number; heading: string; style: 'markdown' | 'prompt' }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.text.trim();
    if (!t) continue;
    // Bold opening a line: the question runs to the closing ** (it may wrap over lines).
    const bold = t.startsWith('**') && !t.startsWith('***') ? '**' : t.startsWith('__') && !t.startsWith('___') ? '__' : null;
    if (bold) {
      const open = line.start + line.text.indexOf(bold);
      const close = text.indexOf(bold, open + 2);
      if (
        close > open + 2 &&
        close - open < MAX_HEADING &&
        // A question is one paragraph: a run over a blank line is a "**" left open, closed by the next question's.
        !/\n[ \t]*\n/.test(text.slice(open + 2, close)) &&
        text.slice(open + 2, close).split('\n').length <= 10
      ) {
        const inner = text.slice(open + 2, close);
        // "**Name:** Jane" is a question with its answer beside it; "**Important** text" is emphasis.
        const nl = text.indexOf('\n', close);
        const after = text.slice(close + 2, nl < 0 ? text.length : nl).trim();
        if (hasWords(inner) && (!after || /[?:.]\s*$/.test(inner.trim()) || inner.length > 60)) {
          heads.push({ start: line.start, bodyStart: close + 2, heading: cleanHeading(inner), style: 'markdown' });
          while (i + 1 < lines.length && lines[i + 1]!.start < close) i++;
          continue;
        }
      } else if (/[?:]\s*$/.test(t) && urlFreeForQuestion(t) && hasWords(t) && t.length < MAX_HEADING) {
        // A "**" left open on a line that ends like a question: marked up as one all the same.
        heads.push({ start: line.start, bodyStart: line.end, heading: cleanHeading(t), style: 'markdown' });
        continue;
      }
    }
    if (/^#{1,6}\s+\S/.test(t) && hasWords(t)) {
      heads.push({ start: line.start, bodyStart: line.end, heading: cleanHeading(t), style: 'markdown' });
      continue;
    }
    // A prompt: a line ending in ':' or '?', with the lines of its paragraph before it.
    if (/[:?]\s*(?:\*\*)?$/.test(t) && (urlFreeForQuestion(t) || helpMarkedQuestion(t)) && t.length < MAX_HEADING) {
      let first = i;
      let len = t.length;
      while (first > 0) {
        const prev = lines[first - 1]!.text.trim();
        if (!prev || !urlFreeForQuestion(prev) || /[:?]\s*(?:\*\*)?$/.test(prev) || len + prev.length > MAX_HEADING) break;
        if (heads.length && lines[first - 1]!.start < heads[heads.length - 1]!.bodyStart) break;
        len += prev.length + 1;
        first--;
      }
      const heading = cleanHeading(text.slice(lines[first]!.start, line.end));
      if (hasWords(heading)) heads.push({ start: lines[first]!.start, bodyStart: line.end, heading, style: 'prompt' });
    }
  }
  const out: Section[] = [];
  const firstStart = heads[0]?.start ?? text.length;
  if (firstStart > 0 || !heads.length)
    out.push({ heading: null, style: null, start: 0, bodyStart: 0, end: firstStart, role: null, confidence: 1, signs: false, formQuestion: false });
  let marked = 0;
  let knownPrompts = 0;
  let askingPrompts = 0;
  for (let k = 0; k < heads.length; k++) {
    const h = heads[k]!;
    const end = heads[k + 1]?.start ?? text.length;
    const m = classifyQuestion(h.heading);
    if (h.style === 'markdown') marked++;
    else if (m.role !== 'other' && m.confidence >= MIN_QUESTION_CONFIDENCE) {
      knownPrompts++;
      if (asks(h.heading)) askingPrompts++;
    }
    out.push({
      heading: h.heading,
      style: h.style,
      start: h.start,
      bodyStart: Math.min(h.bodyStart, end),
      end,
      role: m.role,
      confidence: m.confidence,
      signs: m.signs,
      formQuestion: h.style === 'markdown',
    });
  }
  // A form in plain lines: its questions are the prompts that ask for something known; the other
  // prompts are labels inside their answers. A form that asks its questions in sentences ("What
  // files…?", "Please provide…:") asks them all so: a label or a sentence of the sender's own there
  // ("Infringing repository:", "We found two forks:") is part of an answer, as it would be under a
  // bold question. A form of bare labels ("Name:", "Infringing URL:") has only those for questions.
  // With marked-up questions, a plain prompt is a label inside an answer, unless it asks, in a
  // sentence, for something none of the marked questions asks (a form whose last question lost its
  // bold, or whose first ones only are bold).
  const plainForm = marked < FORM_MIN_QUESTIONS && knownPrompts >= FORM_MIN_QUESTIONS;
  if (plainForm || marked >= FORM_MIN_QUESTIONS) {
    const inSentences = !plainForm || askingPrompts >= FORM_MIN_QUESTIONS;
    const asked = new Set<string>();
    for (const s of out) if (s.style === 'markdown' && s.role) asked.add(ASKED_ONCE[s.role] ?? '');
    const candidates = out.filter(
      (s) =>
        s.style === 'prompt' &&
        s.role !== 'other' &&
        s.confidence >= MIN_QUESTION_CONFIDENCE &&
        (!inSentences || ((asks(s.heading!) || (plainForm && asksForSender(s))) && !leadsIn(s.heading!) && !speaksAsSender(s.heading!))) &&
        (plainForm || (ASKED_ONCE[s.role!] !== undefined && !asked.has(ASKED_ONCE[s.role!]!))),
    );
    // A form asks for each of these once: of several prompts about the same thing, the one that asks
    // for it most surely is the question, the others are lines of answers ("Please type your full
    // legal name:" beside "File names to be removed:", "Physical address:" under "… so that we can
    // get back to you, your telephone number or address:").
    const best = new Map<string, Section>();
    if (inSentences)
      for (const s of candidates) {
        const group = ASKED_ONCE[s.role!];
        if (group === undefined) continue;
        const b = best.get(group);
        if (!b || s.confidence > b.confidence) best.set(group, s);
      }
    for (const s of candidates) {
      const group = inSentences ? ASKED_ONCE[s.role!] : undefined;
      if (group === undefined || best.get(group) === s) s.formQuestion = true;
    }
  }
  return out;
}

/** The body of a section, trimmed. */
export function sectionBody(text: string, s: Section): string {
  return text.slice(s.bodyStart, s.end).trim();
}
