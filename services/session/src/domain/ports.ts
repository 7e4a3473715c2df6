import type { ConversationEvent, ConversationSummary, UnifiedMessage } from '@switchboard/proto';

/** A conversation's lifecycle state with the store revision it was read at (for compare-and-set). */
export interface StoredState {
  readonly summary: ConversationSummary;
  readonly revision: number;
}

/** Thrown by a store or log when a compare-and-set lost: someone else wrote first. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** Durable lifecycle state per conversation (NATS KV in production). */
export interface ConversationStateStore {
  get(tenantId: string, conversationId: string): Promise<StoredState | undefined>;
  /** Creates the entry; ConflictError when it exists. Resolves to the new revision. */
  create(summary: ConversationSummary): Promise<number>;
  /** Replaces the entry if it is still at `revision`; ConflictError otherwise. */
  update(summary: ConversationSummary, revision: number): Promise<number>;
}

export interface LastMessage {
  /** The conversation seq of the last message. */
  readonly seq: number;
  /** Its position in the log, used to fence concurrent writers. */
  readonly position: number;
}

export interface AppendResult {
  readonly position: number;
  /** The log had this message already (same conversation and client_msg_id). */
  readonly duplicate: boolean;
}

/** What the log holds of one conversation: enough to sequence and de-duplicate its next message. */
export interface ConversationIndex {
  readonly last: LastMessage | undefined;
  /** client_msg_id → seq of every message still in the log. */
  readonly ids: Map<string, number>;
  /**
   * The lowest seq still in the log (1 when nothing was trimmed; last.seq + 1 when empty). Messages below it
   * were trimmed by retention and live only in history.
   */
  readonly firstSeq: number;
}

/** The durable, ordered message log (JetStream stream SB_CONV in production). */
export interface ConversationLog {
  /** Reads a conversation's last message and the ids of all its messages still in the log. */
  index(tenantId: string, conversationId: string): Promise<ConversationIndex>;
  /**
   * Appends `message` only if the conversation's last position is still `expectedLastPosition`
   * (0 = no message yet); ConflictError otherwise.
   */
  append(message: UnifiedMessage, expectedLastPosition: number): Promise<AppendResult>;
  /** The conversation seq of the message stored at `position`. */
  seqAt(position: number): Promise<number>;
}

/** Publishes lifecycle events to the public catalog (stream SB_EVENTS). Idempotent per event version. */
export interface EventPublisher {
  publish(event: ConversationEvent): Promise<void>;
}

/** Stored history (ClickHouse, through persistence), for messages the log no longer holds. */
export interface HistoryLookup {
  /** The seq of the message its sender sent with `clientMsgId`, if history has it. */
  findSeq(tenantId: string, conversationId: string, clientMsgId: string): Promise<number | undefined>;
}

export interface Clock {
  now(): number;
}
