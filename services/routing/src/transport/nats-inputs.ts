import { AgentPresence, ConversationEvent, type SubjectCatalog } from '@switchboard/proto';
import { decodeOrBadFrame, type Logger } from '@switchboard/shared';
import type { ConsumerMessages, JetStreamClient, NatsConnection, Subscription } from 'nats';
import type { Dispatcher } from '../domain/dispatcher';

export interface RoutingInputs {
  /** Resolves once the replay of past lifecycle events has caught up. */
  readonly caughtUp: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Feeds the dispatcher: every lifecycle event on SB_EVENTS from the beginning (an ordered consumer, so
 * a restart rebuilds the same state), and the gateways' presence heartbeats. Dispatching starts only
 * after the replay caught up, so old events do not cause stale assignments.
 */
export async function feedDispatcher(
  nc: NatsConnection,
  js: JetStreamClient,
  catalog: SubjectCatalog,
  dispatcher: Dispatcher,
  logger: Logger,
  tickMs: number,
): Promise<RoutingInputs> {
  const log = logger.child({ component: 'inputs' });
  let live = false;
  let markCaughtUp: () => void = () => undefined;
  const caughtUp = new Promise<void>((resolve) => {
    markCaughtUp = () => {
      if (live) return;
      live = true;
      log.info('lifecycle replay caught up');
      resolve();
    };
  });
  const kick = (tenantId: string): void => {
    if (live) void dispatcher.dispatch(tenantId);
  };

  const consumer = await js.consumers.get(catalog.streams.events, {
    filterSubjects: catalog.conversationEventsAll(),
  });
  const info = await consumer.info(true);
  if (info.num_pending === 0) markCaughtUp();
  const messages: ConsumerMessages = await consumer.consume();
  const pump = (async () => {
    for await (const m of messages) {
      try {
        const e = decodeOrBadFrame('lifecycle event', () => ConversationEvent.decode(m.data));
        kick(dispatcher.applyEvent(e));
      } catch (err) {
        log.warn({ err, stream_seq: m.seq }, 'skipping undecodable lifecycle event');
      }
      if (m.info.pending === 0) markCaughtUp();
    }
  })();

  const presence: Subscription = nc.subscribe(catalog.presenceAll(), {
    callback: (_err, m) => {
      try {
        kick(dispatcher.applyPresence(decodeOrBadFrame('presence', () => AgentPresence.decode(m.data))));
      } catch (err) {
        log.warn({ err }, 'skipping undecodable presence heartbeat');
      }
    },
  });

  const tenantsWithWaiting = new Set<string>();
  const tick = setInterval(() => {
    for (const t of dispatcher.tenantsWithWaiting()) tenantsWithWaiting.add(t);
    for (const t of tenantsWithWaiting) kick(t);
    tenantsWithWaiting.clear();
  }, tickMs);

  return {
    caughtUp,
    stop: async () => {
      clearInterval(tick);
      presence.unsubscribe();
      await messages.close();
      await pump;
    },
  };
}
