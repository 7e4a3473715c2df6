/** Writes one key's value; `undefined` deletes the key. */
export type WriteFn = (key: string, value: Uint8Array | undefined) => Promise<void>;

interface Slot {
  value: Uint8Array | undefined;
  /** Bumped by every write(); `durable` is the last version known written. */
  version: number;
  durable: number;
  writing: boolean;
  failures: number;
  timer: NodeJS.Timeout | undefined;
  waiters: { version: number; resolve: () => void }[];
}

export interface KeyedWriterOptions {
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
  readonly onError?: (err: unknown, key: string, failures: number) => void;
}

/**
 * Write-behind per key: only the newest value of a key is written, one write per key at a time (so a key's
 * writes never overtake each other), optionally after a delay that coalesces bursts. A failed write is
 * retried with backoff until it succeeds; every promise resolves once its value (or a newer one) is durable.
 */
export class KeyedWriter {
  private readonly slots = new Map<string, Slot>();
  private closed = false;

  constructor(
    private readonly writeFn: WriteFn,
    private readonly opts: KeyedWriterOptions = {},
  ) {}

  /** Keys with a write not yet durable. */
  get backlog(): number {
    return this.slots.size;
  }

  write(key: string, value: Uint8Array | undefined, delayMs = 0): Promise<void> {
    const slot = this.slot(key);
    slot.value = value;
    slot.version++;
    const done = this.waitFor(slot, slot.version);
    this.schedule(key, slot, delayMs);
    return done;
  }

  /** Resolves once everything written to `key` so far is durable. */
  durable(key: string): Promise<void> {
    const slot = this.slots.get(key);
    if (slot === undefined || slot.durable >= slot.version) return Promise.resolve();
    return this.waitFor(slot, slot.version);
  }

  /** Writes every delayed value now and resolves when all are durable. */
  async flush(): Promise<void> {
    const pending = [...this.slots].map(([key, slot]) => {
      const done = this.waitFor(slot, slot.version);
      this.schedule(key, slot, 0);
      return done;
    });
    await Promise.all(pending);
  }

  /** Stops timers and retries; values not yet written stay unwritten. */
  close(): void {
    this.closed = true;
    for (const slot of this.slots.values()) clearTimeout(slot.timer);
  }

  private slot(key: string): Slot {
    let s = this.slots.get(key);
    if (s === undefined) {
      s = {
        value: undefined,
        version: 0,
        durable: 0,
        writing: false,
        failures: 0,
        timer: undefined,
        waiters: [],
      };
      this.slots.set(key, s);
    }
    return s;
  }

  private waitFor(slot: Slot, version: number): Promise<void> {
    if (slot.durable >= version) return Promise.resolve();
    return new Promise<void>((resolve) => slot.waiters.push({ version, resolve }));
  }

  private schedule(key: string, slot: Slot, delayMs: number): void {
    if (slot.writing || this.closed) return; // the running write reschedules when it ends
    if (delayMs <= 0) {
      clearTimeout(slot.timer);
      slot.timer = undefined;
      void this.run(key, slot);
    } else {
      slot.timer ??= setTimeout(() => {
        slot.timer = undefined;
        void this.run(key, slot);
      }, delayMs);
    }
  }

  private async run(key: string, slot: Slot): Promise<void> {
    if (slot.writing || this.closed) return;
    slot.writing = true;
    const version = slot.version;
    let retryInMs = 0;
    try {
      await this.writeFn(key, slot.value);
      slot.durable = Math.max(slot.durable, version);
      slot.failures = 0;
      const ready = slot.waiters.filter((w) => w.version <= version);
      slot.waiters = slot.waiters.filter((w) => w.version > version);
      for (const w of ready) w.resolve();
    } catch (err) {
      slot.failures++;
      this.opts.onError?.(err, key, slot.failures);
      const min = this.opts.retryMinMs ?? 100;
      retryInMs = Math.min(this.opts.retryMaxMs ?? 5000, min * 2 ** Math.min(slot.failures - 1, 16));
    } finally {
      slot.writing = false;
    }
    if (slot.durable >= slot.version) {
      if (slot.timer === undefined && slot.waiters.length === 0) this.slots.delete(key);
      return;
    }
    // Newer values that arrived meanwhile were already delayed by this write: write them now.
    this.schedule(key, slot, retryInMs);
  }
}
