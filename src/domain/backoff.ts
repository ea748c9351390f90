// The one retry schedule of every sender (mail, webhooks, the Transparency Database client, the
// bulk-reporting client): the wait doubles from a base after each failure, never above a cap.

/** The wait after the `attempt`-th failure in a row (1-based; below 1 counts as 1), in the base's unit. */
export function exponentialBackoff(attempt: number, base: number, cap: number): number {
  // 2^30 times any base is past every cap; the bound keeps a huge attempt count from overflowing to Infinity.
  const doublings = Math.min(Math.max(0, Math.floor(attempt) - 1), 30);
  return Math.min(cap, base * 2 ** doublings);
}
