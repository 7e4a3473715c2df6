import { ErrorCode, Headers, UnifiedMessage, type SubjectCatalog } from '@switchboard/proto';
import { decodeOrBadFrame, isNotFound, SwitchboardError, type DirectQuery } from '@switchboard/shared';
import type { MessageLog, StreamRun } from '../domain/ports';

/** One message as JetStream direct get returns it: its stream position, headers and payload. */
export interface DirectMessage {
  /** The stream position (not the conversation seq). */
  readonly seq: number;
  readonly header: { get(key: string): string };
  readonly data: Uint8Array;
}

/** JetStream direct get (nats.js's `jsm.direct`, see directGetOf in @switchboard/shared). */
export interface DirectReader {
  getMessage(stream: string, query: DirectQuery): Promise<DirectMessage>;
}

/**
 * SB_CONV as the gateway reads it. Conversation seq grows with stream position within a subject, so the
 * position of seq N is found by binary search over positions with `next_by_subj` (the server skips other
 * subjects), bounded by the subject's first message and `last_by_subj`; then it reads forward. nats-server
 * 2.9 has no batched direct get, so each message is one request.
 */
export class JetStreamMessageLog implements MessageLog {
  constructor(
    private readonly direct: DirectReader,
    private readonly catalog: SubjectCatalog,
  ) {}

  async lastSeq(tenantId: string, conversationId: string): Promise<number> {
    const last = await this.get({ last_by_subj: this.catalog.conversation(tenantId, conversationId) });
    return last === undefined ? 0 : seqOf(last);
  }

  async readFrom(
    tenantId: string,
    conversationId: string,
    fromSeq: number,
    limit: number,
  ): Promise<StreamRun> {
    const subject = this.catalog.conversation(tenantId, conversationId);
    const last = await this.get({ last_by_subj: subject });
    if (last === undefined) return { messages: [], lastSeq: 0 };
    const lastSeq = seqOf(last);
    if (fromSeq > lastSeq || limit < 1) return { messages: [], lastSeq };
    const start = fromSeq === lastSeq ? last : await this.firstAtOrAfter(subject, fromSeq, last, lastSeq);
    if (start === undefined) return { messages: [], lastSeq };
    const messages = [decode(start)];
    let position = start.seq + 1;
    while (messages.length < limit) {
      const m = await this.get({ next_by_subj: subject, seq: position });
      if (m === undefined) break;
      messages.push(decode(m));
      position = m.seq + 1;
    }
    return { messages, lastSeq };
  }

  /**
   * The subject's first message with conversation seq >= fromSeq (`last` qualifies). Each seq occupies one
   * position, so it lies at least (fromSeq - firstSeq) positions after the first message and at most
   * (lastSeq - fromSeq) before the last: the search starts inside those bounds.
   */
  private async firstAtOrAfter(
    subject: string,
    fromSeq: number,
    last: DirectMessage,
    lastSeq: number,
  ): Promise<DirectMessage | undefined> {
    const first = await this.get({ next_by_subj: subject, seq: 1 });
    if (first === undefined) return undefined; // trimmed away since `last` was read
    const firstSeq = seqOf(first);
    if (firstSeq >= fromSeq) return first;
    let best = last;
    let lo = Math.max(first.seq + 1, first.seq + (fromSeq - firstSeq));
    let hi = Math.min(last.seq - 1, last.seq - (lastSeq - fromSeq));
    if (lo > hi) {
      lo = first.seq + 1;
      hi = last.seq - 1;
    }
    while (lo <= hi) {
      const mid = lo + Math.floor((hi - lo) / 2);
      const m = await this.get({ next_by_subj: subject, seq: mid });
      if (m === undefined || m.seq > hi) {
        hi = mid - 1; // no message of the subject in [mid, hi]
      } else if (seqOf(m) >= fromSeq) {
        best = m;
        hi = mid - 1;
      } else {
        lo = m.seq + 1;
      }
    }
    return best;
  }

  private async get(query: DirectQuery): Promise<DirectMessage | undefined> {
    try {
      return await this.direct.getMessage(this.catalog.streams.conv, query);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw new SwitchboardError(
        ErrorCode.ERROR_CODE_UNAVAILABLE,
        'reading the message stream failed',
        true,
        {
          cause: err,
        },
      );
    }
  }
}

function decode(m: DirectMessage): UnifiedMessage {
  return decodeOrBadFrame('stored message', () => UnifiedMessage.decode(m.data));
}

/** The conversation seq of a stored message: its Sb-Seq header, else its payload. */
function seqOf(m: DirectMessage): number {
  const n = Number(m.header.get(Headers.seq));
  return Number.isSafeInteger(n) && n > 0 ? n : decode(m).seq;
}
