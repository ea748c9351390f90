// What a heading, a label or a lead-in says about the URLs that follow it: are they the material
// to act on, the original work, someone's contact details, a pointer to an earlier notice or a
// guide, or something else (a question about licences or remedies)? The cues are the ordinary
// words of notices (infringing, copies, take down, original, my work, published at …), not the
// headings of any one form.

/** 'own': the sender's own work ("my site", "our code"): the original in a takedown, the disputed material in a counter notice. */
export type UrlRole = 'infringing' | 'original' | 'own' | 'reference' | 'contact' | 'neutral';

// An earlier notice, the provider's guides and policies: neither infringing nor original.
const REFERENCE =
  /\b(?:(?:previous|prior|earlier|initial|first|above|same|last)\s+(?:dmca\s+)?(?:notices?|takedowns?|requests?|complaints?|claims?|notifications?|counter[- ]?notices?|letters?|e-?mails?)|(?:notices?|takedowns?|requests?|claims?|counter[- ]?notices?|notifications?)\s+(?:(?:was|were|that (?:was|were|is))\s+)?(?:previously\s+|already\s+)?(?:processed|published|filed|sent|submitted|posted|listed|dated|issued)|guide(?:lines)?\b|polic(?:y|ies)\b|terms of (?:service|use)|help (?:article|page)|\bfaq\b|(?:refers?|referring|relates?|relating|pertains?) to (?:our|my|the|this|that|a)\b.{0,30}\b(?:dmca|notice|takedown|claim|request|complaint)|regarding (?:our|my|the|this) (?:dmca|notice|takedown|claim|request)|(?:dmca|takedown|counter[- ]?notice) (?:notice )?(?:published|posted|listed) at|\b(?:notice|takedown|request|claim|complaint)\b[^.:]{0,30}\b(?:can be |is |was )?(?:found|published|posted|viewed|seen|read) (?:here|at|on)\b)/i;

// The infringer's or uploader's details: not the claimant's, and not material to act on.
const INFRINGER_CONTACT =
  /\b(?:alleged\s+)?infringer'?s?\b|\binfringer['’]s\b|\b(?:uploader|account holder|offending (?:user|party))\b.{0,40}\b(?:contact|e-?mail|address|details|information|profile|account)/i;

// The claimant's own contact block.
const CONTACT =
  /^(?:(?:your |my |our )?(?:contact(?: information| informations| details| info)?|e-?mail(?: address)?|phone|tel(?:ephone)?|mobile|fax|(?:mailing |postal |street )?address|website|web ?site|homepage|company|organi[sz]ation(?: name)?|name)\s*[:-]?\s*)$/i;

const CONTACT_PROSE =
  /\b(?:(?:tele)?phone number|physical address|mailing address|postal address|get back to you|contact (?:you|me|us)\b|reach (?:you|me|us)\b)/i;

// Questions about licences or remedies: URLs there are neither the target nor the work.
const NEUTRAL =
  /\b(?:is|was|are) (?:the|your|this) (?:work|code|content|software|material)s? (?:licensed|released|published under|available under)|\bopen[- ]source licen[cs]e\b.{0,40}\?|\b(?:best|preferred) (?:solution|outcome|course|remedy)\b|\bchanges\b.{0,40}\b(?:could|can|should|might) make\b|\bwhat (?:changes|would resolve)\b|\b(?:why|reason)\b.{0,60}\b(?:mistake|misidentif)/i;

// Where the original work is.
const ORIGINAL =
  /\boriginal(?:ly)?\b(?!\s+(?:dmca\s+)?(?:notice|takedown|request|complaint|claim|notification|poster|uploader))|\bauthentic\b|\bofficial (?:site|website|page|store|repo(?:sitory)?|source|release|version|channel|app)|\blegitimate (?:site|website|copy|version|source|store)|\bcopyrighted (?:work|material|content|code|software)s?\b(?!.{0,60}\binfring(?:ing|es)\b)|\bwork(?:s)?\b.{0,40}\b(?:allegedly )?(?:been )?infringed\b|\bthe work (?:is|was|can be found|appears)\b|\b(?:is|are|was|were) (?:originally )?(?:posted|published|available|located|hosted|sold|distributed|found|listed) (?:online )?(?:at|here|on|via|from|in)\b|\b(?:cop(?:y|ied)|stolen|taken|lifted|ripped|plagiari[sz]ed|derived|translated|scraped) (?:directly |straight )?from\b|\bcopy of (?:the |my |our |this )?[\w ]{0,30}?\b(?:at|from|here|on)\b|\bsource of (?:the|my|our) work\b|\bnature of (?:your|my|the) (?:copyright|ownership)|\bcopyright (?:owner|holder)ship\b|\bregistration\b/i;

// The sender's own work.
const OWN =
  /\b(?:my|our|client['’]?s|clients['’]|company['’]s|the owner['’]s) (?:own )?(?:copyrighted )?(?:work|code|source code|repo(?:sitory)?|project|site|website|web ?page|book|product|software|app(?:lication)?|game|content|page|theme|plugin|library|course|article|photo(?:graph)?s?|images?|videos?|film|music|font)s?\b/i;

// The material to act on (in a counter notice or a retraction: the material it concerns).
const INFRINGING =
  /\binfring(?:ing|es|ement|ed (?:copy|copies|files?|material|content|urls?|links?|pages?|repo))\b|\btake[n]?[- ]?down\b|\btakedowns?\b|\b(?:remove|removed|removal|disable|disabled|delete|deleted|deletion|block|blocked)\b|\bforks?\b|\bforked\b|\bunauthori[sz]ed\b|\bunlicensed\b|\bcop(?:y|ied|ies|ying)\b|\bpirat|\bleak(?:ed|s)?\b|\bstolen\b|\bplagiari|\b(?:reported|offending|disputed|affected|targeted|accused|violating) (?:url|link|content|material|repo|repository|files?|pages?|projects?|code)|\blocations?\b|\bwhat (?:files|content|material|repositor)|\b(?:reinstate|restore|re-?enable|unblock|retract|rescind|withdraw)\b|\bcircumvent/i;

/** The heading or label introduces the alleged infringer's details (kept out of the claimant's). */
export function isInfringerCue(cue: string): boolean {
  return INFRINGER_CONTACT.test(cue);
}

function splitSentences(s: string): string[] {
  return s.split(/(?<=[.?!])\s+(?=[A-Z"“(])/);
}

function roleOfSentence(s: string): UrlRole | null {
  if (INFRINGER_CONTACT.test(s)) return 'contact';
  if (REFERENCE.test(s)) return 'reference';
  if (NEUTRAL.test(s)) return 'neutral';
  // "original … infringed" is about the work; "infringing … original" is usually about the copy.
  const orig = ORIGINAL.exec(s);
  const own = OWN.exec(s);
  const o = orig && own ? (orig.index <= own.index ? orig : own) : (orig ?? own);
  const oRole: UrlRole = o === orig ? 'original' : 'own';
  const i = INFRINGING.exec(s);
  if (o && i) return o.index <= i.index ? oRole : 'infringing';
  if (o) return oRole;
  if (i) return 'infringing';
  if (CONTACT.test(s.trim()) || CONTACT_PROSE.test(s)) return 'contact';
  return null;
}

/**
 * The role a heading or lead-in gives the URLs after it. A question-style heading is read from its
 * first sentence that says something; a lead-in at the end of a paragraph from its last.
 */
export function roleOfCue(cue: string, readFrom: 'first' | 'last' = 'first'): UrlRole | null {
  const t = cue.replace(/\s+/g, ' ').trim();
  if (!t) return null;
  const sentences = splitSentences(t);
  if (readFrom === 'last') sentences.reverse();
  for (const s of sentences) {
    const r = roleOfSentence(s);
    if (r) return r;
  }
  return null;
}
