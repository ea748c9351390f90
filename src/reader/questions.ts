// What a form's question asks for, by its meaning rather than its wording: each role has a weighted
// vocabulary (the words a question about it uses, and their usual synonyms), every term counts once,
// and the role whose words weigh most wins. "What files should be taken down?", "Which material do
// you want removed?" and "Identify the content to be disabled" all ask for the material to act on;
// "Have you searched for forks?" and "List any forked copies" for more of it; "Describe the original
// work" for the work itself. A question nobody wrote the vocabulary for is still read by its words.
// Pure; results are cached because forms repeat the same questions.
import type { UrlRole } from './roles.ts';

export const QUESTION_ROLES = [
  /** The material to act on (in a counter notice: the material it concerns). */
  'infringing',
  /** Forks or other copies of that material, to act on as well. */
  'forks',
  /** The original work: never to act on. */
  'original',
  /** Licence, remedy, ownership, reasons, anything else: context, not locations to act on. */
  'evidence',
  /** How to reach the alleged infringer: not the claimant's details. */
  'infringer',
  'name',
  'address',
  'phone',
  'email',
  'signature',
  /** A sworn statement, a confirmation, a yes/no question (are you the owner? have you read the guide?). */
  'statement',
  'other',
] as const;
export type QuestionRole = (typeof QUESTION_ROLES)[number];

export interface QuestionMeaning {
  role: QuestionRole;
  /** 0–1: how much the winning role's words weigh, and by how far they beat the runner-up. */
  confidence: number;
  /** The question also asks for a signature ("… below to sign this request"). */
  signs: boolean;
}

type Term = [role: QuestionRole, weight: number, re: RegExp];

/**
 * Weights: 6–8 names the thing asked for outright (forks, perjury, licence), 3–5 a strong synonym,
 * 1–2 a word that only leans that way. "infringing files" leans to the material, "has been infringed"
 * to the work, so both tenses are separate terms.
 */
const TERMS: Term[] = [
  // "takedown notice", "counter notice" name documents, not material.
  [
    'infringing',
    4,
    /\btake[n]?[- ]?(?:down|offline)\b(?![- ]?(?:notices?|requests?|polic|guide))|\btakedown(?![- ]?(?:notices?|requests?|polic|guide))|\btake (?:it |them )?offline\b/,
  ],
  ['infringing', 3, /\b(?:remove|removed|disable|disabled|delete|deleted|block|blocked|pull(?:ed)? down)\b/],
  ['infringing', 2, /\binfring(?:ing|es)\b/],
  [
    'infringing',
    3,
    /\b(?:reported|offending|unauthori[sz]ed|pirated|accused|disputed|violating|stolen|plagiari[sz]ed|leaked|counterfeit|phishing|malicious|fraudulent|abusive|illegal|unlawful)\b/,
  ],
  ['infringing', 2, /\bcop(?:y|ies|ied)\b/],
  ['infringing', 1, /\b(?:urls?|links?|web ?address(?:es)?|locations?|located)\b/],
  ['infringing', 1, /\b(?:files?|repositor(?:y|ies)|content|material|pages?|projects?)\b/],
  ['infringing', 2, /\b(?:which|what|where|list|identify)\b[^.?]{0,40}\b(?:files?|content|material|repositor(?:y|ies)|urls?|links?|cop(?:y|ies))\b/],
  ['forks', 8, /\bforks?\b|\bforked\b/],
  ['forks', 3, /\b(?:clones?|mirrors?|derivatives?|duplicates?)\b|\bnetwork of\b/],
  ['original', 5, /\boriginal(?:ly)?\b(?!\s+(?:notice|takedown|request|complaint|poster|uploader))/],
  ['original', 3, /\b(?:copyrighted|protected)\s+(?:\w+\s+)?(?:works?|material|content|code|software)\b|\bcopyrighted work/],
  ['original', 3, /\b(?:has|have|was|were|is|being) (?:\w+ )?(?:been )?(?:allegedly )?(?:infringed|copied)\b/],
  [
    'original',
    3,
    /\b(?:your|my|our) (?:own )?(?:copyrighted |original )?(?:works?|code|project|product|site|website|software|content|creation|book|photos?|images?)\b/,
  ],
  ['original', 2, /\b(?:authentic|official|legitimate|genuine)\b/],
  ['original', 1, /\bworks?\b|\bposted online\b|\bpublished\b/],
  ['evidence', 7, /\blicen[cs]/],
  ['evidence', 3, /\bopen[- ]source\b/],
  ['evidence', 5, /\b(?:best )?solution\b|\bremedy\b|\boutcome\b|\bresolve\b|\bmade private\b|\bspecific changes\b|\bchange something\b/],
  ['evidence', 4, /\bnature of\b|\bon what basis\b|\bhow you own\b|\bownership\b/],
  [
    'evidence',
    4,
    /\bevidence\b|\bproof\b|\bcontext\b|\banything (?:else|more)\b|\badditional (?:information|details|comments)\b|\bfurther (?:explanation|information|details)\b|\bexplain\b|\bwhy\b/,
  ],
  ['evidence', 2, /\bmistake\b|\bmisidentif/],
  ['infringer', 7, /\binfringer'?s?\b|\buploader'?s?\b|\baccount holder\b/],
  ['infringer', 5, /\bperson who (?:posted|uploaded|published)\b|\bwho (?:posted|uploaded)\b/],
  ['infringer', 2, /\bother (?:party|person)\b/],
  ['name', 5, /\bnames?\b/],
  ['name', 2, /\b(?:full|legal|complete|first|last|sur)\s*name\b/],
  ['signature', 5, /\bsign(?:ature|s|ed|ing)?\b/],
  // A legal name typed into a form is how the form is signed (a typed name is an electronic signature),
  // whether or not the question says so; it still asks for the name first.
  ['signature', 1, /\b(?:type|enter)\b[^.?:]{0,30}\blegal name\b/],
  ['address', 4, /\b(?:physical|postal|mailing|street|home|business|office|post) address\b|\baddress\b(?! of (?:the|each|every))/],
  ['address', 2, /\b(?:post ?code|zip|city|country|street)\b/],
  ['phone', 5, /\b(?:tele)?phone\b|\bmobile\b|\btel\b|\bfax\b/],
  ['email', 5, /\be-?mail\b/],
  // "so that we can get back to you": contact details in general, leaning to each kind of them.
  ['address', 2, /\bget back to you\b|\bcontact (?:you|details|information)\b|\breach you\b/],
  ['phone', 1, /\bget back to you\b|\bcontact (?:you|details|information)\b|\breach you\b/],
  ['statement', 5, /\bperjury\b|\bgood[- ]faith\b|\bjurisdiction\b|\bservice of process\b/],
  [
    'statement',
    4,
    /\bswear\b|\bstatement\b|\bconfirm\b|\backnowledge\b|\bunderstand\b|\bhave read\b|\b(?:have|did) you read\b|\bread (?:the|our)\b|\bconsent\b|\bcertify\b|\bdeclare\b|\bfair use\b/,
  ],
  ['statement', 3, /\bguide\b|\bpolicy\b|\bterms\b/],
  [
    'statement',
    5,
    /\bare you (?:the|an?) (?:copyright |rights? )?(?:owner|holder|author|agent)\b|\bauthori[sz]ed (?:to act|agent)\b|\bon (?:the )?(?:copyright )?owner'?s behalf\b|\bacting for the owner\b|\bown the rights\b/,
  ],
  ['statement', 2, /\bdo you (?:want|plan|intend)\b|\bwill you\b/],
  ['statement', 4, /\bdispute\b|\bcontest\b/],
];

// An "address" that is a web or e-mail address says nothing about the post.
const NOT_POSTAL = /\b(?:e-?mail|web|ip|url|internet) address/;

const FAMILY: Record<QuestionRole, string> = {
  infringing: 'material',
  forks: 'material',
  original: 'original',
  evidence: 'evidence',
  infringer: 'infringer',
  name: 'claimant',
  address: 'claimant',
  phone: 'claimant',
  email: 'claimant',
  signature: 'claimant',
  statement: 'statement',
  other: 'other',
};

const MIN_SCORE = 3;
const cache = new Map<string, QuestionMeaning>();
const CACHE_LIMIT = 4096;

export function classifyQuestion(question: string): QuestionMeaning {
  const hit = cache.get(question);
  if (hit) return hit;
  const q = question
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/\b(?:https?|hxxps?):\/\/\S+/g, ' ')
    .replace(/\s+/g, ' ');
  const score = new Map<QuestionRole, number>();
  for (const [role, w, re] of TERMS) {
    if (role === 'address' && w === 4 && NOT_POSTAL.test(q) && !/\b(?:physical|postal|mailing|street)\b/.test(q)) continue;
    if (re.test(q)) score.set(role, (score.get(role) ?? 0) + w);
  }
  // A sworn statement quoted for typing mentions the material and the work ("… the infringing web
  // pages …"); it still asks only for the statement.
  if ((score.get('statement') ?? 0) >= 9) for (const r of ['infringing', 'original'] as const) score.set(r, Math.min(score.get(r) ?? 0, 4));
  let best: QuestionRole = 'other';
  let bestScore = 0;
  for (const [role, s] of score) {
    if (s > bestScore) {
      best = role;
      bestScore = s;
    }
  }
  // The runner-up that matters is one of another family: "telephone or postal address" is sure to
  // ask for contact details whichever of the two weighs more.
  let second = 0;
  for (const [role, s] of score) if (FAMILY[role] !== FAMILY[best] && s > second) second = s;
  const signs = (score.get('signature') ?? 0) > 0;
  let meaning: QuestionMeaning;
  if (bestScore < MIN_SCORE) meaning = { role: 'other', confidence: round2(1 - bestScore / MIN_SCORE / 2), signs };
  else {
    // Forks are more of the material: a question about both is about forks.
    if (best === 'infringing' && (score.get('forks') ?? 0) >= 8) best = 'forks';
    meaning = { role: best, confidence: round2((1 - Math.exp(-bestScore / 4)) * ((bestScore - second) / bestScore) ** 0.5), signs };
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(question, meaning);
  return meaning;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The role a question gives the URLs in its answer; null when it says nothing about them. */
export function urlRoleOf(role: QuestionRole): UrlRole | null {
  switch (role) {
    case 'infringing':
    case 'forks':
      return 'infringing';
    case 'original':
      return 'original';
    case 'evidence':
      return 'neutral';
    case 'infringer':
    case 'name':
    case 'address':
    case 'phone':
    case 'email':
    case 'signature':
      return 'contact';
    default:
      return null;
  }
}

/** The question asks for the claimant's own contact details. */
export function isContactRole(role: QuestionRole): role is 'address' | 'phone' | 'email' {
  return role === 'address' || role === 'phone' || role === 'email';
}
