import { ConversationEvent, type SubjectCatalog } from '@switchboard/proto';
import { decodeOrBadFrame, isNotFound, type Logger } from '@switchboard/shared';
import {
  AckPolicy,
  DeliverPolicy,
  nanos,
  type ConsumerConfig,
  type ConsumerInfo,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from 'nats';
import type { RoutingService } from '../domain/routing-service';

/** The durable consumer routing reads SB_EVENTS through (one active routing instance). */
export const DURABLE_NAME = 'routing';
export const ACK_WAIT_MS = 30_000;
export const MAX_ACK_PENDING = 1000;

/**
 * Creates the durable on SB_EVENTS (filtered on conversation events), or restarts it right after its ack
 * floor when a previous process left events delivered but unacknowledged: those would otherwise come back
 * only after the ack wait, and routing must have applied them before it dispatches.
 */
export async function ensureLifecycleConsumer(
  jsm: JetStreamManager,
  catalog: SubjectCatalog,
): Promise<ConsumerInfo> {
  const stream = catalog.streams.events;
  const base: Partial<ConsumerConfig> = {
    durable_name: DURABLE_NAME,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(ACK_WAIT_MS),
    max_ack_pending: MAX_ACK_PENDING,
    filter_subject: catalog.conversationEventsAll(),
  };
  let info: ConsumerInfo | undefined;
  try {
    info = await jsm.consumers.info(stream, DURABLE_NAME);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (info === undefined) {
    return addOrGet(jsm, stream, { ...base, deliver_policy: DeliverPolicy.All });
  }
  if (info.num_ack_pending === 0 && info.config.filter_subject === base.filter_subject) return info;
  const from = info.ack_floor.stream_seq + 1;
  await jsm.consumers.delete(stream, DURABLE_NAME);
  return addOrGet(jsm, stream, { ...base, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from });
}

async function addOrGet(
  jsm: JetStreamManager,
  stream: string,
  cfg: Partial<ConsumerConfig>,
): Promise<ConsumerInfo> {
  try {
    return await jsm.consumers.add(stream, cfg);
  } catch (err) {
    if (!/already (exists|in use)/i.test(String(err))) throw err;
    return jsm.consumers.info(stream, DURABLE_NAME);
  }
}

/**
 * Applies SB_EVENTS' conversation events in stream order and acknowledges each once what it changed is
 * durable in the mirror. `caughtUp` resolves when nothing older is pending (then routing may dispatch).
 */
export class LifecycleConsumer {
  private messages: ConsumerMessages | undefined;
  private pump: Promise<void> | undefined;
  private poll: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private stopping = false;
  private live = false;
  private markCaughtUp: () => void = () => undefined;
  readonly caughtUp = new Promise<void>((resolve) => {
    this.markCaughtUp = resolve;
  });
  private readonly log: Logger;
  private applied = 0;

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly catalog: SubjectCatalog,
    private readonly service: RoutingService,
    private readonly onApplied: () => void,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'lifecycle-consumer' });
  }

  /** Events applied since start. */
  get appliedCount(): number {
    return this.applied;
  }

  async start(): Promise<void> {
    const info = await ensureLifecycleConsumer(this.jsm, this.catalog);
    this.log.info(
      { pending: info.num_pending, ack_floor: info.ack_floor.stream_seq },
      'lifecycle consumer ready; replaying what was not acknowledged',
    );
    const consumer = await this.js.consumers.get(this.catalog.streams.events, DURABLE_NAME);
    if (info.num_pending === 0 && info.num_ack_pending === 0) this.caught();
    else {
      // Also notices catching up when the last pending events expired before delivery.
      this.poll = setInterval(() => {
        consumer.info().then(
          (i) => {
            if (i.num_pending === 0 && i.num_ack_pending === 0) this.caught();
          },
          (err: unknown) => {
            this.log.debug({ err }, 'consumer info failed');
          },
        );
      }, 1000);
    }
    this.messages = await consumer.consume({ max_messages: 256, abort_on_missing_resource: true });
    this.pump = this.run(this.messages);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.poll);
    clearTimeout(this.retry);
    this.wake?.();
    await this.messages?.close();
    await this.pump;
  }

  /** Consumes until stopped; if the consumer fails (e.g. the durable was deleted) it is set up again. */
  private async run(first: ConsumerMessages): Promise<void> {
    let messages: ConsumerMessages | undefined = first;
    let failures = 0;
    while (!this.isStopping()) {
      try {
        if (messages === undefined) {
          await ensureLifecycleConsumer(this.jsm, this.catalog);
          const consumer = await this.js.consumers.get(this.catalog.streams.events, DURABLE_NAME);
          messages = await consumer.consume({ max_messages: 256, abort_on_missing_resource: true });
          this.messages = messages;
          if (this.isStopping()) await messages.close();
        }
        for await (const m of messages) {
          failures = 0;
          this.accept(m);
        }
      } catch (err) {
        failures++;
        this.log.error({ err, failures }, 'lifecycle consumer failed; setting it up again');
      }
      messages = undefined;
      if (this.isStopping()) break;
      await new Promise<void>((resolve) => {
        this.retry = setTimeout(resolve, Math.min(10_000, 500 * 2 ** Math.min(failures, 5)));
        this.wake = resolve;
      });
    }
  }

  // A method, not a field read, so TypeScript does not narrow it across awaits.
  private isStopping(): boolean {
    return this.stopping;
  }

  private accept(m: JsMsg): void {
    let event: ConversationEvent;
    try {
      event = decodeOrBadFrame('lifecycle event', () => ConversationEvent.decode(m.data));
    } catch (err) {
      this.log.error({ err, stream_seq: m.seq, subject: m.subject }, 'undecodable lifecycle event skipped');
      m.term();
      return;
    }
    let durable: Promise<void>;
    try {
      durable = this.service.applyEvent(event, m.seq);
    } catch (err) {
      this.log.error(
        { err, stream_seq: m.seq, subject: m.subject },
        'lifecycle event could not be applied; skipped',
      );
      m.term();
      return;
    }
    durable.then(
      () => {
        m.ack();
      },
      (err: unknown) => {
        this.log.warn(
          { err, stream_seq: m.seq },
          'mirroring a lifecycle event failed; it will be redelivered',
        );
        m.nak(1000);
      },
    );
    this.applied++;
    if (m.info.pending === 0) this.caught();
    this.onApplied();
  }

  private caught(): void {
    clearInterval(this.poll);
    if (this.live) return;
    this.live = true;
    this.log.info({ applied: this.applied }, 'lifecycle events caught up');
    this.markCaughtUp();
  }
}
