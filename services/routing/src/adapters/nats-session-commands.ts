import {
  ErrorCode,
  SessionCommandRequest,
  SessionCommandResponse,
  type ConversationSummary,
  type SubjectCatalog,
} from '@switchboard/proto';
import { decodeOrBadFrame, partitionOf, SwitchboardError, tracedHeaders } from '@switchboard/shared';
import type { NatsConnection } from 'nats';
import { ROUTING_ACTOR, type RoutingCommand } from '../domain/planner';
import { SessionNoAnswerError, type SessionCommands } from '../domain/ports';

/** Lifecycle commands as NATS requests to the conversation's session partition owner, sent as SYSTEM. */
export class NatsSessionCommands implements SessionCommands {
  constructor(
    private readonly nc: NatsConnection,
    private readonly catalog: SubjectCatalog,
    private readonly partitions: number,
    private readonly timeoutMs: number,
  ) {}

  async send(command: RoutingCommand): Promise<ConversationSummary> {
    const req = SessionCommandRequest.encode(requestOf(command)).finish();
    let data: Uint8Array;
    try {
      const reply = await this.nc.request(
        this.catalog.sessionCommand(partitionOf(command.conversationId, this.partitions)),
        req,
        { timeout: this.timeoutMs, headers: tracedHeaders() },
      );
      data = reply.data;
    } catch (err) {
      throw new SessionNoAnswerError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'session did not answer', true, {
        cause: err,
      });
    }
    const res = decodeOrBadFrame('session command reply', () => SessionCommandResponse.decode(data));
    switch (res.result?.$case) {
      case 'conversation':
        return res.result.value;
      case 'error':
        throw SwitchboardError.fromDetail(res.result.value);
      case undefined:
        throw new SwitchboardError(ErrorCode.ERROR_CODE_BAD_FRAME, 'session command reply without a result');
    }
  }
}

export function requestOf(command: RoutingCommand): SessionCommandRequest {
  const base = {
    tenantId: command.tenantId,
    conversationId: command.conversationId,
    actor: ROUTING_ACTOR,
    actorIsSupervisor: false,
  };
  switch (command.kind) {
    case 'enqueue':
      return {
        ...base,
        command: {
          $case: 'enqueue',
          value: { groupId: command.groupId, priority: command.priority, reason: command.reason },
        },
      };
    case 'assign':
      return {
        ...base,
        command: {
          $case: 'assign',
          value: {
            agentId: command.agentId,
            agentDisplayName: command.agentDisplayName,
            accepted: command.accepted,
          },
        },
      };
    case 'requeue':
      return {
        ...base,
        command: {
          $case: 'requeue',
          value: { expectedAgentId: command.expectedAgentId, reason: command.reason },
        },
      };
    case 'close':
      return {
        ...base,
        command: {
          $case: 'close',
          value: { reason: command.reason, reopenWindowMs: command.reopenWindowMs },
        },
      };
  }
}
