/**
 * Runs routing's tick every `tickMs`, and soon after an input changed something (`kick`), at most once per
 * `minGapMs`. Ticks may overlap while commands are in flight: the planner tracks what it sent.
 */
export class DispatchLoop {
  private interval: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private lastRunAt = 0;
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly tick: () => Promise<void>,
    private readonly tickMs: number,
    private readonly onError: (err: unknown) => void,
    private readonly minGapMs = 25,
  ) {}

  start(): void {
    this.interval ??= setInterval(() => {
      this.run();
    }, this.tickMs);
  }

  kick(): void {
    if (this.stopped || this.soon !== undefined) return;
    const wait = Math.max(0, this.lastRunAt + this.minGapMs - Date.now());
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.run();
    }, wait);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.interval);
    clearTimeout(this.soon);
    await Promise.all(this.running);
  }

  private run(): void {
    if (this.stopped) return;
    this.lastRunAt = Date.now();
    const p = this.tick().catch(this.onError);
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }
}
