import { ConversationEvent, ErrorCode, type SubjectCatalog } from '@switchboard/proto';
import { SwitchboardError, tracedHeaders } from '@switchboard/shared';
import type { JetStreamClient } from 'nats';
import type { EventPublisher } from '../domain/ports';

/** Lifecycle events on SB_EVENTS; Nats-Msg-Id `<tenant>.<conversation>.v<version>` makes a repeat harmless. */
export class JetStreamEventPublisher implements EventPublisher {
  constructor(
    private readonly js: JetStreamClient,
    private readonly catalog: SubjectCatalog,
    private readonly timeoutMs: number,
  ) {}

  async publish(event: ConversationEvent): Promise<void> {
    try {
      await this.js.publish(
        this.catalog.conversationEvent(event.tenantId, event.type),
        ConversationEvent.encode(event).finish(),
        {
          msgID: `${event.tenantId}.${event.conversationId}.v${event.version}`,
          headers: tracedHeaders(),
          timeout: this.timeoutMs,
        },
      );
    } catch (err) {
      throw new SwitchboardError(
        ErrorCode.ERROR_CODE_UNAVAILABLE,
        'publishing a lifecycle event failed',
        true,
        {
          cause: err,
        },
      );
    }
  }
}
