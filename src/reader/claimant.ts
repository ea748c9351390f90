// Who sent the notice and how to reach them: labelled fields ("Name:", "E-mail:", "Address:"),
// the typed name that signs a form, the name under a letter's closing, e-mail addresses outside
// the part that describes the infringer. Redacted values ("[private]") count as given but are
// not reported as values.
import type { Claimant } from './types.ts';
import type { Section } from './sections.ts';
import { isContactRole } from './questions.ts';

export interface ClaimantFacts {
  claimant: Claimant;
  /** 0–1 per field read: an answer to a question asking for it, a labelled line, or a guess from the letter's shape. */
  confidence: Partial<Record<keyof Claimant, number>>;
  signed: boolean;
  present: { name: boolean; email: boolean; phone: boolean; address: boolean };
}

const REDACTED = /^\W*(?:\[?\s*(?:private|redacted|withheld|removed|omitted)\s*\]?|x{3,}|\*{3,})\W*$/i;
const EMAIL_RE = /\b[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}\b/g;
const EMAIL_AT = /[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}\b/y;

/** E-mail addresses, found from their '@' (scanning every position with a regex is slow on long notices). */
function findEmails(text: string, accept: (at: number) => boolean): string | null {
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && start > at - 64 && /[A-Za-z0-9._%+-]/.test(text[start - 1]!)) start--;
    if (start === at) continue;
    EMAIL_AT.lastIndex = start;
    const m = EMAIL_AT.exec(text);
    if (m && accept(start) && !/^(?:https?|www)\b/i.test(m[0])) return m[0].toLowerCase();
  }
  return null;
}
const PHONE_UNLABELLED =
  /(?:^|[\s,;(])(?:\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]\d{2,4}){2,4}|\(\d{3}\)\s?\d{3}-\d{4}|\d{3}-\d{3}-\d{4})(?=$|[\s,;.)])/m;
const PHONE_VALUE = /(?:\+?\d[\d ().\-/]{6,}\d)/;
const CLOSING =
  /^\s*(?:(?:yours )?(?:very )?(?:sincerely|faithfully|truly|respectfully|cordially)(?: yours)?|(?:best|kind|warm|many thanks and|with best)?\s*regards|best(?: wishes)?|thanks?(?: you)?(?: very much)?(?: for your (?:time|help|attention|assistance|cooperation))?|cheers|respectfully submitted|signed|mit freundlichen grüßen|cordialement|atentamente|saludos)\s*[,.!]?\s*$/i;
const LABEL =
  /^\s*(?:[-*•]\s*)?(?:\*\*)?\s*((?:full |legal |your |my |contact |sender'?s? |complainant'?s? |claimant'?s? |first |last )*(?:name|e-?mail(?: address)?|phone(?: number)?|tel(?:ephone)?(?: number)?|mobile|fax|(?:mailing |postal |street |physical |business |office )?address|company(?: name)?|organi[sz]ation(?: name)?|firm|rights ?holder|copyright (?:owner|holder)|notifier|complainant|claimant|submitted by|country|signature|signed|electronic signature|title|position))\s*(?:\*\*)?\s*[:\-–]\s*(?:\*\*)?\s*(.*)$/i;

function clean(v: string): string {
  return v
    .replace(/\*\*|__/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[,;]$/, '');
}

// The answer to a yes/no question or a statement, never a name or an address.
const YES_NO =
  /^(?:yes|no|y|n|n\/a|na|none|nil|not applicable|ok|okay|true|false|confirmed?|agreed?|i (?:do|am|have|agree|confirm|understand)|i have read (?:it|the guide)|correct|accept(?:ed)?)\b[\s\S]{0,40}$/i;

function value(v: string): string | null {
  const c = clean(v).replace(
    /^([^,]{3,60}),\s*(?:[\w&.-]+\s+){0,3}(?:lead|manager|counsel|attorney|lawyer|director|agent|officer|head|president|ceo|cto|founder|owner|partner|esq\.?|paralegal|specialist|analyst)\b.*$/i,
    '$1',
  );
  if (!c || REDACTED.test(c) || c.length > 300 || YES_NO.test(c)) return null;
  return c;
}

const EMAIL_ONLY = /^\W*[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}\W*$/;
const PHONE_ONLY = /^\W*(?:tel|phone|mobile)?\W*\+?\d[\d ().\-/]{6,}\d\W*$/i;

export function extractClaimant(
  text: string,
  sections: Section[],
  excluded: (at: number) => boolean,
  sender?: { name: string | null; address: string | null } | null,
): ClaimantFacts {
  const c: Claimant = { name: null, email: null, company: null, address: null, phone: null, country: null };
  const present = { name: false, email: false, phone: false, address: false };
  let signed = false;
  const confidence: ClaimantFacts['confidence'] = {};
  let sure = 0.6;
  const set = (field: keyof Claimant, v: string | null) => {
    if (v && !c[field]) {
      c[field] = v;
      confidence[field] = sure;
    }
  };

  // Questions that ask for a name, a signature or contact details: their answers, and only theirs.
  // A form that asks for the name has said where it is: no other line is taken for it.
  let nameAsked = false;
  // In a form, only its own questions ask: a prompt inside an answer ("… under the user name:") is the
  // sender's sentence, and which of several such came first must not decide the claimant. Bold lines
  // that ask for nothing (a letter's emphasised signature block) do not make a letter a form.
  const form = sections.some((s) => s.formQuestion && s.role !== 'other');
  for (const s of sections) {
    if (!s.heading || !s.role || excluded(s.start) || (form && !s.formQuestion)) continue;
    const body = text.slice(s.bodyStart, s.end).trim();
    if (!body) continue;
    const answerLines = body
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const firstLine = answerLines[0] ?? '';
    sure = Math.max(0.6, s.confidence);
    if (s.role === 'name' || s.role === 'signature' || (s.signs && s.role !== 'statement')) {
      signed ||= s.signs || s.role === 'signature';
      present.name = true;
      nameAsked = true;
      if (!LABEL.test(firstLine)) set('name', value(firstLine.replace(/^\/s\/\s*/i, '').replace(/^\/(.+)\/$/, '$1')));
    } else if (isContactRole(s.role)) {
      const h = s.heading.toLowerCase();
      if (/\b(?:tele)?phone\b|\bmobile\b|\btel\b/.test(h) || answerLines.some((l) => PHONE_ONLY.test(l)))
        present.phone = present.phone || answerLines.some((l) => PHONE_VALUE.test(l) || REDACTED.test(l)) || /\bphone\b/i.test(body);
      if (/\baddress\b/.test(h) && !/\be-?mail address\b/.test(h)) present.address = true;
      // Unlabelled lines by their shape: an e-mail address, a telephone number, else the postal address.
      const postal: string[] = [];
      for (const l of answerLines.slice(0, 8)) {
        if (LABEL.test(l)) continue;
        if (EMAIL_ONLY.test(l)) set('email', l.replace(/^\W+|\W+$/g, '').toLowerCase());
        else if (PHONE_ONLY.test(l)) {
          present.phone = true;
          set('phone', clean(l.replace(/^\W*(?:tel|phone|mobile)\W*/i, '')));
        } else if (postal.length < 4) postal.push(clean(l));
      }
      if (/\baddress\b/.test(h) && postal.length) set('address', value(postal.filter(Boolean).join(', ')));
    }
  }

  // Labelled lines anywhere outside the infringer's part. A label's value may continue on the next
  // lines, but never into the next question or its answer. The labels in the answer to a form's
  // question about contact details are read first: that is where the sender's own details are, and
  // an "Address:" in an earlier answer (the owner company's, under "Are you the owner?") is not them.
  const contactAnswers = form ? sections.filter((s) => s.formQuestion && s.role && isContactRole(s.role) && !excluded(s.start)) : [];
  const questionStarts = new Set(sections.filter((s) => s.heading !== null).map((s) => s.start));
  const answerBeside = new Map(sections.filter((s) => s.heading !== null).map((s) => [s.start, s.bodyStart]));
  const questionAt = (lineAt: number, line: string) => questionStarts.has(lineAt) || questionStarts.has(lineAt + line.length - line.trimStart().length);
  // A question wrapped over lines ("How can we contact you? Give a phone number or a" / "postal
  // address:") is not a label on its later lines: the text of a question is never an answer.
  const wrapped = sections.filter((s) => s.heading !== null && text.lastIndexOf('\n', s.bodyStart - 1) > s.start).map((s): Range => [s.start + 1, s.bodyStart]);
  const lines = text.split('\n');
  for (const contactPass of contactAnswers.length ? [true, false] : [false]) {
    const inContactAnswer = inRanges(contactAnswers.map((s): Range => [s.bodyStart, s.end]));
    const insideQuestion = inRanges(wrapped);
    let at = 0;
    let afterClosing = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const lineAt = at;
      at += line.length + 1;
      if (contactPass && !inContactAnswer(lineAt)) continue;
      if (line.length > 400 || /^\s*(?:[-*•\d.)]+\s*)?(?:https?:|<https?:)/i.test(line) || excluded(lineAt) || insideQuestion(lineAt)) continue;
      // An answer beside its question ("**Contact details:** Phone: …") is read as a line of its own.
      const q = answerBeside.get(lineAt) ?? answerBeside.get(lineAt + line.length - line.trimStart().length);
      const labelled = q !== undefined && q < lineAt + line.length ? text.slice(q, lineAt + line.length) : line;
      const m = labelled.length < 3 ? null : LABEL.exec(labelled);
      if (m) {
        sure = 0.85;
        const label = m[1]!.toLowerCase();
        let v = m[2] ?? '';
        // The value may be on the next lines ("Mailing address:" then the address).
        if (!clean(v)) {
          const next: string[] = [];
          let nextAt = at;
          for (let k = i + 1; k < lines.length && next.length < 4; k++) {
            const lineK = lines[k]!;
            const kAt = nextAt;
            nextAt += lineK.length + 1;
            if (questionAt(kAt, lineK)) break;
            const l = lineK.trim();
            if (!l) {
              if (next.length) break;
              continue;
            }
            if (LABEL.test(l)) break;
            next.push(l);
            if (!/address/.test(label)) break;
          }
          v = next.join(', ');
        }
        const val = value(v);
        const given = !!clean(v);
        if (/e-?mail/.test(label)) {
          present.email ||= given;
          const e = v.match(EMAIL_RE);
          if (e) set('email', e[0]!.toLowerCase());
        } else if (/phone|tel|mobile|fax/.test(label)) {
          present.phone ||= given;
          if (val && PHONE_VALUE.test(val)) set('phone', val);
        } else if (/address/.test(label)) {
          present.address ||= given;
          set('address', val);
        } else if (/company|organi|firm|rights ?holder|copyright/.test(label)) set('company', val?.replace(/\s*[—–|].*$/, '') ?? null);
        else if (/notifier|complainant|claimant|submitted by/.test(label)) {
          const who = val?.split(/\s*[,—–|]\s*/)[0] ?? null;
          if (who && /\b(?:ltd|llc|inc|gmbh|sas|sa|bv|plc|corp|corporation|company|co\.|limited|s\.?r\.?l|ag)\b\.?/i.test(who)) set('company', who);
          else set('name', who);
          present.name ||= given;
        } else if (/country/.test(label)) set('country', val);
        else if (/signature|signed/.test(label)) {
          signed ||= given;
          if (val && !/^\/?s\/?$/.test(val)) set('name', val.replace(/^\/s\/\s*/i, '').replace(/^\/(.+)\/$/, '$1'));
        } else if (/name/.test(label) && !/title|position/.test(label)) {
          present.name ||= given;
          set('name', val);
        }
        continue;
      }
      if (contactPass) continue;
      sure = 0.6;
      const t = line.trim();
      // "/s/ Jane Doe" or "/Jane Doe/": an electronic signature.
      const s = /^\/s\/\s*(.{2,80})$/i.exec(t) ?? /^\/([^/]{2,80})\/$/.exec(t);
      if (s) {
        signed = true;
        present.name = true;
        set('name', value(s[1]!));
        continue;
      }
      if (CLOSING.test(t)) {
        afterClosing = true;
        continue;
      }
      if (afterClosing && t && !nameAsked) {
        afterClosing = false;
        if (t.length <= 80 && !/https?:\/\//.test(t) && !/[.?!:]$/.test(t.replace(/\b[A-Z]\.$/, ''))) {
          signed = true;
          present.name = true;
          set('name', value(t.replace(/^\/|\/$/g, '')));
        }
      }
    }
  }

  // A letter that ends with a name ("Jane Doe", "Jane Doe, 1 Main St, …", then perhaps an address
  // and a phone number) is signed by it; so is "Signed, Jane Doe". A form ends with the answer to
  // whichever question it asks last ("No."), which says nothing of who signed it unless it says so.
  const tail = lines.map((l) => l.trim()).filter(Boolean);
  for (let k = Math.max(1, tail.length - 4); k < tail.length && !nameAsked; k++) {
    const line = tail[k]!.replace(/^(?:signed|signature|sincerely|regards|best regards|kind regards|yours truly|respectfully)\s*,\s*/i, '');
    if (form && line === tail[k]) continue;
    const endName = /^(\p{Lu}[\p{L}'’.-]+(?:\s+\p{Lu}[\p{L}'’.-]+){0,3})\s*(?:,|$)/u.exec(line);
    if (endName && !CLOSING.test(line) && !LABEL.test(line) && line.length < 200 && !/^(?:dear|hello|hi|thanks?|please|the|this|we|i|our|my)\b/i.test(line)) {
      signed = true;
      present.name = true;
      set('name', endName[1]!);
      break;
    }
  }
  if (!present.phone && PHONE_UNLABELLED.test(text)) present.phone = true;

  // An e-mail address in the text outside the infringer's part, else the sender's.
  if (!c.email) {
    // Not the recipient's ("To:", "Via e-mail:", "Attn:", "cc:").
    const recipientLine = (at: number) =>
      /\b(?:to|via|attn|attention|cc|bcc|recipient|sent to)\b[^:\n]{0,20}:[^\n]*$/i.test(text.slice(text.lastIndexOf('\n', at) + 1, at));
    set(
      'email',
      findEmails(text, (at) => !excluded(at) && text[at - 1] !== '/' && text.slice(Math.max(0, at - 8), at).indexOf('://') < 0 && !recipientLine(at)),
    );
  }
  if (!c.email && sender?.address) set('email', sender.address.toLowerCase());
  if (!c.name && sender?.name) set('name', sender.name);
  if (c.email) present.email = true;
  if (c.name) present.name = true;
  if (c.phone) present.phone = true;
  if (!present.phone && /\b(?:phone|tel|telephone)\b\.?\s*(?:number)?\s*[:-]?\s*\+?\d[\d ().-]{6,}\d/i.test(text)) present.phone = true;
  if (c.address) present.address = true;
  // A postal address without a label: a street line and a line with a postcode.
  if (!c.address) {
    const line = STREET_LINE.exec(text);
    if (line && !excluded(line.index)) {
      present.address = true;
      set('address', value(clean(line[0])));
    }
  }
  if (c.address && !c.country) {
    const code = countryOf(c.address);
    if (code) set('country', code);
  }
  return { claimant: c, confidence, signed, present };
}

type Range = [start: number, end: number];

/** Whether offsets, asked in increasing order, fall in one of the sorted, disjoint ranges (walked once, not searched per line). */
function inRanges(ranges: Range[]): (at: number) => boolean {
  let k = 0;
  return (at) => {
    while (k < ranges.length && ranges[k]![1] <= at) k++;
    return k < ranges.length && at >= ranges[k]![0];
  };
}

/** A line that starts with a street address: a house number and a street word. */
const STREET_LINE =
  /^[^\S\n]*(?:[^\n,]{0,80},\s*)?\d{1,6}\s+[A-Z][\w .'-]{2,40}\b(?:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|way|suite|floor|strasse|straße)\b[^\n]*$/im;

const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region' });
const COUNTRY_ALIASES: Record<string, string> = {
  usa: 'US',
  'u.s.a.': 'US',
  'u.s.': 'US',
  'united states of america': 'US',
  uk: 'GB',
  'u.k.': 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
};
let countryByName: Map<string, string> | null = null;

/** The country an address ends with ("…, USA", "…, Germany"), as an ISO 3166-1 code. */
export function countryOf(address: string): string | null {
  if (!countryByName) {
    countryByName = new Map();
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const name = REGION_NAMES.of(code);
        if (name && name !== code && name !== 'Unknown Region') countryByName.set(name.toLowerCase(), code);
      }
    }
  }
  const last = address.split(',').pop()?.trim().toLowerCase().replace(/\.$/, '') ?? '';
  return COUNTRY_ALIASES[last] ?? COUNTRY_ALIASES[`${last}.`] ?? countryByName.get(last) ?? null;
}
