// Reply addresses that name their case: mail we send about a notice carries a Reply-To of
// <intake local part>+<token>@<mail domain>, where the token is the notice id and a MAC under the
// server secret. A reply (a counter notice, an answer to a question, a retraction) comes back to
// that address and is attached to its notice by the token, not by guessing from the subject.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type ReplyRole = 'reporter' | 'owner' | 'host' | 'user';
const ROLE_CODE: Record<ReplyRole, string> = { reporter: 'r', owner: 'o', host: 'h', user: 'u' };
const CODE_ROLE = Object.fromEntries(Object.entries(ROLE_CODE).map(([k, v]) => [v, k])) as Record<string, ReplyRole>;

export interface ReplyTokens {
  token(noticeId: string, role: ReplyRole): string;
  /** The notice and the role of whom we wrote to, or null for a token we did not make. */
  verify(token: string): { noticeId: string; role: ReplyRole } | null;
}

export function replyTokens(secret: Buffer): ReplyTokens {
  // Local parts are case-insensitive in practice, so the token is lower-case hex only.
  const mac = (hex: string, code: string) => createHmac('sha256', secret).update(`reply:${hex}:${code}`).digest().subarray(0, 8);
  return {
    token(noticeId, role) {
      const hex = noticeId.replace(/-/g, '').toLowerCase();
      const code = ROLE_CODE[role];
      return `${hex}${code}${mac(hex, code).toString('hex')}`;
    },
    verify(token) {
      const m = /^([0-9a-f]{32})([rohu])([0-9a-f]{16})$/.exec(token.toLowerCase());
      if (!m) return null;
      const [, hex, code, given] = m as unknown as [string, string, string, string];
      const a = Buffer.from(given, 'hex');
      const b = mac(hex, code);
      if (!timingSafeEqual(a, b)) return null;
      const noticeId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      return { noticeId, role: CODE_ROLE[code]! };
    },
  };
}

/** `dmca+<token>@desk.example` → the token; anything else → null. */
export function tokenFromAddress(address: string, mailDomain: string): string | null {
  const at = address.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1).toLowerCase() !== mailDomain.toLowerCase()) return null;
  const local = address.slice(0, at);
  const plus = local.indexOf('+');
  return plus < 0 ? null : local.slice(plus + 1) || null;
}
