import { ErrorCode, Headers, UnifiedMessage, type SubjectCatalog } from '@switchboard/proto';
import { isNotFound, SwitchboardError, tracedHeaders } from '@switchboard/shared';
import type { JetStreamClient, JetStreamManager } from 'nats';
import { ConflictError, type AppendResult, type ConversationLog, type LastMessage } from '../domain/ports';

/**
 * SB_CONV as the conversation log: one subject per conversation, Nats-Msg-Id for de-duplication, and
 * Nats-Expected-Last-Subject-Sequence so a writer that lost track (or a stale owner) cannot fork the order.
 */
export class JetStreamConversationLog implements ConversationLog {
  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly catalog: SubjectCatalog,
    private readonly timeoutMs: number,
  ) {}

  async last(tenantId: string, conversationId: string): Promise<LastMessage | undefined> {
    try {
      const m = await this.jsm.streams.getMessage(this.catalog.streams.conv, {
        last_by_subj: this.catalog.conversation(tenantId, conversationId),
      });
      return { seq: seqHeader(m.header.get(Headers.seq), m.seq), position: m.seq };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw unavailable('reading the conversation log failed', err);
    }
  }

  async append(message: UnifiedMessage, expectedLastPosition: number): Promise<AppendResult> {
    const headers = tracedHeaders();
    headers.set(Headers.seq, String(message.seq));
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
      const m = await this.jsm.streams.getMessage(this.catalog.streams.conv, { seq: position });
      return seqHeader(m.header.get(Headers.seq), position);
    } catch (err) {
      throw unavailable('reading the conversation log failed', err);
    }
  }
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
