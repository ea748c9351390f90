// The role of every URL in a document: from the cue on its own line ("Infringing URL: …"), else
// the lead-in just before it ("… can be found at" on the line above), else the URL list it
// continues, else its section's heading. URLs with no cue at all get the document's default.
import { findUrls, uniqueUrls, urlKey } from './urls.ts';
import type { Section } from './sections.ts';
import { roleOfCue, type UrlRole } from './roles.ts';
import { urlRoleOf } from './questions.ts';

export interface LocatedUrl {
  url: string;
  start: number;
  role: UrlRole | null;
  /** Where the role came from ('question': the URL is part of a question's text, a form's help link). */
  via: 'question' | 'line' | 'lead-in' | 'list' | 'heading' | 'none';
  /** 0–1: how sure the role is (a question's reading, a cue on the URL's own line, or none at all). */
  confidence: number;
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

// A line that introduces what follows it without a colon: "… can be found at", "… is here", "see below -".
const LEAD_IN_END = /(?:\b(?:at|here|below|following|follows|is|are|in|on|under|via|from)|[-–—=>])\s*$/i;

// A label, not prose: "Original work:", "Copied repo -", "Infringing URL:".
const SHORT_LABEL = /^[^.!?]{1,50}[:=>\-–—]\s*$/;

function sectionIndexAt(sections: Section[], at: number): number {
  let lo = 0;
  let hi = sections.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sections[mid]!.start <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function locateUrls(text: string, sections: Section[]): LocatedUrl[] {
  const hits = findUrls(text);
  const out: LocatedUrl[] = [];
  const roles: (UrlRole | null | undefined)[] = new Array(sections.length);
  // A section's role: its heading's, or — for a prompt line that says nothing about URLs, inside an
  // answer ("Which is displayed on our site:") — the role of the section it continues. One of the
  // form's own questions continues nothing, however it is marked up; and someone's contact details
  // are the value of their own label, not a list that the next lines continue.
  const headingRole = (k: number): UrlRole | null => {
    if (k < 0) return null;
    if (roles[k] !== undefined) return roles[k]!;
    const s = sections[k]!;
    let r: UrlRole | null = null;
    if (s.heading !== null) {
      // What the question asks for; a plain prompt that asks for nothing the questions know is read
      // as the sentence it is ("The previous notice is at:").
      r = s.role ? urlRoleOf(s.role) : null;
      if (!r && s.style === 'prompt' && s.role === 'other') r = roleOfCue(s.heading, 'last');
      if (!r && s.style === 'prompt' && !s.formQuestion) {
        const continued = headingRole(k - 1);
        r = continued === 'contact' ? null : continued;
      }
    }
    roles[k] = r;
    return r;
  };
  // The role a form question gives its whole answer: it governs the labels and prose inside its
  // answer, until the next of the form's questions.
  const governed: (UrlRole | null | undefined)[] = new Array(sections.length);
  const governing = (k: number): UrlRole | null => {
    if (k < 0) return null;
    if (governed[k] !== undefined) return governed[k]!;
    const s = sections[k]!;
    const r = s.formQuestion ? headingRole(k) : s.heading !== null ? governing(k - 1) : null;
    governed[k] = r;
    return r;
  };
  let prev: LocatedUrl | null = null;
  let prevEnd = 0;
  // Copies a label names inside the answer about the original work ("Infringing copy: …", beside
  // "My script: …"), and whether the form's own question about the material lists any URL.
  const copiesBesideOriginal = new Set<LocatedUrl>();
  let materialListed = false;
  for (const h of hits) {
    const k = sectionIndexAt(sections, h.start);
    const sec = sections[k];
    // A link inside a question's own text is the form's help, never an answer.
    if (sec && sec.heading !== null && h.start < sec.bodyStart) {
      const located: LocatedUrl = { url: h.url, start: h.start, role: 'reference', via: 'question', confidence: 0.95 };
      out.push(located);
      prev = located;
      prevEnd = h.end;
      continue;
    }
    const ls = lineStartOf(text, h.start);
    // 1. The cue on the URL's own line, after any earlier URL on that line.
    const from = Math.max(ls, prev && prevEnd > ls ? prevEnd : ls, sec ? (sec.heading !== null ? sec.bodyStart : sec.start) : 0);
    const prefix = cueText(text.slice(Math.max(from, h.start - 160), h.start));
    let role: UrlRole | null = null;
    let via: LocatedUrl['via'] = 'none';
    let confidence = 0.5;
    const gov = governing(k);
    if (prefix.length >= 3) {
      // Inside a question's answer, prose says less than the question, except when it points to
      // an earlier notice or a guide, or names someone's contact details.
      const r = roleOfCue(prefix, 'last');
      if (r && (gov === null || SHORT_LABEL.test(prefix) || r === 'reference' || r === 'contact')) {
        role = r;
        via = 'line';
        confidence = 0.85;
      }
    }
    if (!role && prefix.length < 3 && sec) {
      // 2. The line above, in the same answer: a URL this one continues a list of, or a lead-in.
      const bodyFloor = sec.heading === null ? sec.start : sec.bodyStart;
      let p = ls - 1;
      while (p > bodyFloor) {
        const pls = lineStartOf(text, p);
        if (pls < bodyFloor) break;
        const line = text.slice(pls, p);
        if (line.trim()) {
          if (prev && prev.start >= pls && prev.start < p + 1) {
            if (prev.role) {
              role = prev.role;
              via = 'list';
              confidence = prev.confidence;
            }
          } else if (LEAD_IN_END.test(line) && (gov === null || SHORT_LABEL.test(cueText(line)))) {
            const r = roleOfCue(cueText(line), 'last');
            if (r) {
              role = r;
              via = 'lead-in';
              confidence = 0.8;
            }
          }
          break;
        }
        p = pls - 1;
      }
    }
    if (!role) {
      // 3. The question whose answer it is in, else the heading of its section.
      const r = gov ?? headingRole(k);
      if (r) {
        role = r;
        via = 'heading';
        confidence = Math.max(0.5, sec?.confidence ?? 0.5);
      }
    }
    const located: LocatedUrl = { url: h.url, start: h.start, role, via, confidence };
    if (gov === 'original' && role === 'infringing') copiesBesideOriginal.add(located);
    else if (role === 'infringing' && gov === 'infringing') materialListed = true;
    out.push(located);
    prev = located;
    prevEnd = h.end;
  }
  // The answer about the original work names the copy to show what was copied; what to act on is
  // what the form's question about the material lists. Only when that question lists nothing
  // ("see above") is the copy named beside the original the material.
  if (materialListed) for (const l of copiesBesideOriginal) l.role = 'neutral';
  return out;
}

export interface UrlsByRole {
  infringing: string[];
  original: string[];
  other: string[];
  /** URLs given both as the original work and as the material (each kept in one list only; see sortUrls). */
  conflicts: string[];
  /** The lowest confidence among the URLs of each list (1 for an empty list). */
  confidence: { infringing: number; original: number };
}

/**
 * Sorts located URLs into the three lists. URLs without any cue are the material to act on when
 * the document says nothing more (`fallback`), but not when it lists that material explicitly
 * somewhere else: then they are only mentioned.
 */
export function sortUrls(located: LocatedUrl[], fallback: 'infringing' | 'other', ownIsMaterial = false): UrlsByRole {
  const explicit = located.some((l) => l.role === 'infringing' || (ownIsMaterial && l.role === 'own'));
  const inf: string[] = [];
  const orig: string[] = [];
  const other: string[] = [];
  const confidence = { infringing: 1, original: 1 };
  // URLs named as the original by a cue of their own ("My original: …", "… is published at", and
  // the list such a cue starts), not only by the answer they stand in.
  const namedOriginal = new Set<string>();
  let named = false;
  for (const l of located) {
    named = l.via === 'line' || l.via === 'lead-in' || (l.via === 'list' && named);
    let role = l.role ?? (fallback === 'infringing' && !explicit ? 'infringing' : null);
    if (role === 'own') role = ownIsMaterial ? 'infringing' : 'original';
    if (role === 'infringing') {
      inf.push(l.url);
      confidence.infringing = Math.min(confidence.infringing, l.confidence);
    } else if (role === 'original') {
      orig.push(l.url);
      confidence.original = Math.min(confidence.original, l.confidence);
      if (named) namedOriginal.add(urlKey(l.url));
    } else other.push(l.url);
  }
  let infringing = uniqueUrls(inf);
  let original = uniqueUrls(orig);
  // A URL both among the material and the original work. Named as the original by a cue of its own,
  // it is the original and is never acted on. Only standing in the answer about the work (which
  // describes the copy as often as the work: "the infringing repository https://… copies our SDK")
  // while listed as the material to act on, it is the material. Either way the notice contradicts
  // itself, so the reading says so and is less sure of both lists.
  const originalKeys = new Set(original.map(urlKey));
  const conflicts = infringing.filter((u) => originalKeys.has(urlKey(u)));
  if (conflicts.length) {
    const keptOriginal = new Set(conflicts.map(urlKey).filter((k) => namedOriginal.has(k)));
    infringing = infringing.filter((u) => !keptOriginal.has(urlKey(u)));
    const material = new Set(conflicts.map(urlKey).filter((k) => !keptOriginal.has(k)));
    original = original.filter((u) => !material.has(urlKey(u)));
    confidence.infringing = Math.min(confidence.infringing, CONFLICT_CONFIDENCE);
    confidence.original = Math.min(confidence.original, CONFLICT_CONFIDENCE);
  }
  return { infringing, original, other: uniqueUrls(other), conflicts, confidence };
}

/** How sure the URL lists are of a document that gives a URL both as the original and as the material. */
export const CONFLICT_CONFIDENCE = 0.3;
