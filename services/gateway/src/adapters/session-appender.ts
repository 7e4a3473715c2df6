import {
  AppendRequest,
  AppendResponse,
  ErrorCode,
  type AppendAck,
  type SubjectCatalog,
  type UnifiedMessage,
} from '@switchboard/proto';
import { decodeOrBadFrame, partitionOf, SwitchboardError, tracedHeaders } from '@switchboard/shared';
import type { NatsConnection } from 'nats';

/** Hands a message to the owner of its conversation's session partition and waits for the durable ack. */
export interface SessionAppender {
  append(message: UnifiedMessage): Promise<AppendAck>;
}

export class NatsSessionAppender implements SessionAppender {
  constructor(
    private readonly nc: NatsConnection,
    private readonly catalog: SubjectCatalog,
    private readonly partitions: number,
    private readonly timeoutMs: number,
  ) {}

  async append(message: UnifiedMessage): Promise<AppendAck> {
    const subject = this.catalog.sessionAppend(partitionOf(message.conversationId, this.partitions));
    let data: Uint8Array;
    try {
      const reply = await this.nc.request(subject, AppendRequest.encode({ message }).finish(), {
        timeout: this.timeoutMs,
        headers: tracedHeaders(),
      });
      data = reply.data;
    } catch (err) {
      // No responder or no answer in time: the outcome is unknown, so the client retries with the same id.
      throw new SwitchboardError(
        ErrorCode.ERROR_CODE_UNAVAILABLE,
        'the session service did not answer; retry',
        true,
        {
          cause: err,
        },
      );
    }
    const res = decodeOrBadFrame('append reply', () => AppendResponse.decode(data));
    switch (res.result?.$case) {
      case 'ack':
        return res.result.value;
      case 'error':
        throw SwitchboardError.fromDetail(res.result.value);
      case undefined:
        throw new SwitchboardError(ErrorCode.ERROR_CODE_INTERNAL, 'empty append reply');
    }
  }
}
