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

/** The durable, ordered message log (JetStream stream SB_CONV in production). */
export interface ConversationLog {
  last(tenantId: string, conversationId: string): Promise<LastMessage | undefined>;
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

export interface Clock {
  now(): number;
}
