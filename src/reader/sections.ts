// Cutting a document into sections: a heading (a markdown heading, a bold question, or a prompt
// line ending in ':' or '?') and the answer that follows it. Free-form letters come out as one
// section without a heading, or a few when they introduce lists ("… can be found at:").

export interface Section {
  /** The heading text (markdown removed), or null for text before the first heading. */
  heading: string | null;
  /** Offset in the text where the heading starts (or the body, with no heading). */
  start: number;
  /** How the heading was marked: markdown (bold or #), or a prompt line ending in ':' or '?'. */
  style: 'markdown' | 'prompt' | null;
  /** Offset where the body (the answer) starts and ends. */
  bodyStart: number;
  end: number;
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
const MAX_HEADING = 700;

function cleanHeading(s: string): string {
  return s
    .replace(/\*\*|__/g, '')
    .replace(/^#+\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The sections of a text, in order; together they cover it. */
export function segment(text: string): Section[] {
  const lines = splitLines(text);
  const heads: { start: number; bodyStart: number; heading: string; style: 'markdown' | 'prompt' }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.text.trim();
    if (!t) continue;
    // Markdown bold opening a line: the heading runs to the closing ** (it may wrap over lines).
    if (t.startsWith('**') && !t.startsWith('***')) {
      const open = line.start + line.text.indexOf('**');
      const close = text.indexOf('**', open + 2);
      if (
        close > open + 2 &&
        close - open < MAX_HEADING &&
        !/\n\s*\n\s*\n/.test(text.slice(open + 2, close)) &&
        text.slice(open + 2, close).split('\n').length <= 10
      ) {
        const inner = text.slice(open + 2, close);
        // "**Name:** Jane" is a label with its value, not a heading, unless the label asks a question.
        const after = text.slice(close + 2, text.indexOf('\n', close) < 0 ? text.length : text.indexOf('\n', close)).trim();
        if (!after || /[?:]\s*$/.test(inner.trim()) || inner.length > 60) {
          heads.push({ start: line.start, bodyStart: close + 2, heading: cleanHeading(inner), style: 'markdown' });
          while (i + 1 < lines.length && lines[i + 1]!.start < close) i++;
          continue;
        }
      }
    }
    if (/^#{1,6}\s+\S/.test(t)) {
      heads.push({ start: line.start, bodyStart: line.end, heading: cleanHeading(t), style: 'markdown' });
      continue;
    }
    // A prompt: a line without a URL ending in ':' or '?', with the lines of its paragraph before it.
    if (/[:?]\s*(?:\*\*)?$/.test(t) && !HAS_URL.test(t) && t.length < MAX_HEADING) {
      let first = i;
      let len = t.length;
      while (first > 0) {
        const prev = lines[first - 1]!.text.trim();
        if (!prev || HAS_URL.test(prev) || /[:?]\s*(?:\*\*)?$/.test(prev) || len + prev.length > MAX_HEADING) break;
        if (heads.length && lines[first - 1]!.start < heads[heads.length - 1]!.bodyStart) break;
        len += prev.length + 1;
        first--;
      }
      heads.push({ start: lines[first]!.start, bodyStart: line.end, heading: cleanHeading(text.slice(lines[first]!.start, line.end)), style: 'prompt' });
    }
  }
  const out: Section[] = [];
  const firstStart = heads[0]?.start ?? text.length;
  if (firstStart > 0 || !heads.length) out.push({ heading: null, style: null, start: 0, bodyStart: 0, end: firstStart });
  for (let k = 0; k < heads.length; k++) {
    const h = heads[k]!;
    const end = heads[k + 1]?.start ?? text.length;
    out.push({ heading: h.heading, style: h.style, start: h.start, bodyStart: Math.min(h.bodyStart, end), end });
  }
  return out;
}

/** The body of a section, trimmed. */
export function sectionBody(text: string, s: Section): string {
  return text.slice(s.bodyStart, s.end).trim();
}
