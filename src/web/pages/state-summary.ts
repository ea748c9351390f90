// "Forwarded: 3 · Rejected: 1" in the lifecycle's order, whatever order the counts came in.
import { ITEM_STATES, type ItemState } from '../../domain/item-state.ts';

export function stateSummary(states: Record<string, number>, labels: Record<ItemState, string>): string {
  const known = ITEM_STATES.filter((s) => states[s]).map((s) => `${labels[s]}: ${states[s]!.toLocaleString('en-US')}`);
  const other = Object.keys(states)
    .filter((s) => !(ITEM_STATES as readonly string[]).includes(s))
    .map((s) => `${s}: ${states[s]!.toLocaleString('en-US')}`);
  return [...known, ...other].join(' · ');
}
