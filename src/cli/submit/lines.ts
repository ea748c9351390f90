// The input of `safeharbor submit`: a file of any size, one URL per line, read as a stream.
// Lines are cut from decoded chunks here (not with readline) so that one enormous "line" — a
// binary file, a list joined with spaces — costs at most MAX_LINE_CHARS of memory: the rest of it
// is counted, not kept, and the line is reported as too long.
import { normaliseUrl, MAX_URL_LENGTH } from '../../domain/url.ts';

/** Longer than any URL the server accepts, so a line is never refused here that it would take. */
export const MAX_LINE_CHARS = MAX_URL_LENGTH + 1024;

export interface RawLine {
  /** 1-based, as editors number lines. */
  line: number;
  text: string;
  /** The line was longer than MAX_LINE_CHARS; `text` holds its start only. */
  tooLong: boolean;
}

/** Cuts chunks of text into lines (\n, \r\n or a lone \r, as splitUrlText does). */
export class LineSplitter {
  private partial = '';
  private overflow = false;
  private pendingCr = false;
  private next = 1;

  /** The complete lines in this chunk; the unfinished last one waits for the next chunk. */
  push(chunk: string): RawLine[] {
    const out: RawLine[] = [];
    if (chunk === '') return out;
    // The \n of a \r\n split across two chunks: the line already ended at the \r.
    let start = this.pendingCr && chunk.charCodeAt(0) === 10 ? 1 : 0;
    this.pendingCr = false;
    for (let i = start; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.append(chunk.slice(start, i));
      out.push(this.take());
      if (c === 13) {
        if (i === chunk.length - 1) this.pendingCr = true;
        else if (chunk.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    if (start < chunk.length) this.append(chunk.slice(start));
    return out;
  }

  /** The last line, if the input did not end with a line break. */
  end(): RawLine[] {
    return this.partial || this.overflow ? [this.take()] : [];
  }

  private append(s: string): void {
    if (this.overflow) return;
    const room = MAX_LINE_CHARS - this.partial.length;
    if (s.length > room) {
      this.partial += s.slice(0, room);
      this.overflow = true;
    } else this.partial += s;
  }

  private take(): RawLine {
    const l = { line: this.next++, text: this.partial, tooLong: this.overflow };
    this.partial = '';
    this.overflow = false;
    return l;
  }
}

export type ClassifiedLine =
  { line: number; type: 'skip' } | { line: number; type: 'url'; submitted: string; url: string; host: string } | { line: number; type: 'bad'; reason: string };

/** What a line is: nothing (blank, `# comment`), a URL the server can act on, or a bad line and why. */
export function classifyLine(raw: RawLine): ClassifiedLine {
  if (raw.tooLong) return { line: raw.line, type: 'bad', reason: `line is longer than ${MAX_LINE_CHARS} characters; no URL is that long` };
  const text = (raw.line === 1 ? raw.text.replace(/^\uFEFF/, '') : raw.text).trim();
  if (text === '' || text.startsWith('#')) return { line: raw.line, type: 'skip' };
  const v = normaliseUrl(text);
  if (!v.ok) return { line: raw.line, type: 'bad', reason: v.reason };
  return { line: raw.line, type: 'url', submitted: text, url: v.url, host: v.host };
}
