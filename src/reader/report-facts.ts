// What a report of a kind other than copyright says beyond its URLs and its sender: the
// explanation (the sender's own words), the registered trademark, the brand a phishing page
// imitates, whether the reporter of intimate images is the person shown, what a WHOIS request
// asks for and on which basis, and whether the DSA's Art. 16(2)(d) good-faith statement is made.
// Each is read only when the text says it; what is not found stays null, so the report's
// validation (parseReport) names it to the sender as missing. Pure.
import type { WhoisRequest } from '../domain/report-submission.ts';

export interface ReportFacts {
  /** The sender's own prose (URLs and the closing left in), or null when it says nothing beyond URLs. */
  explanation: string | null;
  trademark: { number: string | null; office: string | null; symbol: string | null } | null;
  impersonated: string | null;
  /** true: the reporter is the person shown; false: they report for someone else; null: not said. */
  subject_representation: boolean | null;
  whois_request: Partial<WhoisRequest> | null;
  /** Art. 16(2)(d) DSA: a good-faith statement that the notice is accurate and complete. */
  dsa_statement: boolean;
}

const MAX_EXPLANATION = 5000;

/** The sender's words as an explanation: whitespace folded, bounded; null when fewer than six words remain without the URLs. */
export function explanationOf(text: string): string | null {
  const folded = text.replace(/\s+/g, ' ').trim();
  const words = folded.replace(/\b(?:https?|hxxps?):\/\/\S+/gi, ' ').match(/\p{L}{2,}/gu) ?? [];
  if (words.length < 6) return null;
  return folded.length > MAX_EXPLANATION ? `${folded.slice(0, MAX_EXPLANATION - 1)}…` : folded;
}

const OFFICES: [RegExp, string][] = [
  [/\buspto\b|\bunited states patent and trademark office\b/i, 'USPTO'],
  [/\beuipo\b|\bohim\b|\beuropean union intellectual property office\b/i, 'EUIPO'],
  [/\bukipo\b|\buk intellectual property office\b/i, 'UKIPO'],
  [/\bwipo\b|\bmadrid (?:system|protocol)\b/i, 'WIPO'],
  [/\bdpma\b|\bdeutsches patent- und markenamt\b/i, 'DPMA'],
  [/\bcipo\b/i, 'CIPO'],
  [/\binpi\b/i, 'INPI'],
  [/\bip australia\b/i, 'IP Australia'],
];

const TM_NUMBER =
  /\b(?:registration|reg\.?|registered|trade ?mark|mark|application|serial)\s*(?:no\.?|number|num\.?|#)\s*[:.]?\s*((?:[A-Z]{2,3}\s?)?\d[\d ,./-]{2,18}\d)/i;
const TM_SYMBOL = [
  /^\s*(?:[-*•]\s*)?(?:trade ?mark|mark|word mark|brand)\s*:\s*["“']?([^"”'\n]{1,100}?)["”']?\s*(?:\(|,|;|$)/im,
  /\b(?:trade ?mark|mark|brand)\s+["“']([^"”'\n]{1,100})["”']/i,
  /["“']?\b([A-Z][A-Za-z0-9&.-]*(?: [A-Z][A-Za-z0-9&.-]*){0,3})["”']?\s*(?:®|\(R\))/,
];

function trademarkOf(text: string): ReportFacts['trademark'] {
  const number = TM_NUMBER.exec(text)?.[1]?.trim() ?? null;
  const office = OFFICES.find(([re]) => re.test(text))?.[1] ?? null;
  let symbol: string | null = null;
  for (const re of TM_SYMBOL) {
    const m = re.exec(text);
    if (m?.[1]?.trim()) {
      symbol = m[1].trim();
      break;
    }
  }
  return number || office || symbol ? { number, office, symbol } : null;
}

const IMPERSONATED =
  /\b(?:impersonat(?:es|ing)|imitat(?:es|ing)|spoof(?:s|ing)|clon(?:es|ing)|pretend(?:s|ing)? to be|pos(?:es|ing) as|masquerad(?:es|ing) as|copy of the (?:login )?(?:page|site) of)\s+(?:the\s+)?(?:official\s+)?(?:(?:login|sign-in|log-in)\s+(?:page|site|portal)\s+of\s+)?([A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,3})/;

const SELF_SHOWN =
  /\b(?:of me|of myself|i am the (?:person|woman|man|individual) (?:shown|depicted|in)|shows? me\b|depicts? me\b|i appear in|my (?:own )?(?:intimate|nude|naked|private|explicit) (?:images?|photos?|pictures?|videos?)|(?:images?|photos?|pictures?|videos?) of my body)/i;
const FOR_OTHER =
  /\bon behalf of\b|\b(?:my|our) (?:client|daughter|son|sister|brother|friend|wife|husband|partner|mother|student|patient)\b|\bthe (?:victim|person shown|person depicted)\b/i;

function representationOf(text: string): boolean | null {
  if (SELF_SHOWN.test(text)) return true;
  if (FOR_OTHER.test(text)) return false;
  return null;
}

/** The RDP data elements a request names, from the words it uses for them. */
const DATA_WORDS: [RegExp, WhoisRequest['requested_data'][number][]][] = [
  [/\bregistrant(?:'s)? (?:full )?name\b|\bname of the (?:registrant|domain owner|owner)\b/i, ['registrant_name']],
  [/\bregistrant(?:'s)? (?:organi[sz]ation|company)\b/i, ['registrant_organization']],
  [/\bregistrant(?:'s)? e-?mail\b|\be-?mail (?:address )?of the (?:registrant|owner)\b/i, ['registrant_email']],
  [/\bregistrant(?:'s)? (?:tele)?phone\b/i, ['registrant_phone']],
  [/\bregistrant(?:'s)? (?:postal )?address\b/i, ['registrant_address']],
  [/\badmin(?:istrative)? contact\b/i, ['admin_name', 'admin_email']],
  [/\btech(?:nical)? contact\b/i, ['tech_name', 'tech_email']],
];
// A request for "the registrant's contact details" (or the owner's information) without naming fields asks for the registrant's contact set.
const CONTACT_SET: WhoisRequest['requested_data'] = [
  'registrant_name',
  'registrant_organization',
  'registrant_email',
  'registrant_phone',
  'registrant_address',
];
const CONTACT_WORDS =
  /\b(?:registrant|domain owner|owner|holder)(?:'s)? (?:contact )?(?:information|details|data|identity)\b|\bwho registered\b|\bregistrant data\b|\bregistration data\b/i;
const LEGAL_BASIS =
  /[^.\n]*\b(?:legal basis|legitimate interest|art(?:icle|\.)?\s*6\s*\(1\)|gdpr|court order|subpoena|lawsuit|legal (?:action|proceedings|claim)|to (?:serve|sue|bring (?:a )?claim))\b[^.\n]*\.?/i;
const GOOD_FAITH = /\bgood[- ]faith\b/i;
const LAWFUL_PROCESSING =
  /\b(?:process|use|handle)(?:\s+\w+){0,3}\s+(?:data|information)\s+(?:only\s+)?(?:lawfully|in accordance with|for the (?:stated )?purpose)|\blawful(?:ly)? process|\bonly (?:use|process) (?:the|this|such) (?:data|information) for\b/i;

function whoisRequestOf(text: string): Partial<WhoisRequest> | null {
  if (!/\bwhois\b|\bregistrant|\brdap\b|\bregistration data\b|\bdomain owner\b/i.test(text)) return null;
  const named = [...new Set(DATA_WORDS.filter(([re]) => re.test(text)).flatMap(([, d]) => d))];
  const requested = named.length ? named : CONTACT_WORDS.test(text) ? CONTACT_SET : [];
  const basis = LEGAL_BASIS.exec(text)?.[0]?.replace(/\s+/g, ' ').trim() ?? null;
  const invalid = /\b(?:inaccurate|false|fake|invalid|bogus|incorrect) (?:whois|registration|registrant|contact) (?:data|information|details|record)/i.test(
    text,
  );
  return {
    request_type: invalid ? 'invalid_whois' : 'disclosure',
    ...(requested.length ? { requested_data: requested } : {}),
    ...(basis ? { legal_basis: basis.slice(0, 5000) } : {}),
    ...(GOOD_FAITH.test(text) ? { good_faith_affirmation: true as const } : {}),
    ...(LAWFUL_PROCESSING.test(text) ? { lawful_processing_agreement: true as const } : {}),
  };
}

/** Art. 16(2)(d): good faith, and that the notice is accurate and complete (in the Act's words or close to them). */
const DSA_STATEMENT = /\bgood[- ]faith\b[^.]{0,200}\baccurate and complete\b|\baccurate and complete\b[^.]{0,200}\bgood[- ]faith\b/i;

export function reportFacts(text: string): ReportFacts {
  return {
    explanation: explanationOf(text),
    trademark: trademarkOf(text),
    impersonated: IMPERSONATED.exec(text)?.[1]?.trim().slice(0, 255) ?? null,
    subject_representation: representationOf(text),
    whois_request: whoisRequestOf(text),
    dsa_statement: DSA_STATEMENT.test(text.replace(/\s+/g, ' ')),
  };
}
