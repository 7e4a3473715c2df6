import type { UnifiedMessage } from '@switchboard/proto';

/** What SB_CONV still holds of one conversation's messages (older ones may have been trimmed by age). */
export interface StreamRun {
  /** Messages with seq >= the seq asked for, in seq order; the first is later than asked when trimmed. */
  readonly messages: UnifiedMessage[];
  /** The newest seq the stream holds for the conversation; 0 when it holds none. */
  readonly lastSeq: number;
}

/** Reads conversation messages from the stream (SB_CONV). */
export interface MessageLog {
  /** At most `limit` stored messages with seq >= fromSeq, in order, and the conversation's last seq. */
  readFrom(tenantId: string, conversationId: string, fromSeq: number, limit: number): Promise<StreamRun>;
  /** The newest seq the stream holds for the conversation; 0 when it holds none. */
  lastSeq(tenantId: string, conversationId: string): Promise<number>;
}

export interface HistoryPage {
  readonly messages: UnifiedMessage[];
  readonly hasMore: boolean;
}

/** Reads conversation history that is no longer in the stream (persistence's HistoryService, ClickHouse). */
export interface HistoryArchive {
  /** Messages with seq > afterSeq, in order, at most `limit` (1..1000). Throws UNAVAILABLE when unreachable. */
  listAfter(tenantId: string, conversationId: string, afterSeq: number, limit: number): Promise<HistoryPage>;
}

export interface SearchOptions {
  /** 1..100. */
  readonly limit: number;
  /** Only conversations this participant wrote in, when set. */
  readonly participantId?: string;
  readonly conversationId?: string;
}

/** Searches stored history (persistence's HistoryService). */
export interface HistorySearch {
  /** Messages containing `query` (case-insensitive), newest first. Throws UNAVAILABLE when unreachable. */
  search(tenantId: string, query: string, options: SearchOptions): Promise<HistoryPage>;
}

/** Where participants' read marks live (NATS KV). */
export interface ReadMarkStore {
  /** The stored read mark; 0 when there is none. */
  get(tenantId: string, conversationId: string, participantId: string): Promise<number>;
  /** Raises the stored read mark to `seq`; never lowers it, whatever other writers do concurrently. */
  advance(tenantId: string, conversationId: string, participantId: string, seq: number): Promise<void>;
}

/** Runs `fn` once after `ms`; returns a function that cancels it. */
export type Schedule = (fn: () => void, ms: number) => () => void;
