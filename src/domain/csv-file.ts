// An uploaded CSV file that cannot be read as a whole, as opposed to a readable file with bad
// lines: not text, nothing in it, no header naming the columns, a quote left open, a line longer
// than any row of an import could be. Such a file is refused whole, with the line where reading
// stopped, and nothing of it is loaded. Every import (zones, networks, netblocks) reads its file
// with these options and words these problems the same way.
import type { Options } from 'csv-parse';
import { parse } from 'csv-parse/sync';

/** Longer than any import row can be (a zone row is at most a few hundred bytes): past it, csv-parse stops. */
export const MAX_LINE_CHARS = 64 * 1024;

/** csv-parse options every import shares; csv-parse/sync and the streaming parser take the same. */
export const IMPORT_CSV_OPTIONS = { bom: true, skip_empty_lines: true, max_record_size: MAX_LINE_CHARS } satisfies Options;

/** The file cannot be read; `line` is 1-based. Nothing of the file was loaded. */
export class CsvFileError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvFileError';
  }
}

/** A NUL byte on `line`: no text file holds one. */
export function notText(line: number): CsvFileError {
  return new CsvFileError(line, 'the file is not text: it holds a NUL byte (a binary file, or text saved as UTF-16; save it as "CSV UTF-8")');
}

export function emptyFile(columns: readonly string[]): CsvFileError {
  return new CsvFileError(1, `the file is empty: the first line must name the columns ${columns.join(',')}`);
}

/** The columns a header lacks, case and blanks (a BOM among them) aside; extra columns are allowed. */
export function missingColumns(header: readonly string[], columns: readonly string[]): string[] {
  const have = new Set(header.map((h) => h.trim().toLowerCase()));
  return columns.filter((c) => !have.has(c));
}

/**
 * The header line checked against the columns an import needs (any order, other columns
 * ignored); `line` is where it was found (blank lines before it are skipped).
 */
export function headerProblem(header: readonly string[], columns: readonly string[], line: number): CsvFileError | null {
  if (header.some((h) => h.includes('\0'))) return notText(line);
  const names = header.map((h) => h.trim().toLowerCase());
  const missing = missingColumns(names, columns);
  if (missing.length) return new CsvFileError(line, `the first line must name the columns ${columns.join(',')}; missing: ${missing.join(', ')}`);
  const twice = columns.find((c) => names.indexOf(c) !== names.lastIndexOf(c));
  if (twice) return new CsvFileError(line, `the first line names the column ${twice} twice`);
  return null;
}

/** The first NUL byte in `text` as a file error on its line (`firstLine` is the line `text` starts on), or null. */
export function nulByte(text: string, firstLine = 1): CsvFileError | null {
  const at = text.indexOf('\0');
  if (at < 0) return null;
  let line = firstLine;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return notText(line);
}

interface CsvParseError {
  code: string;
  lines: number;
  records: number;
  empty_lines?: number;
  comment_lines?: number;
}

function isCsvParseError(err: unknown): err is CsvParseError {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('CSV_') || code === 'INVALID_OPENING_QUOTE') && typeof (err as CsvParseError).lines === 'number';
}

/**
 * csv-parse's error (it stops at the first one) as the file error staff can act on, or the error
 * itself when it is not csv-parse's. A quote left open makes csv-parse read on to the end of the
 * file (or the line limit), so the line it stopped at is not where the problem is: the line after
 * the last row it read is, from its counts (exact for one-line rows). `headerColumns`: the parser
 * took the first line as column names, so its record count leaves the header out.
 */
export function csvFileError(err: unknown, headerColumns = false): unknown {
  if (err instanceof CsvFileError || !isCsvParseError(err)) return err;
  const start = (headerColumns ? 2 : 1) + err.records + (err.empty_lines ?? 0) + (err.comment_lines ?? 0);
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new CsvFileError(start, `a quoted field starts here and is never closed (the file ends at line ${err.lines}); close the quote or remove it`);
    case 'CSV_MAX_RECORD_SIZE':
      return new CsvFileError(
        start,
        `the line is longer than ${MAX_LINE_CHARS / 1024} KB, more than any row of this file can be (is a quote left open?); reading stopped at line ${err.lines}`,
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return new CsvFileError(
        err.lines,
        'a quoted field is followed by something other than a comma or the end of the line (write a quote inside a field as "")',
      );
    case 'INVALID_OPENING_QUOTE':
      return new CsvFileError(err.lines, 'a quote appears inside an unquoted field (quote the whole field, and write a quote inside it as "")');
    default:
      return new CsvFileError(err.lines, `the file is not valid CSV here (${err.code})`);
  }
}

/**
 * A whole file read at once (the networks and netblocks files are small): its records as arrays
 * of cells, each with its line, blank lines and lines starting with '#' skipped. Throws a
 * CsvFileError when the file cannot be read.
 */
export function readCsvFile(text: string): { record: string[]; line: number }[] {
  const fault = nulByte(text);
  if (fault) throw fault;
  try {
    const records = parse(text, {
      ...IMPORT_CSV_OPTIONS,
      comment: '#',
      comment_no_infix: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
    return records.map(({ record, info }) => ({ record, line: info.lines }));
  } catch (err) {
    throw csvFileError(err);
  }
}
