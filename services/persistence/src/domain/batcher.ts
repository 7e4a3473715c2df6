import type { Logger } from '@switchboard/shared';
import { BatcherStoppedError } from './errors';
import type { DeliveryHandle, MessageRow, PipelineMetrics, RowSink } from './ports';
import { retryDelayMs } from './retry-delay';

export interface BatchPolicy {
  /** Insert as soon as this many rows are buffered. */
  readonly maxRows: number;
  /** Insert at the latest this long after the first row of a batch was buffered. */
  readonly maxMs: number;
  /** Backoff between failed inserts of the same batch. */
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  /** While a batch is stuck, tell the source it is still being worked on this often (below its ack wait). */
  readonly progressEveryMs: number;
}

export const defaultRetry = { retryInitialMs: 100, retryMaxMs: 5000, progressEveryMs: 3000 } as const;

export interface BatchEntry {
  readonly row: MessageRow;
  readonly handle: DeliveryHandle;
}

type TimerHandle = ReturnType<typeof setTimeout>;

/** The clock the batcher runs on; tests use jest's fake timers through the default. */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => {
    clearTimeout(handle);
  },
};

export interface BatcherDeps {
  readonly sink: RowSink;
  readonly policy: BatchPolicy;
  readonly logger: Logger;
  readonly metrics: PipelineMetrics;
  readonly timers?: Timers;
}

/**
 * Groups rows into batches and settles each row's delivery only after its batch is stored.
 *
 * A batch is cut when `maxRows` rows are buffered or `maxMs` after its first row. Batches are inserted one
 * at a time; a failed insert keeps its batch and retries it with capped exponential backoff, acking nothing.
 * While a batch is in flight the next one fills; `room()` is 0 once it is full, which is the source's signal
 * to stop pulling. So at most two batches of deliveries are held unacknowledged.
 */
export class MessageBatcher {
  private buffer: BatchEntry[] = [];
  private timer: TimerHandle | undefined;
  private chain: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private stopping = false;
  private stopped = false;
  private roomWaiters: (() => void)[] = [];
  private wakeRetry: (() => void) | undefined;
  private readonly timers: Timers;

  constructor(private readonly deps: BatcherDeps) {
    this.timers = deps.timers ?? systemTimers;
  }

  /** Rows buffered for the next batch (not counting one being inserted). */
  get buffered(): number {
    return this.buffer.length;
  }

  /** How many more rows the next batch takes; the source pulls no more than this. */
  room(): number {
    return Math.max(0, this.deps.policy.maxRows - this.buffer.length);
  }

  /** Resolves once `room()` > 0, or when the batcher is stopping. */
  whenRoom(): Promise<void> {
    if (this.room() > 0 || this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.roomWaiters.push(resolve);
    });
  }

  add(entry: BatchEntry): void {
    if (this.stopped) throw new BatcherStoppedError();
    this.buffer.push(entry);
    if (this.buffer.length >= this.deps.policy.maxRows || this.stopping) {
      this.requestFlush();
    } else if (this.buffer.length === 1 && this.timer === undefined) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        this.requestFlush();
      }, this.deps.policy.maxMs);
    }
  }

  /**
   * Inserts what is buffered and waits for every batch to settle. A batch that still fails once stop was
   * asked is given back (nak) rather than retried forever, so shutdown ends.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeRetry?.();
    this.releaseRoomWaiters();
    this.requestFlush();
    await this.chain;
    this.stopped = true;
  }

  private requestFlush(): void {
    this.clearTimer();
    if (this.flushQueued) return;
    this.flushQueued = true;
    this.chain = this.chain.then(async () => {
      this.flushQueued = false;
      await this.flushBuffer();
    });
  }

  private async flushBuffer(): Promise<void> {
    this.clearTimer();
    const batch = this.buffer;
    this.buffer = [];
    this.releaseRoomWaiters();
    if (batch.length === 0) return;
    const { sink, policy, logger, metrics } = this.deps;
    const rows = batch.map((e) => e.row);
    let attempt = 0;
    let lastProgress = this.timers.now();
    for (;;) {
      const started = this.timers.now();
      try {
        await sink.insert(rows);
      } catch (err) {
        attempt += 1;
        metrics.insertFailed();
        if (this.stopping) {
          logger.error(
            { err, rows: rows.length, attempt },
            'batch insert failed while stopping; returning the batch unacknowledged',
          );
          for (const e of batch)
            settle(() => {
              e.handle.nak();
            }, logger);
          return;
        }
        const delay = retryDelayMs(attempt, policy.retryInitialMs, policy.retryMaxMs);
        logger.error(
          { err, rows: rows.length, attempt, retry_in_ms: delay },
          'batch insert failed; keeping the batch and retrying',
        );
        if (this.timers.now() - lastProgress >= policy.progressEveryMs) {
          for (const e of batch)
            settle(() => {
              e.handle.inProgress();
            }, logger);
          lastProgress = this.timers.now();
        }
        await this.pause(delay);
        continue;
      }
      metrics.batchInserted(rows.length, (this.timers.now() - started) / 1000);
      logger.debug({ rows: rows.length, attempts: attempt + 1 }, 'batch stored');
      for (const e of batch)
        settle(() => {
          e.handle.ack();
        }, logger);
      return;
    }
  }

  /** Waits `ms`, or less when stop is asked meanwhile. */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.timers.clearTimeout(timer);
        this.wakeRetry = undefined;
        resolve();
      };
      const timer = this.timers.setTimeout(done, ms);
      this.wakeRetry = done;
    });
  }

  private releaseRoomWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const w of waiters) w();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}

// A handle that throws (e.g. a closed connection) must not leave the rest of its batch unsettled.
function settle(fn: () => void, logger: Logger): void {
  try {
    fn();
  } catch (err) {
    logger.warn({ err }, 'settling a delivery failed');
  }
}
