/**
 * The interfaces the domain owns. Adapters (ClickHouse, JetStream, Prometheus) implement them; main.ts wires
 * them together; unit tests replace them with in-memory fakes.
 */

/** One stored message: the columns of the `messages` table, as written with JSONEachRow. */
export interface MessageRow {
  readonly tenant_id: string;
  readonly conversation_id: string;
  readonly seq: number;
  readonly client_msg_id: string;
  /** The enum's proto name, e.g. PARTICIPANT_ROLE_VISITOR. */
  readonly sender_role: string;
  readonly sender_id: string;
  readonly sender_name: string;
  /** The enum's proto name, e.g. CHANNEL_WEB_WIDGET. */
  readonly channel: string;
  /** The enum's proto name, e.g. MESSAGE_KIND_TEXT. */
  readonly kind: string;
  readonly text: string;
  readonly client_sent_at_ms: number;
  readonly accepted_at_ms: number;
  /** Unix seconds; the partition key. */
  readonly accepted_at: number;
  readonly metadata_keys: readonly string[];
  readonly metadata_values: readonly string[];
}

/** One page of one conversation, always scoped by tenant. */
export interface HistoryQuery {
  readonly tenantId: string;
  readonly conversationId: string;
  /** Only rows with seq > afterSeq. */
  readonly afterSeq: number;
  /** At most this many rows, in seq order. */
  readonly maxRows: number;
}

/** A case-insensitive substring search over one tenant's rows. */
export interface SearchQuery {
  readonly tenantId: string;
  readonly text: string;
  /** Only this conversation, when set. */
  readonly conversationId?: string;
  /** Only conversations this participant sent a message in, when set. */
  readonly participantId?: string;
  /** At most this many rows, newest first. */
  readonly maxRows: number;
}

/** Where batches go. */
export interface RowSink {
  insert(rows: readonly MessageRow[]): Promise<void>;
}

/** The history store: batches in, pages out. */
export interface MessageStore extends RowSink {
  /** One conversation's rows with seq > afterSeq, de-duplicated by seq, ascending, at most maxRows. */
  list(query: HistoryQuery): Promise<MessageRow[]>;
  /** The row its sender sent with `clientMsgId`, if stored. */
  findByClientMsgId(
    tenantId: string,
    conversationId: string,
    clientMsgId: string,
  ): Promise<MessageRow | undefined>;
  /** Rows whose text contains `text` (case-insensitive), de-duplicated, newest first, at most maxRows. */
  search(query: SearchQuery): Promise<MessageRow[]>;
  /** Throws when the store cannot answer. */
  ping(): Promise<void>;
}

/** A delivered message that the batcher settles once its row's fate is known. */
export interface DeliveryHandle {
  /** The row is stored: the message may be acknowledged. */
  ack(): void;
  /** The row was given up unstored (shutdown while the store is down): deliver it again, elsewhere. */
  nak(): void;
  /** Retries go on: keep the message from being redelivered meanwhile. */
  inProgress(): void;
}

/** What the pipeline counts. */
export interface PipelineMetrics {
  batchInserted(rows: number, seconds: number): void;
  insertFailed(): void;
  poisonMessage(): void;
}
