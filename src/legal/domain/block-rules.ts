/**
 * Domain block rules from court orders and injunctions: which zone names a rule catches. Checked
 * against every existing zone (their names go to the edge feed as court-ordered domains) and
 * whenever a zone is added, so a site that comes back under a new account is caught.
 *
 * Rule syntax (one rule per line in a form; stored as its canonical text, `blockRuleText`):
 *
 * | text               | kind         | catches                                                        |
 * | ------------------ | ------------ | -------------------------------------------------------------- |
 * | `thepiratesite.com`  | `domain`     | the name and every name under it (what orders usually mean)  |
 * | `=thepiratesite.com` | `exact`      | that name only                                               |
 * | `*.example.com`      | `subdomains` | names strictly under it, not the name itself                 |
 * | `thepiratesite.*`    | `any_tld`    | `thepiratesite.<any public suffix>` and names under it:      |
 * |                      |              | thepiratesite.com, thepiratesite.co.uk, www.thepiratesite.de |
 *
 * Matching is on DNS names, never on substrings: names are normalised (lower case, IDN to
 * punycode, trailing dots removed) and compared label by label, so `thepiratesite.com` does not
 * catch `notthepiratesite.com`, and `thepiratesite.*` does not catch `thepiratesite.com.evil.net`
 * (whose registrable domain is `evil.net`). "Any TLD" means any *public suffix* of the ICANN
 * section of the Public Suffix List (tldts), so `co.uk` is one suffix; private suffixes such as
 * `blogspot.com` are not used, so `thepiratesite.*` does not reach into a shared platform
 * (`thepiratesite.blogspot.com` has the registrable domain `blogspot.com`). A name under an
 * unknown TLD counts as registrable under that TLD.
 *
 * Rules that would catch a whole public suffix (`co.uk`, `*.com`) are refused: no court orders
 * that, and one typo must not block every customer. Pure; no I/O.
 */
import { domainToUnicode } from 'node:url';
import { parse } from 'tldts';
import { normaliseHost } from '../../domain/url.ts';

export type BlockRule =
  | { kind: 'domain'; name: string }
  | { kind: 'exact'; name: string }
  | { kind: 'subdomains'; name: string }
  /** `label` is one DNS label (punycode), the registrable domain minus its public suffix. */
  | { kind: 'any_tld'; label: string };

export type BlockRuleParse = { ok: true; rule: BlockRule } | { ok: false; reason: string };

const TLDTS = { allowPrivateDomains: false } as const;

/** The registrable domain of a normalised name, or null for a public suffix or bare label. */
function registrable(name: string): { domain: string; label: string } | null {
  const p = parse(name, TLDTS);
  if (!p.domain || !p.domainWithoutSuffix) return null;
  return { domain: p.domain, label: p.domainWithoutSuffix };
}

function checkName(raw: string, text: string): { ok: true; name: string } | { ok: false; reason: string } {
  if (raw.includes('*'))
    return { ok: false, reason: `${quote(text)}: "*" may only stand for a whole label at the start ("*.example.com") or for the TLD at the end ("example.*")` };
  const name = normaliseHost(raw);
  if (name === null) return { ok: false, reason: `${quote(text)} is not a valid domain name` };
  if (!registrable(name))
    return { ok: false, reason: `${quote(text)} is a public suffix (like "com" or "co.uk"): a rule on it would block every site under it` };
  return { ok: true, name };
}

/** Reads a rule from its text form (see the table above); surrounding whitespace is ignored. */
export function parseBlockRule(input: string): BlockRuleParse {
  if (typeof input !== 'string') return { ok: false, reason: 'a rule must be text' };
  const text = input.trim();
  if (!text) return { ok: false, reason: 'empty rule' };
  if (/\s/.test(text)) return { ok: false, reason: `${quote(text)} contains whitespace: give one rule per line` };
  if (text.startsWith('=')) {
    const n = checkName(text.slice(1), text);
    return n.ok ? { ok: true, rule: { kind: 'exact', name: n.name } } : n;
  }
  if (text.startsWith('*.')) {
    const n = checkName(text.slice(2), text);
    return n.ok ? { ok: true, rule: { kind: 'subdomains', name: n.name } } : n;
  }
  if (text.endsWith('.*')) {
    const label = text.slice(0, -2).replace(/\.$/, '');
    if (!label || label.includes('*')) return { ok: false, reason: `${quote(text)}: give the site's name before ".*", e.g. "thepiratesite.*"` };
    // Validated as a name under a real TLD, so that an all-digit label ("123.*") is fine.
    const n = normaliseHost(`${label}.com`);
    if (n === null) return { ok: false, reason: `${quote(text)}: ${quote(label)} is not a valid domain label` };
    const l = n.slice(0, -'.com'.length);
    if (l.includes('.')) {
      return { ok: false, reason: `${quote(text)}: "name.*" takes a single label, the site's name (e.g. "thepiratesite.*")` };
    }
    return { ok: true, rule: { kind: 'any_tld', label: l } };
  }
  const n = checkName(text, text);
  return n.ok ? { ok: true, rule: { kind: 'domain', name: n.name } } : n;
}

/** The canonical text of a rule (what to store; `parseBlockRule` reads it back to the same rule). */
export function blockRuleText(rule: BlockRule): string {
  switch (rule.kind) {
    case 'domain':
      return rule.name;
    case 'exact':
      return `=${rule.name}`;
    case 'subdomains':
      return `*.${rule.name}`;
    case 'any_tld':
      return `${rule.label}.*`;
  }
}

/** The rule for people, IDNs in Unicode: "bücher.example and every name under it". */
export function describeBlockRule(rule: BlockRule): string {
  const u = (n: string) => domainToUnicode(n) || n;
  switch (rule.kind) {
    case 'domain':
      return `${u(rule.name)} and every name under it`;
    case 'exact':
      return `${u(rule.name)} only`;
    case 'subdomains':
      return `every name under ${u(rule.name)}, not ${u(rule.name)} itself`;
    case 'any_tld':
      return `${u(rule.label)} under any top-level domain (${u(rule.label)}.com, ${u(rule.label)}.co.uk, …) and every name under it`;
  }
}

/** Does the rule catch this zone name? Names that are not valid DNS names never match. */
export function matchesBlockRule(zoneName: string, rule: BlockRule): boolean {
  const zone = normaliseHost(zoneName);
  if (zone === null) return false;
  return matchNormalised(zone, rule);
}

function matchNormalised(zone: string, rule: BlockRule): boolean {
  switch (rule.kind) {
    case 'domain':
      return zone === rule.name || zone.endsWith('.' + rule.name);
    case 'exact':
      return zone === rule.name;
    case 'subdomains':
      return zone.endsWith('.' + rule.name);
    case 'any_tld':
      return registrable(zone)?.label === rule.label;
  }
}

/**
 * The name an edge can block directly, before any zone exists, with its "name and everything
 * under it" semantics (see edge-blocklist.ts): only `domain` rules have one. The other kinds
 * reach the edge through the zones they match.
 */
export function directEdgeDomain(rule: BlockRule): string | null {
  return rule.kind === 'domain' ? rule.name : null;
}

export interface BlockRuleIndex<T> {
  /** The entries whose rule catches the zone name, in the order they were given. */
  match(zoneName: string): T[];
}

/**
 * Many rules against many zones (an import of a million zones, every rule of every order): a
 * lookup per label of the zone name instead of a pass over all rules.
 */
export function compileBlockRules<T extends { rule: BlockRule }>(entries: readonly T[]): BlockRuleIndex<T> {
  const exact = new Map<string, number[]>();
  const domain = new Map<string, number[]>();
  const sub = new Map<string, number[]>();
  const label = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, k: string, i: number) => {
    const l = m.get(k);
    if (l) l.push(i);
    else m.set(k, [i]);
  };
  entries.forEach((e, i) => {
    const r = e.rule;
    if (r.kind === 'exact') add(exact, r.name, i);
    else if (r.kind === 'domain') add(domain, r.name, i);
    else if (r.kind === 'subdomains') add(sub, r.name, i);
    else add(label, r.label, i);
  });
  return {
    match(zoneName: string): T[] {
      const zone = normaliseHost(zoneName);
      if (zone === null) return [];
      const hits = new Set<number>();
      for (const i of exact.get(zone) ?? []) hits.add(i);
      for (let s = zone, first = true; ; first = false) {
        for (const i of domain.get(s) ?? []) hits.add(i);
        if (!first) for (const i of sub.get(s) ?? []) hits.add(i);
        const dot = s.indexOf('.');
        if (dot < 0) break;
        s = s.slice(dot + 1);
      }
      if (label.size) {
        const reg = registrable(zone);
        if (reg) for (const i of label.get(reg.label) ?? []) hits.add(i);
      }
      return [...hits].sort((a, b) => a - b).map((i) => entries[i]!);
    },
  };
}

function quote(s: string): string {
  return JSON.stringify(s);
}
