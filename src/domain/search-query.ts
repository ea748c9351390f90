// What the staff search box was given: a notice number, a URL, an e-mail address, a domain, or
// words. Decided here so that the one box does the right query and nothing else.
import { normaliseHost, normaliseUrl } from './url.ts';

export type SearchQuery =
  | { kind: 'empty' }
  | { kind: 'notice_id'; id: string }
  | { kind: 'url'; url: string; host: string }
  | { kind: 'email'; email: string }
  | { kind: 'domain'; domain: string }
  | { kind: 'text'; text: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const SEARCH_MAX = 2000;

export function classifySearch(input: string): SearchQuery {
  const s = input.trim().slice(0, SEARCH_MAX);
  if (!s) return { kind: 'empty' };
  if (UUID.test(s)) return { kind: 'notice_id', id: s.toLowerCase() };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    const v = normaliseUrl(s);
    if (v.ok) return { kind: 'url', url: v.url, host: v.host };
    // A URL we would not accept in a notice is searched as words.
    return { kind: 'text', text: s };
  }
  if (/^[^\s@]+@[^\s@]+$/.test(s)) return { kind: 'email', email: s.toLowerCase() };
  if (!/\s/.test(s) && s.includes('.')) {
    const host = normaliseHost(s);
    if (host) return { kind: 'domain', domain: host };
  }
  return { kind: 'text', text: s };
}
