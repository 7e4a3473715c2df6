import { ErrorCode, Headers, UnifiedMessage, type SubjectCatalog } from '@switchboard/proto';
import {
  directGetOf,
  isNotFound,
  SwitchboardError,
  tracedHeaders,
  type DirectGet,
} from '@switchboard/shared';
import type { JetStreamClient, JetStreamManager, StoredMsg } from 'nats';
import {
  ConflictError,
  type AppendResult,
  type ConversationIndex,
  type ConversationLog,
} from '../domain/ports';

/**
 * SB_CONV as the conversation log: one subject per conversation, Nats-Msg-Id for de-duplication, and
 * Nats-Expected-Last-Subject-Sequence so a writer that lost track (or a stale owner) cannot fork the order.
 */
export class JetStreamConversationLog implements ConversationLog {
  private readonly direct: DirectGet;

  constructor(
    private readonly js: JetStreamClient,
    jsm: JetStreamManager,
    private readonly catalog: SubjectCatalog,
    private readonly timeoutMs: number,
    private readonly writer: string,
  ) {
    this.direct = directGetOf(jsm);
  }

  async index(tenantId: string, conversationId: string): Promise<ConversationIndex> {
    const subject = this.catalog.conversation(tenantId, conversationId);
    const ids = new Map<string, number>();
    let firstSeq: number | undefined;
    let last: { seq: number; position: number } | undefined;
    let position = 1;
    // Walks the conversation's subject only: the server skips other conversations' messages.
    for (;;) {
      let m: StoredMsg;
      try {
        m = await this.direct.getMessage(this.catalog.streams.conv, { next_by_subj: subject, seq: position });
      } catch (err) {
        if (isNotFound(err)) break;
        throw unavailable('reading the conversation log failed', err);
      }
      const seq = seqHeader(m.header.get(Headers.seq), m.seq);
      firstSeq ??= seq;
      ids.set(clientMsgIdOf(m), seq);
      last = { seq, position: m.seq };
      position = m.seq + 1;
    }
    return { last, ids, firstSeq: firstSeq ?? (last?.seq ?? 0) + 1 };
  }

  async append(message: UnifiedMessage, expectedLastPosition: number): Promise<AppendResult> {
    const headers = tracedHeaders();
    headers.set(Headers.seq, String(message.seq));
    headers.set(Headers.clientMsgId, message.clientMsgId);
    headers.set(Headers.writer, this.writer);
    try {
      const ack = await this.js.publish(
        this.catalog.conversation(message.tenantId, message.conversationId),
        UnifiedMessage.encode(message).finish(),
        {
          msgID: `${message.tenantId}.${message.conversationId}.${message.clientMsgId}`,
          expect: { lastSubjectSequence: expectedLastPosition },
          headers,
          timeout: this.timeoutMs,
        },
      );
      return { position: ack.seq, duplicate: ack.duplicate };
    } catch (err) {
      if (/wrong last sequence/i.test(String(err))) {
        throw new ConflictError('the conversation log moved on since it was read', { cause: err });
      }
      throw unavailable('appending to the conversation log failed', err);
    }
  }

  async seqAt(position: number): Promise<number> {
    try {
      const m = await this.direct.getMessage(this.catalog.streams.conv, { seq: position });
      return seqHeader(m.header.get(Headers.seq), position);
    } catch (err) {
      throw unavailable('reading the conversation log failed', err);
    }
  }
}

function clientMsgIdOf(m: StoredMsg): string {
  const fromHeader = m.header.get(Headers.clientMsgId);
  return fromHeader !== '' ? fromHeader : UnifiedMessage.decode(m.data).clientMsgId;
}

function seqHeader(value: string, position: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`message at stream position ${position} has no valid ${Headers.seq} header`);
  return n;
}

function unavailable(message: string, cause: unknown): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, message, true, { cause });
}
