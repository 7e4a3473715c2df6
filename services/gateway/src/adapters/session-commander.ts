import {
  ErrorCode,
  PickRequest,
  PickResponse,
  SessionCommandRequest,
  SessionCommandResponse,
  type ConversationSummary,
  type SubjectCatalog,
} from '@switchboard/proto';
import { decodeOrBadFrame, partitionOf, SwitchboardError, tracedHeaders } from '@switchboard/shared';
import type { NatsConnection } from 'nats';

/** Lifecycle commands for session, and picks for routing. */
export interface SessionCommander {
  command(request: SessionCommandRequest): Promise<ConversationSummary>;
  pick(request: PickRequest): Promise<ConversationSummary>;
}

/**
 * Commands over NATS request/reply: to the conversation's session partition owner, picks to routing. A
 * command is not retried here (it is not idempotent the way an append with a client_msg_id is): no answer
 * is a retryable UNAVAILABLE and the client decides.
 */
export class NatsSessionCommander implements SessionCommander {
  constructor(
    private readonly nc: Pick<NatsConnection, 'request'>,
    private readonly catalog: SubjectCatalog,
    private readonly partitions: number,
    private readonly timeoutMs: number,
  ) {}

  async command(request: SessionCommandRequest): Promise<ConversationSummary> {
    const subject = this.catalog.sessionCommand(partitionOf(request.conversationId, this.partitions));
    const data = await this.request(subject, SessionCommandRequest.encode(request).finish(), 'session');
    const res = decodeOrBadFrame('session command reply', () => SessionCommandResponse.decode(data));
    return unwrap(res.result);
  }

  async pick(request: PickRequest): Promise<ConversationSummary> {
    const data = await this.request(
      this.catalog.routingPick(),
      PickRequest.encode(request).finish(),
      'routing',
    );
    const res = decodeOrBadFrame('pick reply', () => PickResponse.decode(data));
    return unwrap(res.result);
  }

  private async request(subject: string, payload: Uint8Array, who: string): Promise<Uint8Array> {
    try {
      const reply = await this.nc.request(subject, payload, {
        timeout: this.timeoutMs,
        headers: tracedHeaders(),
      });
      return reply.data;
    } catch (err) {
      throw new SwitchboardError(
        ErrorCode.ERROR_CODE_UNAVAILABLE,
        `the ${who} service did not answer; retry`,
        true,
        {
          cause: err,
        },
      );
    }
  }
}

function unwrap(
  result:
    | { $case: 'conversation'; value: ConversationSummary }
    | { $case: 'error'; value: Parameters<typeof SwitchboardError.fromDetail>[0] }
    | undefined,
): ConversationSummary {
  switch (result?.$case) {
    case 'conversation':
      return result.value;
    case 'error':
      throw SwitchboardError.fromDetail(result.value);
    case undefined:
      throw new SwitchboardError(ErrorCode.ERROR_CODE_INTERNAL, 'empty command reply');
  }
}
