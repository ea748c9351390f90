// What the reader found in a message, turned into a native notice (pure). The legal elements the
// reader did not find are listed so the sender can be told exactly what is missing.
import type { DmcaNoticeInput } from '../domain/notice.ts';
import { ELEMENT_DESCRIPTIONS, type ReadResult } from '../reader/types.ts';

export type NoticeReading = ReadResult;

/** An element's name as the sender reads it. */
export function describeElement(name: string): string {
  return (ELEMENT_DESCRIPTIONS as Record<string, string>)[name] ?? name.replace(/_/g, ' ');
}

export function noticeFromReading(r: NoticeReading, mail: { subject: string | null; sender: string | null }): { notice: DmcaNoticeInput; missing: string[] } {
  const name = r.claimant.name?.trim() ?? '';
  const email = r.claimant.email?.trim() || mail.sender || '';
  const missing = r.missing.map(describeElement);
  if (!r.infringing_urls.length && !r.missing.includes('infringing_material')) missing.push(describeElement('infringing_material'));
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
