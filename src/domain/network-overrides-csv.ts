// The operator's network overrides file (CSV): its lines, columns and per-line errors. Pure: no I/O.
import { cidrKey, parseCidr } from './ip-address.ts';
import { emptyFile, headerProblem, readCsvFile } from './csv-file.ts';
import type { NetworkOverride } from './network-overrides.ts';

const REQUIRED_COLUMNS = ['cidr', 'asn', 'name', 'abuse_email'] as const;
type Column = (typeof REQUIRED_COLUMNS)[number];

// Pragmatic address check: local@domain.tld, no blanks, no characters that need quoting.
const EMAIL = /^[^\s@"(),:;<>[\]\\]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/**
 * Parses an operator's overrides file: a header naming the columns cidr, asn, name and
 * abuse_email (any order; other columns are ignored), then one network per line. Blank
 * lines and lines starting with '#' are skipped. asn and abuse_email may be empty; asn may
 * be written AS13335. Every problem of a line is reported with its 1-based line number; lines
 * without problems are returned even when others have some. A CIDR given twice (in any
 * spelling) is an error on the later line. A file that cannot be read at all (no header, not
 * text, a quote left open…) throws a CsvFileError.
 */
export function parseNetworksCsv(text: string): { rows: NetworkOverride[]; errors: { line: number; message: string }[] } {
  const rows: NetworkOverride[] = [];
  const errors: { line: number; message: string }[] = [];
  const [header, ...records] = readCsvFile(text);
  if (!header) throw emptyFile(REQUIRED_COLUMNS);
  const problem = headerProblem(header.record, REQUIRED_COLUMNS, header.line);
  if (problem) throw problem;
  const names = header.record.map((h) => h.trim().toLowerCase());
  const col = Object.fromEntries(REQUIRED_COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<Column, number>;

  const seen = new Map<string, number>();
  for (const { record: fields, line: lineNo } of records) {
    if (fields.length !== names.length) {
      errors.push({
        line: lineNo,
        message: `expected ${names.length} fields, found ${fields.length}` + (fields.length > names.length ? ' (quote a name that contains a comma)' : ''),
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
