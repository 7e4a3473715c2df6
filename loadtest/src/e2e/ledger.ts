/**
 * The numbers a stream of messages 1, 2, 3, ... that were received, in bounded memory: everything below
 * `next` plus the few received ahead of it (pipelined sends may be stored out of order).
 */
export class ReceivedSet {
  #next = 1;
  readonly #ahead = new Set<number>();

  has(n: number): boolean {
    return n < this.#next || this.#ahead.has(n);
  }

  /** Adds n; false when it was already there. */
  add(n: number): boolean {
    if (this.has(n)) return false;
    if (n !== this.#next) {
      this.#ahead.add(n);
      return true;
    }
    this.#next += 1;
    while (this.#ahead.delete(this.#next)) this.#next += 1;
    return true;
  }
}

export type Receipt =
  | { readonly kind: 'first'; readonly latencyMs: number }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'unexpected' };

export interface LedgerSummary {
  readonly sent: number;
  /** SendAcks received (the message is durable). */
  readonly acked: number;
  /** Sends answered by an error, or that timed out / lost their socket (outcome unknown). */
  readonly failed: number;
  /** Distinct messages the recipient received. */
  readonly delivered: number;
  /** Acked, and never received by the recipient. */
  readonly lost: number;
  /** Neither acked nor failed by the end, and not received. */
  readonly unacked: number;
  /** Failed, and not received (so really not stored, or stored and not delivered). */
  readonly failedUndelivered: number;
  /** The same message received again by the recipient. */
  readonly duplicates: number;
  /** A benchmark message nobody sent (a corrupt text, or one from another run). */
  readonly unexpected: number;
}

interface InFlight {
  readonly sentAtMs: number;
  acked: boolean;
  failed: boolean;
}

/**
 * Send-side and receive-side bookkeeping of one worker's messages. A stream is one sender in one
 * conversation; n is the sender's counter in it. Memory: the messages in flight, plus the received ones
 * that arrived ahead of an earlier one still in flight.
 */
export class DeliveryLedger {
  readonly #inFlight = new Map<string, InFlight>();
  readonly #received = new Map<string, ReceivedSet>();
  #sent = 0;
  #acked = 0;
  #failed = 0;
  #delivered = 0;
  #duplicates = 0;
  #unexpected = 0;

  recordSent(stream: string, n: number, sentAtMs: number): void {
    this.#sent += 1;
    this.#inFlight.set(key(stream, n), { sentAtMs, acked: false, failed: false });
  }

  recordAck(stream: string, n: number): void {
    this.#acked += 1;
    const entry = this.#inFlight.get(key(stream, n));
    if (entry !== undefined) entry.acked = true;
  }

  recordFailure(stream: string, n: number): void {
    this.#failed += 1;
    const entry = this.#inFlight.get(key(stream, n));
    if (entry !== undefined) entry.failed = true;
  }

  /** The recipient got message n of stream at receivedAtMs. */
  recordReceipt(stream: string, n: number, receivedAtMs: number): Receipt {
    let received = this.#received.get(stream);
    if (received?.has(n) === true) {
      this.#duplicates += 1;
      return { kind: 'duplicate' };
    }
    const k = key(stream, n);
    const entry = this.#inFlight.get(k);
    if (entry === undefined) {
      this.#unexpected += 1;
      return { kind: 'unexpected' };
    }
    if (received === undefined) {
      received = new ReceivedSet();
      this.#received.set(stream, received);
    }
    received.add(n);
    this.#inFlight.delete(k);
    this.#delivered += 1;
    return { kind: 'first', latencyMs: receivedAtMs - entry.sentAtMs };
  }

  /** Messages sent and not yet received. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Acked messages still not received afterMs after they were sent: the "lost so far" estimate. */
  late(nowMs: number, afterMs: number): number {
    let n = 0;
    for (const e of this.#inFlight.values()) if (e.acked && nowMs - e.sentAtMs > afterMs) n += 1;
    return n;
  }

  summary(): LedgerSummary {
    let lost = 0;
    let unacked = 0;
    let failedUndelivered = 0;
    for (const e of this.#inFlight.values()) {
      if (e.acked) lost += 1;
      else if (e.failed) failedUndelivered += 1;
      else unacked += 1;
    }
    return {
      sent: this.#sent,
      acked: this.#acked,
      failed: this.#failed,
      delivered: this.#delivered,
      lost,
      unacked,
      failedUndelivered,
      duplicates: this.#duplicates,
      unexpected: this.#unexpected,
    };
  }
}

function key(stream: string, n: number): string {
  return `${stream}#${String(n)}`;
}

export type SeqVerdict = 'next' | 'gap' | 'behind';

export interface SeqSummary {
  /** Deliveries whose seq skipped ahead of last + 1. */
  readonly gaps: number;
  /** Seqs skipped over by those gaps. */
  readonly missingSeqs: number;
  /** Deliveries at or below the last seq (reordered or repeated). */
  readonly behind: number;
}

/** Checks that every socket sees each conversation's seqs as 1, 2, 3, ... */
export class SeqChecker {
  readonly #last = new Map<string, number>();
  #gaps = 0;
  #missing = 0;
  #behind = 0;

  offer(socket: number, conversationId: string, seq: number): SeqVerdict {
    const k = `${String(socket)}/${conversationId}`;
    const last = this.#last.get(k) ?? 0;
    if (seq <= last) {
      this.#behind += 1;
      return 'behind';
    }
    this.#last.set(k, seq);
    if (seq === last + 1) return 'next';
    this.#gaps += 1;
    this.#missing += seq - last - 1;
    return 'gap';
  }

  summary(): SeqSummary {
    return { gaps: this.#gaps, missingSeqs: this.#missing, behind: this.#behind };
  }
}
