// The notice reader's vocabulary: what kind of document it is, the legal elements it looks for,
// and the shape of its answer. Types only (plus the element tables), no behaviour.
import type { ReportSubject } from './subject.ts';
import type { ReportFacts } from './report-facts.ts';

export const KINDS = ['takedown', 'counter_notice', 'retraction', 'reversal', 'counter_notice_retraction', 'counter_notice_reversal', 'other'] as const;
export type NoticeKind = (typeof KINDS)[number];

/** 17 U.S.C. §512(c)(3)(A)(i)–(vi), in the statute's order. */
export const TAKEDOWN_ELEMENTS = [
  'signature',
  'copyrighted_work',
  'infringing_material',
  'contact_information',
  'good_faith_statement',
  'accuracy_and_authority_statement',
] as const;
export type TakedownElement = (typeof TAKEDOWN_ELEMENTS)[number];

/** 17 U.S.C. §512(g)(3)(A)–(D); (D) is split into the subscriber's details and the consent. */
export const COUNTER_NOTICE_ELEMENTS = ['signature', 'material_and_location', 'mistake_statement', 'contact_information', 'consent_to_jurisdiction'] as const;
export type CounterNoticeElement = (typeof COUNTER_NOTICE_ELEMENTS)[number];

/** Plain-language descriptions, for replies that list what a notice lacks. */
export const ELEMENT_DESCRIPTIONS: Record<TakedownElement | CounterNoticeElement, string> = {
  signature: 'a physical or electronic signature of the person acting (for example their full name typed, or /s/ Name)',
  copyrighted_work: 'identification of the copyrighted work claimed to be infringed',
  infringing_material: 'identification of the infringing material and where it is (the URLs)',
  contact_information: 'contact information: name, postal address, telephone number and e-mail address',
  good_faith_statement: 'a statement of good-faith belief that the use is not authorised by the copyright owner, its agent or the law',
  accuracy_and_authority_statement:
    'a statement that the information is accurate and, under penalty of perjury, that the sender is authorised to act for the owner',
  material_and_location: 'identification of the material that was removed and where it appeared before it was removed (the URLs)',
  mistake_statement: 'a statement under penalty of perjury of good-faith belief that the material was removed by mistake or misidentification',
  consent_to_jurisdiction:
    'consent to the jurisdiction of the Federal District Court (or, outside the US, any district where the provider may be found) and to accept service of process from the complainant',
};

export interface Claimant {
  name: string | null;
  email: string | null;
  company: string | null;
  address: string | null;
  phone: string | null;
  country: string | null;
}

/** What an ACNS 2.0 notice says beyond the text: it names an IP address, port and time. */
export interface AcnsFacts {
  root: string;
  case_id: string | null;
  ip: string | null;
  port: number | null;
  timestamp: string | null;
  protocol: string | null;
  items: { title: string | null; file_name: string | null; hash: string | null; url: string | null; timestamp: string | null }[];
}

/** What an X-ARF v0.2 or XARF v4 machine report says (src/reader/xarf.ts). */
export interface XarfReport {
  format: 'x-arf' | 'xarf';
  version: string | null;
  /** "copyright" for copyright reports (filed as takedowns); otherwise the report's own type, lower-cased (spam, phishing…). */
  category: string;
  report_type: string | null;
  report_id: string | null;
  reporter: { org: string | null; name: string | null; email: string | null; phone: string | null };
  /** When the reported activity was seen (ISO 8601). */
  date: string | null;
  source_ip: string | null;
  source_port: number | null;
  service: string | null;
  /** The infringing (or reported) location, when the report names one. */
  url: string | null;
  infringed_material: string | null;
}

/** How sure the reader is of what it read, 0–1 per field (the lowest of the URLs in a list). */
export interface ReadConfidence {
  kind: number;
  infringing_urls: number;
  original_urls: number;
  claimant: Partial<Record<keyof Claimant, number>>;
}

/** One question of a form as the reader understood it. */
export interface ReadQuestion {
  question: string;
  /** What it asks for (src/reader/questions.ts). */
  role: string;
  confidence: number;
  /** One of the form's own questions, rather than a label inside an answer. */
  form_question: boolean;
}

export interface ReadResult {
  kind: NoticeKind;
  /** The locations the document asks to act on (for a counter notice or a retraction: the material it concerns). */
  infringing_urls: string[];
  /** Where the original work is: never to be taken down. */
  original_urls: string[];
  claimant: Claimant;
  /** Which legal elements are present (§512(c)(3) for a takedown, §512(g)(3) for a counter notice; empty otherwise). */
  elements: Record<string, boolean>;
  /** The absent ones, by name (keys of ELEMENT_DESCRIPTIONS). */
  missing: string[];
  /** How the work is identified, when the reader found it. */
  work: string | null;
  /** Other URLs: earlier notices, the provider's own guides, contact pages. */
  other_urls: string[];
  /**
   * URLs the document gives both as the original work and as material to act on: kept in
   * original_urls only, never acted on (the reader always sets it; optional for hand-built readings).
   */
  url_conflicts?: string[];
  acns: AcnsFacts | null;
  /** An X-ARF v0.2 or XARF v4 report found in the document (the reader always sets it; optional for hand-built readings). */
  xarf?: XarfReport | null;
  /** Things the reader refused or could not read (e.g. an XML document with a DTD). */
  warnings: string[];
  /** What the report is about (copyright, phishing…) and under which law (src/reader/subject.ts); optional for hand-built readings. */
  subject?: ReportSubject;
  /** The fields of a report that is not a DMCA notice (src/reader/report-facts.ts); null for DMCA copyright notices. */
  facts?: ReportFacts | null;
  /** How sure each field is (the reader always sets it; optional for hand-built readings). */
  confidence?: ReadConfidence;
  /** The form's questions and labels, in order, as read (empty for a letter without any). */
  questions?: ReadQuestion[];
}

/** A mail message as the reader needs it (mailparser's ParsedMail maps onto this). */
export interface MailParts {
  subject: string | null;
  from: { name: string | null; address: string | null } | null;
  text: string | null;
  html: string | null;
  attachments: { filename: string | null; contentType: string; content: string }[];
}
