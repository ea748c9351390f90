// A notice's URL list, normalised and folded: duplicates (after normalisation) become one item,
// blank lines disappear, every other entry is kept, valid or not, in the order given.
import { normaliseUrl } from './url.ts';

export type ListedUrl = { submitted: string; ok: true; url: string; host: string } | { submitted: string; ok: false; reason: string };

export interface UrlList {
  items: ListedUrl[];
  duplicatesFolded: number;
  blanksSkipped: number;
}

/**
 * U+0000 cannot be stored (PostgreSQL text refuses it) and an unpaired surrogate cannot be
 * encoded as UTF-8: `submitted` keeps them as U+FFFD. The verdict is made on the entry as given.
 */
const UNSTORABLE_RE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function foldUrlList(raw: readonly string[]): UrlList {
  const seen = new Set<string>();
  const items: ListedUrl[] = [];
  let duplicatesFolded = 0;
  let blanksSkipped = 0;
  for (const entry of raw) {
    const trimmed = entry.trim();
    if (!trimmed) {
      blanksSkipped++;
      continue;
    }
    const v = normaliseUrl(trimmed);
    const key = v.ok ? v.url : `invalid:${trimmed}`;
    if (seen.has(key)) {
      duplicatesFolded++;
      continue;
    }
    seen.add(key);
    const submitted = trimmed.replace(UNSTORABLE_RE, '\uFFFD');
    items.push(v.ok ? { submitted, ok: true, url: v.url, host: v.host } : { submitted, ok: false, reason: v.reason });
  }
  return { items, duplicatesFolded, blanksSkipped };
}

/** Split a pasted block or an uploaded text file into URL lines (one per line; a BOM is dropped). CSV uploads: see readUploadedList (web/report-form-input.ts). */
export function splitUrlText(text: string): string[] {
  return text.split(/\r\n|\r|\n/).map((l) => l.replace(/^\uFEFF/, ''));
}
