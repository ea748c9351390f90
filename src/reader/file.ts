// Reading a notice from a file: the only I/O around the pure reader. Mail (.eml) goes through
// mailparser, which knows every charset and encoding; everything else straight to readNotice.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { simpleParser } from 'mailparser';
import { readMail, readNotice } from './read.ts';
import { mailPartsFromParsed } from './mail.ts';
import type { ReadResult } from './types.ts';

/** Files larger than this are refused rather than read. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export async function readNoticeFile(path: string): Promise<ReadResult> {
  const s = await stat(path);
  if (!s.isFile()) throw new Error(`${path} is not a file`);
  if (s.size > MAX_FILE_BYTES) throw new Error(`${path} is larger than ${MAX_FILE_BYTES} bytes`);
  const content = await readFile(path);
  if (/\.eml$/i.test(path)) {
    const parsed = await simpleParser(content, { skipImageLinks: true, maxHtmlLengthToParse: 5 * 1024 * 1024 });
    return readMail(mailPartsFromParsed(parsed));
  }
  return readNotice({ name: basename(path), content });
}
