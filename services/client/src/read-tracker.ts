import type { ReadState, UnifiedMessage } from '@switchboard/proto/wire';
import { isHiddenMessage } from './message-kinds';

/** How far the participant has read one conversation, as the SDK knows it. */
export interface ReadStateInfo {
  conversationId: string;
  /** The last seq read: a markRead, or the participant's own latest message, whichever is later. */
  readSeq: number;
  /** Messages from others after readSeq. */
  unreadCount: number;
  /** The newest seq the SDK knows of (from Welcome or a delivery). */
  lastSeq: number;
}

interface TrackedState {
  readSeq: number;
  unreadCount: number;
  lastSeq: number;
  /** Seqs of delivered messages from others after readSeq, ascending; lets a partial markRead recount. */
  unreadSeqs: number[];
  /** Seqs of delivered hidden (redacted) messages after readSeq: the gateway's unread_count includes them. */
  hiddenSeqs: number[];
}

/**
 * Unread counts per conversation: seeded from Welcome.read_states (which count messages that arrived while
 * the participant was offline), then kept current as messages are delivered, read and sent. Pure bookkeeping.
 *
 * Neither the participant's own messages nor hidden ones (MESSAGE_KIND_REDACTED: a note as a visitor gets it)
 * count. Welcome's unread_count is `last_seq - read_seq`, redacted ones included: the tracker subtracts those
 * it has seen, and each one delivered later inside Welcome's range.
 */
export class ReadTracker {
  readonly #states = new Map<string, TrackedState>();
  #participantId = '';

  /** A new Welcome: the gateway's read states replace the local ones for the conversations it lists. */
  welcome(participantId: string, readStates: readonly ReadState[]): ReadStateInfo[] {
    this.#participantId = participantId;
    return readStates.map((rs) => {
      const lastSeq = Math.max(rs.lastSeq, rs.readSeq);
      const hiddenSeqs = (this.#states.get(rs.conversationId)?.hiddenSeqs ?? []).filter(
        (s) => s > rs.readSeq,
      );
      const hiddenCounted = hiddenSeqs.filter((s) => s <= lastSeq).length;
      const state: TrackedState = {
        readSeq: rs.readSeq,
        unreadCount: Math.max(0, rs.unreadCount - hiddenCounted),
        lastSeq,
        unreadSeqs: [],
        hiddenSeqs,
      };
      this.#states.set(rs.conversationId, state);
      return info(rs.conversationId, state);
    });
  }

  /** A message was delivered (in order, once). Returns the new state when it changed. */
  delivered(message: UnifiedMessage): ReadStateInfo | undefined {
    const { conversationId, seq } = message;
    // Sending a message marks everything before it read, as the gateway does.
    if (this.#participantId !== '' && message.sender?.id === this.#participantId) {
      return this.read(conversationId, seq);
    }
    const state = this.#state(conversationId);
    if (isHiddenMessage(message)) return this.#deliveredHidden(state, conversationId, seq);
    if (seq > state.lastSeq) {
      state.lastSeq = seq;
      if (seq <= state.readSeq) return info(conversationId, state);
      state.unreadCount++;
      state.unreadSeqs.push(seq);
      return info(conversationId, state);
    }
    // Already counted (Welcome's unread_count covers it): remember it for a later partial markRead.
    if (seq > state.readSeq && !state.unreadSeqs.includes(seq)) {
      state.unreadSeqs.push(seq);
      state.unreadSeqs.sort((a, b) => a - b);
    }
    return undefined;
  }

  #deliveredHidden(state: TrackedState, conversationId: string, seq: number): ReadStateInfo | undefined {
    if (seq <= state.readSeq || state.hiddenSeqs.includes(seq)) {
      if (seq > state.lastSeq) state.lastSeq = seq;
      return undefined;
    }
    state.hiddenSeqs.push(seq);
    if (seq > state.lastSeq) {
      state.lastSeq = seq;
      return info(conversationId, state);
    }
    // Welcome's unread_count counted it: take it back out.
    if (state.unreadCount === 0) return undefined;
    state.unreadCount--;
    return info(conversationId, state);
  }

  /** Everything up to `seq` is read (markRead, or an own message acknowledged). Returns the new state if any. */
  read(conversationId: string, seq: number): ReadStateInfo | undefined {
    const state = this.#state(conversationId);
    if (seq <= state.readSeq) return undefined;
    state.readSeq = seq;
    state.hiddenSeqs = state.hiddenSeqs.filter((s) => s > seq);
    const before = state.unreadSeqs.length;
    state.unreadSeqs = state.unreadSeqs.filter((s) => s > seq);
    const removed = before - state.unreadSeqs.length;
    if (seq >= state.lastSeq) {
      state.lastSeq = seq;
      state.unreadCount = state.unreadSeqs.length;
    } else {
      state.unreadCount = Math.max(state.unreadSeqs.length, state.unreadCount - removed);
    }
    return info(conversationId, state);
  }

  get(conversationId: string): ReadStateInfo | undefined {
    const state = this.#states.get(conversationId);
    return state === undefined ? undefined : info(conversationId, state);
  }

  all(): ReadStateInfo[] {
    return [...this.#states].map(([conversationId, state]) => info(conversationId, state));
  }

  #state(conversationId: string): TrackedState {
    let state = this.#states.get(conversationId);
    if (state === undefined) {
      state = { readSeq: 0, unreadCount: 0, lastSeq: 0, unreadSeqs: [], hiddenSeqs: [] };
      this.#states.set(conversationId, state);
    }
    return state;
  }
}

function info(conversationId: string, state: TrackedState): ReadStateInfo {
  return {
    conversationId,
    readSeq: state.readSeq,
    unreadCount: state.unreadCount,
    lastSeq: state.lastSeq,
  };
}
