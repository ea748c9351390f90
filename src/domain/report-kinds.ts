/**
 * The kinds of report Safeharbor takes, and everything that differs between them, as one table.
 * Every channel (native API, Cloudflare-compatible API, web form, e-mail), every export (Lumen,
 * DSA statements of reasons) and every rule (required elements, who is told, how fast, what may
 * be done) reads its kind's row here; nothing else spells out a kind's vocabulary.
 *
 * A report's *kind* says what is wrong; its *regime* says under which law it is made:
 * - `dmca`: a takedown notice under 17 U.S.C. §512(c)(3) (copyright only), with its six elements
 *   and the counter-notice process;
 * - `dsa`: a notice of illegal content under Art. 16 of the EU Digital Services Act (any kind but
 *   WHOIS requests), with its Art. 16(2) elements, receipt, decision with redress (Art. 16–17, 20);
 * - `terms`: a complaint under the provider's acceptable-use policy (and whatever law applies),
 *   with the elements the kind itself needs.
 */
import type { NotifyChoice } from './notice.ts';

export const REPORT_KINDS = ['copyright', 'trademark', 'phishing', 'csam', 'threat', 'ncsei', 'whois', 'general'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const LEGAL_REGIMES = ['dmca', 'dsa', 'terms'] as const;
export type LegalRegime = (typeof LEGAL_REGIMES)[number];

/** The `act` (and path segment) of Cloudflare's Abuse Reports API. */
export type CloudflareAct =
  'abuse_dmca' | 'abuse_trademark' | 'abuse_phishing' | 'abuse_children' | 'abuse_threat' | 'abuse_ncsei' | 'abuse_registrar_whois' | 'abuse_general';
/** The `type` Cloudflare's list and get answers carry. */
export type CloudflareType = 'DMCA' | 'TM' | 'PHISH' | 'EMER' | 'THREAT' | 'NCSEI' | 'REG_WHO' | 'GEN';

/** Lumen's notice types (lumendatabase.org), every one its submission API takes. */
export const LUMEN_NOTICE_TYPES = [
  'DMCA',
  'Counternotice',
  'CourtOrder',
  'DataProtection',
  'Defamation',
  'GovernmentRequest',
  'LawEnforcementRequest',
  'LocalLaw',
  'PrivateInformation',
  'Trademark',
  'Counterfeit',
  'Other',
] as const;
export type LumenNoticeType = (typeof LUMEN_NOTICE_TYPES)[number];

/** The DSA Transparency Database's statement categories this desk's kinds fall in (schema v2). */
export type DsaCategory =
  | 'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS'
  | 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD'
  | 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS'
  | 'STATEMENT_CATEGORY_VIOLENCE'
  | 'STATEMENT_CATEGORY_CYBER_VIOLENCE'
  | 'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS'
  | 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC';
/** The category_specification keyword of each kind (schema v2). */
export type DsaKeyword =
  | 'KEYWORD_COPYRIGHT_INFRINGEMENT'
  | 'KEYWORD_TRADEMARK_INFRINGEMENT'
  | 'KEYWORD_PHISHING'
  | 'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL'
  | 'KEYWORD_INCITEMENT_VIOLENCE_HATRED'
  | 'KEYWORD_NON_CONSENSUAL_IMAGE_SHARING'
  | 'KEYWORD_MISSING_PROCESSING_GROUND'
  | 'KEYWORD_OTHER';

/** What a desk may do about a reported URL (or the service behind it) for a kind. */
export const ITEM_ACTIONS = ['forward', 'disable', 'interstitial', 'terminate', 'disclose'] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];

/** The elements a report may have to carry; which ones a kind needs under a regime is in its row. */
export const REPORT_ELEMENTS = [
  'urls',
  'reporter_name',
  'reporter_email',
  'reporter_address',
  'reporter_country',
  'work',
  'dmca_statements',
  'signature',
  'explanation',
  'trademark',
  'dsa_statement',
  'ncsei_subject',
  'whois_request',
] as const;
export type ReportElement = (typeof REPORT_ELEMENTS)[number];

export interface KindRules {
  kind: ReportKind;
  /** What the web form's first step and the console call it. */
  label: string;
  /** What one report of the kind is called in a sentence ("your phishing report"). */
  noun: string;
  /** One line under the label in the form's chooser: what belongs here. */
  hint: string;
  cloudflare: { act: CloudflareAct; type: CloudflareType };
  /** The notice type of its Lumen record; null: never exported to Lumen (src/exports/lumen.ts says why). */
  lumen: LumenNoticeType | null;
  /** `legalGround`: the law that makes such content illegal, as a statement of reasons names it (Art. 17(3)(d)). */
  dsa: { category: DsaCategory; keyword: DsaKeyword; legalGround: string };
  /** The regimes a report of this kind can be made under; the first is the default. */
  regimes: readonly [LegalRegime, ...LegalRegime[]];
  /** The elements required under each regime the kind allows. */
  elements: Partial<Record<LegalRegime, readonly ReportElement[]>>;
  /** The choices for telling the site owner and the host (first: the default); `send-anon` withholds the reporter's identity. */
  notify: { owner: readonly [NotifyChoice, ...NotifyChoice[]]; host: readonly [NotifyChoice, ...NotifyChoice[]] };
  /** Lower is sooner: the console's queue puts trusted flaggers' notices first (DSA Art. 22), then orders by this, then by age. */
  priority: 0 | 1 | 2 | 3;
  /** The provider's own target for a first decision. */
  decideWithinHours: number;
  /** `disable`: content is made unreachable at receipt, before any review (child sexual abuse material). */
  onReceipt: 'route' | 'disable';
  /** Whether the reported URLs and the report go to the site owner and the host; never for CSAM (the material is not passed on). */
  forwardsReport: boolean;
  actions: readonly ItemAction[];
  /** How long the evidence (report, URLs, resolution, actions) must be kept after the report is closed; null: the ordinary retention. */
  evidenceRetentionDays: number | null;
  /** Whether a report for the national hotline / NCMEC's CyberTipline is prepared. */
  hotlineReport: boolean;
  /**
   * Whether the report itself may be published (transparency archive, Lumen). When not, a Lumen
   * record still says what was asked and done, but without the reporter or their explanation.
   */
  publishable: boolean;
}

const DSA_ART16: readonly ReportElement[] = ['urls', 'reporter_name', 'reporter_email', 'explanation', 'dsa_statement'];

/**
 * The table. Notification choices and limits follow Cloudflare's Abuse Reports API (the official
 * SDK's types); DSA categories and keywords the Transparency Database's schema v2; Lumen types its
 * notice model.
 */
export const KIND_RULES: { readonly [K in ReportKind]: KindRules & { kind: K } } = {
  copyright: {
    kind: 'copyright',
    noun: 'copyright notice',
    label: 'Copyright infringement',
    hint: 'Someone copied your work (text, images, music, video, software) without permission.',
    cloudflare: { act: 'abuse_dmca', type: 'DMCA' },
    lumen: 'DMCA',
    dsa: {
      category: 'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
      keyword: 'KEYWORD_COPYRIGHT_INFRINGEMENT',
      legalGround: 'Copyright: Directive 2001/29/EC Art. 3 and the national copyright law of the member states; in the United States 17 U.S.C. § 512(c)',
    },
    regimes: ['dmca', 'dsa'],
    elements: {
      dmca: ['urls', 'reporter_name', 'reporter_email', 'reporter_address', 'reporter_country', 'work', 'dmca_statements', 'signature'],
      dsa: [...DSA_ART16, 'work'],
    },
    // §512(g) needs the owner to know who complained, so that it can answer with a counter notice.
    notify: { owner: ['send'], host: ['send', 'send-anon', 'none'] },
    priority: 3,
    decideWithinHours: 72,
    onReceipt: 'route',
    forwardsReport: true,
    actions: ['forward', 'disable', 'terminate'],
    evidenceRetentionDays: null,
    hotlineReport: false,
    publishable: true,
  },
  trademark: {
    kind: 'trademark',
    noun: 'trademark complaint',
    label: 'Trademark infringement',
    hint: 'A site uses your registered trademark, or sells counterfeits of your goods.',
    cloudflare: { act: 'abuse_trademark', type: 'TM' },
    lumen: 'Trademark',
    dsa: {
      category: 'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
      keyword: 'KEYWORD_TRADEMARK_INFRINGEMENT',
      legalGround: 'Trade mark infringement: Regulation (EU) 2017/1001 Art. 9 and Directive (EU) 2015/2436 Art. 10',
    },
    regimes: ['terms', 'dsa'],
    elements: {
      terms: ['urls', 'reporter_name', 'reporter_email', 'explanation', 'trademark'],
      dsa: [...DSA_ART16, 'trademark'],
    },
    notify: { owner: ['send'], host: ['send'] },
    priority: 3,
    decideWithinHours: 72,
    onReceipt: 'route',
    forwardsReport: true,
    actions: ['forward', 'disable', 'terminate'],
    evidenceRetentionDays: null,
    hotlineReport: false,
    publishable: true,
  },
  phishing: {
    kind: 'phishing',
    noun: 'phishing report',
    label: 'Phishing or malware',
    hint: 'A page imitates a bank, a shop or a login to steal credentials, or serves malware.',
    cloudflare: { act: 'abuse_phishing', type: 'PHISH' },
    lumen: 'Other',
    dsa: {
      category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
      keyword: 'KEYWORD_PHISHING',
      legalGround: 'Fraud and unauthorised access to information systems: Directive 2013/40/EU and Directive (EU) 2019/713; national criminal law',
    },
    regimes: ['terms', 'dsa'],
    elements: { terms: ['urls', 'reporter_name', 'reporter_email', 'explanation'], dsa: DSA_ART16 },
    notify: { owner: ['send', 'send-anon'], host: ['send', 'send-anon'] },
    priority: 1,
    decideWithinHours: 4,
    onReceipt: 'route',
    forwardsReport: true,
    actions: ['forward', 'interstitial', 'disable', 'terminate'],
    evidenceRetentionDays: null,
    hotlineReport: false,
    publishable: true,
  },
  csam: {
    kind: 'csam',
    noun: 'child sexual abuse material report',
    label: 'Child sexual abuse material',
    hint: 'Images or video of the sexual abuse of a child. Do not attach or send the material itself.',
    cloudflare: { act: 'abuse_children', type: 'EMER' },
    // A public archive of the URLs would point people to the material: it goes to the hotline only.
    lumen: null,
    dsa: {
      category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
      keyword: 'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL',
      legalGround: 'Child sexual abuse material: Directive 2011/93/EU Art. 5 and national criminal law',
    },
    regimes: ['terms', 'dsa'],
    // Art. 16(2)(c): no name or e-mail is required for the offences of Directive 2011/93/EU.
    elements: { terms: ['urls', 'explanation'], dsa: ['urls', 'explanation', 'dsa_statement'] },
    notify: { owner: ['none', 'send-anon', 'send'], host: ['send-anon', 'send'] },
    priority: 0,
    decideWithinHours: 1,
    onReceipt: 'disable',
    forwardsReport: false,
    actions: ['disable', 'terminate'],
    // 18 U.S.C. §2258A(h) (as amended in 2024): a provider preserves what it reported for one year.
    evidenceRetentionDays: 365,
    hotlineReport: true,
    publishable: false,
  },
  threat: {
    kind: 'threat',
    noun: 'threat report',
    label: 'Violent threats',
    hint: 'A credible threat of violence against a person or a group, or incitement to it.',
    cloudflare: { act: 'abuse_threat', type: 'THREAT' },
    lumen: 'Other',
    dsa: {
      category: 'STATEMENT_CATEGORY_VIOLENCE',
      keyword: 'KEYWORD_INCITEMENT_VIOLENCE_HATRED',
      legalGround: 'Threats and incitement to violence: Framework Decision 2008/913/JHA and national criminal law',
    },
    regimes: ['terms', 'dsa'],
    elements: { terms: ['urls', 'reporter_name', 'reporter_email', 'explanation'], dsa: DSA_ART16 },
    notify: { owner: ['send', 'send-anon'], host: ['send', 'send-anon'] },
    priority: 1,
    decideWithinHours: 4,
    onReceipt: 'route',
    forwardsReport: true,
    actions: ['forward', 'disable', 'terminate'],
    evidenceRetentionDays: null,
    hotlineReport: false,
    publishable: true,
  },
  ncsei: {
    kind: 'ncsei',
    noun: 'intimate imagery report',
    label: 'Non-consensual intimate imagery',
    hint: 'Intimate images or video of an adult shared without their consent, including deepfakes.',
    cloudflare: { act: 'abuse_ncsei', type: 'NCSEI' },
    lumen: 'PrivateInformation',
    dsa: {
      category: 'STATEMENT_CATEGORY_CYBER_VIOLENCE',
      keyword: 'KEYWORD_NON_CONSENSUAL_IMAGE_SHARING',
      legalGround: 'Non-consensual sharing of intimate images: Directive (EU) 2024/1385 Art. 5 and national criminal law; Regulation (EU) 2016/679',
    },
    regimes: ['terms', 'dsa'],
    elements: { terms: ['urls', 'reporter_name', 'reporter_email', 'ncsei_subject'], dsa: [...DSA_ART16, 'ncsei_subject'] },
    notify: { owner: ['send-anon', 'send', 'none'], host: ['send-anon', 'send'] },
    priority: 1,
    decideWithinHours: 24,
    onReceipt: 'route',
    forwardsReport: true,
    actions: ['forward', 'disable', 'terminate'],
    evidenceRetentionDays: null,
    hotlineReport: false,
    publishable: false,
  },
  whois: {
    kind: 'whois',
    noun: 'WHOIS data request',
    label: 'Registrant data (WHOIS) request',
    hint: 'You have a legal basis to learn who registered a domain, or its WHOIS data is false.',
    cloudflare: { act: 'abuse_registrar_whois', type: 'REG_WHO' },
    lumen: 'DataProtection',
    dsa: {
      category: 'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS',
      keyword: 'KEYWORD_MISSING_PROCESSING_GROUND',
      legalGround: 'Data protection: Regulation (EU) 2016/679 Art. 6',
    },
    // A request for registration data is not a notice of illegal content: no DSA regime.
    regimes: ['terms'],
    elements: { terms: ['urls', 'reporter_name', 'reporter_email', 'whois_request'] },
    notify: { owner: ['send', 'send-anon', 'none'], host: ['none'] },
    priority: 3,
    // NIS2 Art. 28(5): registrars answer lawful, duly substantiated access requests within 72 hours.
    decideWithinHours: 72,
    onReceipt: 'route',
    forwardsReport: false,
    actions: ['disclose', 'forward'],
    evidenceRetentionDays: null,
    hotlineReport: false,
    publishable: false,
  },
  general: {
    kind: 'general',
    noun: 'abuse report',
    label: 'Other abuse or terms-of-service violation',
    hint: 'Spam, DDoS, hate sites, harassment, or anything else against the acceptable-use policy.',
    cloudflare: { act: 'abuse_general', type: 'GEN' },
    lumen: 'Other',
    dsa: {
      category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
      keyword: 'KEYWORD_OTHER',
      legalGround: 'The law the notifier names, as assessed by the provider',
    },
    regimes: ['terms', 'dsa'],
    elements: { terms: ['urls', 'reporter_name', 'reporter_email', 'explanation'], dsa: DSA_ART16 },
    notify: { owner: ['send', 'send-anon'], host: ['send', 'send-anon'] },
    priority: 2,
    decideWithinHours: 72,
    onReceipt: 'route',
    forwardsReport: true,
    // The Daily Stormer kind of case: proxy and DNS stopped for the whole account, and no re-signup.
    actions: ['forward', 'disable', 'terminate'],
    evidenceRetentionDays: null,
    hotlineReport: false,
    publishable: true,
  },
};

export function kindRules(kind: ReportKind): KindRules {
  return KIND_RULES[kind];
}

export function isReportKind(s: string): s is ReportKind {
  return (REPORT_KINDS as readonly string[]).includes(s);
}

/** The kind a Cloudflare `act` (or report-type path segment) names, or null. */
export function kindOfCloudflareAct(act: string): ReportKind | null {
  return REPORT_KINDS.find((k) => KIND_RULES[k].cloudflare.act === act) ?? null;
}

/** The kind a Cloudflare list `type` filter names, or null. */
export function kindOfCloudflareType(type: string): ReportKind | null {
  return REPORT_KINDS.find((k) => KIND_RULES[k].cloudflare.type === type) ?? null;
}

/** The elements a report of this kind must carry under this regime, or null if the kind cannot be made under it. */
export function requiredElements(kind: ReportKind, regime: LegalRegime): readonly ReportElement[] | null {
  return KIND_RULES[kind].elements[regime] ?? null;
}

export const REGIME_LABELS: Record<LegalRegime, string> = {
  dmca: 'DMCA (17 U.S.C. §512)',
  dsa: 'EU Digital Services Act, Art. 16',
  terms: "the provider's acceptable-use policy",
};
