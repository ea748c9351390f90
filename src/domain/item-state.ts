// The life of one reported URL. Only the transitions listed here are legal. This is the one list
// of coarse transitions: the takedown lifecycle (takedown-lifecycle.ts) maps its fine states
// onto these, and its unit test checks every step it takes is listed here.
export const ITEM_STATES = [
  'received', // accepted, not yet resolved
  'invalid', // not a URL we can act on (reason says why)
  'not_on_network', // host is not a zone of this provider
  'forwarded', // proxied zone: sent to the site owner (and host as chosen)
  'pending_review', // hosted content: waits for staff
  'content_disabled', // hosted content taken down
  'rejected', // staff declined to act (reason says why)
  'restored', // hosted content back up after a counter notice's waiting period (17 U.S.C. §512(g)(2)(C))
  'retracted', // the complainant withdrew the notice for this URL (disabled content back up, no strike)
] as const;
export type ItemState = (typeof ITEM_STATES)[number];

const TRANSITIONS: Record<ItemState, readonly ItemState[]> = {
  received: ['invalid', 'not_on_network', 'forwarded', 'pending_review'],
  invalid: [],
  not_on_network: [],
  forwarded: ['rejected', 'retracted'],
  pending_review: ['content_disabled', 'rejected', 'retracted'],
  content_disabled: ['restored', 'retracted'],
  rejected: [],
  restored: [],
  retracted: [],
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
