// The ways to seek redress that the DSA requires each party be told of: the customer whose content
// or service is restricted (Art. 17(3)(f)) and the notifier told of the decision on its notice
// (Art. 16(5)). One wording, used by every mail, page and statement that tells them.

/** To the customer whose content or service is restricted. */
export const REDRESS_OPTIONS: readonly string[] = [
  'An internal complaint to us, free of charge, within six months of this decision (DSA Art. 20): reply to this message or use the complaint link in the portal. A person, not a machine, decides it.',
  'An out-of-court dispute settlement body certified by a Digital Services Coordinator (DSA Art. 21).',
  'The courts of competent jurisdiction, at any time.',
];

/** To the notifier, about the decision on its notice. */
export const NOTIFIER_REDRESS_OPTIONS: readonly string[] = [
  'An internal complaint to us against this decision, free of charge, within six months (DSA Art. 20): reply to this message or use your private status page. A person other than the one who decided reviews it.',
  'An out-of-court dispute settlement body certified by a Digital Services Coordinator (DSA Art. 21).',
  'The courts of competent jurisdiction, at any time.',
];

/** Art. 16(6): how automated means take part in handling a notice. */
export const AUTOMATED_MEANS =
  'We find the customer and the hosting provider behind each URL automatically. Decisions to restrict content are taken by our staff, except for reports of child sexual abuse material, which are disabled at once by policy and then reviewed.';

export const redressText = (options: readonly string[]) => options.map((o) => `- ${o}`).join('\n');
