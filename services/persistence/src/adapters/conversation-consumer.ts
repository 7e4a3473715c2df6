import {
  AckPolicy,
  DeliverPolicy,
  nanos,
  type Consumer,
  type ConsumerConfig,
  type ConsumerInfo,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
} from 'nats';
import type { SubjectCatalog } from '@switchboard/proto';
import {
  context,
  ensureStreams,
  extractNatsHeaders,
  SpanKind,
  SpanStatusCode,
  type Logger,
  type Span,
  type Tracer,
} from '@switchboard/shared';
import type { MessageBatcher } from '../domain/batcher';
import { readDelivery } from '../domain/delivery';
import type { DeliveryHandle, PipelineMetrics } from '../domain/ports';
import { retryDelayMs } from '../domain/retry-delay';

/** The durable pull consumer this service reads SB_CONV through. */
export const DURABLE_NAME = 'persistence';
/** Redelivery after a crash comes this soon; retries in progress keep messages with inProgress() meanwhile. */
export const ACK_WAIT_MS = 10_000;
export const MIN_MAX_ACK_PENDING = 20_000;

/**
 * Creates SB_CONV when missing and the durable `persistence` consumer on it, or brings an existing
 * durable's editable settings up to date. Safe to run from every instance at every start.
 */
export async function ensureConversationConsumer(
  jsm: JetStreamManager,
  catalog: SubjectCatalog,
  batchMaxRows: number,
): Promise<ConsumerInfo> {
  await ensureStreams(jsm, catalog);
  // One batch in flight plus one filling are held unacknowledged; leave headroom for redeliveries.
  const maxAckPending = Math.max(MIN_MAX_ACK_PENDING, 4 * batchMaxRows);
  const config: Partial<ConsumerConfig> = {
    durable_name: DURABLE_NAME,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(ACK_WAIT_MS),
    max_ack_pending: maxAckPending,
    deliver_policy: DeliverPolicy.All,
    filter_subject: catalog.conversationsAll(),
  };
  try {
    return await jsm.consumers.add(catalog.streams.conv, config);
  } catch (err) {
    if (!/already (exists|in use)/i.test(String(err))) throw err;
    return jsm.consumers.update(catalog.streams.conv, DURABLE_NAME, {
      ack_wait: nanos(ACK_WAIT_MS),
      max_ack_pending: maxAckPending,
    });
  }
}

export interface ConversationConsumerDeps {
  /** The durable, from `js.consumers.get(catalog.streams.conv, DURABLE_NAME)`. */
  readonly consumer: Consumer;
  readonly batcher: MessageBatcher;
  readonly catalog: SubjectCatalog;
  readonly tracer: Tracer;
  readonly logger: Logger;
  readonly metrics: PipelineMetrics;
  /** How long one pull waits on the server; the batcher's own timer cuts batches meanwhile. */
  readonly fetchExpiresMs?: number;
}

/**
 * Pulls SB_CONV into the batcher. It asks for no more messages than the batcher has room for, so while
 * ClickHouse is down it stops pulling once the next batch is full, and everything it holds stays unacked.
 */
export class ConversationConsumer {
  private running: Promise<void> | undefined;
  private stopping = false;
  private current: ConsumerMessages | undefined;
  private wake: (() => void) | undefined;
  private signalStop: () => void = () => undefined;
  private readonly stopRequested = new Promise<void>((resolve) => {
    this.signalStop = resolve;
  });
  private readonly log: Logger;

  constructor(private readonly deps: ConversationConsumerDeps) {
    this.log = deps.logger.child({ component: 'consumer' });
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Stops pulling, then stores and acks what was already received. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.signalStop();
    this.wake?.();
    // Messages already received are still yielded; only pulls in flight are dropped (redelivered after ack wait).
    await this.current?.close();
    await this.running;
    await this.deps.batcher.stop();
  }

  private async run(): Promise<void> {
    const { consumer, batcher } = this.deps;
    let failures = 0;
    while (!this.isStopping()) {
      // While ClickHouse is down the batcher may have no room for a long time; stop must not wait for it.
      await Promise.race([batcher.whenRoom(), this.stopRequested]);
      if (this.isStopping()) break;
      try {
        const messages = await consumer.fetch({
          max_messages: batcher.room(),
          expires: this.deps.fetchExpiresMs ?? 5000,
        });
        this.current = messages;
        if (this.isStopping()) await messages.close();
        for await (const m of messages) this.accept(m);
        failures = 0;
      } catch (err) {
        failures += 1;
        const delay = retryDelayMs(failures, 250, 5000);
        this.log.warn({ err, retry_in_ms: delay }, 'pulling from the conversation stream failed');
        await this.pause(delay);
      } finally {
        this.current = undefined;
      }
    }
  }

  // A method, not a field read, so TypeScript does not narrow it across awaits.
  private isStopping(): boolean {
    return this.stopping;
  }

  private accept(m: JsMsg): void {
    const parent = extractNatsHeaders(m.headers);
    const intake = readDelivery(m.subject, m.data, this.deps.catalog);
    if (intake.kind === 'poison') {
      context.with(parent, () => {
        this.log.error(
          { stream_seq: m.seq, subject: m.subject, redelivered: m.redelivered, reason: intake.reason },
          'poison message terminated',
        );
      });
      // Without a reason: servers before 2.10 do not understand "+TERM <reason>".
      m.term();
      this.deps.metrics.poisonMessage();
      return;
    }
    const { message } = intake;
    const span = this.deps.tracer.startSpan(
      'persistence.store',
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'sb.tenant_id': message.tenantId,
          'sb.conversation_id': message.conversationId,
          'sb.seq': message.seq,
          'messaging.system': 'nats',
          'messaging.destination.name': m.subject,
          'messaging.nats.stream_sequence': m.seq,
        },
      },
      parent,
    );
    this.deps.batcher.add({ row: intake.row, handle: new TracedDelivery(m, span) });
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

/** Settles one JetStream delivery and ends its `persistence.store` span with it. */
class TracedDelivery implements DeliveryHandle {
  constructor(
    private readonly msg: JsMsg,
    private readonly span: Span,
  ) {}

  ack(): void {
    try {
      this.msg.ack();
    } finally {
      this.span.end();
    }
  }

  nak(): void {
    try {
      this.msg.nak();
    } finally {
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: 'not stored; returned for redelivery' });
      this.span.end();
    }
  }

  inProgress(): void {
    this.span.addEvent('insert retrying');
    this.msg.working();
  }
}
