import { AgentPresence, UnifiedMessage, type SubjectCatalog } from '@switchboard/proto';
import { decodeOrBadFrame, type Logger } from '@switchboard/shared';
import type { NatsConnection, Subscription } from 'nats';
import type { RoutingService } from '../domain/routing-service';

export interface RoutingInputs {
  stop(): Promise<void>;
}

/**
 * Core subscriptions: gateways' presence heartbeats (sb.v1.presence.*) and every stored message
 * (sb.v1.live.>), which restarts idle clocks and feeds response times.
 */
export function subscribeInputs(
  nc: NatsConnection,
  catalog: SubjectCatalog,
  service: RoutingService,
  kick: () => void,
  logger: Logger,
): RoutingInputs {
  const log = logger.child({ component: 'inputs' });
  const presence: Subscription = nc.subscribe(catalog.presenceAll(), {
    callback: (err, m) => {
      if (err !== null) {
        log.warn({ err }, 'presence subscription error');
        return;
      }
      try {
        service.applyPresence(decodeOrBadFrame('presence', () => AgentPresence.decode(m.data)));
        kick();
      } catch (e) {
        log.warn({ err: e }, 'skipping undecodable presence heartbeat');
      }
    },
  });
  const live: Subscription = nc.subscribe(catalog.liveConversationsAll(), {
    callback: (err, m) => {
      if (err !== null) {
        log.warn({ err }, 'live subscription error');
        return;
      }
      try {
        service.applyMessage(decodeOrBadFrame('live message', () => UnifiedMessage.decode(m.data)));
      } catch (e) {
        log.warn({ err: e, subject: m.subject }, 'skipping undecodable live message');
      }
    },
  });
  return {
    stop: async () => {
      await Promise.all([presence.drain(), live.drain()]);
    },
  };
}
