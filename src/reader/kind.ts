// What kind of document this is, from what it says: a takedown asks for material to be removed
// and makes the §512(c)(3) statements; a counter notice says material was removed by mistake and
// consents to jurisdiction (§512(g)(3)); a retraction withdraws an earlier notice; a reversal is
// the provider itself undoing its processing of one.
import type { NoticeKind } from './types.ts';

export interface KindSignals {
  /** §512(c)(3) language: good-faith belief, perjury/authority, identification of infringing material. */
  takedown: number;
  /** Both §512(c)(3)(v) and (vi) statements are made. */
  takedownCore: number;
  /** §512(g)(3) language: mistake or misidentification, consent to jurisdiction, service of process. */
  counterStatutory: number;
  /** The document calls itself a counter notice. */
  counterSelf: boolean;
  /** The sender withdraws a notice (not a counter notice). */
  retractsNotice: boolean;
  /** The sender withdraws a counter notice. */
  retractsCounter: boolean;
  /** The provider reconsiders a notice it processed. */
  providerReverses: boolean;
  /** …and the notice reconsidered is a counter notice. */
  reversesCounter: boolean;
  /** Words of copyright at all. */
  copyright: boolean;
}

const COUNTER = String.raw`counter[- ]?(?:dmca[- ])?(?:notice|notification|claim)s?|counternotice|contra[- ]?notifica`;
const NOTICE = String.raw`(?:dmca|copyright|takedown|take[- ]down|infringement)?\s*(?:notices?|takedowns?|take[- ]downs?|claims?|requests?|complaints?|notifications?|reports?|dmcas?|strikes?)`;

const RE = {
  mistake:
    /\bmistake\b[\s\S]{0,20}\bmisidentification\b|\bmisidentification of the material\b|removed or disabled (?:as a result of|by|due to) (?:a )?(?:mistake|misidentification)/i,
  jurisdiction: /\bconsent to (?:the )?jurisdiction\b|\bsubmit to (?:the )?jurisdiction\b/i,
  service: /\baccept (?:the )?service of process\b/i,
  s512g: /\b512\s*\(g\)/i,
  // The document calls itself a counter notice (first person, a title, or the form's answer), as
  // opposed to mentioning one ("the Guide to Filing a DMCA Counter Notice", "none filed a counter notice").
  counterSelf: new RegExp(
    [
      String.raw`\b(?:this|the following|my|our|present)\s+(?:(?:letter|e-?mail|message|notice|document|communication|submission)\s+)?(?:is|serves as|constitutes|represents|shall serve as)\s+(?:a|an|my|our)\s+(?:formal\s+|official\s+)?(?:dmca\s+)?(?:${COUNTER})`,
      String.raw`\b(?:i|we)\s+(?:hereby\s+|would like to\s+|wish to\s+|want to\s+|am\s+|are\s+)?(?:submit|file|send|serve|lodge|provide|issue|submitting|filing|sending|serving|lodging|providing|issuing)\s+(?:this\s+|a\s+|my\s+|our\s+|the\s+following\s+)?(?:formal\s+)?(?:dmca\s+)?(?:${COUNTER})`,
      String.raw`\baccept this (?:e-?mail |letter |message )?as (?:a|my|our) (?:formal )?(?:dmca )?(?:${COUNTER})`,
      String.raw`^\W*(?:subject:\s*)?(?:re:\s*)?(?:dmca\s+)?(?:${COUNTER})\b`,
      String.raw`\b(?:i|we) (?:want|wish|would like|intend) to (?:counter|dispute|contest|challenge) (?:this|the|that)\b`,
      String.raw`^\W*(?:i want to |i wish to |we )?dispute (?:the|this) (?:notice|takedown|claim)\W*$`,
      String.raw`\b(?:${COUNTER})\s+(?:under|pursuant to)\b`,
    ].join('|'),
    'im',
  ),
  goodFaith: /\bgood[- ]?faith\b|\bbona fide belief\b/i,
  notAuthorised: /\bnot (?:been )?authori[sz]ed by\b|\bwithout (?:the )?(?:authori[sz]ation|permission|consent|licen[cs]e)\b|\bunauthori[sz]ed\b/i,
  perjury: /\bpenalty of perjury\b|\bunder oath\b|\bsworn\b/i,
  authority:
    /\bauthori[sz]ed to act\b|\bon behalf of the (?:copyright )?owner\b|\b(?:copyright )?owner,? or (?:am )?authori[sz]ed\b|\bexclusive right\b|\b(?:i|we) (?:am|are) the (?:copyright )?(?:owner|holder|author|agent)\b/i,
  infringing: /\binfring(?:ing|es|ement|ed)\b|\bpirat(?:ed|ing|es|e)\b|\bunauthori[sz]ed cop/i,
  removeAsk: /\b(?:remove|removal|take (?:it |them |this )?down|taken down|takedown|disabl(?:e|ed|ing)\b|delete|block access|cease)\b/i,
  s512c: /\b512\s*\(c\)|\bdigital millennium copyright act\b|\bdmca\b/i,
  copyright:
    /\bcopyright|\bdmca\b|\binfring|\bpiracy\b|\bpirated\b|©|\bcop(?:y|ies|ied) of (?:my|our)\b|\bwithout (?:my |our )?(?:permission|consent|authori[sz]ation)\b|\bstol(?:e|en)\b|\bplagiari|\bproprietary (?:code|software|source|files?|content|material)\b|\b(?:my|our) (?:own )?(?:work|photos?|photographs?|images?|videos?|songs?|music|books?|articles?|code|content|art(?:work)?|designs?|fonts?)\b/i,
  // Withdrawing: the verb, then within a short distance the notice it withdraws.
  retractVerb:
    /\b(?:retract(?:s|ed|ing|ion)?|withdr[ae]w(?:s|n|ing|al)?|rescind(?:s|ed|ing)?|rescission|revok(?:e|es|ed|ing)|revocation|cancel(?:s|led|ling|ed|ing|lation)?|recall(?:s|ed|ing)?|drop(?:s|ped|ping)?)\b/i,
  restoreAsk:
    /\b(?:reinstate|restore|re-?enable|re-?activate|unblock|lift (?:the )?(?:ban|block|takedown)|put (?:it|them) back|make (?:it|them) (?:available|accessible) again)\b/i,
  ourMistake:
    /\b(?:sent|filed|submitted|issued|made|reported) (?:\w+ ){0,3}(?:by|in) (?:mistake|error)\b|\bmisdetected\b|\bwrongly (?:reported|targeted|identified|flagged)\b|\bfalse positive\b|\bno (?:longer )?(?:have a |has any )?claim\b|\b(?:we|i) (?:were|was|are|am) (?:in the )?wrong\b|\bno longer (?:wish|want|need|seek)\b|\b(?:matter|issue|dispute) (?:has been|is|was) (?:resolved|settled)\b|\b(?:reached|come to) an? (?:agreement|settlement)\b|\bunrightfully\b|\bno longer (?:object|oppose|dispute)\b|\b(?:do|does|will) not (?:wish|intend|want|need) to (?:pursue|proceed with|continue with) (?:this|the|our|my|it)\b|\b(?:have|has) (?:now )?(?:been )?(?:granted|given|obtained) (?:a |the |an appropriate )?(?:licen[cs]e|permission)\b|\b(?:infringing|offending|disputed) (?:files?|content|material|code|parts?|portions?) (?:has|have) (?:now )?been (?:removed|deleted|replaced)\b/i,
  // The provider speaking about its own handling of a notice.
  providerStrong:
    /\b(?:has|have) reconsidered (?:the|this|its|our|a|your)\b|\bdoes not meet the requirements\b|\bnotice (?:we|that we) (?:previously )?processed\b|\bpreviously processed\b|\bwe (?:are|have been) reversing\b|\b(?:reversed|reversing|reverse) (?:our|its) (?:decision|processing|action|removal|takedown)\b/i,
  providerWeak:
    /\bupon (?:further )?(?:consideration|review)\b|\b(?:has|have) (?:decided|determined) (?:that (?:this|the) notice|to (?:reject|reinstate|reverse|decline))\b|\bdecline to (?:process|act on)\b|\brestore any content previously disabled\b/i,
};

const OBJ_COUNTER = new RegExp(
  String.raw`^\S+\s+(?:(?:of|from)\s+)?(?:(?:my|our|the|this|that|these|those|his|her|their|all|any|a|previous|earlier|above|mentioned|aforementioned|above-mentioned|dmca|\w+'s)\s+){0,4}(?:${COUNTER})\b`,
  'i',
);
const OBJ_NOTICE = new RegExp(
  String.raw`^\S+\s+(?:(?:of|from)\s+)?(?:(?:my|our|the|this|that|these|those|his|her|their|all|any|a|previous|earlier|above|mentioned|aforementioned|above-mentioned|full|partial|part|in|dmca|\w+'s|[\w-]+)\s+){0,5}?${NOTICE}\b`,
  'i',
);
const BEFORE_NOTICE = /\b(?:notice|takedown|claim|request|dmca)\b[^.]{0,40}\b(?:is|are|be|been|hereby|we|i)\s*$/i;
const BEFORE_COUNTER = new RegExp(String.raw`(?:${COUNTER})[^.]{0,40}$`, 'i');

const NEGATED = /\b(?:not|never|no intention (?:of|to)|refuse to|decline to|unwilling to|cannot|can't|won't|don't|do not)\s+(?:\w+\s+){0,2}$/i;

function retractsWhat(text: string): { notice: boolean; counter: boolean } {
  let notice = false;
  let counter = false;
  const verbs = new RegExp(RE.retractVerb.source, 'gi');
  for (let m = verbs.exec(text); m; m = verbs.exec(text)) {
    // "we will not withdraw our notice", "we refuse to drop the complaint": standing firm.
    if (NEGATED.test(text.slice(Math.max(0, m.index - 40), m.index))) continue;
    const around = text.slice(m.index, m.index + m[0].length + 90);
    // The verb's object: what comes right after it ("retract my counter notice", "withdrawal of the DMCA notice").
    if (OBJ_COUNTER.test(around)) counter = true;
    else if (OBJ_NOTICE.test(around)) notice = true;
    // "… the notice, which we hereby retract" / "the counter notice is withdrawn"
    const before = text.slice(Math.max(0, m.index - 80), m.index);
    if (!counter && !notice && BEFORE_NOTICE.test(before)) {
      if (BEFORE_COUNTER.test(before)) counter = true;
      else notice = true;
    }
  }
  return { notice, counter };
}

/** Runs `re` only when the text contains one of the words it needs (most notices contain none). */
function has(lower: string, words: string[], re: RegExp, text: string): boolean {
  for (const w of words) if (lower.includes(w)) return re.test(text);
  return false;
}

const COUNTER_WORDS = ['counter', 'contra', 'dispute', 'contest', 'challenge'];

export function kindSignals(input: string): KindSignals {
  // URLs say nothing about the kind (and can contain words like "counter-notice"): read the prose.
  const text = input.replace(/\b(?:https?|hxxps?):\/\/\S+/gi, ' URL ');
  const lower = text.toLowerCase();
  const counterStatutory =
    (has(lower, ['misidentif'], RE.mistake, text) ? 1 : 0) +
    (has(lower, ['jurisdiction'], RE.jurisdiction, text) ? 1 : 0) +
    (has(lower, ['service of process'], RE.service, text) ? 1 : 0) +
    (has(lower, ['512'], RE.s512g, text) ? 1 : 0);
  const goodFaithNotAuthorised =
    has(lower, ['faith', 'bona fide'], RE.goodFaith, text) && has(lower, ['authori', 'without', 'permission'], RE.notAuthorised, text);
  const perjuryAuthority = has(lower, ['perjury', 'oath', 'sworn'], RE.perjury, text) && RE.authority.test(text);
  const takedown =
    (goodFaithNotAuthorised ? 1 : 0) +
    (perjuryAuthority ? 1 : 0) +
    (RE.infringing.test(text) ? 1 : 0) +
    (RE.removeAsk.test(text) ? 1 : 0) +
    (RE.s512c.test(text) ? 1 : 0);
  const r = has(lower, ['retract', 'withdr', 'rescin', 'revok', 'revoc', 'cancel', 'recall', 'drop'], /./, text)
    ? retractsWhat(text)
    : { notice: false, counter: false };
  const restore = has(lower, ['reinstat', 'restor', 'enable', 'activat', 'unblock', 'lift', 'put it back', 'put them back', 'again'], RE.restoreAsk, text);
  let weakCount = 0;
  if (has(lower, ['upon', 'decided', 'determined', 'decline', 'previously disabled'], /./, text)) {
    const weak = new RegExp(RE.providerWeak.source, 'gi');
    weakCount = new Set((text.match(weak) ?? []).map((m) => m.toLowerCase())).size;
  }
  const providerReverses =
    (has(lower, ['reconsidered', 'requirements', 'processed', 'revers'], RE.providerStrong, text) || weakCount >= 2) &&
    (restore || /\breject|\bwithdraw|\brevers|\bdecline/i.test(text)) &&
    counterStatutory < 2;
  const takedownCore = (goodFaithNotAuthorised ? 1 : 0) + (perjuryAuthority && /\baccurate\b|\btrue\b/i.test(text) ? 1 : 0);
  return {
    takedown,
    takedownCore,
    counterStatutory,
    counterSelf: has(lower, COUNTER_WORDS, RE.counterSelf, text),
    retractsNotice:
      r.notice ||
      (restore &&
        has(
          lower,
          [
            'mistake',
            'error',
            'misdetect',
            'wrong',
            'false positive',
            'claim',
            'no longer',
            'resolved',
            'settled',
            'agreement',
            'settlement',
            'unrightful',
            'pursue',
            'proceed',
            'continue',
            'licen',
            'permission',
            'been removed',
            'been deleted',
            'been replaced',
          ],
          RE.ourMistake,
          text,
        )),
    retractsCounter: r.counter,
    providerReverses,
    reversesCounter: providerReverses && new RegExp(String.raw`\breconsidered (?:the |this |your )?(?:${COUNTER})`, 'i').test(text),
    copyright: RE.copyright.test(text),
  };
}

export function classifyKind(s: KindSignals): NoticeKind {
  // Someone withdrawing their own counter notice may well say they reconsidered; only the provider
  // reconsiders a counter notice it processed.
  if (s.retractsCounter && s.counterStatutory < 2 && !s.reversesCounter) return 'counter_notice_retraction';
  if (s.providerReverses) return s.reversesCounter ? 'counter_notice_reversal' : 'reversal';
  const counter = s.counterStatutory >= 2 || (s.counterSelf && s.counterStatutory >= 1) || (s.counterSelf && !s.retractsNotice && s.takedownCore < 2);
  if (s.retractsNotice && s.counterStatutory < 2 && !(s.takedown >= 4 && !s.counterSelf)) return 'retraction';
  if (counter) return 'counter_notice';
  if (s.takedown >= 2 || (s.takedown >= 1 && s.copyright)) return 'takedown';
  return 'other';
}
