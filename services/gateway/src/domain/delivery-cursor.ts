export type Offer = 'deliver' | 'duplicate' | 'gap';

/**
 * Keeps one socket's view of one conversation contiguous: a message is delivered only when its seq is
 * the next one; an older seq is a duplicate, a newer one reveals a gap to fill from the stream first.
 */
export class DeliveryCursor {
  constructor(private next = 1) {}

  get nextSeq(): number {
    return this.next;
  }

  /** Moves forward to where delivery starts (after a resume point, at a backfill start); never back. */
  skipTo(seq: number): void {
    if (seq > this.next) this.next = seq;
  }

  offer(seq: number): Offer {
    if (seq < this.next) return 'duplicate';
    if (seq > this.next) return 'gap';
    this.next++;
    return 'deliver';
  }
}
