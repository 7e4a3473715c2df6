import { ConversationSignal, QueueSnapshot, type SubjectCatalog } from '@switchboard/proto';
import { tracedHeaders, type Logger } from '@switchboard/shared';
import type { NatsConnection } from 'nats';
import type { SignalPublisher } from '../domain/ports';

/** Core NATS publishes: signals on sb.v1.signal.<tenant>.<conversation>, snapshots on sb.v1.queue.<tenant>. */
export class NatsSignalPublisher implements SignalPublisher {
  constructor(
    private readonly nc: NatsConnection,
    private readonly catalog: SubjectCatalog,
    private readonly logger: Logger,
  ) {}

  signal(s: ConversationSignal): void {
    this.publish(
      () => this.catalog.conversationSignals(s.tenantId, s.conversationId),
      () => ConversationSignal.encode(s).finish(),
    );
  }

  snapshot(s: QueueSnapshot): void {
    this.publish(
      () => this.catalog.queue(s.tenantId),
      () => QueueSnapshot.encode(s).finish(),
    );
  }

  private publish(subject: () => string, data: () => Uint8Array): void {
    try {
      this.nc.publish(subject(), data(), { headers: tracedHeaders() });
    } catch (err) {
      // Signals are ephemeral and superseded by the next one; a lost one is not worth more than a line.
      this.logger.warn({ err }, 'publishing a routing signal failed');
    }
  }
}
