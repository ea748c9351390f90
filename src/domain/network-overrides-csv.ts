// The operator's network overrides file (CSV): its lines, columns and per-line errors. Pure: no I/O.
import { cidrKey, parseCidr } from './ip-address.ts';
import type { NetworkOverride } from './network-overrides.ts';

/**
 * Splits one CSV line into fields. Double-quoted fields may contain commas and `""`
 * (a literal quote); blanks around a field are trimmed. Returns a message on bad quoting.
 */
export function splitCsvLine(line: string): string[] | string {
  const fields: string[] = [];
  const len = line.length;
  let i = 0;
  for (;;) {
    while (i < len && (line[i] === ' ' || line[i] === '\t')) i++;
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) return `unterminated quoted field (field ${fields.length + 1})`;
        value += line.slice(j, q);
        if (line[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      while (i < len && (line[i] === ' ' || line[i] === '\t')) i++;
      if (i < len && line[i] !== ',') return `unexpected text after the closing quote of field ${fields.length + 1}`;
      fields.push(value);
    } else {
      let j = line.indexOf(',', i);
      if (j < 0) j = len;
      const value = line.slice(i, j).trim();
      if (value.includes('"')) return `stray quote in unquoted field ${fields.length + 1} (quote the whole field and double inner quotes)`;
      fields.push(value);
      i = j;
    }
    if (i >= len) return fields;
    i++; // the comma
  }
}

const REQUIRED_COLUMNS = ['cidr', 'asn', 'name', 'abuse_email'] as const;
type Column = (typeof REQUIRED_COLUMNS)[number];

// Pragmatic address check: local@domain.tld, no blanks, no characters that need quoting.
const EMAIL = /^[^\s@"(),:;<>[\]\\]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/**
 * Parses an operator's overrides file: a header naming the columns cidr, asn, name and
 * abuse_email (any order; other columns are ignored), then one network per line. Blank
 * lines and lines starting with '#' are skipped. asn and abuse_email may be empty; asn may
 * be written AS13335. Every problem is reported with its 1-based line number; lines without
 * problems are returned even when others have some. A CIDR given twice (in any spelling)
 * is an error on the later line.
 */
export function parseNetworksCsv(text: string): { rows: NetworkOverride[]; errors: { line: number; message: string }[] } {
  const rows: NetworkOverride[] = [];
  const errors: { line: number; message: string }[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);

  let headerLine = -1;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l !== '' && !l.startsWith('#')) {
      headerLine = i;
      break;
    }
  }
  if (headerLine < 0) {
    errors.push({ line: 1, message: `empty file: expected a header line "${REQUIRED_COLUMNS.join(',')}"` });
    return { rows, errors };
  }
  const header = splitCsvLine(lines[headerLine]!);
  if (typeof header === 'string') {
    errors.push({ line: headerLine + 1, message: `header: ${header}` });
    return { rows, errors };
  }
  const names = header.map((h) => h.trim().toLowerCase());
  const col = {} as Record<Column, number>;
  const missing: string[] = [];
  for (const c of REQUIRED_COLUMNS) {
    const at = names.indexOf(c);
    if (at < 0) missing.push(c);
    else if (names.indexOf(c, at + 1) >= 0) {
      errors.push({ line: headerLine + 1, message: `header names column "${c}" twice` });
      return { rows, errors };
    } else col[c] = at;
  }
  if (missing.length > 0) {
    errors.push({
      line: headerLine + 1,
      message: `header is missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (expected "${REQUIRED_COLUMNS.join(',')}")`,
    });
    return { rows, errors };
  }

  const seen = new Map<string, number>();
  for (let i = headerLine + 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const fields = splitCsvLine(raw);
    if (typeof fields === 'string') {
      errors.push({ line: lineNo, message: fields });
      continue;
    }
    if (fields.length !== header.length) {
      errors.push({
        line: lineNo,
        message: `expected ${header.length} fields, found ${fields.length}` + (fields.length > header.length ? ' (quote a name that contains a comma)' : ''),
      });
      continue;
    }
    const problems: string[] = [];

    const cidr = fields[col.cidr]!;
    let key: string | null = null;
    if (cidr === '') problems.push('missing cidr');
    else {
      const c = parseCidr(cidr);
      if (typeof c === 'string') problems.push(`bad cidr: ${c}`);
      else key = cidrKey(c);
    }

    const asnText = fields[col.asn]!;
    let asn: number | null = null;
    if (asnText !== '') {
      const m = /^(?:AS)?(\d{1,10})$/i.exec(asnText);
      const n = m ? Number(m[1]) : NaN;
      if (!m) problems.push(`bad asn: "${asnText}" is not a number`);
      else if (n < 1 || n > 0xffffffff) problems.push(`bad asn: ${asnText} is outside 1..4294967295`);
      else asn = n;
    }

    const name = fields[col.name]!;
    if (name === '') problems.push('missing name');

    const email = fields[col.abuse_email]!;
    if (email !== '' && !EMAIL.test(email)) problems.push(`bad abuse_email: "${email}" is not an e-mail address`);

    if (key !== null && problems.length === 0) {
      const first = seen.get(key);
      if (first !== undefined) problems.push(`duplicate cidr: ${cidr} is already given on line ${first}`);
      else seen.set(key, lineNo);
    }

    if (problems.length > 0) {
      for (const message of problems) errors.push({ line: lineNo, message });
      continue;
    }
    rows.push({ cidr, asn, name, abuseEmail: email === '' ? null : email });
  }
  return { rows, errors };
}
