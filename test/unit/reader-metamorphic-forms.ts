// Rewriting a web-form notice without changing what it says, for the reader's metamorphic tests
// (reader-metamorphic.test.ts): the same questions worded otherwise, with help links in them, marked
// up otherwise (Markdown heading, bold, HTML, plain lines), in another order, wrapped or joined. The
// generator knows GitHub's form (it has to, to reword it); the reader it tests must not.
import { createHash } from 'node:crypto';

export interface FormField {
  question: string;
  /** The answer's lines, as written (may be empty: a statement ticked, a question left blank). */
  answer: string[];
}

export interface ParsedForm {
  preamble: string[];
  fields: FormField[];
}

const BOLD_Q = /^[ \t]*\*\*([^*\n][^\n]*?)\*\*[ \t]*(.*)$/;

/** A GitHub form notice as its questions (bold runs opening a line) and answers; null when it is not one. */
export function parseForm(text: string): ParsedForm | null {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const preamble: string[] = [];
  const fields: FormField[] = [];
  for (const line of lines) {
    const m = BOLD_Q.exec(line);
    if (m && m[1]!.trim().length >= 12 && /[a-z]{3}/i.test(m[1]!) && !/^\s*https?:\/\/\S+\s*$/.test(m[1]!)) {
      fields.push({ question: m[1]!.trim(), answer: m[2]!.trim() ? [m[2]!.trim()] : [] });
    } else if (fields.length) fields[fields.length - 1]!.answer.push(line.replace(/[ \t]+$/, ''));
    else preamble.push(line);
  }
  // A form asks: bold lines none of which asks anything are a letter's emphasis (a signature block
  // in bold), and rewriting them as questions or moving them around would change what the letter says.
  if (fields.length < 4 || fields.filter((f) => /\?|:\s*$/.test(f.question)).length < 3) return null;
  for (const f of fields) {
    while (f.answer.length && !f.answer[0]!.trim()) f.answer.shift();
    while (f.answer.length && !f.answer[f.answer.length - 1]!.trim()) f.answer.pop();
  }
  return { preamble, fields };
}

/** A deterministic choice, from the notice's id and what is being chosen. */
export function pick<T>(seed: string, what: string, options: readonly T[]): T {
  const h = createHash('sha256').update(`${seed}:${what}`).digest();
  return options[h.readUInt32BE(0) % options.length]!;
}

// Other wordings of each of the form's questions: synonyms, other sentence shapes, other endings
// ('?', ':', '.'). None is a wording GitHub used.
const REWORDINGS: [RegExp, string[]][] = [
  [
    /^what files (?:should be|were) taken down/i,
    [
      'Which material do you want us to remove? List the link to every file, or the repository link if all of it is affected.',
      'Identify the content to be disabled: one web address per file, or the address of the whole project.',
      'Where is the unauthorised copy located? Give the address of each file or repository.',
      'List the URLs of the material you are asking us to take offline.',
    ],
  ],
  [
    /^have you searched for any forks/i,
    [
      'Did you look for forks of this repository? Every fork is a separate project and has to be listed on its own if you want it disabled too.',
      'List any forked copies of the repository that should also be removed.',
      'Forks: please name each one you want taken offline as well.',
      'Are there forks of the allegedly infringing repositories that should also be disabled?',
    ],
  ],
  [
    /original copyrighted work|what work was allegedly infringed/i,
    [
      'Describe the original work you own that is being copied. Where can we see it online?',
      'Please tell us about your copyrighted work and give a link to where it is published.',
      'Which of your works has been infringed? A link to the original helps.',
      'Identify the protected work (the original) and where it is available.',
    ],
  ],
  [
    /^(?:is|was) the work licensed|open source licen/i,
    [
      'Is your work released under an open-source licence? Which one, and do the copies respect its terms?',
      'Licensing: is the original published under a free licence, and is that licence being violated?',
    ],
  ],
  [
    /best solution|specific changes/i,
    [
      'What outcome would resolve this? Could the other party change something instead of removing it, or make the repository private?',
      'Describe the remedy you prefer, other than deletion, if there is one.',
    ],
  ],
  [
    /alleged infringer.s contact information/i,
    ['Do you know how to reach the person who posted the material? If so, give their details.', "The uploader's contact details, if you have them:"],
  ],
  [
    /^are you the copyright (?:owner|holder)|are you the owner of the content/i,
    ['Do you own the rights, or are you acting for the owner?', 'Are you the rights holder or their authorised agent?'],
  ],
  [
    /nature of your copyright ownership/i,
    ['Explain how you own the copyright or why you may act for the owner.', 'On what basis do you hold, or act for, the rights?'],
  ],
  [
    /^so that (?:we|the complaining party) can get back to you/i,
    [
      'How can we contact you? Give a phone number or a postal address.',
      'Your contact details (telephone or mailing address):',
      'Where can we reach you? Please give your telephone number or street address.',
    ],
  ],
  [
    /type your full legal name/i,
    ['Type your full legal name.', 'Enter your complete legal name as your electronic signature:', 'Full name (this signs the notice):'],
  ],
  [
    /read our guide|read and understand github.s guide/i,
    ['Have you read the guide to sending a takedown notice?', 'Please confirm you have read the guide for takedown notices.'],
  ],
  [
    /^do you want to make changes to your repository or do you want to dispute/i,
    ['Will you change the repository, or do you contest the notice?', 'Do you plan to edit your project or to dispute the takedown?'],
  ],
  [
    /anything else you think we should know/i,
    ['Anything more we should know about why you think the removal was a mistake? (optional)', 'Further explanation of the mistake (optional):'],
  ],
];

/** Another wording of a question, or the question itself when the generator has none. */
export function reword(seed: string, question: string): string {
  for (const [re, options] of REWORDINGS) if (re.test(question)) return pick(seed, question, options);
  return question;
}

const HELP_LINKS = [
  'https://help.example.org/forms/takedown-guide',
  'https://docs.example.net/dmca#fields',
  'https://support.example.com/articles/123-notice-help',
];

/** The question with a help link inside it, as forms put them: Markdown, HTML, or a bare URL in brackets. */
export function withHelpLink(seed: string, question: string): string {
  const url = pick(seed, `${question}:url`, HELP_LINKS);
  const style = pick(seed, `${question}:style`, ['md', 'html', 'bare'] as const);
  const link = style === 'md' ? `[help](${url})` : style === 'html' ? `<a href="${url}">help</a>` : `(see ${url})`;
  const m = /^(.*?)([?:.]?)$/s.exec(question)!;
  return `${m[1]} ${link}${m[2]}`;
}

export type Markup = 'bold' | 'heading' | 'html' | 'plain' | 'inline';

function wrap(s: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of s.split(/\s+/)) {
    if (line && line.length + w.length + 1 > width) {
      out.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out;
}

/** A plain line must end like a question to read as one; bold, headings and HTML say so by their markup. */
function plainQuestion(q: string): string {
  return /[?:]$/.test(q) ? q : `${q.replace(/\.$/, '')}:`;
}

export interface RenderOptions {
  markup: Markup;
  /** Wrap question text at about 50 columns (inside its markup). */
  split?: boolean;
  /** No blank line between a question and its answer. */
  join?: boolean;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The form as text in the given markup. */
export function render(form: ParsedForm, o: RenderOptions): string {
  const gap = o.join ? [] : [''];
  const out: string[] = [...form.preamble];
  if (o.markup === 'html') {
    out.push('<html><body>');
    for (const f of form.fields) {
      out.push(`<h3>${f.question.replace(/[^<>&]+/g, (t) => escapeHtml(t))}</h3>`);
      if (f.answer.length) out.push(`<p>${f.answer.map((l) => escapeHtml(l.trim())).join('<br>\n')}</p>`);
    }
    out.push('</body></html>');
    return out.join('\n');
  }
  for (const f of form.fields) {
    const q = o.markup === 'plain' ? plainQuestion(f.question) : f.question;
    const qLines = o.split && o.markup !== 'heading' && o.markup !== 'inline' ? wrap(q, 50) : [q];
    if (o.markup === 'inline' && f.answer.length === 1 && !/^\s*(?:[-*]|\d+\.)\s/.test(f.answer[0]!)) {
      out.push(`**${q}** ${f.answer[0]!.trim()}`, '');
      continue;
    }
    if (o.markup === 'heading') out.push(`### ${q}`);
    else if (o.markup === 'plain') out.push(...qLines);
    else {
      const ql = [...qLines];
      ql[0] = `**${ql[0]}`;
      ql[ql.length - 1] = `${ql[ql.length - 1]}**`;
      out.push(...ql);
    }
    if (f.answer.length) out.push(...gap, ...f.answer);
    out.push('');
  }
  return out.join('\n');
}

/** The same form with its fields in another order (rotated, the first ones last). */
export function reorder(seed: string, form: ParsedForm): ParsedForm {
  const n = form.fields.length;
  const by = 1 + (createHash('sha256').update(`${seed}:reorder`).digest()[0]! % (n - 1));
  return { preamble: form.preamble, fields: [...form.fields.slice(by), ...form.fields.slice(0, by)] };
}

export function mapQuestions(form: ParsedForm, f: (q: string) => string): ParsedForm {
  return { preamble: form.preamble, fields: form.fields.map((x) => ({ question: f(x.question), answer: x.answer })) };
}
