// Which version of GitHub's DMCA web form a notice was written in, from the set of questions it
// asks and how they are marked up — for measuring the reader per form version (scripts/eval-corpus.ts),
// never for reading: the reader must not depend on any one form. Pure.

export const FORM_VERSIONS = [
  /** The early takedown form: "What work was allegedly infringed?" instead of a description of the original work. */
  'takedown-early',
  /** Takedown form whose sworn statements are typed in answer to "Type (or copy and paste) the following statement". */
  'takedown-typed-statements',
  /** The same questions, with the remedy question asking whether the repository can be made private. */
  'takedown-typed-private',
  /** Statements as bold tick-box lines with HTML links inside them, and a question on the nature of ownership. */
  'takedown-checkbox-html',
  /** GitHub's counter notice form. */
  'counter-form',
  /** Bold questions, but not one of the question sets above. */
  'other-form',
  /** No form: a letter or an e-mail. */
  'letter',
] as const;
export type FormVersion = (typeof FORM_VERSIONS)[number];

// A line that opens with a bold run (the question), whatever follows it on the line (an answer typed beside it).
const BOLD_LINE = /^[ \t]*\*\*[^*\n][^\n]*?\*\*/gm;

export function formVersion(text: string): FormVersion {
  const bold = text.match(BOLD_LINE) ?? [];
  if (bold.length < 4) return 'letter';
  const q = bold.join('\n');
  if (
    /\bdispute the notice\b|\bremoved (?:or disabled )?as a result of a mistake\b/i.test(q) &&
    /\bfiles were taken down\b|\bcontent that has been disabled\b/i.test(q)
  )
    return 'counter-form';
  if (/<a\s[^>]*href=/i.test(q) && /^\*\*I have (?:read|taken)\b/im.test(q)) return 'takedown-checkbox-html';
  if (/\bwhat work was allegedly infringed\b/i.test(q) && /\bfiles should be taken down\b/i.test(q)) return 'takedown-early';
  if (/\btype \(or copy and paste\) the following statement\b/i.test(q))
    return /\bmade private\b/i.test(q) ? 'takedown-typed-private' : 'takedown-typed-statements';
  return 'other-form';
}
