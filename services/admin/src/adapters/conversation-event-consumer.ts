import { ConversationEvent, type SubjectCatalog } from '@switchboard/proto';
import {
  ensureStreams,
  extractNatsHeaders,
  inSpan,
  isNotFound,
  SpanKind,
  SpanStatusCode,
  type Logger,
  type Span,
  type Tracer,
} from '@switchboard/shared';
import {
  AckPolicy,
  DeliverPolicy,
  nanos,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
} from 'nats';
import { validateConversationEvent, type ConversationProjector } from '../domain/conversation-projection';

export const CONVERSATIONS_DURABLE = 'admin-conversations';

export interface ConversationEventConsumerOptions {
  readonly nc: NatsConnection;
  readonly catalog: SubjectCatalog;
  readonly projector: ConversationProjector;
  readonly tracer: Tracer;
  readonly logger: Logger;
  readonly durable?: string;
  /** Redelivery delay after a failed write doubles from this... */
  readonly retryBaseMs?: number;
  /** ...up to this. */
  readonly retryMaxMs?: number;
}

/** What happened to one delivered message. */
export type DeliveryOutcome = 'applied' | 'stale' | 'terminated' | 'retry';

/**
 * Durable pull consumer `admin-conversations` on SB_EVENTS, filtered to conversation lifecycle events.
 * Acks after the MongoDB write (at-least-once; the projection is idempotent), naks with backoff when the
 * write fails, and terminates payloads that can never be projected so they do not block later events.
 */
export class ConversationEventConsumer {
  private readonly log: Logger;
  private readonly durable: string;
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly opts: ConversationEventConsumerOptions) {
    this.log = opts.logger.child({ component: 'conversation-projector' });
    this.durable = opts.durable ?? CONVERSATIONS_DURABLE;
  }

  async start(): Promise<void> {
    const { nc, catalog } = this.opts;
    const jsm = await nc.jetstreamManager();
    await ensureStreams(jsm, catalog);
    await this.ensureConsumer(jsm);
    const consumer = await nc.jetstream().consumers.get(catalog.streams.events, this.durable);
    const messages = await consumer.consume({ max_messages: 64 });
    this.messages = messages;
    this.loop = this.run(messages);
    this.log.info({ stream: catalog.streams.events, durable: this.durable }, 'consuming conversation events');
  }

  /** Stops pulling, lets the message in hand finish, and returns; unacked messages are redelivered later. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.messages?.close();
    await this.loop;
  }

  private async ensureConsumer(jsm: JetStreamManager): Promise<void> {
    const stream = this.opts.catalog.streams.events;
    const filter = this.opts.catalog.conversationEventsAll();
    try {
      const info = await jsm.consumers.info(stream, this.durable);
      if (info.config.filter_subject !== filter) {
        await jsm.consumers.update(stream, this.durable, { filter_subject: filter });
      }
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const config: Partial<ConsumerConfig> = {
      durable_name: this.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: filter,
      ack_wait: nanos(30_000),
      max_deliver: -1,
      max_ack_pending: 1_000,
    };
    try {
      await jsm.consumers.add(stream, config);
    } catch (err) {
      // Another admin instance created it first with the same config.
      if (!/already (exists|in use)/i.test(String(err))) throw err;
    }
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const msg of messages) {
        await this.handle(msg);
      }
    } catch (err) {
      this.log.error({ err }, 'conversation event consumer failed');
    }
    if (!this.stopping) this.log.error('conversation event consumer ended unexpectedly');
  }

  /** Handles one delivery; exposed so tests can drive it without a server. */
  handle(msg: JsMsg): Promise<DeliveryOutcome> {
    const attributes = {
      'messaging.system': 'nats',
      'messaging.destination.name': msg.subject,
      'messaging.nats.stream_sequence': msg.seq,
    };
    return inSpan(
      this.opts.tracer,
      'admin.project_conversation_event',
      extractNatsHeaders(msg.headers),
      attributes,
      (span) => this.process(msg, span),
      SpanKind.CONSUMER,
    );
  }

  private async process(msg: JsMsg, span: Span): Promise<DeliveryOutcome> {
    let event: ConversationEvent;
    try {
      event = ConversationEvent.decode(msg.data);
      validateConversationEvent(event);
      // The subject's tenant must be the payload's: a publisher cannot write into another tenant.
      const expected = this.opts.catalog.conversationEvent(event.tenantId, event.type);
      if (msg.subject !== expected)
        throw new Error(`subject ${msg.subject} does not match payload (${expected})`);
    } catch (err) {
      this.log.error(
        { err, subject: msg.subject, seq: msg.seq },
        'undecodable conversation event; terminated',
      );
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'undecodable event' });
      // No reason argument: nats-server 2.9 only recognises a bare "+TERM" and ignores "+TERM <reason>".
      msg.term();
      return 'terminated';
    }
    span.setAttributes({
      'switchboard.tenant_id': event.tenantId,
      'switchboard.conversation_id': event.conversationId,
      'switchboard.version': event.version,
    });
    try {
      const outcome = await this.opts.projector.apply(event);
      msg.ack();
      span.setAttribute('switchboard.outcome', outcome);
      this.log.debug(
        { tenant_id: event.tenantId, conversation_id: event.conversationId, version: event.version, outcome },
        'conversation event projected',
      );
      return outcome;
    } catch (err) {
      const delayMs = this.retryDelay(msg.info.deliveryCount);
      this.log.error(
        { err, tenant_id: event.tenantId, conversation_id: event.conversationId, delay_ms: delayMs },
        'could not project conversation event; will retry',
      );
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: err instanceof Error ? err.message : String(err),
      });
      msg.nak(delayMs);
      return 'retry';
    }
  }

  private retryDelay(deliveryCount: number): number {
    const base = this.opts.retryBaseMs ?? 500;
    const max = this.opts.retryMaxMs ?? 30_000;
    return Math.min(max, base * 2 ** Math.min(Math.max(deliveryCount - 1, 0), 16));
  }
}
