/**
 * Bookkeeping for delivery guarantees: what each sender was acked, and what each participant received.
 * "Every acked message reaches every participant exactly once, in seq order" is checked from it.
 */

export interface LedgerReport {
  /** Send attempts started (one per message, however many retries it took). */
  readonly sent: number;
  /** Messages acked with a seq. */
  readonly acked: number;
  /** Receipts of acked messages, over all participants. */
  readonly delivered: number;
  /** (participant, acked message) pairs that never arrived. */
  readonly lost: number;
  /** Receipts beyond the first of the same (participant, conversation, seq). */
  readonly duplicated: number;
  /** Receipts whose seq was not above the participant's previous one in that conversation. */
  readonly reordered: number;
  /** Receipts whose client_msg_id differs from the one acked for that seq, or two acks for one seq. */
  readonly mismatched: number;
  /** Longest time from starting a send to its ack, in ms. */
  readonly maxAckMs: number;
}

interface Receipts {
  readonly seqs: number[];
  readonly ids: Map<number, string>;
}

export class DeliveryLedger {
  private sent = 0;
  private maxAckMs = 0;
  private mismatchedAcks = 0;
  /** conversation → seq → client_msg_id, from acks. */
  private readonly acks = new Map<string, Map<number, string>>();
  /** participant → conversation → receipts. */
  private readonly receipts = new Map<string, Map<string, Receipts>>();
  /** conversation → participants who must receive it. */
  private readonly members = new Map<string, Set<string>>();

  join(participant: string, conversationId: string): void {
    let m = this.members.get(conversationId);
    if (m === undefined) {
      m = new Set();
      this.members.set(conversationId, m);
    }
    m.add(participant);
  }

  sending(): void {
    this.sent++;
  }

  acked(conversationId: string, clientMsgId: string, seq: number, tookMs: number): void {
    this.maxAckMs = Math.max(this.maxAckMs, tookMs);
    let bySeq = this.acks.get(conversationId);
    if (bySeq === undefined) {
      bySeq = new Map();
      this.acks.set(conversationId, bySeq);
    }
    const known = bySeq.get(seq);
    if (known !== undefined && known !== clientMsgId) this.mismatchedAcks++;
    bySeq.set(seq, clientMsgId);
  }

  received(participant: string, conversationId: string, seq: number, clientMsgId: string): void {
    let byConv = this.receipts.get(participant);
    if (byConv === undefined) {
      byConv = new Map();
      this.receipts.set(participant, byConv);
    }
    let r = byConv.get(conversationId);
    if (r === undefined) {
      r = { seqs: [], ids: new Map() };
      byConv.set(conversationId, r);
    }
    r.seqs.push(seq);
    if (!r.ids.has(seq)) r.ids.set(seq, clientMsgId);
  }

  /** conversation → seq → client_msg_id of every acked message. */
  ackedMessages(): ReadonlyMap<string, ReadonlyMap<number, string>> {
    return this.acks;
  }

  /** True when every member of every conversation holds every acked message. */
  converged(): boolean {
    return this.report().lost === 0;
  }

  report(): LedgerReport {
    let acked = 0;
    let delivered = 0;
    let lost = 0;
    let duplicated = 0;
    let reordered = 0;
    let mismatched = this.mismatchedAcks;
    for (const [conversationId, bySeq] of this.acks) {
      acked += bySeq.size;
      for (const participant of this.members.get(conversationId) ?? []) {
        const r = this.receipts.get(participant)?.get(conversationId);
        for (const [seq, id] of bySeq) {
          const got = r?.ids.get(seq);
          if (got === undefined) lost++;
          else {
            delivered++;
            if (got !== id) mismatched++;
          }
        }
      }
    }
    for (const byConv of this.receipts.values()) {
      for (const r of byConv.values()) {
        const seen = new Set<number>();
        let previous = 0;
        for (const seq of r.seqs) {
          if (seen.has(seq)) duplicated++;
          else if (seq <= previous) reordered++;
          seen.add(seq);
          previous = Math.max(previous, seq);
        }
      }
    }
    return {
      sent: this.sent,
      acked,
      delivered,
      lost,
      duplicated,
      reordered,
      mismatched,
      maxAckMs: this.maxAckMs,
    };
  }
}
