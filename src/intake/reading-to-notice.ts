// What the reader found in a message, turned into a native notice (pure). The legal elements the
// reader did not find are listed so the sender can be told exactly what is missing.
import type { DmcaNoticeInput } from '../domain/notice.ts';

/** The notice reader's answer for one document (see src/reader). */
export interface NoticeReading {
  kind: 'takedown' | 'counter_notice' | 'retraction' | 'reversal' | 'counter_notice_retraction' | 'counter_notice_reversal' | 'other';
  infringing_urls: string[];
  original_urls: string[];
  claimant: { name?: string | null; email?: string | null; company?: string | null; address?: string | null; phone?: string | null; country?: string | null };
  /** Which legal elements (§512(c)(3) for a takedown, §512(g)(3) for a counter notice) are present. */
  elements: Record<string, boolean>;
  /** The absent ones, by name. */
  missing: string[];
  /** The work, as the notice identifies it, when the reader found it. */
  work?: string | null;
}

export function noticeFromReading(r: NoticeReading, mail: { subject: string | null; sender: string | null }): { notice: DmcaNoticeInput; missing: string[] } {
  const name = r.claimant.name?.trim() ?? '';
  const email = r.claimant.email?.trim() || mail.sender || '';
  const missing = [...r.missing];
  if (!r.infringing_urls.length && !missing.some((m) => /infringing|location|url/i.test(m))) missing.push('identification of the infringing material and where it is (the URLs)');
  const notice: DmcaNoticeInput = {
    urls: r.infringing_urls,
    work: {
      description: r.work?.trim() || (mail.subject ? `As identified in the e-mail "${mail.subject.slice(0, 300)}"` : ''),
      urls: r.original_urls.slice(0, 1000),
    },
    claimant: {
      name,
      company: r.claimant.company?.trim() || undefined,
      email,
      address: r.claimant.address?.trim() ?? '',
      phone: r.claimant.phone?.replace(/[^+0-9 ()./-]/g, '').trim() || undefined,
      country: r.claimant.country?.trim() ?? '',
    },
    // The reader decided whether the statements are there; what is missing is listed above.
    statements: { good_faith_belief: true, accuracy_and_authority: true },
    signature: name,
    notify: { owner: 'send', host: 'send' },
  };
  return { notice, missing };
}
