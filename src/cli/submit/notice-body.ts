// The notice a batch becomes, and its Idempotency-Key. The key is a digest of the whole body —
// template and URLs, in the canonical JSON the server hashes requests with — so a rerun over the
// same file with the same template sends the same keys, and the server answers a key it has seen
// with the notice it filed then instead of filing another. A different template or a different
// grouping gives different bodies and so different keys: never a 409 for a reused key.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../services/notice-filing.ts';
import type { Template } from './template.ts';

export const KEY_PREFIX = 'safeharbor-submit-v1-';

export function noticeBody(template: Template, urls: readonly string[]): Record<string, unknown> {
  return { ...template, urls };
}

/** The body's Idempotency-Key: same body, same key (at most 255 characters, as the API allows). */
export function idempotencyKey(body: Record<string, unknown>): string {
  return KEY_PREFIX + createHash('sha256').update(canonicalJson(body)).digest('hex');
}
