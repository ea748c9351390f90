// The role of every URL in a document: from the cue on its own line ("Infringing URL: …"), else
// the lead-in just before it ("… can be found at:" on the line above), else the URL list it
// continues, else its section's heading. URLs with no cue at all get the document's default.
import { findUrls, uniqueUrls } from './urls.ts';
import type { Section } from './sections.ts';
import { roleOfCue, type UrlRole } from './roles.ts';

export interface LocatedUrl {
  url: string;
  start: number;
  role: UrlRole | null;
  /** Where the role came from. */
  via: 'line' | 'lead-in' | 'list' | 'heading' | 'none';
}

function lineStartOf(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

/** Strips list markers and markdown from a cue so that "1. " or "- " or "**" say nothing. */
function cueText(s: string): string {
  return s
    .replace(/\*\*|__|\[|\]\(|`/g, ' ')
    .replace(/^\s*(?:[-*•·>]|\(?\d{1,4}[.)]|\(?[a-z][.)])\s+/i, '')
    .trim();
}

function sectionAt(sections: Section[], at: number): Section | undefined {
  let lo = 0;
  let hi = sections.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sections[mid]!.start <= at) lo = mid;
    else hi = mid - 1;
  }
  return sections[lo];
}

export function locateUrls(text: string, sections: Section[]): LocatedUrl[] {
  const hits = findUrls(text);
  const out: LocatedUrl[] = [];
  const headingRoles = new Map<Section, UrlRole | null>();
  const headingRole = (s: Section | undefined): UrlRole | null => {
    if (!s || s.heading === null) return null;
    if (!headingRoles.has(s)) headingRoles.set(s, roleOfCue(s.heading, /[:]\s*$/.test(s.heading) && !s.heading.includes('?') ? 'last' : 'first'));
    return headingRoles.get(s) ?? null;
  };
  let prev: LocatedUrl | null = null;
  let prevEnd = 0;
  for (const h of hits) {
    const sec = sectionAt(sections, h.start);
    const ls = lineStartOf(text, h.start);
    // 1. The cue on the URL's own line, after any earlier URL on that line.
    const from = Math.max(ls, prev && prevEnd > ls ? prevEnd : ls, sec ? sec.start : 0);
    const prefix = cueText(text.slice(Math.max(from, h.start - 160), h.start));
    let role: UrlRole | null = null;
    let via: LocatedUrl['via'] = 'none';
    if (prefix.length >= 3) {
      role = roleOfCue(prefix, 'last');
      if (role) via = 'line';
    }
    if (!role && prefix.length < 3 && sec) {
      // 2. The line above, in the same section: a lead-in, or a URL this one continues a list of.
      const bodyFloor = sec.heading === null ? sec.start : sec.bodyStart;
      let p = ls - 1;
      while (p > bodyFloor) {
        const pls = lineStartOf(text, p);
        const line = text.slice(pls, p);
        if (line.trim()) {
          if (prev && prev.start >= pls && prev.start < p + 1) {
            if (prev.role) {
              role = prev.role;
              via = 'list';
            }
          } else if (line.trim().length >= 3) {
            const r = roleOfCue(cueText(line), 'last');
            if (r) {
              role = r;
              via = 'lead-in';
            }
          }
          break;
        }
        p = pls - 1;
      }
    }
    if (!role) {
      // 3. The heading of the section it is in (or is inside of).
      const r = headingRole(sec);
      if (r) {
        role = r;
        via = 'heading';
      }
    }
    const located: LocatedUrl = { url: h.url, start: h.start, role, via };
    out.push(located);
    prev = located;
    prevEnd = h.end;
  }
  return out;
}

export interface UrlsByRole {
  infringing: string[];
  original: string[];
  other: string[];
}

/**
 * Sorts located URLs into the three lists. URLs without a cue take `fallback`. A URL the
 * document lists as original is never also reported as infringing unless it is also listed,
 * somewhere, as material to act on.
 */
export function sortUrls(located: LocatedUrl[], fallback: 'infringing' | 'other'): UrlsByRole {
  const inf: string[] = [];
  const orig: string[] = [];
  const other: string[] = [];
  for (const l of located) {
    const role = l.role ?? (fallback === 'infringing' ? 'infringing' : null);
    if (role === 'infringing') inf.push(l.url);
    else if (role === 'original') orig.push(l.url);
    else other.push(l.url);
  }
  const infringing = uniqueUrls(inf);
  const original = uniqueUrls(orig);
  return { infringing, original, other: uniqueUrls(other) };
}
