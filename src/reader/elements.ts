// Which legal elements a notice contains: the six of §512(c)(3)(A) for a takedown, those of
// §512(g)(3) for a counter notice. Presence is judged from the statements' substance (the
// statute's words and their usual paraphrases), not from any form's headings.
import { COUNTER_NOTICE_ELEMENTS, TAKEDOWN_ELEMENTS, type NoticeKind } from './types.ts';

export interface ElementFacts {
  text: string;
  infringingUrls: number;
  originalUrls: number;
  /** The work was identified (a title, a description, an ACNS content item). */
  workIdentified: boolean;
  /** Contact details found for the sender. */
  contact: { email: boolean; phone: boolean; address: boolean; name: boolean };
  /** The document carries a signature: a closing with a name, "/s/", a typed-name field, or a PGP signature. */
  signed: boolean;
  /** The notice names the infringing material by other means (ACNS: IP address, port and time). */
  materialOtherwise: boolean;
}

const GOOD_FAITH = /\bgood[- ]?faith\b|\bbona fide\b|\bhonest(?:ly)? belie/i;
const NOT_AUTHORISED =
  /\bnot (?:been )?authori[sz]ed\b|\bunauthori[sz]ed\b|\bwithout (?:the )?(?:authori[sz]ation|permission|consent|licen[cs]e|right)\b|\bnot (?:licensed|permitted)\b|\bno (?:licen[cs]e|permission|authori[sz]ation)\b/i;
const PERJURY = /\bpenalty of perjury\b|\bunder oath\b|\bperjury\b/i;
const ACCURATE = /\baccurate\b|\btrue and correct\b|\btrue and accurate\b|\bcorrect to the best\b/i;
const AUTHORITY =
  /\bauthori[sz]ed to act\b|\b(?:on behalf|behalf) of the (?:copyright |rights? )?(?:owner|holder)\b|\bowner,? or (?:am |are )?authori[sz]ed\b|\bexclusive rights?\b|\b(?:i|we) (?:am|are) (?:the|an?) (?:copyright |rights? )?(?:owner|holder|author|authori[sz]ed agent|agent)\b|\b(?:i|we) own the copyright\b/i;
const WORK =
  /\b(?:original|copyrighted|protected) (?:work|code|material|content|software|source|files?)\b|\b(?:my|our|client['’]?s|company['’]s) (?:own )?(?:original )?(?:work|code|source code|software|book|product|app|game|content|project|repository|website|theme|plugin|course|film|music|photos?|images?|videos?)\b|\b(?:work|title)s?\s*:\s*\S|\bwe (?:own|hold) (?:the )?(?:copyright|rights)\b|\bcopyright (?:owner|holder) of\b|\b(?:is|are) (?:the )?(?:copyright(?:ed)? )?(?:property|work) of\b/i;
const MISTAKE = /\bmistake\b|\bmisidentif/i;
const JURISDICTION = /\bjurisdiction\b/i;
const SERVICE = /\bservice of process\b|\baccept service\b/i;
const MATERIAL_LOCATION = /\b(?:removed|disabled|taken down|material|content|repository|files?)\b[^.]{0,80}\b(?:at|located|found|appeared|url)\b/i;

export interface ElementResult {
  elements: Record<string, boolean>;
  missing: string[];
}

export function detectElements(kind: NoticeKind, f: ElementFacts): ElementResult {
  const t = f.text;
  const contactAny = f.contact.email || f.contact.phone || f.contact.address;
  let elements: Record<string, boolean>;
  if (kind === 'takedown') {
    elements = {
      signature: f.signed,
      copyrighted_work: f.workIdentified || f.originalUrls > 0 || WORK.test(t),
      infringing_material: f.infringingUrls > 0 || f.materialOtherwise,
      contact_information: contactAny,
      good_faith_statement: GOOD_FAITH.test(t) && NOT_AUTHORISED.test(t),
      accuracy_and_authority_statement: PERJURY.test(t) && AUTHORITY.test(t) && (ACCURATE.test(t) || /\bswear|\bcertify|\bdeclare|\baffirm/i.test(t)),
    };
    return { elements, missing: TAKEDOWN_ELEMENTS.filter((e) => !elements[e]) };
  }
  if (kind === 'counter_notice') {
    elements = {
      signature: f.signed,
      material_and_location: f.infringingUrls > 0 || (MATERIAL_LOCATION.test(t) && /https?:\/\/|\brepositor(?:y|ies)\b/i.test(t)),
      mistake_statement: PERJURY.test(t) && MISTAKE.test(t),
      contact_information: f.contact.name && (f.contact.address || f.contact.phone || f.contact.email),
      consent_to_jurisdiction: JURISDICTION.test(t) && SERVICE.test(t),
    };
    return { elements, missing: COUNTER_NOTICE_ELEMENTS.filter((e) => !elements[e]) };
  }
  return { elements: {}, missing: [] };
}
