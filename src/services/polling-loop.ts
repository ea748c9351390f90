// A background loop that does work while there is some, then sleeps until kicked or until the
// poll interval passes (work may also arrive from other processes sharing the database).
// Stopping aborts the signal handed to the step, so a long step (a notice of many batches) can
// give its work back at the next safe point instead of holding the process until it is done.
export class PollingLoop {
  private running = false;
  private stopping = new AbortController();
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  /** `step` returns true when it did some work (then it runs again at once). */
  constructor(
    private readonly step: (signal: AbortSignal) => Promise<boolean>,
    private readonly pollMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    this.loop = this.run();
  }

  kick(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    this.kick();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let worked = false;
      try {
        worked = await this.step(this.stopping.signal);
      } catch (err) {
        this.onError(err);
      }
      if (!worked && this.running) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.pollMs);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = null;
      }
    }
  }
}
