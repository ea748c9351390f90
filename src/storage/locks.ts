// Advisory lock ids, in one place so that no two uses collide.
export const LOCKS = {
  migrations: 727001,
  /**
   * Every writer of zones.change_seq holds this for its transaction, so sequence order is
   * commit order and a process tailing change_seq (the zone index) cannot skip a change.
   */
  zoneChanges: 727002,
  /** First-start setup (the staff administrator, the channels' principals), once however many processes start together. */
  setup: 727003,
  /** ensure_partitions() (migration 026), which names it as a number of its own: keep the two equal. */
  partitions: 727004,
} as const;
