import {
  AgentPresence,
  ConversationEvent,
  ConversationSignal,
  QueueSnapshot,
  UnifiedMessage,
  type SubjectCatalog,
} from '@switchboard/proto';
import { decodeOrBadFrame, type Logger } from '@switchboard/shared';
import type { NatsConnection, Subscription } from 'nats';

export type Unsubscribe = () => void;

/**
 * The gateway's live view of NATS: conversation messages, lifecycle events, presence. Core subscriptions
 * miss what is published while the connection is down; stored messages are read with a MessageLog.
 */
export interface ConversationBus {
  /** Live messages of a conversation (core subscription shared by all local sockets). */
  onMessages(tenantId: string, conversationId: string, listener: (m: UnifiedMessage) => void): Unsubscribe;
  /** A tenant's lifecycle events (core subscription shared by all local sockets of the tenant). */
  onTenantEvents(tenantId: string, listener: (e: ConversationEvent) => void): Unsubscribe;
  publishPresence(p: AgentPresence): void;
  /** Ephemeral signals of a conversation: typing, read receipts, queue status, idle warnings. */
  onSignals(tenantId: string, conversationId: string, listener: (s: ConversationSignal) => void): Unsubscribe;
  publishSignal(s: ConversationSignal): void;
  /** A tenant's queue snapshots from routing (for agents). */
  onQueue(tenantId: string, listener: (q: QueueSnapshot) => void): Unsubscribe;
}

/** One NATS subscription per subject however many local listeners it has. */
class SharedSubscriptions<T> {
  private readonly entries = new Map<string, { sub: Subscription; listeners: Set<(v: T) => void> }>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly decode: (data: Uint8Array) => T,
    private readonly log: Logger,
  ) {}

  add(subject: string, listener: (v: T) => void): Unsubscribe {
    let entry = this.entries.get(subject);
    if (entry === undefined) {
      const listeners = new Set<(v: T) => void>();
      const sub = this.nc.subscribe(subject, {
        callback: (_err, msg) => {
          let value: T;
          try {
            value = this.decode(msg.data);
          } catch (err) {
            this.log.warn({ err, subject }, 'dropping undecodable message');
            return;
          }
          for (const l of listeners) l(value);
        },
      });
      entry = { sub, listeners };
      this.entries.set(subject, entry);
    }
    const e = entry;
    e.listeners.add(listener);
    return () => {
      e.listeners.delete(listener);
      if (e.listeners.size === 0 && this.entries.get(subject) === e) {
        this.entries.delete(subject);
        e.sub.unsubscribe();
      }
    };
  }

  get size(): number {
    return this.entries.size;
  }
}

export class NatsConversationBus implements ConversationBus {
  private readonly messages: SharedSubscriptions<UnifiedMessage>;
  private readonly events: SharedSubscriptions<ConversationEvent>;
  private readonly signals: SharedSubscriptions<ConversationSignal>;
  private readonly queues: SharedSubscriptions<QueueSnapshot>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly catalog: SubjectCatalog,
    logger: Logger,
  ) {
    const log = logger.child({ component: 'bus' });
    this.messages = new SharedSubscriptions(
      nc,
      (d) => decodeOrBadFrame('message', () => UnifiedMessage.decode(d)),
      log,
    );
    this.events = new SharedSubscriptions(
      nc,
      (d) => decodeOrBadFrame('event', () => ConversationEvent.decode(d)),
      log,
    );
    this.signals = new SharedSubscriptions(
      nc,
      (d) => decodeOrBadFrame('signal', () => ConversationSignal.decode(d)),
      log,
    );
    this.queues = new SharedSubscriptions(
      nc,
      (d) => decodeOrBadFrame('queue snapshot', () => QueueSnapshot.decode(d)),
      log,
    );
  }

  onSignals(
    tenantId: string,
    conversationId: string,
    listener: (s: ConversationSignal) => void,
  ): Unsubscribe {
    return this.signals.add(this.catalog.conversationSignals(tenantId, conversationId), listener);
  }

  publishSignal(s: ConversationSignal): void {
    this.nc.publish(
      this.catalog.conversationSignals(s.tenantId, s.conversationId),
      ConversationSignal.encode(s).finish(),
    );
  }

  onQueue(tenantId: string, listener: (q: QueueSnapshot) => void): Unsubscribe {
    return this.queues.add(this.catalog.queue(tenantId), listener);
  }

  onMessages(tenantId: string, conversationId: string, listener: (m: UnifiedMessage) => void): Unsubscribe {
    return this.messages.add(this.catalog.liveConversation(tenantId, conversationId), listener);
  }

  onTenantEvents(tenantId: string, listener: (e: ConversationEvent) => void): Unsubscribe {
    return this.events.add(this.catalog.conversationEventsOfTenant(tenantId), listener);
  }

  publishPresence(p: AgentPresence): void {
    this.nc.publish(this.catalog.presence(p.tenantId), AgentPresence.encode(p).finish());
  }

  get subscriptionCount(): number {
    return this.messages.size + this.events.size + this.signals.size + this.queues.size;
  }
}
