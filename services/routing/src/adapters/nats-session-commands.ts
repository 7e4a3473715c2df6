import {
  ErrorCode,
  SessionCommandRequest,
  SessionCommandResponse,
  type SubjectCatalog,
} from '@switchboard/proto';
import { decodeOrBadFrame, partitionOf, SwitchboardError, tracedHeaders } from '@switchboard/shared';
import type { NatsConnection } from 'nats';
import type { SessionCommands } from '../domain/dispatcher';

/** Lifecycle commands as NATS requests to the conversation's session partition owner. */
export class NatsSessionCommands implements SessionCommands {
  constructor(
    private readonly nc: NatsConnection,
    private readonly catalog: SubjectCatalog,
    private readonly partitions: number,
    private readonly timeoutMs: number,
  ) {}

  async assign(tenantId: string, conversationId: string, agentId: string): Promise<void> {
    const req = SessionCommandRequest.encode({
      tenantId,
      conversationId,
      actor: undefined,
      command: { $case: 'assign', value: { agentId, agentDisplayName: '' } },
    }).finish();
    let data: Uint8Array;
    try {
      const reply = await this.nc.request(
        this.catalog.sessionCommand(partitionOf(conversationId, this.partitions)),
        req,
        {
          timeout: this.timeoutMs,
          headers: tracedHeaders(),
        },
      );
      data = reply.data;
    } catch (err) {
      throw new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'session did not answer', true, {
        cause: err,
      });
    }
    const res = decodeOrBadFrame('session command reply', () => SessionCommandResponse.decode(data));
    if (res.result?.$case === 'error') throw SwitchboardError.fromDetail(res.result.value);
  }
}
