import type { ReadMarkStore, Schedule } from './ports';

interface Mark {
  readonly tenantId: string;
  readonly conversationId: string;
  readonly participantId: string;
  readonly seq: number;
}

function keyOf(tenantId: string, conversationId: string, participantId: string): string {
  return `${tenantId}\u0000${conversationId}\u0000${participantId}`;
}

/**
 * Participants' read marks, written through to the store at most once per key per interval: a chatty
 * participant (a MarkRead and an ack for every message) costs one write per interval, not one per frame.
 * Marks only move forward. Pending marks are visible to `read` before they are written, and `close`
 * writes them out (shutdown).
 */
export class ReadMarkCoalescer {
  private readonly dirty = new Map<string, Mark>();
  private readonly inFlight = new Map<string, number>();
  private cancelTimer: (() => void) | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly store: ReadMarkStore,
    private readonly schedule: Schedule,
    private readonly intervalMs: number,
    private readonly onWriteError: (err: unknown, mark: Mark) => void,
  ) {}

  /** Raises a participant's read mark to `seq` (a no-op when it is already there or past it). */
  mark(tenantId: string, conversationId: string, participantId: string, seq: number): void {
    const key = keyOf(tenantId, conversationId, participantId);
    if (seq <= Math.max(this.dirty.get(key)?.seq ?? 0, this.inFlight.get(key) ?? 0)) return;
    this.dirty.set(key, { tenantId, conversationId, participantId, seq });
    this.arm();
  }

  /** The read mark, pending writes included; 0 when there is none. */
  async read(tenantId: string, conversationId: string, participantId: string): Promise<number> {
    const key = keyOf(tenantId, conversationId, participantId);
    const stored = await this.store.get(tenantId, conversationId, participantId);
    return Math.max(stored, this.dirty.get(key)?.seq ?? 0, this.inFlight.get(key) ?? 0);
  }

  /** Number of marks waiting to be written. */
  get pending(): number {
    return this.dirty.size;
  }

  /** Writes every pending mark now and stops the timer; later marks are written immediately on flush. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    await this.flushing;
    await this.flush();
  }

  /** Writes every pending mark; resolves when the writes finished (failed ones stay pending). */
  flush(): Promise<void> {
    if (this.flushing !== undefined) return this.flushing;
    const batch = [...this.dirty.entries()];
    this.dirty.clear();
    if (batch.length === 0) return Promise.resolve();
    for (const [key, m] of batch) this.inFlight.set(key, m.seq);
    const run = Promise.all(batch.map(([key, m]) => this.write(key, m))).then(() => {
      this.flushing = undefined;
      if (this.dirty.size > 0) this.arm();
    });
    this.flushing = run;
    return run;
  }

  private async write(key: string, m: Mark): Promise<void> {
    try {
      await this.store.advance(m.tenantId, m.conversationId, m.participantId, m.seq);
    } catch (err) {
      this.onWriteError(err, m);
      // Keep it for the next flush unless a later mark replaced it meanwhile.
      if ((this.dirty.get(key)?.seq ?? 0) < m.seq) this.dirty.set(key, m);
    } finally {
      if (this.inFlight.get(key) === m.seq) this.inFlight.delete(key);
    }
  }

  private arm(): void {
    if (this.closed || this.cancelTimer !== undefined || this.flushing !== undefined) return;
    this.cancelTimer = this.schedule(() => {
      this.cancelTimer = undefined;
      void this.flush();
    }, this.intervalMs);
  }
}

/** A participant's read state: unread counts the messages after the read mark, never below zero. */
export function readStateOf(
  conversationId: string,
  readSeq: number,
  lastSeq: number,
): { conversationId: string; readSeq: number; unreadCount: number; lastSeq: number } {
  return { conversationId, readSeq, lastSeq, unreadCount: Math.max(0, lastSeq - readSeq) };
}
