// What a report is about (its subject kind: copyright, trademark, phishing…) and under which law
// it is made (its regime), from what the text means rather than from any form: each kind has a
// weighted vocabulary of words and their usual synonyms, and the kind whose words weigh most wins.
// Copyright stays the answer whenever copyright words are there at least as strongly: the desk's
// oldest and most common report, whose notices often mention trademarks, WHOIS look-ups or
// "malicious" sites in passing. An X-ARF/XARF report names its own category, which is used as is.
// Pure: the same text always reads the same.
import { KIND_RULES, REPORT_KINDS, type LegalRegime, type ReportKind } from '../domain/report-kinds.ts';
import type { XarfReport } from './types.ts';

export interface ReportSubject {
  kind: ReportKind;
  /** 0–1: how far the winning kind's words outweigh the others' (1 for a machine report's own category). */
  confidence: number;
  regime: LegalRegime;
  /** `xarf`: the report's declared category; `text`: the words; `default`: no kind's words at all (copyright, the desk's default). */
  source: 'xarf' | 'text' | 'default';
  /** The words that decided, for staff reading the message's record. */
  evidence: string[];
}

interface Term {
  re: RegExp;
  w: number;
  /** What the term stands for in `evidence`. */
  label: string;
}

const t = (label: string, w: number, re: RegExp): Term => ({ label, w, re });

/**
 * The vocabulary. Weights: 4–5 names the kind outright ("phishing", "CSAM"), 2–3 is a strong
 * synonym, 1 a word that only leans that way. Each term counts once however often it occurs, so
 * a long notice does not outweigh a precise one by repetition.
 */
const LEXICON: Record<ReportKind, Term[]> = {
  copyright: [
    t('copyright', 4, /\bcopyright(?:s|ed)?\b/i),
    t('©', 3, /©|\(c\)\s*(?:19|20)\d\d/i),
    t('DMCA', 4, /\bdmca\b|\bdigital millennium copyright act\b/i),
    t('§512', 4, /\b512\s*\(c\)|§\s*512\b|17\s+u\.?\s?s\.?\s?c/i),
    t('piracy', 3, /\bpira(?:cy|ted|ting|te)\b/i),
    t('plagiarism', 3, /\bplagiari[sz]/i),
    t('unauthorised copy', 3, /\bunauthori[sz]ed (?:cop(?:y|ies)|reproduction|distribution|upload)|\bcop(?:y|ies|ied) of (?:my|our)\b/i),
    t('infringement', 1, /\binfring(?:e|es|ed|ing|ement)\b/i),
    t(
      'my work',
      2,
      /\b(?:my|our) (?:own )?(?:original )?(?:work|photos?|photographs?|images?|artwork|songs?|music|books?|articles?|source code|code|software|videos?|films?|designs?|fonts?)\b/i,
    ),
    t('§512 statements', 3, /\bpenalty of perjury\b[\s\S]{0,300}\b(?:exclusive right|copyright owner|owner of)|\bnot authori[sz]ed by the copyright owner/i),
  ],
  trademark: [
    t('trademark', 4, /\btrade ?marks?\b|\btrade-mark/i),
    t('®', 3, /®|\(r\)(?=\s|$)/i),
    t('™', 1.5, /™/),
    t('counterfeit', 4, /\bcounterfeit(?:s|ed|ing)?\b/i),
    t('knock-off', 2.5, /\bknock-?offs?\b|\breplicas?\b|\bfake (?:goods|products|merchandise|handbags|shoes|watches)\b/i),
    t('brand', 1, /\bbrand(?:s|ed|ing)?\b/i),
    t('Lanham Act', 4, /\blanham\b|15\s+u\.?s\.?c\.?\s*§?\s*11[12]\d/i),
    t('registered mark', 3, /\bregistered (?:word |figurative )?marks?\b|\b(?:eu|european union) trade ?mark\b|\bservice marks?\b/i),
    t('trademark office', 2, /\b(?:uspto|euipo|ohim|ukipo|dpma|wipo|cipo)\b/i),
    t('confusion', 3, /\blikelihood of confusion\b|\bconfusingly similar\b|\bpassing off\b/i),
    t('cybersquatting', 2, /\bcybersquat/i),
  ],
  phishing: [
    t('phishing', 5, /\bphish(?:ing|ed|er|es)?\b/i),
    t('credentials', 2.5, /\bcredentials?\b|\b(?:steal|harvest|capture|collect)(?:s|ing)? (?:\w+ ){0,2}(?:passwords?|logins?|card (?:numbers|details))\b/i),
    t(
      'fake login',
      3,
      /\b(?:fake|fraudulent|spoofed|cloned|bogus) (?:\w+ )?(?:login|log-in|sign-in|signin|banking|bank|payment|checkout|paypal) (?:page|site|form|portal|website)s?\b/i,
    ),
    t('login page', 1, /\blog-?in (?:page|form)\b|\bsign-?in page\b|\bpasswords?\b/i),
    t('malware', 5, /\bmalware\b|\bmalicious (?:software|code|payload|executable|file|download)s?\b/i),
    t('trojan', 4, /\btrojan(?:s|ized)?\b|\bransomware\b|\bkeylogger\b|\bspyware\b|\binfostealer\b|\bstealer\b|\bbotnet\b|\bdropper\b/i),
    t('C2', 4, /\bc2\b|\bc&c\b|\bcommand[- ]and[- ]control\b/i),
    t('virus', 2, /\bvirus(?:es)?\b|\bexploit kit\b|\bdrive-by download\b|\bpayload\b/i),
    t(
      'spoofed bank',
      3,
      /\b(?:spoof(?:s|ed|ing)?|impersonat(?:es|ed|ing|ion)|imitat(?:es|ed|ing)|pretend(?:s|ing)? to be|posing as|masquerad(?:es|ing) as)\b[^.]{0,60}\b(?:bank|paypal|apple|microsoft|office ?365|outlook|amazon|netflix|login|wallet|exchange|post|tax)\b/i,
    ),
    t('scam', 2, /\bscam(?:s|mer|mers)?\b|\bfraud(?:ulent)?\b/i),
    t('crypto drainer', 3, /\b(?:wallet )?drainer\b|\bseed phrase\b|\brecovery phrase\b/i),
  ],
  csam: [
    t(
      'child sexual abuse',
      6,
      /\bchild(?:ren)? sexual(?:ly)? (?:abuse|exploitation)\b|\bsexual (?:abuse|exploitation) of (?:a |an )?(?:child|children|minors?|underage)\b/i,
    ),
    t('CSAM', 6, /\bcsam\b|\bcsem\b|\bcsa material\b/i),
    t('child pornography', 6, /\bchild porn(?:ography)?\b|\bkiddie porn\b|\bpedo(?:phil\w*)?\b|\bpaedo(?:phil\w*)?\b/i),
    t(
      'minor',
      2,
      /\bminors?\b(?! (?:changes?|edits?|updates?|fix(?:es)?|version|issues?|bugs?|details?|modifications?|revisions?|differences?)\b)|\bunder-?age\b|\bunder (?:the age of )?1[0-8]\b/i,
    ),
    t('child', 1, /\b(?:child|children|kids?|girls? aged|boys? aged|pre-?teens?|teen(?:s|agers?)?)\b/i),
    t('sexual', 1, /\bsexual(?:ly)?\b|\bnude\b|\bnaked\b|\bexplicit\b/i),
    t('NCMEC', 4, /\bncmec\b|\bcybertipline\b|\binhope\b|\biwf\b|\binternet watch foundation\b/i),
  ],
  threat: [
    t('threat', 4, /\bthreat(?:s|en|ens|ened|ening)?\b/i),
    t(
      'kill',
      3,
      /\b(?:kill|murder|shoot|stab|behead|execute|hang|lynch|bomb|blow up)(?:s|ed|ing)? (?:you|him|her|them|me|us|my|his|their|everyone|people|all)\b|\bdeath threats?\b|\bkill list\b/i,
    ),
    t('violence', 3, /\bviolen(?:ce|t)\b|\bincit(?:e|es|ing|ement) (?:to |of )?(?:violence|attacks?|murder|hatred)\b/i),
    t('doxxing', 4, /\bdox(?:x)?(?:ing|ed|es)?\b|\b(?:home |private )?address(?:es)? (?:was |were |has been |have been )?(?:posted|published|leaked)\b/i),
    t('swatting', 3, /\bswat(?:ting|ted)\b/i),
    t('harm', 2, /\b(?:hurt|harm|attack|find) (?:you|me|my family|my children|her|him|them)\b|\bi know where you live\b/i),
    t('terrorism', 3, /\bterror(?:ism|ist|ists)?\b|\bmass shooting\b|\bmassacre\b/i),
    t('stalking', 2, /\bstalk(?:s|ed|ing|er)\b|\bintimidat(?:e|ion|ing)\b/i),
  ],
  ncsei: [
    t('intimate images', 5, /\bintimate (?:images?|photos?|pictures?|videos?|imagery|content|recordings?)\b/i),
    t('revenge porn', 6, /\brevenge porn\b|\bncii\b|\bncsei\b|\bimage-based (?:sexual )?abuse\b/i),
    t('non-consensual', 3, /\bnon-?consensual(?:ly)?\b|\bwithout (?:my|her|his|their) (?:consent|knowledge)\b/i),
    t('nude', 2.5, /\bnudes?\b|\bnaked\b|\btopless\b|\bundress(?:ed|ing)?\b/i),
    t(
      'sexual images',
      2.5,
      /\bsexual(?:ly explicit)? (?:images?|photos?|pictures?|videos?|content|acts?)\b|\bsex (?:tape|video)\b|\bexplicit (?:images?|photos?|pictures?|videos?)\b/i,
    ),
    t('sextortion', 4, /\bsextort(?:ion|ing)?\b/i),
    t('deepfake', 3, /\bdeep-?fakes?\b|\bai-generated (?:nude|explicit|porn)/i),
    t('ex-partner', 1.5, /\bex-?(?:boyfriend|girlfriend|partner|husband|wife)\b/i),
  ],
  whois: [
    t('WHOIS', 4, /\bwhois\b/i),
    t('registrant', 3, /\bregistrants?\b/i),
    t('RDAP', 4, /\brdap\b|\brdds\b|\bregistration data\b/i),
    t(
      'domain owner information',
      4,
      /\b(?:domain|site|website) (?:owner|holder|registrant)(?:'s)? (?:information|details|data|identity|contact)\b|\bwho (?:registered|owns|is behind) (?:the|this) domain\b/i,
    ),
    t('disclosure', 2, /\bdisclos(?:e|ure)\b[^.]{0,60}\b(?:registrant|owner|holder|contact details|identity)\b/i),
    t('legitimate interest', 1.5, /\blegitimate interest\b|\bart(?:icle|\.)?\s*6\s*\(1\)\s*\(f\)/i),
    t('inaccurate WHOIS', 3, /\b(?:inaccurate|false|fake|invalid|bogus) (?:whois|registration|registrant|contact) (?:data|information|details|record)\b/i),
    t('registrar', 1, /\bregistrars?\b/i),
  ],
  general: [
    t('terms of service', 3, /\bterms of (?:service|use)\b|\btos\b|\bacceptable[- ]use(?: policy)?\b|\baup\b|\bcommunity guidelines\b/i),
    t('hate', 3, /\bhate (?:speech|site|group|content)\b|\bhateful\b|\bneo-?nazi\b|\bwhite supremac\w*|\bracis[tm]\b|\bantisemiti\w*|\bholocaust denial\b/i),
    t('spam', 4, /\bspam(?:s|med|ming|mer|mers)?\b|\bunsolicited (?:bulk )?(?:e-?mail|messages?)\b|\bjunk mail\b/i),
    t('DDoS', 3, /\bddos\b|\bdenial[- ]of[- ]service\b|\bport scan(?:s|ning)?\b|\bbrute[- ]force\b|\bopen (?:resolver|relay|proxy)\b/i),
    t('harassment', 2, /\bharass(?:ment|ing|ed)?\b|\bdefamat(?:ion|ory)\b|\bbullying\b/i),
    t('abuse', 1, /\babus(?:e|ive)\b/i),
    t('illegal goods', 2, /\b(?:illegal|counterfeit) (?:drugs|weapons|firearms)\b|\bdrug (?:sales|shop|market)\b|\bdarknet market\b/i),
  ],
};

/** Below this weight no kind's words say enough: the text is not a report of that kind. */
const MIN_SCORE = 4;

/** The categories machine reports use (X-ARF Category/Report-Type, XARF ReportClass/ReportType), by kind. */
const XARF_KINDS: [RegExp, ReportKind][] = [
  [/copyright|dmca|infring|piracy|intellectual[ _-]?property/i, 'copyright'],
  [/trade ?mark|counterfeit|brand/i, 'trademark'],
  [/child|csam|csem|minor/i, 'csam'],
  [/phish|malware|fraud|trojan|virus|botnet|c2|c&c|ransom|credential|scam/i, 'phishing'],
  [/threat|violen|terror|dox/i, 'threat'],
  [/intimate|ncii|ncsei|revenge/i, 'ncsei'],
  [/whois|registrant/i, 'whois'],
];

/** The kind a machine report's own category names (anything else — spam, ddos, scans — is general abuse). */
export function kindOfXarf(x: Pick<XarfReport, 'category' | 'report_type'>): ReportKind {
  const label = `${x.category} ${x.report_type ?? ''}`;
  return XARF_KINDS.find(([re]) => re.test(label))?.[1] ?? 'general';
}

/** Each kind's weight in a text, and the terms that gave it. */
export function subjectScores(text: string): Record<ReportKind, { score: number; terms: string[] }> {
  // URLs say nothing about the subject ("…/phishing-awareness", "…/copyright-policy"): read the prose.
  const prose = text.replace(/\b(?:https?|hxxps?):\/\/\S+/gi, ' ');
  const out = {} as Record<ReportKind, { score: number; terms: string[] }>;
  for (const kind of REPORT_KINDS) {
    const terms = LEXICON[kind].filter((term) => term.re.test(prose));
    out[kind] = { score: terms.reduce((s, term) => s + term.w, 0), terms: terms.map((term) => term.label) };
  }
  // "Child" and "sexual" lean towards abuse material only together; either alone is ordinary prose.
  const csam = out.csam;
  if (csam.terms.length && csam.terms.every((x) => x === 'child' || x === 'sexual' || x === 'minor') && csam.terms.length < 3)
    csam.score = Math.min(csam.score, 2);
  return out;
}

const DSA_CITED =
  /\bdigital services act\b|\bdsa\b|\bregulation \(eu\) 2022\/2065\b|\b2022\/2065\b|\billegal (?:content|under)\b[^.]{0,40}\b(?:eu|union|european|member state)\b/i;
const DSA_ARTICLE = /\bart(?:icle|\.)?\s*16\b/i;
const DMCA_CITED = /\bdmca\b|\bdigital millennium copyright act\b|\b512\s*\(c\)|§\s*512\b|\b17\s+u\.?\s?s\.?\s?c\.?\s*§?\s*512\b/i;

/**
 * The law a report cites: the EU Digital Services Act (by name, its number, or its Art. 16 with
 * "illegal content"), the DMCA (by name or §512), or else the kind's default regime. A regime
 * the kind cannot be made under (a trademark complaint citing the DMCA) gives the default too.
 */
export function detectRegime(text: string, kind: ReportKind): LegalRegime {
  const prose = text.replace(/\b(?:https?|hxxps?):\/\/\S+/gi, ' ');
  const allowed = KIND_RULES[kind].regimes;
  const dsa = DSA_CITED.test(prose) || (DSA_ARTICLE.test(prose) && /\billegal content\b/i.test(prose));
  const dmca = DMCA_CITED.test(prose);
  // A copyright notice citing both is read as the DMCA notice it also is: its §512 elements are the stricter set.
  const cited: LegalRegime | null = dmca && allowed.includes('dmca') ? 'dmca' : dsa ? 'dsa' : null;
  return cited && allowed.includes(cited) ? cited : allowed[0];
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The report's subject kind and regime, from an X-ARF report's category when there is one, else from the text. */
export function classifySubject(text: string, xarf?: Pick<XarfReport, 'category' | 'report_type'> | null): ReportSubject {
  if (xarf) {
    const kind = kindOfXarf(xarf);
    return { kind, confidence: 1, regime: detectRegime(text, kind), source: 'xarf', evidence: [`X-ARF category ${xarf.report_type ?? xarf.category}`] };
  }
  const scores = subjectScores(text);
  const ranked = REPORT_KINDS.filter((k) => k !== 'copyright')
    .map((k) => ({ kind: k, ...scores[k] }))
    .sort((a, b) => b.score - a.score);
  const best = ranked[0]!;
  const copyright = scores.copyright;
  // Copyright whenever its words weigh at least as much as the best other kind's.
  if (copyright.score >= MIN_SCORE && copyright.score >= best.score) {
    return {
      kind: 'copyright',
      confidence: round(Math.min(1, copyright.score / 8) * (1 - best.score / (copyright.score + best.score + 1))),
      regime: detectRegime(text, 'copyright'),
      source: 'text',
      evidence: copyright.terms,
    };
  }
  if (best.score < MIN_SCORE) {
    return { kind: 'copyright', confidence: 0, regime: detectRegime(text, 'copyright'), source: 'default', evidence: [] };
  }
  // Abuse material of a child outweighs every other reading of the same words (it is reported as such).
  const winner = scores.csam.score >= MIN_SCORE + 2 ? { kind: 'csam' as const, ...scores.csam } : best;
  const runnerUp = Math.max(copyright.score, ...ranked.filter((r) => r.kind !== winner.kind).map((r) => r.score));
  return {
    kind: winner.kind,
    confidence: round(Math.min(1, winner.score / 8) * (1 - runnerUp / (winner.score + runnerUp + 1))),
    regime: detectRegime(text, winner.kind),
    source: 'text',
    evidence: winner.terms,
  };
}

/** Whether the subject is a report of a kind other than copyright, read with enough weight to act on. */
export function isOtherKindReport(s: ReportSubject | null | undefined): s is ReportSubject {
  return !!s && s.kind !== 'copyright' && s.source !== 'default';
}
