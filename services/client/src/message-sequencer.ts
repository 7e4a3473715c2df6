import type { UnifiedMessage } from '@switchboard/proto/wire';

/** Seqs a conversation is missing: from..to inclusive; `to` 0 means "up to the newest message". */
export interface SeqRange {
  from: number;
  to: number;
}

interface SequenceState {
  /** The highest seq delivered with nothing missing below it. */
  lastSeq: number;
  /** Messages that arrived ahead of a gap, by seq, waiting for it to be filled. */
  held: Map<number, UnifiedMessage>;
  /** Messages ahead of the gap were dropped because `held` was full: everything up to the newest is wanted. */
  openEnded: boolean;
}

/**
 * Turns deliveries into exactly-once, in-order messages per conversation. Pure bookkeeping (no I/O): the
 * client feeds it every delivered or fetched message and repairs the gaps it reports.
 *
 * - seq <= lastSeq, or already held: a duplicate, dropped;
 * - seq == lastSeq + 1: released, with every held message that now follows on;
 * - seq > lastSeq + 1: held until the gap below it is filled. At most `maxHeld` messages are held per
 *   conversation; beyond that the newest are dropped and the gap becomes open-ended (fetch to the newest).
 */
export class MessageSequencer {
  readonly #maxHeld: number;
  readonly #conversations = new Map<string, SequenceState>();

  constructor(maxHeld: number) {
    this.#maxHeld = maxHeld;
  }

  lastSeq(conversationId: string): number {
    return this.#conversations.get(conversationId)?.lastSeq ?? 0;
  }

  /** Every conversation with something delivered, and its lastSeq. */
  positions(): { conversationId: string; lastSeq: number }[] {
    const out: { conversationId: string; lastSeq: number }[] = [];
    for (const [conversationId, state] of this.#conversations) {
      if (state.lastSeq > 0) out.push({ conversationId, lastSeq: state.lastSeq });
    }
    return out;
  }

  /** Accepts one message; returns the messages now deliverable, in seq order (often none or just this one). */
  accept(message: UnifiedMessage): UnifiedMessage[] {
    const state = this.#state(message.conversationId);
    const seq = message.seq;
    if (seq <= state.lastSeq || state.held.has(seq)) return [];
    if (seq === state.lastSeq + 1) {
      state.lastSeq = seq;
      return [message, ...this.#release(state)];
    }
    if (state.held.size >= this.#maxHeld) {
      state.openEnded = true;
      // Keep the lowest seqs: they are the next to deliver. The dropped ones are fetched later.
      const highest = maxKey(state.held);
      if (highest === undefined || seq > highest) return [];
      state.held.delete(highest);
    }
    state.held.set(seq, message);
    return [];
  }

  /**
   * Raises lastSeq to `seq` without delivering anything below it (a resume point, a backfill floor, or a gap
   * given up on). Never lowers it. Returns the held messages that now follow on.
   */
  advanceTo(conversationId: string, seq: number): UnifiedMessage[] {
    const state = this.#state(conversationId);
    if (seq <= state.lastSeq) return [];
    state.lastSeq = seq;
    for (const held of state.held.keys()) if (held <= seq) state.held.delete(held);
    return this.#release(state);
  }

  /** The first range this conversation is missing, if any. */
  missing(conversationId: string): SeqRange | undefined {
    const state = this.#conversations.get(conversationId);
    if (state === undefined) return undefined;
    const lowestHeld = minKey(state.held);
    if (lowestHeld !== undefined) return { from: state.lastSeq + 1, to: lowestHeld - 1 };
    return state.openEnded ? { from: state.lastSeq + 1, to: 0 } : undefined;
  }

  /** The lowest held seq, if any. */
  lowestHeld(conversationId: string): number | undefined {
    const state = this.#conversations.get(conversationId);
    return state === undefined ? undefined : minKey(state.held);
  }

  /** A fetch up to the newest message came back complete: nothing beyond the held messages is missing. */
  settle(conversationId: string): void {
    const state = this.#conversations.get(conversationId);
    if (state !== undefined) state.openEnded = false;
  }

  /** Forgets every held message and open-ended gap (the socket is gone; resuming redelivers them). */
  dropHeld(): void {
    for (const state of this.#conversations.values()) {
      state.held.clear();
      state.openEnded = false;
    }
  }

  #state(conversationId: string): SequenceState {
    let state = this.#conversations.get(conversationId);
    if (state === undefined) {
      state = { lastSeq: 0, held: new Map(), openEnded: false };
      this.#conversations.set(conversationId, state);
    }
    return state;
  }

  #release(state: SequenceState): UnifiedMessage[] {
    const out: UnifiedMessage[] = [];
    for (;;) {
      const next = state.held.get(state.lastSeq + 1);
      if (next === undefined) return out;
      state.held.delete(next.seq);
      state.lastSeq = next.seq;
      out.push(next);
    }
  }
}

function minKey(map: ReadonlyMap<number, unknown>): number | undefined {
  let min: number | undefined;
  for (const key of map.keys()) if (min === undefined || key < min) min = key;
  return min;
}

function maxKey(map: ReadonlyMap<number, unknown>): number | undefined {
  let max: number | undefined;
  for (const key of map.keys()) if (max === undefined || key > max) max = key;
  return max;
}
