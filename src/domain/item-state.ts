// The life of one reported URL. Only the transitions listed here are legal; the staff
// decisions and the takedown/counter-notice lifecycle add theirs in later issues.
export const ITEM_STATES = [
  'received', // accepted, not yet resolved
  'invalid', // not a URL we can act on (reason says why)
  'not_on_network', // host is not a zone of this provider
  'forwarded', // proxied zone: sent to the site owner (and host as chosen)
  'pending_review', // hosted content: waits for staff
  'content_disabled', // hosted content taken down
  'rejected', // staff declined to act (reason says why)
] as const;
export type ItemState = (typeof ITEM_STATES)[number];

const TRANSITIONS: Record<ItemState, readonly ItemState[]> = {
  received: ['invalid', 'not_on_network', 'forwarded', 'pending_review'],
  invalid: [],
  not_on_network: [],
  forwarded: ['rejected'],
  pending_review: ['content_disabled', 'rejected'],
  content_disabled: [],
  rejected: [],
};

export function canTransition(from: ItemState, to: ItemState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isItemState(s: string): s is ItemState {
  return (ITEM_STATES as readonly string[]).includes(s);
}

/** States in which nothing more happens without a new input. */
export function isSettled(s: ItemState): boolean {
  return s !== 'received' && s !== 'pending_review';
}
