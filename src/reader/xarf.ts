// X-ARF v0.2 (`X-XARF: PLAIN` mail whose `report.txt` part is flat YAML) and its successor XARF
// v4 (abusix/xarf: a JSON document, attached as xarf.json or sent as the body). Both are machine
// reports from abuse desks: copyright ones are takedowns (a URL, or an IP, port and time to route
// like ACNS); spam, phishing, scanning and the rest are kept for staff, never filed as DMCA.
// Pure and bounded: size limits, no YAML features beyond `Key: value` lines (report.txt is flat),
// JSON.parse only on bounded input.
import type { XarfReport } from './types.ts';

export const MAX_XARF_BYTES = 256 * 1024;

export type XarfParse = { ok: true; report: XarfReport } | { ok: false; reason: string };

const COPYRIGHT = /copyright|dmca|infring|piracy|intellectual[ _-]?property/i;

function clean(v: unknown, max = 2000): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return null;
  const s = v.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').trim();
  return s ? s.slice(0, max) : null;
}

function port(v: unknown): number | null {
  const s = clean(v, 10);
  if (!s || !/^\d{1,5}$/.test(s)) return null;
  const n = Number(s);
  return n <= 65535 ? n : null;
}

/** An ISO 8601 instant, or an RFC 2822 date as X-ARF 0.2 writes it; null when it is neither. */
function instant(v: unknown): string | null {
  const s = clean(v, 100);
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function httpUrl(v: unknown): string | null {
  const s = clean(v, 8000);
  return s && /^https?:\/\/\S+$/i.test(s) ? s : null;
}

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))) {
    return t.startsWith('"') ? t.slice(1, -1).replace(/\\(["\\])/g, '$1') : t.slice(1, -1).replace(/''/g, "'");
  }
  return t;
}

/** True when a text looks like an X-ARF 0.2 report.txt (the keys every report carries). */
export function looksLikeXarfPlain(text: string): boolean {
  const head = text.slice(0, 8192);
  return /^\s*Reported-From\s*:/im.test(head) && /^\s*Category\s*:/im.test(head) && /^\s*(?:Report-Type|Source)\s*:/im.test(head);
}

/**
 * Reads an X-ARF 0.2 report.txt: flat `Key: value` lines (YAML's document markers, comments and
 * quoted scalars accepted; nested structures are not part of the format and are refused).
 */
export function parseXarfPlain(text: string): XarfParse {
  if (Buffer.byteLength(text, 'utf8') > MAX_XARF_BYTES) return { ok: false, reason: `X-ARF report larger than ${MAX_XARF_BYTES} bytes refused` };
  const fields = new Map<string, string>();
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '');
    if (!line.trim() || /^\s*#/.test(line) || /^(?:---|\.\.\.)\s*$/.test(line)) continue;
    const m = /^([A-Za-z][A-Za-z0-9_-]*)\s*:(?:\s+(.*)|\s*)$/.exec(line);
    if (!m) return { ok: false, reason: `X-ARF report.txt: not a "Key: value" line: ${JSON.stringify(line.slice(0, 80))}` };
    const key = m[1]!.toLowerCase();
    if (!fields.has(key)) fields.set(key, unquote(m[2] ?? ''));
  }
  const get = (k: string) => clean(fields.get(k.toLowerCase()));
  const category = get('Category');
  if (!get('Reported-From') || !category) return { ok: false, reason: 'X-ARF report.txt without Reported-From or Category' };
  const type = get('Report-Type');
  const sourceType = (get('Source-Type') ?? '').toLowerCase();
  const source = get('Source');
  const isUri = sourceType === 'uri' || sourceType === 'url' || !!httpUrl(source);
  const copyright = COPYRIGHT.test(`${category} ${type ?? ''}`);
  return {
    ok: true,
    report: {
      format: 'x-arf',
      version: get('Version'),
      category: copyright ? 'copyright' : (type ?? category).toLowerCase(),
      report_type: type,
      report_id: get('Report-ID'),
      reporter: { org: null, name: null, email: get('Reported-From')?.toLowerCase() ?? null, phone: null },
      date: instant(get('Date')),
      source_ip: !isUri ? source : null,
      source_port: port(get('Port')),
      service: get('Service'),
      url: isUri ? httpUrl(source) : null,
      infringed_material: null,
    },
  };
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

/** True when a text is (probably) an XARF v4 JSON document. */
export function looksLikeXarfJson(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith('{') && /"Report"\s*:/.test(t.slice(0, MAX_XARF_BYTES)) && /"Report(?:Class|Type)"\s*:/.test(t.slice(0, MAX_XARF_BYTES));
}

/** Reads an XARF v4 JSON document ({ReporterInfo, Disclosure, Report{ReportClass, ReportType, …}}). */
export function parseXarfJson(text: string): XarfParse {
  if (Buffer.byteLength(text, 'utf8') > MAX_XARF_BYTES) return { ok: false, reason: `XARF document larger than ${MAX_XARF_BYTES} bytes refused` };
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { ok: false, reason: `XARF: malformed JSON: ${(err as Error).message}` };
  }
  const root = obj(doc);
  const report = obj(root.Report);
  const cls = clean(report.ReportClass, 100);
  const type = clean(report.ReportType, 100);
  if (!cls && !type) return { ok: false, reason: 'XARF: no Report with a ReportClass or ReportType' };
  const info = obj(root.ReporterInfo);
  const copyright = COPYRIGHT.test(`${cls ?? ''} ${type ?? ''}`);
  const material = report.InfringedMaterial;
  const materialText =
    typeof material === 'string'
      ? clean(material)
      : Array.isArray(material)
        ? material
            .map((m) => clean(typeof m === 'string' ? m : JSON.stringify(m)))
            .filter(Boolean)
            .join('; ') || null
        : material && typeof material === 'object'
          ? clean(JSON.stringify(material))
          : null;
  const ip = clean(report.SourceIp ?? report.SourceIP ?? report.Source, 100);
  return {
    ok: true,
    report: {
      format: 'xarf',
      version: clean(root.Version, 20),
      category: copyright ? 'copyright' : (type ?? cls ?? 'other').toLowerCase(),
      report_type: type,
      report_id: clean(report.ReportId ?? report.ReportID ?? root.ReportId, 200),
      reporter: {
        org: clean(info.ReporterOrg, 200),
        name: clean(info.ReporterContactName, 200),
        email: (clean(info.ReporterContactEmail, 320) ?? clean(info.ReporterOrgEmail, 320))?.toLowerCase() ?? null,
        phone: clean(info.ReporterContactPhone, 40),
      },
      date: instant(report.Date ?? root.Date),
      source_ip: ip && !httpUrl(ip) ? ip : null,
      source_port: port(report.SourcePort),
      service: clean(report.Service ?? report.Protocol, 100),
      url: httpUrl(report.InfringingUrl ?? report.Url ?? report.URL ?? report.SourceUrl) ?? (ip ? httpUrl(ip) : null),
      infringed_material: materialText,
    },
  };
}
