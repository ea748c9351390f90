// A notice's URL list, normalised and folded: duplicates (after normalisation) become one item,
// blank lines disappear, every other entry is kept, valid or not, in the order given.
import { normaliseUrl } from './url.ts';

export type ListedUrl =
  | { submitted: string; ok: true; url: string; host: string }
  | { submitted: string; ok: false; reason: string };

export interface UrlList {
  items: ListedUrl[];
  duplicatesFolded: number;
  blanksSkipped: number;
}

export function foldUrlList(raw: readonly string[]): UrlList {
  const seen = new Set<string>();
  const items: ListedUrl[] = [];
  let duplicatesFolded = 0;
  let blanksSkipped = 0;
  for (const entry of raw) {
    const submitted = entry.trim();
    if (!submitted) {
      blanksSkipped++;
      continue;
    }
    const v = normaliseUrl(submitted);
    const key = v.ok ? v.url : `invalid:${submitted}`;
    if (seen.has(key)) {
      duplicatesFolded++;
      continue;
    }
    seen.add(key);
    items.push(v.ok ? { submitted, ok: true, url: v.url, host: v.host } : { submitted, ok: false, reason: v.reason });
  }
  return { items, duplicatesFolded, blanksSkipped };
}

/** Split a pasted block or an uploaded file into URL lines (one per line; CSV: first column). */
export function splitUrlText(text: string): string[] {
  return text.split(/\r\n|\r|\n/).map((l) => l.replace(/^\uFEFF/, ''));
}
