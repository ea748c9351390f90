// The public vocabulary of an item's state: what the API, status pages and mails show. It is a
// projection of the one state machine of an item (takedown-lifecycle.ts, `coarseState`), not a
// model of its own: which steps are legal is the machine's to say.
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

export function isItemState(s: string): s is ItemState {
  return (ITEM_STATES as readonly string[]).includes(s);
}

/** States in which nothing more happens without a new input. */
export function isSettled(s: ItemState): boolean {
  return s !== 'received' && s !== 'pending_review';
}
