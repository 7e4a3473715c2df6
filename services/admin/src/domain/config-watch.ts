import type { ChangeSignal, Clock, ConfigChange, ConfigChangeReader, RevisionMark } from './ports';

/**
 * Revisions come from a counter ($inc) before the change is inserted, so two writers can land out of
 * order: 6 may be readable before 5. A stream never emits past a missing revision (the "horizon" is the
 * highest revision with every earlier one present), unless the revision after the hole is older than
 * `gapGraceMs`: then its writer died between $inc and insert and the hole is permanent.
 */
export function advanceHorizon(
  horizon: number,
  marks: readonly RevisionMark[],
  nowMs: number,
  gapGraceMs: number,
): number {
  let h = horizon;
  for (const m of marks) {
    if (m.revision <= h) continue;
    if (m.revision !== h + 1 && nowMs - m.atMs < gapGraceMs) break;
    h = m.revision;
  }
  return h;
}

export interface WatchRequestParams {
  /** Only this tenant's changes; undefined for all. */
  readonly tenantId: string | undefined;
  /** Changes with a greater revision are streamed. */
  readonly fromRevision: number;
}

export interface ConfigWatchOptions {
  readonly reader: ConfigChangeReader;
  readonly signal: ChangeSignal;
  /** Re-query this often without a notification (missed NATS messages, another writer's NATS outage). */
  readonly pollMs: number;
  readonly gapGraceMs: number;
  readonly batchSize?: number;
  readonly clock?: Clock;
}

/** Sends one change; resolves when the transport can take the next (backpressure). */
export type ChangeSink = (change: ConfigChange) => Promise<void>;

/**
 * Streams a Watch: replays the change log after `fromRevision` in revision order, then streams new
 * changes as they appear until `abort` fires. Every pass re-queries the log (the source of truth) for
 * revisions above the last one sent, so it is correct whichever admin instance wrote the change; a
 * notification only makes the next pass start sooner.
 */
export class ConfigWatch {
  private readonly batchSize: number;
  private readonly clock: Clock;

  constructor(private readonly options: ConfigWatchOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.clock = options.clock ?? Date.now;
  }

  async stream(request: WatchRequestParams, send: ChangeSink, abort: AbortSignal): Promise<void> {
    const wakeup = new Wakeup();
    const stopped = (): boolean => abort.aborted;
    const unsubscribe = this.options.signal.subscribe(wakeup.notify);
    abort.addEventListener('abort', wakeup.notify);
    try {
      let horizon = request.fromRevision;
      let sent = request.fromRevision;
      while (!stopped()) {
        // Cleared before reading, so a notification that lands during the pass triggers another one.
        wakeup.clear();
        horizon = await this.nextHorizon(horizon);
        while (sent < horizon && !stopped()) {
          const changes = await this.options.reader.changesBetween(
            request.tenantId,
            sent,
            horizon,
            this.batchSize,
          );
          for (const change of changes) {
            if (stopped()) return;
            await send(change);
            sent = change.revision;
          }
          // Nothing else of this tenant lies at or below the horizon.
          if (changes.length < this.batchSize) sent = horizon;
        }
        await wakeup.wait(this.options.pollMs);
      }
    } finally {
      unsubscribe();
      abort.removeEventListener('abort', wakeup.notify);
    }
  }

  private async nextHorizon(from: number): Promise<number> {
    let horizon = from;
    for (;;) {
      const marks = await this.options.reader.revisionsAfter(horizon, this.batchSize);
      const next = advanceHorizon(horizon, marks, this.clock(), this.options.gapGraceMs);
      const last = marks.at(-1);
      const exhausted = marks.length < this.batchSize || last === undefined || next !== last.revision;
      horizon = next;
      if (exhausted) return horizon;
    }
  }
}

/** A pending flag plus a waiter: a notification that arrives before wait() is not lost. */
class Wakeup {
  private pending = true;
  private release: (() => void) | undefined;

  readonly notify = (): void => {
    this.pending = true;
    this.release?.();
  };

  clear(): void {
    this.pending = false;
  }

  /** Resolves on the next notification (at once if one is pending) or after `ms`. */
  wait(ms: number): Promise<void> {
    if (this.pending) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.release = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.release = done;
    });
  }
}
