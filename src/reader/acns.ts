// ACNS 2.0 (MovieLabs' Automated Copyright Notice System) XML: found inline in a mail's text
// (often PGP-signed) or in an attachment, and parsed safely. A document type declaration is
// refused outright (no DTDs means no external entities and no entity-expansion bombs); entities
// are not processed by the parser, only the five predefined ones and numeric references are
// decoded, by us, without recursion; size and nesting are bounded.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { AcnsFacts } from './types.ts';
import { decodeEntities } from './text.ts';

export const MAX_XML_BYTES = 1_000_000;
const MAX_DEPTH = 32;

const ROOTS = [
  'Infringement',
  'CounterNotice',
  'StatusUpdate',
  'StatusRequest',
  'NoticeStatus',
  'NoticeAck',
  'Verification',
  'Detection',
  'MessageEnvelope',
] as const;
const ROOT_RE = new RegExp(String.raw`<(?:[A-Za-z_][\w.-]*:)?(${ROOTS.join('|')})\b[^>]*>`);

export interface AcnsComplainant {
  entity: string | null;
  contact: string | null;
  address: string | null;
  phone: string | null;
  email: string | null;
  country: string | null;
}

export type AcnsParse = { ok: true; facts: AcnsFacts; complainant: AcnsComplainant } | { ok: false; reason: string };

/** The ACNS XML inside a larger text, if any: from the XML declaration (or the root) to the root's end tag. */
export function findAcnsXml(text: string): string | null {
  const m = ROOT_RE.exec(text);
  if (!m) return null;
  const root = m[1]!;
  const decl = text.lastIndexOf('<?xml', m.index);
  const start = decl >= 0 && m.index - decl < 400 ? decl : m.index;
  const endTag = new RegExp(String.raw`</(?:[A-Za-z_][\w.-]*:)?${root}\s*>`, 'g');
  endTag.lastIndex = m.index;
  const e = endTag.exec(text);
  if (!e) return null;
  return text.slice(start, e.index + e[0].length);
}

/** True when the text mentions a DTD or entity declarations: refused, whatever they contain. */
export function hasDtd(xml: string): boolean {
  return /<!DOCTYPE|<!ENTITY|<!ELEMENT|<!ATTLIST/i.test(xml);
}

function nestingDepth(xml: string): number {
  let depth = 0;
  let max = 0;
  const tag = /<(\/?)[A-Za-z_][^>]*?(\/?)>/g;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    if (m[1]) depth--;
    else if (!m[2]) {
      depth++;
      if (depth > max) max = depth;
      if (max > MAX_DEPTH) return max;
    }
  }
  return max;
}

const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => name === 'Item',
});

type Node = Record<string, unknown>;

function str(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return decodeEntities(v).trim() || null;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && '#text' in (v as Node)) return str((v as Node)['#text']);
  return null;
}

function obj(v: unknown): Node {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : {};
}

/** Parses an ACNS document. Never throws; refuses what it will not read, with the reason. */
export function parseAcns(xml: string): AcnsParse {
  if (Buffer.byteLength(xml, 'utf8') > MAX_XML_BYTES) return { ok: false, reason: `XML larger than ${MAX_XML_BYTES} bytes refused` };
  if (hasDtd(xml)) return { ok: false, reason: 'XML with a document type declaration (DTD or ENTITY) refused' };
  if (nestingDepth(xml) > MAX_DEPTH) return { ok: false, reason: `XML nested deeper than ${MAX_DEPTH} levels refused` };
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { ok: false, reason: `malformed XML: ${valid.err.msg} (line ${valid.err.line})` };
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (err) {
    return { ok: false, reason: `malformed XML: ${(err as Error).message}` };
  }
  const rootName = ROOTS.find((r) => r in doc);
  if (!rootName) return { ok: false, reason: 'not an ACNS document (no known root element)' };
  const root = obj(doc[rootName]);
  const kase = obj(root.Case);
  const source = obj(root.Source);
  const sub = obj(source.SubType);
  const items = (Array.isArray(obj(root.Content).Item) ? (obj(root.Content).Item as unknown[]) : []).slice(0, 10_000).map((it) => {
    const i = obj(it);
    return { title: str(i.Title), file_name: str(i.FileName), hash: str(i.Hash), url: str(i.URL), timestamp: str(i.TimeStamp) };
  });
  const port = str(source.Port);
  const facts: AcnsFacts = {
    root: rootName,
    case_id: str(kase.ID),
    ip: str(source.IP_Address),
    port: port && /^\d{1,5}$/.test(port) ? Number(port) : null,
    timestamp: str(source.TimeStamp),
    protocol: str(sub['@Protocol']) ?? str(source.Type),
    items,
  };
  const c = obj(root.Complainant);
  const complainant: AcnsComplainant = {
    entity: str(c.Entity),
    contact: str(c.Contact),
    address: str(c.Address),
    phone: str(c.Phone),
    email: str(c.Email),
    country: str(c.Country),
  };
  return { ok: true, facts, complainant };
}
