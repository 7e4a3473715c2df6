import { ErrorCode, type UnifiedMessage } from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import type { HistoryArchive, MessageLog } from './ports';

export interface RangeQuery {
  readonly tenantId: string;
  readonly conversationId: string;
  /** First seq wanted (>= 1). */
  readonly fromSeq: number;
  /** Last seq wanted, inclusive; Infinity for "up to the newest". */
  readonly toSeq: number;
  /** At most this many messages (>= 1). */
  readonly limit: number;
  /**
   * A seq the conversation is known to have reached (a summary's last_seq, a client's resume point), or 0.
   * When the stream holds nothing of the conversation, history is only asked if this says there was
   * something to trim: a brand-new conversation costs no history query.
   */
  readonly knownLastSeq: number;
}

export interface MessageRange {
  /** Contiguous from fromSeq, in seq order, at most `limit`. */
  readonly messages: UnifiedMessage[];
  /** True when the range holds more messages after the last one returned. */
  readonly hasMore: boolean;
}

/** Thrown when a run of messages is in neither the stream nor history: a gap is never handed out silently. */
export class MissingMessagesError extends SwitchboardError {
  constructor(
    readonly fromSeq: number,
    readonly toSeq: number,
  ) {
    super(
      ErrorCode.ERROR_CODE_UNAVAILABLE,
      `messages ${fromSeq}..${toSeq} are not readable yet; retry later`,
      true,
    );
  }
}

/**
 * Reads a contiguous run of a conversation's messages: from the stream while it still holds them, from
 * history (ClickHouse) for what the stream has trimmed, stitched into one ordered run with no gap and no
 * repeat. History is only asked for seqs older than the stream's first message of the conversation.
 */
export class MessageRangeReader {
  constructor(
    private readonly log: MessageLog,
    private readonly archive: HistoryArchive,
  ) {}

  async read(q: RangeQuery): Promise<MessageRange> {
    const span = q.toSeq - q.fromSeq + 1;
    // One more than the limit tells whether more follow, unless the range itself is that short.
    const want = span <= q.limit ? span : q.limit + 1;
    const out = new ContiguousRun(q.fromSeq);
    while (out.length < want) {
      const n = want - out.length;
      const next = out.nextSeq;
      const run = await this.log.readFrom(q.tenantId, q.conversationId, next, n);
      const fromStream = run.messages.filter((m) => m.seq >= next).slice(0, n);
      const head = fromStream[0];
      if (head?.seq === next) {
        out.append(fromStream);
        if (fromStream.length < n) break; // the stream has nothing newer
        continue;
      }
      if (head === undefined) {
        const newest = run.lastSeq > 0 ? run.lastSeq : q.knownLastSeq;
        if (newest < next) break; // caught up: nothing newer exists anywhere
      }
      // `next` is older than the stream's first message of the conversation (trimmed): ask history for
      // everything before that message.
      const before = head?.seq ?? Infinity;
      const page = await this.archive.listAfter(
        q.tenantId,
        q.conversationId,
        next - 1,
        Math.min(n, before - next),
      );
      const older = page.messages.filter((m) => m.seq >= next && m.seq < before);
      if (older.length === 0) {
        if (head === undefined) break; // neither holds anything newer
        throw new MissingMessagesError(next, before - 1);
      }
      out.append(older);
      if (head === undefined && !page.hasMore) break;
    }
    const messages = out.messages;
    return { messages: messages.slice(0, q.limit), hasMore: messages.length > q.limit };
  }
}

/** Messages accepted only in seq order from a starting seq; a hole is an error, a repeat is dropped. */
class ContiguousRun {
  readonly messages: UnifiedMessage[] = [];

  constructor(private next: number) {}

  get nextSeq(): number {
    return this.next;
  }

  get length(): number {
    return this.messages.length;
  }

  append(ms: readonly UnifiedMessage[]): void {
    for (const m of ms) {
      if (m.seq < this.next) continue;
      if (m.seq > this.next) throw new MissingMessagesError(this.next, m.seq - 1);
      this.messages.push(m);
      this.next++;
    }
  }
}

/**
 * The longest prefix of `messages` whose encoded size stays within `maxBytes` (at least one message), so
 * one Messages frame never swamps a socket's send buffer; the caller reports the rest as has_more.
 */
export function fitToBytes(
  messages: readonly UnifiedMessage[],
  maxBytes: number,
  sizeOf: (m: UnifiedMessage) => number,
): UnifiedMessage[] {
  let total = 0;
  let n = 0;
  for (const m of messages) {
    total += sizeOf(m);
    if (n > 0 && total > maxBytes) break;
    n++;
  }
  return messages.slice(0, n);
}
