import { Events, type NatsConnection, type Status } from 'nats';

/**
 * True for the NATS statuses after which core subscriptions may have missed messages: a reconnect (the
 * connection was down) or a slow-consumer error (the server dropped messages for this client).
 */
export function isDeliveryHiccup(s: Pick<Status, 'type' | 'data'>): boolean {
  if (s.type === Events.Reconnect) return true;
  return s.type === Events.Error && typeof s.data === 'string' && /slow consumer/i.test(s.data);
}

/** Calls `onHiccup` for every such status until the connection closes. */
export function watchDeliveryHiccups(nc: NatsConnection, onHiccup: (status: string) => void): void {
  void (async () => {
    for await (const s of nc.status()) {
      if (isDeliveryHiccup(s)) onHiccup(s.type);
    }
  })();
}
