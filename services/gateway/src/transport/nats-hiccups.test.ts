import { DebugEvents, Events } from 'nats';
import { isDeliveryHiccup } from './nats-hiccups';

describe('isDeliveryHiccup', () => {
  it('isDeliveryHiccup - a reconnect or a slow-consumer error triggers a re-read; other statuses do not', () => {
    expect(isDeliveryHiccup({ type: Events.Reconnect, data: '127.0.0.1:4222' })).toBe(true);
    expect(isDeliveryHiccup({ type: Events.Error, data: 'Slow Consumer' })).toBe(true);
    expect(isDeliveryHiccup({ type: Events.Error, data: 'PERMISSIONS_VIOLATION' })).toBe(false);
    expect(isDeliveryHiccup({ type: Events.Disconnect, data: '127.0.0.1:4222' })).toBe(false);
    expect(isDeliveryHiccup({ type: DebugEvents.Reconnecting, data: '127.0.0.1:4222' })).toBe(false);
  });
});
