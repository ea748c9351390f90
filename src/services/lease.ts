// Keeping a claim alive. Work is claimed with a lease (a time in the row, taken with
// FOR UPDATE SKIP LOCKED) so that a crashed worker's work is taken over once the lease runs out;
// a live worker renews it at a third of its length, so a long job is never taken from a worker
// that is still doing it, however long the job takes.
export function holdLease(renew: () => Promise<unknown>, leaseSeconds: number, log: (msg: string, err?: unknown) => void): { release(): void } {
  let busy = false;
  const timer = setInterval(
    () => {
      if (busy) return; // a renewal still waiting (a locked row, a slow database) is not doubled
      busy = true;
      renew()
        .catch((err) => log('renewing a work lease failed; the work may be taken over when it expires', err))
        .finally(() => (busy = false));
    },
    Math.max(1000, (leaseSeconds * 1000) / 3),
  );
  timer.unref();
  return { release: () => clearInterval(timer) };
}
